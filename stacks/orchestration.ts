import { Construct } from 'constructs';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine/index.js';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule/index.js';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group/index.js';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { Alerts } from './alerts.ts';
import { batchDateShift } from './batch-date.ts';
import type { Catalog } from './catalog.ts';
import type { Compute } from './compute.ts';
import { arn, type StackContext } from './context.ts';
import type { DatasetSizing } from './dataset-sizing.ts';
import { defaultSizing, sizingTable } from './dataset-sizing.ts';
import { NAME_LIMITS } from './bounded-name.ts';
import { allow, policy, trustService } from './iam.ts';
import { markerKeyCondition, markerKeyInput, markerTableOf, type MarkerTable } from './marker-key.ts';

/** `cron(mm hh * * ? *)` for a local HH:MM (the schedule carries the time zone). */
export function nightlyCron(at: string): string {
  const [hh, mm] = at.split(':').map(Number);
  return `cron(${mm} ${hh} * * ? *)`;
}

export interface NightlyDefinitionInput {
  environment: string;
  queueArn: string;
  jobDefinitionArns: { plan: string; partition: string; load: string };
  /** The staging bucket's name: plan pointers go to s3://<it>/plans/<dataset>/<execution name>.json. */
  stagingBucket: string;
  topicArn: string;
  /** From batchDateShift: scheduled time − shift, as a UTC date, is the batch date. */
  shiftMs: number;
  timeoutSeconds: number;
  /** Shards and shard size per dataset (stacks/dataset-sizing.ts), and for a dataset not in it. */
  sizing: Record<string, DatasetSizing>;
  defaultSizing: DatasetSizing;
  /** Each dataset's landing root and completion marker: the keys an event rule may start a run of it with. */
  markers: MarkerTable;
}

/** Transient errors of the Batch SubmitJob call (throttling, service errors), not a job that ran and failed. */
export const BATCH_API_ERRORS = ['Batch.AWSBatchException', 'Batch.TooManyRequestsException', 'Batch.ServerException'];
/** Transient errors of the S3 GetObject call. */
export const S3_API_ERRORS = ['S3.S3Exception', 'S3.SdkClientException', 'S3.InternalErrorException', 'S3.SlowDownException'];

/** Each Task's own retry of its API call: exponential backoff with jitter, about 10 minutes in all. */
function apiRetry(errors: string[]): object[] {
  return [{ ErrorEquals: errors, IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 7, MaxDelaySeconds: 300, JitterStrategy: 'FULL' }];
}

/**
 * The nightly state machine (JSONata). Input: {"dataset": "...", "scheduledTime": "<ISO time>"} from
 * the schedule, {"dataset": "...", "date": "YYYY-MM-DD"} for a manual run or backfill, or
 * {"dataset": "...", "markerKey": "<key>"} from a dataset's marker rule (stacks/event-loading.ts).
 *   Trigger    — a markerKey: FromMarker derives {dataset, date} from `<that dataset's landing
 *                root><YYYYMMDD>/<its marker>` (stacks/marker-key.ts); any other key is refused
 *                (NotABatchMarker). Else BatchDate.
 *   BatchDate  — the batch date: `date` if given, else the UTC date of (scheduledTime, or the
 *                execution's start, minus the synth-time shift), i.e. the intended local date; the
 *                per-dataset sizing table and the plan pointer's key (unique per execution).
 *   Sizing     — the dataset's shards and shard size (a dataset not in the table: 1 shard, run size).
 *   SubmitPlan — batch:submitJob.sync of `plan` (--shards, --pointer); a Batch job's stdout does not
 *                reach Step Functions, so plan writes {"plan","planId","shards"} to the pointer.
 *   ReadPlan   — S3 GetObject of the pointer: the plan URI and the plan's shard count (a small batch
 *                may get fewer shards than asked).
 *   Shards     — 2 or more: SubmitShards, one `partition` array job of that size (Batch arrays are
 *                2..10,000); 1: SubmitShard, one job with --shard 0 (AWS_BATCH_* cannot be overridden).
 *                Both with the dataset's vCPU and memory.
 *   SubmitLoad — batch:submitJob.sync of `load --plan`.
 * Every Task retries its own transient API errors; each job definition has its own Batch retry
 * strategy for the job itself (stacks/compute.ts). A job that ran and failed is already alerted by
 * the Batch job-failed rule (RunFailed); anything else (submit refused, timeout) is published to the
 * alert topic here (Alert) before failing.
 */
