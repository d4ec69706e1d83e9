import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import type { StackContext } from './context.ts';
import { policy } from './iam.ts';

/** Exit code of a run or drift job stopped by a breaking schema change. */
export const DRIFT_EXIT_CODE = 3;

/** Every FAILED job of the environment's queue, except breaking drift (which has its own message). */
export function jobFailedPattern(queueArn: string): object {
  return {
    source: ['aws.batch'],
    'detail-type': ['Batch Job State Change'],
    detail: {
      jobQueue: [queueArn],
      status: ['FAILED'],
      $or: [
        { container: { exitCode: [{ 'anything-but': [DRIFT_EXIT_CODE] }] } },
        { container: { exitCode: [{ exists: false }] } },
      ],
    },
  };
}

/** A job of the queue that failed with the drift exit code: the drift report says what broke. */
export function breakingDriftPattern(queueArn: string): object {
  return {
    source: ['aws.batch'],
    'detail-type': ['Batch Job State Change'],
    detail: { jobQueue: [queueArn], status: ['FAILED'], container: { exitCode: [DRIFT_EXIT_CODE] } },
  };
}

/**
 * The alert topic (encrypted with the key, TLS-only publishing) with an e-mail subscription, and the
 * EventBridge rules that feed it: failed Batch jobs, and breaking-drift reports.
 */
export class Alerts extends Construct {
  readonly topic: SnsTopic;
  readonly jobFailedRule: CloudwatchEventRule;
  readonly breakingDriftRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, ctx: StackContext, deps: { keyArn: string; queueArn: string; reportsBucket: string }) {
    super(scope, id);
    const { names, settings } = ctx;
    this.topic = new SnsTopic(this, 'topic', {
      name: names.of('alerts'),
      displayName: `redshift-loader ${settings.name}`,
      kmsMasterKeyId: deps.keyArn,
      tags: ctx.tags,
    });
    new SnsTopicSubscription(this, 'email', {
      topicArn: this.topic.arn,
      protocol: 'email',
      endpoint: settings.alertEmail,
    });

    this.jobFailedRule = new CloudwatchEventRule(this, 'job-failed', {
      name: names.of('job-failed'),
      description: `A Batch job of ${settings.name} failed`,
      eventPattern: JSON.stringify(jobFailedPattern(deps.queueArn)),
      tags: ctx.tags,
    });
    this.breakingDriftRule = new CloudwatchEventRule(this, 'breaking-drift', {
      name: names.of('breaking-drift'),
      description: `A job of ${settings.name} stopped on a breaking schema change (exit ${DRIFT_EXIT_CODE})`,
      eventPattern: JSON.stringify(breakingDriftPattern(deps.queueArn)),
      tags: ctx.tags,
    });

    const paths = {
      job: '$.detail.jobName',
      jobId: '$.detail.jobId',
      reason: '$.detail.statusReason',
      exit: '$.detail.container.exitCode',
      logStream: '$.detail.container.logStreamName',
    };
    new CloudwatchEventTarget(this, 'job-failed-to-topic', {
      rule: this.jobFailedRule.name,
      targetId: 'alerts-topic',
      arn: this.topic.arn,
      inputTransformer: {
        inputPaths: paths,
        inputTemplate: `"redshift-loader ${settings.name}: Batch job <job> (<jobId>) FAILED, exit code <exit>: <reason>. Log stream <logStream> in ${names.logGroup('batch')}."`,
      },
    });
    new CloudwatchEventTarget(this, 'breaking-drift-to-topic', {
      rule: this.breakingDriftRule.name,
      targetId: 'alerts-topic',
      arn: this.topic.arn,
      inputTransformer: {
        inputPaths: paths,
        inputTemplate: `"redshift-loader ${settings.name}: BREAKING SCHEMA DRIFT. Job <job> (<jobId>) stopped before moving data. The drift report is under s3://${deps.reportsBucket}/DATASET/drift/ (drift job) or DATASET/batch=DATE/ (run job). Log stream <logStream> in ${names.logGroup('batch')}."`,
      },
    });

    new SnsTopicPolicy(this, 'topic-policy', {
      arn: this.topic.arn,
      policy: policy(
        {
          Sid: 'EventBridgeRulesOfThisEnvironment',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: this.topic.arn,
          Condition: {
            StringEquals: { 'aws:SourceAccount': ctx.accountId },
            ArnEquals: { 'aws:SourceArn': [this.jobFailedRule.arn, this.breakingDriftRule.arn] },
          },
        },
        {
          // The CloudWatch alarms of this environment (stacks/monitoring.ts): every alarm name starts with the environment's prefix.
          Sid: 'CloudWatchAlarmsOfThisEnvironment',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: this.topic.arn,
          Condition: {
            StringEquals: { 'aws:SourceAccount': ctx.accountId },
            ArnLike: { 'aws:SourceArn': `arn:${ctx.partition}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${names.of()}-*` },
          },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: this.topic.arn,
          Condition: { Bool: { 'aws:SecureTransport': false } },
        },
      ),
    });
  }
}
