import { Construct } from 'constructs';
import { RedshiftCluster } from '@cdktf/provider-aws/lib/redshift-cluster/index.js';
import { RedshiftSubnetGroup } from '@cdktf/provider-aws/lib/redshift-subnet-group/index.js';
import { RedshiftParameterGroup } from '@cdktf/provider-aws/lib/redshift-parameter-group/index.js';
import { RedshiftLogging } from '@cdktf/provider-aws/lib/redshift-logging/index.js';
import { RedshiftserverlessNamespace } from '@cdktf/provider-aws/lib/redshiftserverless-namespace/index.js';
import { RedshiftserverlessWorkgroup } from '@cdktf/provider-aws/lib/redshiftserverless-workgroup/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import type { DatasetContract } from '../datasets/index.ts';
import { arn, type StackContext } from './context.ts';
import { warehouseSlices } from './environments.ts';
import { allow, iamVariable, policy, trustService, type Statement } from './iam.ts';
import type { Network } from './network.ts';
import { REDSHIFT_PORT } from './network.ts';
import type { Storage } from './storage.ts';

export const AUDIT_LOG_TYPES = ['connectionlog', 'userlog', 'useractivitylog'] as const;

/** Parameters every warehouse runs with: TLS only, and every query logged. */
export const WAREHOUSE_PARAMETERS = { require_ssl: 'true', enable_user_activity_logging: 'true' } as const;

/**
 * Redshift: a provisioned cluster by default (or Serverless, by settings). Encrypted with the key,
 * private, enhanced VPC routing, the admin password managed by Redshift in Secrets Manager (never in
 * Terraform state), TLS required, audit logs to encrypted log groups, automated snapshots. A COPY role
 * that can read only the staging prefixes of the datasets and decrypt them with the key.
 */
export class Warehouse extends Construct {
  readonly copyRole: IamRole;
  /** The warehouse URI the jobs read (RL_WAREHOUSE). */
  readonly uri: string;
  /** The secret the loader's own database user's credentials go into (RL_SECRET_ARN); set by `redshift-loader setup`. */
  readonly loaderSecret: SecretsmanagerSecret;
  readonly slices: number;
  /** What the job role needs to run statements through the Data API, scoped to this warehouse. */
  readonly jobStatements: Statement[];
  readonly cluster?: RedshiftCluster;
  readonly namespace?: RedshiftserverlessNamespace;
  readonly workgroup?: RedshiftserverlessWorkgroup;

  constructor(
    scope: Construct,
    id: string,
    ctx: StackContext,
    deps: { keyArn: string; network: Network; storage: Storage; datasets: DatasetContract[] },
  ) {
    super(scope, id);
    const { names, settings } = ctx;
    const w = settings.warehouse;
    const db = settings.database;
    this.slices = warehouseSlices(w);

    // COPY reads the staging prefix of each dataset, nothing else.
    const staging = deps.storage.staging;
    this.copyRole = new IamRole(this, 'copy-role', {
      name: names.of('redshift-copy'),
      description: 'Redshift assumes this role to COPY staged parts; it reads the staging prefixes only',
      assumeRolePolicy: trustService(
        w.kind === 'provisioned' ? 'redshift.amazonaws.com' : ['redshift.amazonaws.com', 'redshift-serverless.amazonaws.com'],
        ctx.accountId,
      ),
      tags: ctx.tags,
    });
    new IamRolePolicy(this, 'copy-policy', {
      name: names.of('copy-from-staging'),
      role: this.copyRole.name,
      policy: policy(
        allow('ReadStagedParts', ['s3:GetObject'], deps.datasets.map((d) => `${staging.arn}/${d.name}/*`)),
        allow('ListStagingPrefixes', ['s3:ListBucket'], [staging.arn], {
          StringLike: { 's3:prefix': deps.datasets.map((d) => `${d.name}/*`) },
        }),
        allow('LocateStagingBucket', ['s3:GetBucketLocation'], [staging.arn]),
        allow('DecryptStagedParts', ['kms:Decrypt'], [deps.keyArn], {
          StringEquals: { 'kms:ViaService': `s3.${ctx.region}.amazonaws.com` },
        }),
      ),
    });

    this.loaderSecret = new SecretsmanagerSecret(this, 'loader-secret', {
      name: `${names.of('warehouse-loader')}`,
      description: `Credentials of the loader's database user in ${settings.name} (written by redshift-loader setup, never by Terraform)`,
      kmsKeyId: deps.keyArn,
      recoveryWindowInDays: settings.protectData ? 30 : 7,
      tags: ctx.tags,
    });

    const dataApiOwnStatements = allow(
      'DataApiOwnStatementsOnly',
      ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement', 'redshift-data:ListStatements'],
      // These actions support no resource type: "*" is the only Resource IAM accepts. The condition
      // limits them to statements this role itself started.
      ['*'],
      { StringEquals: { 'redshift-data:statement-owner-iam-userid': iamVariable('aws:userid') } },
    );
    const readSecret = allow('ReadLoaderSecret', ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], [this.loaderSecret.arn]);

