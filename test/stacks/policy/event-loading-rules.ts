/**
 * Policy rules for event-driven loads (issue 14.5): a batch's completion marker in the landing bucket
 * starts the nightly state machine through EventBridge, with a role that may do nothing else, and the
 * machine derives the dataset and date from the key and refuses any other key. The expected JSONata is
 * written out here (not imported from stacks/), so a change there has to be made here too, on purpose.
 */
import type { CheckOptions, Rule } from './rules.ts';
import { block, list, obj, parsePolicy, refersTo, refs, resources, text, type Attrs, type PolicyStatement, type Resource, type TfJson } from './tf.ts';

const named = (r: Resource) => `${r.type}.${r.id}`;

/** The marker of each dataset the options name (`_SUCCESS` unless the options say otherwise). */
export function markersOf(o: CheckOptions): Record<string, string> {
  return Object.fromEntries(o.datasets.map((d) => [d, o.markers?.[d] ?? '_SUCCESS']));
}

/** The condition the Trigger state must carry to take a marker's event. */
export function expectedMarkerCondition(markers: Record<string, string>): string {
  return (
    "{% $exists($states.input.detail) and ($p := $split($states.input.detail.object.key, '/'); $count($p) = 3 and " +
    `$contains($p[1], /^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$/) and $lookup(${JSON.stringify(markers)}, $p[0]) = $p[2]) %}`
  );
}

export const EXPECTED_MARKER_INPUT =
  "{% ($p := $split($states.input.detail.object.key, '/'); {\"dataset\": $p[0], \"date\": $substring($p[1], 0, 4) & '-' & $substring($p[1], 4, 2) & '-' & $substring($p[1], 6, 2)}) %}";

function landingBucket(tf: TfJson, env: string): Resource | undefined {
  return resources(tf, 'aws_s3_bucket').find((b) => text(b.attrs.bucket).startsWith(`redshift-loader-${env}-landing-`));
}

function rolePolicies(tf: TfJson, role: Resource): PolicyStatement[] {
  return resources(tf, 'aws_iam_role_policy')
    .filter((p) => refersTo(p.attrs.role, role))
    .flatMap((p) => parsePolicy(text(p.attrs.policy)));
}

