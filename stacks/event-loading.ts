import { Construct } from 'constructs';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification/index.js';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { NAME_LIMITS } from './bounded-name.ts';
import type { StackContext } from './context.ts';
import { allow, policy, trustService } from './iam.ts';
import { MARKER_INPUT_PATHS, markerInputTemplate, markerWildcard, type MarkerTable } from './marker-key.ts';

export interface EventLoadingInputs {
  /** The landing bucket's id and name (Terraform references). */
  landingBucketId: string;
  landingBucketName: string;
  /** The nightly state machine the marker starts. */
  stateMachineArn: string;
  keyArn: string;
  /** Each dataset of the stack: its landing root and completion marker (stacks/marker-key.ts markerTableOf). */
  markers: MarkerTable;
}

/** The EventBridge pattern of one dataset: an object created in the landing bucket whose key is a marker under the dataset's landing root. */
export function markerEventPattern(bucketName: string, root: string, marker: string): object {
  return {
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: {
      bucket: { name: [bucketName] },
      object: { key: [{ wildcard: markerWildcard(root, marker) }] },
    },
  };
}

/**
 * Event-driven loads (issue 14.5): the landing bucket sends its events to EventBridge; per dataset, a
 * rule on "Object Created" for `<landing root>*\/<marker>` starts the nightly state machine with
 * {"dataset": <name>, "markerKey": <key>}, and the machine checks the key against that dataset's root
 * and marker and derives the batch date from it (stacks/marker-key.ts). Datasets reading the same
 * folder (supplier and supplier_dim) each have their rule, so one marker starts each of them as its own
 * execution. The nightly schedules stay: a batch whose marker never came is still loaded at night. A
 * nightly run and an event-driven run of the same batch cannot publish it twice: the load lock
 * serialises them and the publish transaction replaces the batch's earlier copy (docs/deploy.md).
 */
export class EventLoading extends Construct {
  readonly rules: CloudwatchEventRule[];
  readonly role: IamRole;

  constructor(scope: Construct, id: string, ctx: StackContext, i: EventLoadingInputs) {
    super(scope, id);
    const { names } = ctx;
    // Every event of the bucket goes to the default event bus; only the rules below act on any.
    new S3BucketNotification(this, 'landing-to-eventbridge', { bucket: i.landingBucketId, eventbridge: true });

    const datasets = Object.entries(i.markers);
    const ruleNames = datasets.map(([dataset]) => names.ofDataset(NAME_LIMITS.eventRule, dataset, 'batch-complete'));
    this.role = new IamRole(this, 'role', {
      name: names.of('events-batch-complete'),
      description: 'EventBridge starts the nightly state machine when a batch\'s completion marker lands',
      assumeRolePolicy: trustService('events.amazonaws.com', ctx.accountId, {
        ArnEquals: { 'aws:SourceArn': ruleNames.map((n) => `arn:${ctx.partition}:events:${ctx.region}:${ctx.accountId}:rule/${n}`) },
      }),
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

    this.rules = datasets.map(([dataset, { root, marker }], n) => {
      const rule = new CloudwatchEventRule(this, `${dataset}-batch-complete`, {
        name: ruleNames[n],
        description: `A completion marker landed under ${root}<YYYYMMDD>/: start the nightly state machine for ${dataset}`,
        eventPattern: JSON.stringify(markerEventPattern(i.landingBucketName, root, marker)),
        tags: ctx.tags,
      });
      new CloudwatchEventTarget(this, `${dataset}-start-nightly`, {
        rule: rule.name,
        targetId: 'nightly-state-machine',
        arn: i.stateMachineArn,
        roleArn: this.role.arn,
        // The dataset is this rule's, not the key's first folder: supplier_dim's marker is under supplier/.
        inputTransformer: { inputPaths: MARKER_INPUT_PATHS, inputTemplate: markerInputTemplate(dataset) },
        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 6 * 3600 },
      });
      return rule;
    });
  }
}