    if (w.kind === 'provisioned') {
      const clusterId = names.of('warehouse');
      const subnets = new RedshiftSubnetGroup(this, 'subnets', {
        name: names.of('redshift'),
        description: `Private subnets of ${settings.name}`,
        subnetIds: deps.network.privateSubnetIds,
        tags: ctx.tags,
      });
      const params = new RedshiftParameterGroup(this, 'parameters', {
        name: names.of('redshift'),
        family: 'redshift-1.0',
        description: 'TLS required; user activity logged',
        parameter: Object.entries(WAREHOUSE_PARAMETERS).map(([name, value]) => ({ name, value })),
        tags: ctx.tags,
      });
      const logGroups = AUDIT_LOG_TYPES.map(
        (t) =>
          new CloudwatchLogGroup(this, `audit-${t}`, {
            // The names Redshift delivers audit logs to; created here so they are encrypted and retained.
            name: `/aws/redshift/cluster/${clusterId}/${t}`,
            kmsKeyId: deps.keyArn,
            retentionInDays: settings.retention.logDays,
            tags: ctx.tags,
          }),
      );
      this.cluster = new RedshiftCluster(this, 'cluster', {
        clusterIdentifier: clusterId,
        nodeType: w.nodeType,
        clusterType: w.nodes > 1 ? 'multi-node' : 'single-node',
        numberOfNodes: w.nodes,
        databaseName: db,
        masterUsername: settings.adminUsername,
        manageMasterPassword: true,
        masterPasswordSecretKmsKeyId: deps.keyArn,
        encrypted: 'true',
        kmsKeyId: deps.keyArn,
        publiclyAccessible: false,
        enhancedVpcRouting: true,
        port: REDSHIFT_PORT,
        clusterSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [deps.network.warehouseSecurityGroup.id],
        clusterParameterGroupName: params.name,
        iamRoles: [this.copyRole.arn],
        defaultIamRoleArn: this.copyRole.arn,
        automatedSnapshotRetentionPeriod: w.snapshotRetentionDays,
        manualSnapshotRetentionPeriod: -1,
        preferredMaintenanceWindow: w.maintenanceWindow,
        allowVersionUpgrade: true,
        availabilityZoneRelocationEnabled: w.nodeType.startsWith('ra3'),
        skipFinalSnapshot: !settings.protectData,
        ...(settings.protectData ? { finalSnapshotIdentifier: `${clusterId}-final` } : {}),
        tags: ctx.tags,
      });
      new RedshiftLogging(this, 'audit-logging', {
        clusterIdentifier: this.cluster.clusterIdentifier,
        logDestinationType: 'cloudwatch',
        logExports: [...AUDIT_LOG_TYPES],
        dependsOn: logGroups,
      });
      this.uri = `redshift-data:cluster/${clusterId}/${db}`;
      const clusterArn = arn(ctx, 'redshift', `cluster:${clusterId}`);
      this.jobStatements = [
        allow('DataApiOnThisCluster', ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'], [clusterArn]),
        // IAM authentication (the database user is IAMR:<role name>), to this cluster's database only.
        allow('IamCredentialsForThisDatabase', ['redshift:GetClusterCredentialsWithIAM'], [arn(ctx, 'redshift', `dbname:${clusterId}/${db}`)]),
        dataApiOwnStatements,
        readSecret,
      ];
    } else {
      const namespaceName = names.of('warehouse');
      const workgroupName = names.of('warehouse');
      this.namespace = new RedshiftserverlessNamespace(this, 'namespace', {
        namespaceName,
        dbName: db,
        adminUsername: settings.adminUsername,
        manageAdminPassword: true,
        adminPasswordSecretKmsKeyId: deps.keyArn,
        kmsKeyId: deps.keyArn,
        iamRoles: [this.copyRole.arn],
        defaultIamRoleArn: this.copyRole.arn,
        logExports: [...AUDIT_LOG_TYPES],
        tags: ctx.tags,
      });
      this.workgroup = new RedshiftserverlessWorkgroup(this, 'workgroup', {
        workgroupName,
        namespaceName: this.namespace.namespaceName,
        baseCapacity: w.baseCapacity,
        maxCapacity: w.maxCapacity,
        publiclyAccessible: false,
        enhancedVpcRouting: true,
        port: REDSHIFT_PORT,
        subnetIds: deps.network.privateSubnetIds,
        securityGroupIds: [deps.network.warehouseSecurityGroup.id],
        configParameter: Object.entries(WAREHOUSE_PARAMETERS).map(([parameterKey, parameterValue]) => ({ parameterKey, parameterValue })),
        tags: ctx.tags,
      });
      this.uri = `redshift-data:workgroup/${workgroupName}/${db}`;
      this.jobStatements = [
        allow('DataApiOnThisWorkgroup', ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'], [this.workgroup.arn]),
        allow('IamCredentialsForThisWorkgroup', ['redshift-serverless:GetCredentials'], [this.workgroup.arn]),
        dataApiOwnStatements,
        readSecret,
      ];
    }
  }
}
