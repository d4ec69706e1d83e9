import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging/index.js';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy/index.js';
import type { StackContext } from './context.ts';
import type { Statement } from './iam.ts';
import { policy } from './iam.ts';

export type BucketPurpose = 'landing' | 'staging' | 'reports' | 'access-logs';

/** One bucket and everything that makes it safe. */
export interface SecureBucket {
  purpose: BucketPurpose;
  bucket: S3Bucket;
  /** The bucket's name (a Terraform reference). */
  name: string;
  arn: string;
}

/**
 * The environment's buckets: landing (the source files), staging (parts and manifests), reports, and
 * access logs. Each: SSE-KMS with the environment key and a bucket key (access logs: SSE-S3, which S3
 * server access logging requires), all four public-access blocks, BucketOwnerEnforced, versioning,
 * a policy denying non-TLS (and TLS < 1.2) requests, access logging, and lifecycle rules.
 */
export class Storage extends Construct {
  readonly landing: SecureBucket;
  readonly staging: SecureBucket;
  readonly reports: SecureBucket;
  readonly accessLogs: SecureBucket;

  constructor(scope: Construct, id: string, ctx: StackContext, keyArn: string) {
    super(scope, id);
    const r = ctx.settings.retention;
    this.accessLogs = this.secureBucket(ctx, 'access-logs', null, [
      { id: 'expire-access-logs', status: 'Enabled', filter: [{}], expiration: [{ days: r.accessLogDays }] },
    ]);
    this.landing = this.secureBucket(ctx, 'landing', keyArn, []);
    this.staging = this.secureBucket(ctx, 'staging', keyArn, [
      { id: 'expire-staging-parts', status: 'Enabled', filter: [{}], expiration: [{ days: r.stagingDays }] },
    ]);
    this.reports = this.secureBucket(ctx, 'reports', keyArn, [
      { id: 'expire-reports', status: 'Enabled', filter: [{}], expiration: [{ days: r.reportsDays }] },
    ]);

    const all = [this.accessLogs, this.landing, this.staging, this.reports];
    for (const b of all) {
      // Server access logs of every bucket (the log bucket too, under its own prefix) go to the log bucket.
      new S3BucketLoggingA(this, `${b.purpose}-logging`, {
        bucket: b.bucket.id,
        targetBucket: this.accessLogs.bucket.id,
        targetPrefix: `${b.purpose}/`,
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
      });
    }
    // S3 delivers access logs as the logging service; only for this account's buckets.
    this.bucketPolicy(this.accessLogs, keyArn, [
      {
        Sid: 'S3ServerAccessLogDelivery',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: ['s3:PutObject'],
        Resource: [`${this.accessLogs.arn}/*`],
        Condition: {
          StringEquals: { 'aws:SourceAccount': ctx.accountId },
          ArnLike: { 'aws:SourceArn': all.map((b) => b.arn) },
        },
      },
    ]);
    for (const b of [this.landing, this.staging, this.reports]) this.bucketPolicy(b, keyArn, []);
  }

  private secureBucket(
    ctx: StackContext,
    purpose: BucketPurpose,
    keyArn: string | null,
    rules: S3BucketLifecycleConfigurationRule[],
  ): SecureBucket {
    const { names, settings } = ctx;
    const bucket = new S3Bucket(this, purpose, {
      // Bucket names are global: the account id makes them unique, the prefix says what they are.
      bucket: `${names.of(purpose)}-${ctx.accountId}`,
      forceDestroy: !settings.protectData,
      tags: { ...ctx.tags, Name: names.of(purpose), Purpose: purpose },
    });
    new S3BucketPublicAccessBlock(this, `${purpose}-public-access-block`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, `${purpose}-ownership`, {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketVersioningA(this, `${purpose}-versioning`, {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, `${purpose}-encryption`, {
      bucket: bucket.id,
      rule: [
        keyArn
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true },
      ],
    });
    const r = settings.retention;
    new S3BucketLifecycleConfiguration(this, `${purpose}-lifecycle`, {
      bucket: bucket.id,
      rule: [
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: r.abortMultipartDays }],
        },
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: r.noncurrentVersionDays }],
        },
        ...rules,
      ],
    });
    return { purpose, bucket, name: bucket.bucket, arn: bucket.arn };
  }

  private bucketPolicy(b: SecureBucket, keyArn: string, extra: Statement[]): void {
    const both = [b.arn, `${b.arn}/*`];
    const statements: Statement[] = [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: both,
        Condition: { Bool: { 'aws:SecureTransport': false } },
      },
      {
        Sid: 'DenyTlsOlderThan12',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: both,
        Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
      },
    ];
    if (b.purpose !== 'access-logs') {
      statements.push({
        Sid: 'DenyObjectsEncryptedWithAnotherKey',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: [`${b.arn}/*`],
        // Only when the request names a key (Null: false); requests that name none get the bucket default.
        Condition: {
          Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
          StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn },
        },
      });
    }
    new S3BucketPolicy(this, `${b.purpose}-policy`, { bucket: b.bucket.id, policy: policy(...statements, ...extra) });
  }
}