export const EVENT_LOADING_RULES: Rule[] = [
  {
    id: 'EVENT-LOADING',
    source: 'issue 14.5: a completion marker starts the same state machine through EventBridge; least privilege (cdk-nag IAM5)',
    title: 'Landing bucket -> EventBridge; a rule on Object Created of <dataset>/*/<marker> for every dataset -> the nightly machine with a role that may only start it; the machine derives {dataset, date} from the key and refuses other keys',
    check(tf, o) {
      const v: string[] = [];
      const landing = landingBucket(tf, o.environment);
      const machine = resources(tf, 'aws_sfn_state_machine')[0];
      if (!landing || !machine) return ['no landing bucket or no state machine'];
      if (!resources(tf, 'aws_s3_bucket_notification').some((n) => refersTo(n.attrs.bucket, landing) && n.attrs.eventbridge === true)) {
        v.push('the landing bucket does not send its events to EventBridge (eventbridge = true)');
      }
      const markers = markersOf(o);
      const rules = resources(tf, 'aws_cloudwatch_event_rule').filter((r) => {
        const p = JSON.parse(text(r.attrs.event_pattern ?? '{}')) as { source?: string[] };
        return list(p.source).includes('aws.s3');
      });
      if (rules.length !== 1) return [...v, `expected one S3 event rule, found ${rules.length}`];
      const rule = rules[0];
      const pattern = JSON.parse(text(rule.attrs.event_pattern)) as { 'detail-type'?: string[]; detail?: { bucket?: { name?: string[] }; object?: { key?: Array<Record<string, string>> } } };
      if (JSON.stringify(pattern['detail-type']) !== '["Object Created"]') v.push(`${named(rule)}: not on "Object Created" alone`);
      const buckets = pattern.detail?.bucket?.name ?? [];
      if (buckets.length !== 1 || !refersTo(buckets[0], landing)) v.push(`${named(rule)}: not on the landing bucket alone`);
      const keys = pattern.detail?.object?.key ?? [];
      const wanted = Object.entries(markers).map(([d, m]) => JSON.stringify({ wildcard: `${d}/*/${m}` })).sort();
      const got = keys.map((k) => JSON.stringify(k)).sort();
      if (JSON.stringify(got) !== JSON.stringify(wanted)) v.push(`${named(rule)}: keys ${got.join(', ')} are not each dataset's <dataset>/*/<marker> (${wanted.join(', ')})`);
      for (const k of keys) if (!('wildcard' in k) || !Object.entries(markers).some(([d, m]) => k.wildcard.startsWith(`${d}/`) && k.wildcard.endsWith(`/${m}`))) v.push(`${named(rule)}: key filter ${JSON.stringify(k)} is not a suffix match on a marker`);

      const targets = resources(tf, 'aws_cloudwatch_event_target').filter((t) => refersTo(t.attrs.rule, rule));
      if (targets.length !== 1 || !refersTo(targets[0].attrs.arn, machine)) return [...v, `${named(rule)}: its one target is not the nightly state machine`];
      const target = targets[0];
      if (target.attrs.input !== undefined || target.attrs.input_path !== undefined || block(target.attrs.input_transformer)) v.push(`${named(target)}: reshapes the event (the machine reads detail.object.key)`);
      const roleId = refs(target.attrs.role_arn, 'aws_iam_role')[0];
      const role = resources(tf, 'aws_iam_role').find((r) => r.id === roleId);
      if (!role) return [...v, `${named(target)}: no role of this stack`];
      const trust = parsePolicy(text(role.attrs.assume_role_policy));
      const trustOk = trust.length === 1 && JSON.stringify((trust[0].Principal as Attrs | undefined)?.Service) === '"events.amazonaws.com"' && JSON.stringify(trust[0].Condition?.ArnEquals?.['aws:SourceArn'] ?? '').endsWith(`:rule/${text(rule.attrs.name)}"`);
      if (!trustOk) v.push(`${named(role)}: not trusted by EventBridge for this rule alone (aws:SourceArn)`);
      for (const r of resources(tf, 'aws_iam_role_policy_attachment')) if (refersTo(r.attrs.role, role)) v.push(`${named(role)}: a managed policy attached`);
      for (const s of rolePolicies(tf, role)) {
        if (s.Effect !== 'Allow') continue;
        const actions = list(s.Action);
        if (JSON.stringify(actions) === '["states:StartExecution"]') {
          if (list(s.Resource).length !== 1 || !refersTo(list(s.Resource)[0], machine)) v.push(`${named(role)}: StartExecution on ${list(s.Resource).join(', ')}, not the nightly machine alone`);
          continue;
        }
        const kms = actions.every((a) => a === 'kms:Decrypt' || a === 'kms:GenerateDataKey');
        const via = list(s.Condition?.StringEquals?.['kms:ViaService'] as string | string[] | undefined);
        if (kms && via.length === 1 && via[0].startsWith('states.')) continue;
        v.push(`${named(role)}: may also ${actions.join(', ')} on ${list(s.Resource).join(', ')}`);
      }
      if (!rolePolicies(tf, role).some((s) => list(s.Action).includes('states:StartExecution'))) v.push(`${named(role)}: may not start the machine`);

      const def = JSON.parse(text(machine.attrs.definition)) as { StartAt?: string; States?: Record<string, Attrs> };
      const states = def.States ?? {};
      const trigger = states.Trigger ?? {};
      const choices = (Array.isArray(trigger.Choices) ? trigger.Choices : []) as Attrs[];
      if (def.StartAt !== 'Trigger' || trigger.Type !== 'Choice' || trigger.Default !== 'BatchDate') v.push('the machine does not start by telling a marker event from the schedule\'s and manual inputs');
      if (choices[0]?.Condition !== expectedMarkerCondition(markers) || choices[0]?.Next !== 'FromMarker') v.push(`Trigger: the marker condition is not <dataset>/<YYYYMMDD>/<that dataset's marker> (${text(choices[0]?.Condition)})`);
      if (choices[1]?.Condition !== '{% $exists($states.input.detail) %}' || obj(states[text(choices[1]?.Next)])?.Type !== 'Fail') v.push('Trigger: another S3 key is not refused (a Fail state)');
      if (states.FromMarker?.Output !== EXPECTED_MARKER_INPUT || states.FromMarker?.Next !== 'BatchDate') v.push('FromMarker: does not turn the key into {dataset, date: YYYY-MM-DD} for BatchDate');
      return v;
    },
  },
];
