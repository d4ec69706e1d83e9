import { Construct } from 'constructs';
import { metricsNamespace } from '../core/metric-names.ts';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository/index.js';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy/index.js';
import { BatchComputeEnvironment } from '@cdktf/provider-aws/lib/batch-compute-environment/index.js';
import { BatchJobQueue } from '@cdktf/provider-aws/lib/batch-job-queue/index.js';
import { BatchJobDefinition } from '@cdktf/provider-aws/lib/batch-job-definition/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { DatasetContract } from '../datasets/index.ts';
import type { Catalog } from './catalog.ts';
import { landingRoot } from './catalog.ts';
import { arn, type StackContext } from './context.ts';
import type { JobSize } from './environments.ts';
import { allow, policy, trustService } from './iam.ts';
import { contractsPrefix, contractsUri, readContractsStatements } from './contracts-location.ts';
import { jobEnvironment } from './job-environment.ts';
import type { Network } from './network.ts';
import type { Storage } from './storage.ts';
import type { Warehouse } from './warehouse.ts';

/**
 * Exit codes Batch retries: 1 (unexpected), 5 (load or reconciliation failed) and 143 (stopped by SIGTERM,
 * rolled back and audited). Batch itself never retries a job it timed out or that was cancelled or
 * terminated, so a 143 that reaches this strategy is the platform stopping the task (Fargate task
 * retirement or maintenance): worth another attempt, and a rerun is safe. 130 (SIGINT) comes from a
 * terminal, not from Batch. Every other code ends the job.
 */
export const RETRIED_EXIT_CODES = ['1', '5', '143'] as const;
export const JOB_ATTEMPTS = 3;

/** The commands; `Ref::` names are filled from the SubmitJob parameters. */
export const JOB_COMMANDS = {
  /** One whole run in one job: kept for manual runs and backfills (the nightly machine runs the three steps). */
  run: ['run', '--dataset', 'Ref::dataset', '--date', 'Ref::date'],
  drift: ['drift', '--dataset', 'Ref::dataset'],
  plan: ['plan', '--dataset', 'Ref::dataset', '--date', 'Ref::date', '--shards', 'Ref::shards', '--pointer', 'Ref::pointer'],
  /** An array job: each child's shard is AWS_BATCH_JOB_ARRAY_INDEX (a one-shard plan overrides the command with --shard 0). */
  partition: ['partition', '--plan', 'Ref::plan'],
  load: ['load', '--plan', 'Ref::plan'],
} as const;

/**
 * The exit codes each job definition's Batch retry strategy retries. `partition` (one shard of a plan)
 * retries 1 and 143 but not 5: a shard is idempotent — its part names are fixed by plan and shard, so a
 * retried child rewrites only its own parts and manifest — so an unexpected failure or a platform stop is
 * safe to repeat; its exit 5 means a landing file changed or vanished since the plan listed it, and every
 * retry would read the same pinned version and fail the same way (a new plan is needed, not a retry).
 * plan and load retry 1, 5 and 143 as the single run does: plan writes a content-addressed plan.json (the
 * same plan again), load stages and publishes in one transaction (a rerun leaves one copy).
 */
export const RETRIED_EXIT_CODES_BY_JOB = {
  run: RETRIED_EXIT_CODES,
  drift: RETRIED_EXIT_CODES,
  plan: RETRIED_EXIT_CODES,
  partition: ['1', '143'],
  load: RETRIED_EXIT_CODES,
} as const satisfies Record<keyof typeof JOB_COMMANDS, readonly string[]>;

export type JobKind = keyof typeof JOB_COMMANDS;

/**
 * Batch on Fargate in the private subnets: a compute environment, a job queue, and the `run` and
 * `drift` job definitions, whose image comes from the environment's ECR repository (scan on push,
 * immutable tags, KMS). Two roles: the execution role pulls the image and writes logs; the job role
 * does the job (read landing, write staging and reports, read the catalog, use the warehouse).
 */
export class Compute extends Construct {
  readonly repository: EcrRepository;
  readonly computeEnvironment: BatchComputeEnvironment;
  readonly queue: BatchJobQueue;
  readonly jobDefinitions: Record<JobKind, BatchJobDefinition>;
  readonly executionRole: IamRole;
  readonly jobRole: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  /** Job definition ARNs without revision, plus `:*` for every revision (what IAM needs to submit them). */
  readonly jobDefinitionArns: Record<JobKind, string[]>;