export function nightlyDefinition(i: NightlyDefinitionInput): object {
  const dateFrom = `$exists($states.input.scheduledTime) ? $states.input.scheduledTime : $states.context.Execution.StartTime`;
  const toFailure = [{ ErrorEquals: ['States.ALL'], Next: 'JobRanAndFailed', Output: '{% $states.errorOutput %}' }];
  const batchTask = (jobDefinition: string, jobName: string, rest: object, next: { Next: string } | { End: true }) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::batch:submitJob.sync',
    // A Batch job name is at most 128 characters: a long dataset name is cut (job names need not be unique).
    Arguments: { JobName: `{% '${jobName}-' & $substring($dataset, 0, ${NAME_LIMITS.batchJobName - jobName.length - 12}) & '-' & $batchDate %}`, JobQueue: i.queueArn, JobDefinition: jobDefinition, ...rest },
    Retry: apiRetry(BATCH_API_ERRORS),
    Catch: toFailure,
    ...next,
  });
  const resources = {
    ResourceRequirements: [
      { Type: 'VCPU', Value: '{% $string($sizing.vcpu) %}' },
      { Type: 'MEMORY', Value: '{% $string($sizing.memoryMiB) %}' },
    ],
  };
  return {
    Comment: `redshift-loader ${i.environment}: nightly run of one dataset — plan, partition shards (Batch array), load`,
    QueryLanguage: 'JSONata',
    TimeoutSeconds: i.timeoutSeconds,
    StartAt: 'Trigger',
    States: {
      Trigger: {
        Type: 'Choice',
        Choices: [
          { Condition: `{% $exists($states.input.markerKey) and ${markerKeyCondition(i.markers)} %}`, Next: 'FromMarker' },
          { Condition: '{% $exists($states.input.markerKey) %}', Next: 'NotABatchMarker' },
        ],
        Default: 'BatchDate',
      },
      FromMarker: { Type: 'Pass', Output: `{% ${markerKeyInput(i.markers)} %}`, Next: 'BatchDate' },
      NotABatchMarker: {
        Type: 'Fail',
        Error: 'NotABatchMarker',
        Cause: "{% 'Not <landing root><YYYYMMDD>/<completion marker> of dataset ' & $string($states.input.dataset) & ': ' & $string($states.input.markerKey) %}",
      },
      BatchDate: {
        Type: 'Pass',
        Assign: {
          dataset: '{% $states.input.dataset %}',
          batchDate: `{% $exists($states.input.date) ? $states.input.date : $fromMillis($toMillis(${dateFrom}) - ${i.shiftMs}, '[Y0001]-[M01]-[D01]') %}`,
          pointerKey: "{% 'plans/' & $states.input.dataset & '/' & $states.context.Execution.Name & '.json' %}",
          sizes: i.sizing,
          defaultSizing: i.defaultSizing,
        },
        Next: 'Sizing',
      },
      Sizing: {
        Type: 'Pass',
        Assign: { sizing: '{% $exists($lookup($sizes, $dataset)) ? $lookup($sizes, $dataset) : $defaultSizing %}' },
        Next: 'SubmitPlan',
      },
      SubmitPlan: batchTask(
        i.jobDefinitionArns.plan,
        'plan',
        {
          Parameters: {
            dataset: '{% $dataset %}',
            date: '{% $batchDate %}',
            shards: '{% $string($sizing.shards) %}',
            pointer: `{% 's3://${i.stagingBucket}/' & $pointerKey %}`,
          },
        },
        { Next: 'ReadPlan' },
      ),
      ReadPlan: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
        Arguments: { Bucket: i.stagingBucket, Key: '{% $pointerKey %}' },
        Assign: { plan: '{% $parse($states.result.Body).plan %}', shards: '{% $parse($states.result.Body).shards %}' },
        Retry: apiRetry(S3_API_ERRORS),
        Catch: toFailure,
        Next: 'Shards',
      },
      Shards: {
        Type: 'Choice',
        Choices: [{ Condition: '{% $shards >= 2 %}', Next: 'SubmitShards' }],
        Default: 'SubmitShard',
      },
      SubmitShards: batchTask(
        i.jobDefinitionArns.partition,
        'partition',
        { ArrayProperties: { Size: '{% $shards %}' }, Parameters: { plan: '{% $plan %}' }, ContainerOverrides: resources },
        { Next: 'SubmitLoad' },
      ),
      SubmitShard: batchTask(
        i.jobDefinitionArns.partition,
        'partition',
        { Parameters: { plan: '{% $plan %}' }, ContainerOverrides: { Command: ['partition', '--plan', '{% $plan %}', '--shard', '0'], ...resources } },
        { Next: 'SubmitLoad' },
      ),
      SubmitLoad: batchTask(i.jobDefinitionArns.load, 'load', { Parameters: { plan: '{% $plan %}' } }, { End: true }),
      JobRanAndFailed: {
        Type: 'Choice',
        Choices: [
          {
            Condition: "{% $exists($states.input.Cause) and $contains($states.input.Cause, 'JobId') and $contains($states.input.Cause, 'FAILED') %}",
            Next: 'RunFailed',
          },
        ],
        Default: 'Alert',
      },
      Alert: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish',
        Arguments: {
          TopicArn: i.topicArn,
          Subject: `redshift-loader ${i.environment}: nightly run failed`,
          Message: "{% 'Nightly run of ' & $dataset & ' for ' & $batchDate & ' failed: ' & ($exists($states.input.Error) ? $states.input.Error : 'unknown') & ' ' & ($exists($states.input.Cause) ? $states.input.Cause : '') %}",
        },
        Next: 'NotRun',
      },
      NotRun: { Type: 'Fail', Error: 'NightlyRunNotCompleted', Cause: 'A step could not be submitted or followed; see the alert.' },
      RunFailed: { Type: 'Fail', Error: 'RunJobFailed', Cause: 'A job of the nightly run failed; the Batch job-failed rule alerted.' },
    },
  };
}

