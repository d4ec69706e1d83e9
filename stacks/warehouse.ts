import { Construct } from 'constructs';
import { TerraformLocal } from 'cdktf';
import { RedshiftCluster } from '@cdktf/provider-aws/lib/redshift-cluster/index.js';
import { RedshiftSubnetGroup } from '@cdktf/provider-aws/lib/redshift-subnet-group/index.js';
import { RedshiftParameterGroup } from '@cdktf/provider-aws/lib/redshift-parameter-group/index.js';
import { RedshiftLogging } from '@cdktf/provider-aws/lib/redshift-logging/index.js';
import { RedshiftserverlessNamespace } from '@cdktf/provider-aws/lib/redshiftserverless-namespace/index.js';
import { RedshiftserverlessWorkgroup } from '@cdktf/provider-aws/lib/redshiftserverless-workgroup/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { DatasetContract } from '../datasets/index.ts';
import { arn, type StackContext } from './context.ts';
import { etlUser, warehouseSlices } from './environments.ts';
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
 *
 * The nightly jobs never use the admin secret. They log in through IAM as a least-privileged database
 * user that `redshift-loader setup` creates (PASSWORD DISABLE, only the grants a load needs):
 * - provisioned: RL_WAREHOUSE `redshift-data:cluster/<id>/<db>?user=<etlUser>`; the Data API gets
 *   temporary credentials for exactly that user (redshift:GetClusterCredentials on its dbuser and the
 *   database's dbname ARN; no CreateClusterUser, so no AutoCreate; no JoinGroup, so no DbGroups);
 * - serverless: RL_WAREHOUSE `redshift-data:workgroup/<name>/<db>`; the Data API maps the job role to
 *   the database user `IAMR:<job role name>` (redshift-serverless:GetCredentials on the workgroup).
 */
export class Warehouse extends Construct {
  readonly copyRole: IamRole;
  /** The warehouse URI the jobs read (RL_WAREHOUSE). */
  readonly uri: string;
  /** The database user the jobs log in as: what an admin passes to `setup --etl-user`. */
  readonly jobDatabaseUser: string;
  /**
   * The ARN of the admin secret Redshift manages (`manage_master_password`): Redshift creates and
   * rotates it, encrypted with the environment key; Terraform never sees the password. For the admin
   * who runs `setup` once; the jobs neither get it nor may read it.
   */
  readonly adminSecretArn: string;
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

    const dataApiOwnStatements = allow(
      'DataApiOwnStatementsOnly',
      ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement', 'redshift-data:ListStatements'],
      // These actions support no resource type: "*" is the only Resource IAM accepts. The condition
      // limits them to statements this role itself started.
      ['*'],
      { StringEquals: { 'redshift-data:statement-owner-iam-userid': iamVariable('aws:userid') } },
    );

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
      const user = etlUser(settings);
      this.jobDatabaseUser = user;
      // validateEnvironment admits only [a-z0-9_] user names: nothing to escape in the URI.
      this.uri = `redshift-data:cluster/${clusterId}/${db}?user=${user}`;
      this.adminSecretArn = new TerraformLocal(this, 'secret-arn', this.cluster.masterPasswordSecretArn).asString;
      this.jobStatements = [
        // ExecuteStatement/BatchExecuteStatement support the resource type `cluster` (Service
        // Authorization Reference, Redshift Data API): this cluster only.
        allow('DataApiOnThisCluster', ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'], [arn(ctx, 'redshift', `cluster:${clusterId}`)]),
        // Temporary credentials for the ETL user, in this cluster's database, and nothing else: the
        // dbuser ARN names the one user, the dbname ARN the one database (the Data API passes DbName).
        // Not granted: redshift:CreateClusterUser (AutoCreate: a missing user is not created),
        // redshift:JoinGroup (DbGroups), redshift:GetClusterCredentialsWithIAM (IAMR:<role> users).
        allow('TemporaryCredentialsForTheEtlUser', ['redshift:GetClusterCredentials'], [
          arn(ctx, 'redshift', `dbuser:${clusterId}/${user}`),
          arn(ctx, 'redshift', `dbname:${clusterId}/${db}`),
        ]),
        dataApiOwnStatements,
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
      // The Data API maps an IAM role to the database user IAMR:<role name> (created at the first login,
      // with no privileges until an admin grants the load's; docs/deploy.md: `setup --etl-user` cannot
      // take that name yet, sql/sql-text.ts ident() refuses it).
      this.jobDatabaseUser = `IAMR:${names.jobRole()}`;
      this.adminSecretArn = new TerraformLocal(this, 'secret-arn', this.namespace.adminPasswordSecretArn).asString;
      this.jobStatements = [
        allow('DataApiOnThisWorkgroup', ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'], [this.workgroup.arn]),
        allow('IamCredentialsForThisWorkgroup', ['redshift-serverless:GetCredentials'], [this.workgroup.arn]),
        dataApiOwnStatements,
      ];
    }
  }
}
