import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key/index.js';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias/index.js';
import type { StackContext } from './context.ts';
import { policy, type Statement } from './iam.ts';

/** The services that may use the environment key on behalf of principals of this account. */
export const KEY_SERVICES = [
  's3',
  'secretsmanager',
  'glue',
  'redshift',
  'redshift-serverless',
  'ecr',
  'sns',
  'states',
  'scheduler',
] as const;

/** Cryptographic operations, named one by one (no wildcards). */
export const KEY_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
];

/** Administration of the key, named one by one; none of them reads or writes data. */
export const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/**
 * One customer-managed key per environment, rotated yearly. Its policy (a key policy's Resource is
 * always "*", meaning "this key") lets the account administer it, lets the account's principals use it
 * only through the services named in KEY_SERVICES, and lets CloudWatch Logs (for this account's log
 * groups), log delivery (Step Functions execution logs) and EventBridge (to publish to the encrypted
 * alert topic) and CloudWatch alarms (to publish to it too), from this account, use it directly.
 */
export class EnvironmentKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, ctx: StackContext) {
    super(scope, id);
    const root = `arn:${ctx.partition}:iam::${ctx.accountId}:root`;
    const statements: Statement[] = [
      {
        Sid: 'KeyAdministrationByAccount',
        Effect: 'Allow',
        Principal: { AWS: root },
        Action: KEY_ADMIN_ACTIONS,
        Resource: '*',
      },
      {
        Sid: 'UseThroughNamedServicesOnly',
        Effect: 'Allow',
        Principal: { AWS: root },
        Action: KEY_USE_ACTIONS,
        Resource: '*',
        Condition: {
          StringEquals: {
            'kms:CallerAccount': ctx.accountId,
            'kms:ViaService': KEY_SERVICES.map((s) => `${s}.${ctx.region}.amazonaws.com`),
          },
        },
      },
      {
        Sid: 'GrantsForAwsResourcesOnly',
        Effect: 'Allow',
        Principal: { AWS: root },
        Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        Resource: '*',
        Condition: {
          Bool: { 'kms:GrantIsForAWSResource': true },
          StringEquals: { 'kms:ViaService': KEY_SERVICES.map((s) => `${s}.${ctx.region}.amazonaws.com`) },
        },
      },
      {
        Sid: 'CloudWatchLogsForThisAccountsLogGroups',
        Effect: 'Allow',
        Principal: { Service: `logs.${ctx.region}.amazonaws.com` },
        Action: KEY_USE_ACTIONS,
        Resource: '*',
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:*`,
          },
        },
      },
      {
        // Step Functions hands execution logs (encrypted with this key) to CloudWatch log delivery.
        Sid: 'LogDeliveryOfEncryptedExecutions',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: ['kms:Decrypt'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': ctx.accountId } },
      },
      {
        Sid: 'EventBridgePublishesToEncryptedTopic',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': ctx.accountId } },
      },
      {
        // CloudWatch alarms publish to the encrypted alert topic (stacks/monitoring.ts).
        Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': ctx.accountId } },
      },
    ];

    this.key = new KmsKey(this, 'key', {
      description: `${ctx.names.of('key')}: encrypts every store of the ${ctx.settings.name} environment`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: ctx.settings.protectData ? 30 : 7,
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      multiRegion: false,
      policy: policy(...statements),
      tags: { ...ctx.tags, Name: ctx.names.of('key') },
    });
    new KmsAlias(this, 'alias', { name: `alias/${ctx.names.of('key')}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