  constructor(
    scope: Construct,
    id: string,
    ctx: StackContext,
    deps: {
      keyArn: string;
      imageTag: string;
      network: Network;
      storage: Storage;
      warehouse: Warehouse;
      catalog: Catalog;
      datasets: DatasetContract[];
    },
  ) {
    super(scope, id);
    const { names, settings } = ctx;
    const { storage, warehouse, catalog } = deps;

    this.repository = new EcrRepository(this, 'repository', {
      name: names.of(),
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: deps.keyArn }],
      forceDelete: !settings.protectData,
      tags: ctx.tags,
    });
    new EcrLifecyclePolicy(this, 'repository-lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          { rulePriority: 1, description: 'Drop untagged images after 7 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } },
          { rulePriority: 2, description: 'Keep the 50 newest images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 }, action: { type: 'expire' } },
        ],
      }),
    });

    this.logGroup = new CloudwatchLogGroup(this, 'job-logs', {
      name: names.logGroup('batch'),
      kmsKeyId: deps.keyArn,
      retentionInDays: settings.retention.logDays,
      tags: ctx.tags,
    });

    const ecsTrust = trustService('ecs-tasks.amazonaws.com', ctx.accountId, {
      ArnLike: { 'aws:SourceArn': arn(ctx, 'ecs', '*') },
    });

    this.executionRole = new IamRole(this, 'execution-role', {
      name: names.of('batch-execution'),
      description: 'Fargate pulls the job image and writes the job logs with this role',
      assumeRolePolicy: ecsTrust,
      tags: ctx.tags,
    });
    new IamRolePolicy(this, 'execution-policy', {
      name: names.of('pull-image-write-logs'),
      role: this.executionRole.name,
      policy: policy(
        // GetAuthorizationToken supports no resource type: "*" is the only Resource IAM accepts.
        allow('EcrLogin', ['ecr:GetAuthorizationToken'], ['*']),
        allow('PullJobImage', ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], [this.repository.arn]),
        allow('WriteJobLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [`${this.logGroup.arn}:*`]),
      ),
    });

    this.jobRole = new IamRole(this, 'job-role', {
      name: names.jobRole(),
      description: 'The run and drift jobs: landing read, staging and reports write, catalog read, warehouse statements as the ETL user',
      assumeRolePolicy: ecsTrust,
      tags: ctx.tags,
    });
    const roots = deps.datasets.map(landingRoot);
    // Staging and reports keys start with the dataset name (jobs/locations.ts).
    const stagingPrefixes = deps.datasets.map((d) => `${d.name}/`);
    const contracts = contractsPrefix(settings, deps.datasets);
    new IamRolePolicy(this, 'job-policy', {
      name: names.of('run-and-drift'),
      role: this.jobRole.name,
      policy: policy(
        // GetObjectVersion: a run reads each landing file at the VersionId it listed (jobs/store/s3-store.ts).
        allow('ReadLandingBatches', ['s3:GetObject', 's3:GetObjectVersion'], roots.map((r) => `${storage.landing.arn}/${r}*`)),
        allow('ListLandingBatches', ['s3:ListBucket'], [storage.landing.arn], { StringLike: { 's3:prefix': roots.map((r) => `${r}*`) } }),
        allow(
          'WriteStagedParts',
          ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          stagingPrefixes.map((p) => `${storage.staging.arn}/${p}*`),
        ),
        // plan --pointer: the nightly machine names s3://<staging>/plans/<dataset>/<execution>.json.
        allow('WritePlanPointers', ['s3:PutObject', 's3:AbortMultipartUpload'], [`${storage.staging.arn}/plans/*`]),
        allow('ListStagedParts', ['s3:ListBucket', 's3:ListBucketMultipartUploads'], [storage.staging.arn], {
          StringLike: { 's3:prefix': stagingPrefixes.map((p) => `${p}*`) },
        }),
        // Reports live under <dataset>/ (run reports: batch=…/run=…/, drift reports: drift/…).
        allow('WriteReports', ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], stagingPrefixes.map((p) => `${storage.reports.arn}/${p}*`)),
        allow('ListReports', ['s3:ListBucket'], [storage.reports.arn], { StringLike: { 's3:prefix': stagingPrefixes.map((p) => `${p}*`) } }),
        // No Secrets Manager: the jobs log in to the warehouse through IAM and read no secret.
        allow('UseKeyThroughServices', ['kms:Decrypt', 'kms:GenerateDataKey'], [deps.keyArn], {
          StringEquals: {
            'kms:ViaService': ['s3', 'glue'].map((s) => `${s}.${ctx.region}.amazonaws.com`),
          },
        }),
        allow(
          'ReadLandingCatalog',
          ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetTableVersion', 'glue:GetTableVersions', 'glue:GetPartitions'],
          [arn(ctx, 'glue', 'catalog'), arn(ctx, 'glue', `database/${catalog.databaseName}`), arn(ctx, 'glue', `table/${catalog.databaseName}/*`)],
        ),
        allow('StartDatasetCrawlers', ['glue:StartCrawler', 'glue:GetCrawler'], catalog.crawlers.map((c) => c.arn)),
        ...warehouse.jobStatements,
        ...(contracts !== undefined ? readContractsStatements(storage.landing.arn, contracts) : []),
      ),
    });

    this.computeEnvironment = new BatchComputeEnvironment(this, 'compute-environment', {
      name: names.of('fargate'),
      type: 'MANAGED',
      state: 'ENABLED',
      // No serviceRole: Batch uses its service-linked role (AWSServiceRoleForBatch).
      computeResources: {
        type: 'FARGATE',
        maxVcpus: settings.batch.maxVcpus,
        subnets: deps.network.privateSubnetIds,
        securityGroupIds: [deps.network.batchSecurityGroup.id],
      },
      tags: ctx.tags,
    });
    this.queue = new BatchJobQueue(this, 'queue', {
      name: names.of('jobs'),
      state: 'ENABLED',
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: this.computeEnvironment.arn }],
      tags: ctx.tags,
    });

    const environment = jobEnvironment({
      landingBucket: storage.landing.name,
      stagingBucket: storage.staging.name,
      reportsBucket: storage.reports.name,
      warehouseUri: warehouse.uri,
      catalogDatabase: catalog.databaseName,
      copyRoleArn: warehouse.copyRole.arn,
      keyArn: deps.keyArn,
      slices: warehouse.slices,
      metricsNamespace: metricsNamespace(settings.name),
      ...(contracts !== undefined ? { contractsUri: contractsUri(storage.landing.name, contracts) } : {}),
    });
    const image = `${this.repository.repositoryUrl}:${deps.imageTag}`;
    const definition = (kind: JobKind, size: JobSize) =>
      new BatchJobDefinition(this, `job-${kind}`, {
        name: names.of(kind),
        type: 'container',
        platformCapabilities: ['FARGATE'],
        propagateTags: true,
        containerProperties: JSON.stringify({
          image,
          command: JOB_COMMANDS[kind],
          jobRoleArn: this.jobRole.arn,
          executionRoleArn: this.executionRole.arn,
          resourceRequirements: [
            { type: 'VCPU', value: String(size.vcpu) },
            { type: 'MEMORY', value: String(size.memoryMiB) },
          ],
          environment: Object.entries(environment).map(([name, value]) => ({ name, value })),
          privileged: false,
          readonlyRootFilesystem: true,
          // The root filesystem is read-only; /tmp is the task's ephemeral storage.
          volumes: [{ name: 'tmp' }],
          mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
          linuxParameters: { initProcessEnabled: true },
          networkConfiguration: { assignPublicIp: 'DISABLED' },
          fargatePlatformConfiguration: { platformVersion: 'LATEST' },
          runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': this.logGroup.name, 'awslogs-region': ctx.region, 'awslogs-stream-prefix': kind },
          },
        }),
        retryStrategy: {
          attempts: JOB_ATTEMPTS,
          evaluateOnExit: [
            ...RETRIED_EXIT_CODES_BY_JOB[kind].map((code) => ({ action: 'RETRY', onExitCode: code })),
            { action: 'EXIT', onExitCode: '*' },
            // A job that never produced an exit code (e.g. the image could not be pulled) is not retried.
            { action: 'EXIT', onReason: '*' },
          ],
        },
        timeout: { attemptDurationSeconds: size.timeoutSeconds },
        tags: { ...ctx.tags, Job: kind },
      });
    // plan reads footers, load drives the warehouse: the run size suits both. partition's size is the
    // run size too; the nightly machine overrides it per dataset (stacks/dataset-sizing.ts).
    const sizes: Record<JobKind, JobSize> = {
      run: settings.batch.run,
      drift: settings.batch.drift,
      plan: settings.batch.run,
      partition: settings.batch.run,
      load: settings.batch.run,
    };
    const kinds = Object.keys(JOB_COMMANDS) as JobKind[];
    this.jobDefinitions = Object.fromEntries(kinds.map((k) => [k, definition(k, sizes[k])])) as Record<JobKind, BatchJobDefinition>;
    const defArn = (kind: JobKind) => arn(ctx, 'batch', `job-definition/${names.of(kind)}`);
    this.jobDefinitionArns = Object.fromEntries(kinds.map((k) => [k, [defArn(k), `${defArn(k)}:*`]])) as Record<JobKind, string[]>;
  }
}
