import { Construct } from 'constructs';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification/index.js';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type { StackContext } from './context.ts';
import { allow, policy, trustService } from './iam.ts';
import { markerWildcard } from './marker-key.ts';

export interface EventLoadingInputs {
  /** The landing bucket's id and name (Terraform references). */
  landingBucketId: string;
  landingBucketName: string;
  /** The nightly state machine the marker starts. */
  stateMachineArn: string;
  keyArn: string;
  /** Each dataset of the stack and its completion marker (contract `completionMarker`). */
  markers: Record<string, string>;
}

/** The EventBridge pattern: an object created in the landing bucket whose key is a dataset's marker under it. */
export function markerEventPattern(bucketName: string, markers: Record<string, string>): object {
  return {
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: {
      bucket: { name: [bucketName] },
      object: { key: Object.entries(markers).map(([dataset, marker]) => ({ wildcard: markerWildcard(dataset, marker) })) },
    },
  };
}

/**
 * Event-driven loads (issue 14.5): the landing bucket sends its events to EventBridge; a rule on
 * "Object Created" for `<dataset>/*\/<marker>` starts the nightly state machine with the event as its
 * input, and the machine derives the dataset and the batch date from the key (stacks/marker-key.ts).
 * The nightly schedules stay: a batch whose marker never came is still loaded at night. A nightly run
 * and an event-driven run of the same batch cannot publish it twice: the load lock serialises them and
 * the publish transaction replaces the batch's earlier copy (docs/deploy.md).
 */
export class EventLoading extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, ctx: StackContext, i: EventLoadingInputs) {
    super(scope, id);
    const { names } = ctx;
    // Every event of the bucket goes to the default event bus; only the rule below acts on any.
    new S3BucketNotification(this, 'landing-to-eventbridge', { bucket: i.landingBucketId, eventbridge: true });

    const ruleName = names.of('batch-complete');
    this.rule = new CloudwatchEventRule(this, 'batch-complete', {
      name: ruleName,
      description: 'A completion marker landed under <dataset>/<YYYYMMDD>/: start the nightly state machine for that batch',
      eventPattern: JSON.stringify(markerEventPattern(i.landingBucketName, i.markers)),
      tags: ctx.tags,
    });
    const ruleArn = `arn:${ctx.partition}:events:${ctx.region}:${ctx.accountId}:rule/${ruleName}`;
    this.role = new IamRole(this, 'role', {
      name: names.of('events-batch-complete'),
      description: 'EventBridge starts the nightly state machine when a batch\'s completion marker lands',
      assumeRolePolicy: trustService('events.amazonaws.com', ctx.accountId, { ArnEquals: { 'aws:SourceArn': ruleArn } }),
      tags: ctx.tags,
    });
    new IamRolePolicy(this, 'policy', {
      name: names.of('start-on-marker'),
      role: this.role.name,
      policy: policy(
        allow('StartNightlyOnMarker', ['states:StartExecution'], [i.stateMachineArn]),
        // The machine is encrypted with the environment key: starting it encrypts the input with it, only through Step Functions.
        allow('UseKeyThroughStates', ['kms:Decrypt', 'kms:GenerateDataKey'], [i.keyArn], {
          StringEquals: { 'kms:ViaService': [`states.${ctx.region}.amazonaws.com`] },
        }),
      ),
    });
    new CloudwatchEventTarget(this, 'start-nightly', {
      rule: this.rule.name,
      targetId: 'nightly-state-machine',
      arn: i.stateMachineArn,
      roleArn: this.role.arn,
      // No input transformer: the machine reads the whole event ($states.input.detail.object.key).
      retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 6 * 3600 },
    });
  }
}
