/**
 * Policy rules for event-driven loads (issue 14.5): a batch's completion marker in the landing bucket
 * starts, through one EventBridge rule per dataset on its landing root, the nightly state machine for
 * every dataset reading that folder, with a role that may do nothing else; the machine checks the key
 * against the dataset's root and marker, derives the date from it and refuses any other key. The expected JSONata is
 * written out here (not imported from stacks/), so a change there has to be made here too, on purpose.
 */
import type { CheckOptions, Rule } from './rules.ts';
import { block, list, obj, parsePolicy, refersTo, refs, resources, text, type Attrs, type PolicyStatement, type Resource, type TfJson } from './tf.ts';

const named = (r: Resource) => `${r.type}.${r.id}`;

/** Each dataset the options name: its landing root (`<name>/` unless the options say otherwise) and marker (`_SUCCESS` unless they say otherwise). */
export function markersOf(o: CheckOptions): Record<string, { root: string; marker: string }> {
  return Object.fromEntries(o.datasets.map((d) => [d, { root: o.landingRoots?.[d] ?? `${d}/`, marker: o.markers?.[d] ?? '_SUCCESS' }]));
}

const FOLDER = '/^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$/';

/** The condition the Trigger state must carry to take a dataset's marker key. */
export function expectedMarkerCondition(table: Record<string, { root: string; marker: string }>): string {
  return (
    "{% $exists($states.input.markerKey) and $type($states.input.dataset) = 'string' and $type($states.input.markerKey) = 'string' and " +
    `($t := $lookup(${JSON.stringify(table)}, $states.input.dataset); $k := $states.input.markerKey; ` +
    "$type($t.root) = 'string' and $type($t.marker) = 'string' and " +
    `($f := $substring($k, $length($t.root), 8); $k = $t.root & $f & '/' & $t.marker and $contains($f, ${FOLDER}))) %}`
  );
}

export function expectedMarkerInput(table: Record<string, { root: string; marker: string }>): string {
  return (
    `{% ($t := $lookup(${JSON.stringify(table)}, $states.input.dataset); $f := $substring($states.input.markerKey, $length($t.root), 8); ` +
    "{\"dataset\": $states.input.dataset, \"date\": $substring($f, 0, 4) & '-' & $substring($f, 4, 2) & '-' & $substring($f, 6, 2)}) %}"
  );
}

/** What each dataset's target must send: the dataset as a constant, the key as a JSON string (unquoted placeholder). */
export const expectedInputTemplate = (dataset: string) => `{"dataset": ${JSON.stringify(dataset)}, "markerKey": <key>}`;

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
    title: 'Landing bucket -> EventBridge; per dataset a rule on Object Created of <landing root>*/<marker> -> the nightly machine with {dataset, markerKey}, through one role that may only start it; the machine checks the key against that dataset\'s root and marker, derives the date, and refuses other keys',
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
      const targetsOf = (rule: Resource) => resources(tf, 'aws_cloudwatch_event_target').filter((t) => refersTo(t.attrs.rule, rule));
      const datasetOf = (rule: Resource): string | undefined => {
        const it = block(targetsOf(rule)[0]?.attrs.input_transformer);
        return Object.keys(markers).find((d) => text(it?.input_template) === expectedInputTemplate(d));
      };
      // One rule per dataset: each on its own root and marker, each target naming that dataset.
      for (const d of Object.keys(markers)) {
        const n = rules.filter((r) => datasetOf(r) === d).length;
        if (n !== 1) v.push(`dataset ${d}: ${n} marker rules start it (expected one, on ${markers[d].root}*/${markers[d].marker})`);
      }
      const roleIds = new Set<string>();
      for (const rule of rules) {
        const pattern = JSON.parse(text(rule.attrs.event_pattern)) as { 'detail-type'?: string[]; detail?: { bucket?: { name?: string[] }; object?: { key?: Array<Record<string, string>> } } };
        if (JSON.stringify(pattern['detail-type']) !== '["Object Created"]') v.push(`${named(rule)}: not on "Object Created" alone`);
        const buckets = pattern.detail?.bucket?.name ?? [];
        if (buckets.length !== 1 || !refersTo(buckets[0], landing)) v.push(`${named(rule)}: not on the landing bucket alone`);
        const targets = targetsOf(rule);
        if (targets.length !== 1 || !refersTo(targets[0].attrs.arn, machine)) {
          v.push(`${named(rule)}: its one target is not the nightly state machine`);
          continue;
        }
        const target = targets[0];
        const it = block(target.attrs.input_transformer);
        const dataset = datasetOf(rule);
        if (target.attrs.input !== undefined || target.attrs.input_path !== undefined || !it || JSON.stringify(it.input_paths) !== '{"key":"$.detail.object.key"}' || dataset === undefined) {
          v.push(`${named(target)}: does not send {"dataset": <a dataset of this stack>, "markerKey": <key>} (an input transformer of $.detail.object.key)`);
          continue;
        }
        const keys = JSON.stringify(pattern.detail?.object?.key ?? null);
        const wanted = JSON.stringify([{ wildcard: `${markers[dataset].root}*/${markers[dataset].marker}` }]);
        if (keys !== wanted) v.push(`${named(rule)}: keys ${keys} are not ${dataset}'s <landing root>*/<marker> (${wanted})`);
        for (const id of refs(target.attrs.role_arn, 'aws_iam_role')) roleIds.add(id);
      }
      if (roleIds.size !== 1) return [...v, `the marker targets use ${roleIds.size} roles of this stack, not one`];
      const role = resources(tf, 'aws_iam_role').find((r) => roleIds.has(r.id));
      if (!role) return [...v, 'the marker targets name no role of this stack'];
      const trust = parsePolicy(text(role.attrs.assume_role_policy));
      const sourceArns = list(trust[0]?.Condition?.ArnEquals?.['aws:SourceArn'] as string | string[] | undefined);
      const ruleNames = rules.map((r) => text(r.attrs.name)).sort();
      const trusted = sourceArns.map((a) => a.slice(a.indexOf(':rule/') < 0 ? a.length : a.indexOf(':rule/') + 6)).sort();
      const trustOk = trust.length === 1 && JSON.stringify((trust[0].Principal as Attrs | undefined)?.Service) === '"events.amazonaws.com"' && JSON.stringify(trusted) === JSON.stringify(ruleNames);
      if (!trustOk) v.push(`${named(role)}: not trusted by EventBridge for the marker rules alone (aws:SourceArn ${sourceArns.join(', ')})`);
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
      if (choices[0]?.Condition !== expectedMarkerCondition(markers) || choices[0]?.Next !== 'FromMarker') v.push(`Trigger: the marker condition is not <that dataset's landing root><YYYYMMDD>/<its marker> (${text(choices[0]?.Condition)})`);
      if (choices[1]?.Condition !== '{% $exists($states.input.markerKey) %}' || obj(states[text(choices[1]?.Next)])?.Type !== 'Fail') v.push('Trigger: another marker key is not refused (a Fail state)');
      if (states.FromMarker?.Output !== expectedMarkerInput(markers) || states.FromMarker?.Next !== 'BatchDate') v.push('FromMarker: does not turn the key into {dataset, date: YYYY-MM-DD} for BatchDate');
      return v;
    },
  },
];