/**
 * What starts the jobs: an EventBridge Scheduler schedule per dataset, nightly in the environment's
 * time zone, starting the nightly state machine (which computes the batch date and runs plan, the
 * partition shards and load with Batch .sync); and, per dataset, an EventBridge rule on its crawler's "Succeeded" state change
 * that submits the `drift` job.
 */
export class Orchestration extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly schedules: SchedulerSchedule[];
  readonly crawlerRules: CloudwatchEventRule[];

  constructor(scope: Construct, id: string, ctx: StackContext, deps: { keyArn: string; compute: Compute; catalog: Catalog; alerts: Alerts; stagingBucket: string; stagingBucketArn: string }) {
    super(scope, id);
    const { names, settings } = ctx;
    const { compute, catalog, alerts } = deps;
    const viaServices = (...s: string[]) => ({ StringEquals: { 'kms:ViaService': s.map((x) => `${x}.${ctx.region}.amazonaws.com`) } });

    // --- the nightly state machine
    const machineName = names.of('nightly');
    const machineArn = arn(ctx, 'states', `stateMachine:${machineName}`);
    const logGroup = new CloudwatchLogGroup(this, 'state-machine-logs', {
      name: `/aws/vendedlogs/states/${machineName}`,
      kmsKeyId: deps.keyArn,
      retentionInDays: settings.retention.logDays,
      tags: ctx.tags,
    });
    const machineRole = new IamRole(this, 'state-machine-role', {
      name: machineName,
      description: 'The nightly state machine: submit and follow the plan, partition and load jobs, read plan pointers, publish alerts',
      assumeRolePolicy: trustService('states.amazonaws.com', ctx.accountId, { ArnLike: { 'aws:SourceArn': machineArn } }),
      tags: ctx.tags,
    });
    new IamRolePolicy(this, 'state-machine-policy', {
      name: names.of('nightly-run'),
      role: machineRole.name,
      policy: policy(
        // Only the three steps' job definitions, on the environment's queue (not run or drift).
        allow('SubmitNightlySteps', ['batch:SubmitJob'], [compute.queue.arn, ...compute.jobDefinitionArns.plan, ...compute.jobDefinitionArns.partition, ...compute.jobDefinitionArns.load]),
        // The pointer `plan --pointer` writes, and nothing else of the staging bucket.
        allow('ReadPlanPointers', ['s3:GetObject'], [`${deps.stagingBucketArn}/plans/*`]),
        allow('DecryptPlanPointers', ['kms:Decrypt'], [deps.keyArn], viaServices('s3')),
        allow('StopRunJob', ['batch:TerminateJob'], [arn(ctx, 'batch', 'job/*')]),
        // DescribeJobs supports no resource type: "*" is the only Resource IAM accepts.
        allow('FollowRunJob', ['batch:DescribeJobs'], ['*']),
        // The rule Step Functions manages to follow Batch jobs (.sync).
        allow('SyncRule', ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], [arn(ctx, 'events', 'rule/StepFunctionsGetEventsForBatchJobsRule')]),
        allow('PublishAlerts', ['sns:Publish'], [alerts.topic.arn]),
        allow('UseKeyThroughSnsAndStates', ['kms:Decrypt', 'kms:GenerateDataKey'], [deps.keyArn], viaServices('sns', 'states')),
        // CloudWatch Logs delivery and X-Ray actions support no resource type: "*" only.
        allow(
          'DeliverExecutionLogs',
          [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          ['*'],
        ),
        allow('Tracing', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], ['*']),
      ),
    });
    const shift = batchDateShift(settings.nightly.at, settings.timezone, settings.nightly.batchDateOffsetDays);
    this.stateMachine = new SfnStateMachine(this, 'state-machine', {
      name: machineName,
      type: 'STANDARD',
      roleArn: machineRole.arn,
      definition: JSON.stringify(
        nightlyDefinition({
          environment: settings.name,
          queueArn: compute.queue.arn,
          jobDefinitionArns: { plan: compute.jobDefinitions.plan.arn, partition: compute.jobDefinitions.partition.arn, load: compute.jobDefinitions.load.arn },
          stagingBucket: deps.stagingBucket,
          sizing: sizingTable(settings, catalog.crawlers.map((c) => c.dataset.name)),
          defaultSizing: defaultSizing(settings),
          markers: markerTableOf(catalog.crawlers.map((c) => c.dataset)),
          topicArn: alerts.topic.arn,
          shiftMs: shift.shiftMs,
          // Three steps of at most the run's timeout each, plus time waiting in the queue.
          timeoutSeconds: settings.batch.run.timeoutSeconds * 3 + 3600,
        }),
      ),
      loggingConfiguration: { level: 'ALL', includeExecutionData: true, logDestination: `${logGroup.arn}:*` },
      tracingConfiguration: { enabled: true },
      encryptionConfiguration: { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: deps.keyArn, kmsDataKeyReusePeriodSeconds: 300 },
      tags: ctx.tags,
    });

    // --- nightly schedules
    const group = new SchedulerScheduleGroup(this, 'schedule-group', { name: names.of(), tags: ctx.tags });
    const schedulerRole = new IamRole(this, 'scheduler-role', {
      name: names.of('scheduler'),
      description: 'EventBridge Scheduler starts the nightly state machine',
      assumeRolePolicy: trustService('scheduler.amazonaws.com', ctx.accountId, {
        ArnLike: { 'aws:SourceArn': arn(ctx, 'scheduler', `schedule/${names.of()}/*`) },
      }),
      tags: ctx.tags,
    });
    new IamRolePolicy(this, 'scheduler-policy', {
      name: names.of('start-nightly'),
      role: schedulerRole.name,
      policy: policy(
        allow('StartNightly', ['states:StartExecution'], [this.stateMachine.arn]),
        allow('UseKeyThroughSchedulerAndStates', ['kms:Decrypt', 'kms:GenerateDataKey'], [deps.keyArn], viaServices('scheduler', 'states')),
      ),
    });
    this.schedules = catalog.crawlers.map(
      ({ dataset }) =>
        new SchedulerSchedule(this, `nightly-${dataset.name}`, {
          name: names.ofDataset(NAME_LIMITS.schedule, dataset.name, 'nightly'),
          groupName: group.name,
          description: `Nightly run of ${dataset.name} at ${settings.nightly.at} ${settings.timezone}`,
          scheduleExpression: nightlyCron(settings.nightly.at),
          scheduleExpressionTimezone: settings.timezone,
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          kmsKeyArn: deps.keyArn,
          target: {
            arn: this.stateMachine.arn,
            roleArn: schedulerRole.arn,
            // <aws.scheduler.scheduled-time> is the time the run was due, the same on every retry.
            input: JSON.stringify({ dataset: dataset.name, scheduledTime: '<aws.scheduler.scheduled-time>' }),
            retryPolicy: { maximumEventAgeInSeconds: 6 * 3600, maximumRetryAttempts: 20 },
          },
        }),
    );

    // --- drift after every successful crawl
    const eventsRole = new IamRole(this, 'events-role', {
      name: names.of('events-drift'),
      description: 'EventBridge submits the drift job when a dataset crawler succeeds',
      assumeRolePolicy: trustService('events.amazonaws.com', ctx.accountId),
      tags: ctx.tags,
    });
    new IamRolePolicy(this, 'events-policy', {
      name: names.of('submit-drift'),
      role: eventsRole.name,
      policy: policy(allow('SubmitDriftJob', ['batch:SubmitJob'], [compute.queue.arn, ...compute.jobDefinitionArns.drift])),
    });
    this.crawlerRules = catalog.crawlers.map(({ dataset, name: crawlerName }) => {
      const rule = new CloudwatchEventRule(this, `crawled-${dataset.name}`, {
        name: names.ofDataset(NAME_LIMITS.eventRule, dataset.name, 'crawled'),
        description: `Crawler ${crawlerName} succeeded: check ${dataset.name} for drift`,
        eventPattern: JSON.stringify({
          source: ['aws.glue'],
          'detail-type': ['Glue Crawler State Change'],
          detail: { crawlerName: [crawlerName], state: ['Succeeded'] },
        }),
        tags: ctx.tags,
      });
      new CloudwatchEventTarget(this, `crawled-${dataset.name}-drift`, {
        rule: rule.name,
        targetId: 'drift-job',
        arn: compute.queue.arn,
        roleArn: eventsRole.arn,
        batchTarget: { jobDefinition: compute.jobDefinitions.drift.arn, jobName: names.ofDataset(NAME_LIMITS.batchJobName, dataset.name, 'drift') },
        // The input becomes the job's parameters: Ref::dataset in the drift command.
        input: JSON.stringify({ dataset: dataset.name }),
        retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 3600 },
      });
      return rule;
    });
  }
}
