// Event-driven loads (issue 14.5): which object keys start a run of which dataset and with what input.
// The key rule is proven on its TypeScript twin and its regular expression (JSONata regex literals are
// JavaScript RegExps; test/stacks/nightly-jsonata.test.ts executes the machine's own JSONata), and the
// synthesized stack is checked to carry exactly that expression, the contracts' roots and markers, one
// rule per dataset, and targets whose input transformer names the rule's dataset.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BATCH_FOLDER_PATTERN, batchOfMarkerKey, markerKeyCondition, markerTableOf, markerWildcard, type MarkerTable } from '../../stacks/marker-key.ts';
import { markerEventPattern } from '../../stacks/event-loading.ts';
import { dev } from '../../stacks/environments.ts';
import { DATASETS, synthStack } from './support.ts';
import { resources, strAt, text } from './policy/tf.ts';
import { applyInputTransformer, objectCreated, targetsReached, wildcardMatches } from './eventbridge.ts';

const TABLE: MarkerTable = {
  supplier: { root: 'supplier/', marker: '_SUCCESS' },
  supplier_dim: { root: 'supplier/', marker: '_SUCCESS' },
  lineitem: { root: 'lineitem/', marker: '_READY' },
  orders: { root: 'exports/orders/', marker: '_SUCCESS' },
};
const batch = (dataset: string, markerKey: string) => batchOfMarkerKey({ dataset, markerKey }, TABLE);

describe('a dataset and a marker key -> {dataset, date}', () => {
  it("takes <that dataset's landing root><YYYYMMDD>/<that dataset's marker>", () => {
    assert.deepEqual(batch('supplier', 'supplier/20261125/_SUCCESS'), { dataset: 'supplier', date: '2026-11-25' });
    assert.deepEqual(batch('supplier_dim', 'supplier/20261125/_SUCCESS'), { dataset: 'supplier_dim', date: '2026-11-25' });
    assert.deepEqual(batch('lineitem', 'lineitem/20240229/_READY'), { dataset: 'lineitem', date: '2024-02-29' });
    assert.deepEqual(batch('orders', 'exports/orders/20261125/_SUCCESS'), { dataset: 'orders', date: '2026-11-25' });
  });
  const refused: Array<[string, string, string]> = [
    ['supplier', 'supplier/2026-11-25/_SUCCESS', 'a dashed date folder'],
    ['supplier', 'supplier/20261325/_SUCCESS', 'month 13'],
    ['supplier', 'supplier/20261100/_SUCCESS', 'day 00'],
    ['supplier', 'supplier/20261132/_SUCCESS', 'day 32'],
    ['supplier', 'supplier/2026112/_SUCCESS', 'seven digits'],
    ['supplier', 'supplier/x/20261125/_SUCCESS', 'a deeper folder (the wildcard matches it)'],
    ['supplier', 'supplier/20261125/sub/_SUCCESS', 'a marker in a subfolder'],
    ['supplier', 'supplier/20261125/_READY', "another dataset's marker"],
    ['lineitem', 'lineitem/20261125/_SUCCESS', 'the default marker where the contract names another'],
    ['supplier_dim', 'supplier_dim/20261125/_SUCCESS', "the dataset's name where its landing root is another folder"],
    ['supplier_dim', 'lineitem/20261125/_READY', "another dataset's root and marker"],
    ['orders', 'orders/20261125/_SUCCESS', 'the name, not the root exports/orders/'],
    ['customer', 'customer/20261125/_SUCCESS', 'a dataset not in the stack'],
    ['__proto__', '__proto__/20261125/_SUCCESS', 'an Object.prototype name'],
    ['supplier', 'supplier/20261125/part-0.parquet', 'a data file'],
  ];
  for (const [dataset, key, why] of refused) it(`refuses ${dataset} with ${key} (${why})`, () => assert.equal(batch(dataset, key), undefined));

  it('the machine\'s condition uses the same pattern and the table of roots and markers', () => {
    const c = markerKeyCondition(TABLE);
    assert.ok(c.includes(`/${BATCH_FOLDER_PATTERN}/`), c);
    assert.ok(c.includes(`$lookup(${JSON.stringify(TABLE)}, $states.input.dataset)`), c);
    assert.ok(!c.includes('%{') && !c.includes('${'), 'nothing Terraform would interpolate');
  });

  it("EventBridge's wildcard of a root and marker matches exactly the keys ending in the marker under the root", () => {
    const w = markerWildcard('supplier/', '_SUCCESS');
    assert.equal(w, 'supplier/*/_SUCCESS');
    assert.ok(wildcardMatches(w, 'supplier/20261125/_SUCCESS'));
    assert.ok(wildcardMatches(w, 'supplier/x/20261125/_SUCCESS'), 'deeper keys match the rule; the machine refuses them');
    assert.ok(!wildcardMatches(w, 'supplier_dim/20261125/_SUCCESS'));
    assert.ok(!wildcardMatches(w, 'supplier/20261125/part-0.parquet'));
    assert.equal(markerWildcard('a*b/', '_X'), 'a\\*b/*/_X', 'a literal * is escaped');
    assert.ok(wildcardMatches(markerWildcard('a*b/', '_X'), 'a*b/20261125/_X') && !wildcardMatches(markerWildcard('a*b/', '_X'), 'azzb/20261125/_X'));
  });

  it('the input template writes the key as a JSON string, whatever it holds', () => {
    const t = { input_paths: { key: '$.detail.object.key' }, input_template: '{"dataset": "supplier_dim", "markerKey": <key>}' };
    assert.deepEqual(applyInputTransformer(t, objectCreated('b', 'supplier/20261125/"_SUCCESS')), { dataset: 'supplier_dim', markerKey: 'supplier/20261125/"_SUCCESS' });
  });
});

describe('the synthesized stack: one rule per dataset, on its landing root and marker', () => {
  const datasets = DATASETS.map((d) => (d.name === 'lineitem' ? { ...d, completionMarker: '_READY' } : d));
  const { tf } = synthStack(dev, datasets);
  const table = markerTableOf(datasets);
  const landing = resources(tf, 'aws_s3_bucket').find((b) => text(b.attrs.bucket).includes('-landing-'))!;
  const bucket = `\${aws_s3_bucket.${landing.id}.bucket}`;
  const machine = resources(tf, 'aws_sfn_state_machine')[0];

  it('supplier_dim reads supplier/ (the defect this fixes: its rule was keyed by its name)', () => {
    assert.deepEqual(table.supplier_dim, { root: 'supplier/', marker: '_SUCCESS' });
  });

  it("each dataset's rule filters Object Created on its own root and marker in the landing bucket", () => {
    for (const d of datasets) {
      const rule = resources(tf, 'aws_cloudwatch_event_rule').find((r) => r.attrs.name === `redshift-loader-dev-${d.name}-batch-complete`);
      assert.ok(rule, d.name);
      assert.deepEqual(JSON.parse(strAt(rule.attrs, 'event_pattern')), markerEventPattern(bucket, table[d.name].root, table[d.name].marker), d.name);
    }
    const pattern = (name: string) => strAt(resources(tf, 'aws_cloudwatch_event_rule').find((r) => r.attrs.name === `redshift-loader-dev-${name}-batch-complete`)!.attrs, 'event_pattern');
    assert.ok(pattern('lineitem').includes('{"wildcard":"lineitem/*/_READY"}'));
    assert.ok(pattern('supplier_dim').includes('{"wildcard":"supplier/*/_SUCCESS"}'));
  });

  it("supplier's marker starts both supplier and supplier_dim, each execution with its own dataset", () => {
    const reached = targetsReached(tf, objectCreated(bucket, 'supplier/20261130/_SUCCESS'));
    assert.deepEqual(reached.map((r) => r.rule).sort(), ['redshift-loader-dev-supplier-batch-complete', 'redshift-loader-dev-supplier_dim-batch-complete']);
    for (const r of reached) assert.equal(r.arn, `\${aws_sfn_state_machine.${machine.id}.arn}`);
    const inputs = reached.map((r) => r.input as { dataset: string; markerKey: string }).sort((a, b) => a.dataset.localeCompare(b.dataset));
    assert.deepEqual(inputs, [
      { dataset: 'supplier', markerKey: 'supplier/20261130/_SUCCESS' },
      { dataset: 'supplier_dim', markerKey: 'supplier/20261130/_SUCCESS' },
    ]);
    assert.deepEqual(inputs.map((i) => batchOfMarkerKey(i, table)), [{ dataset: 'supplier', date: '2026-11-30' }, { dataset: 'supplier_dim', date: '2026-11-30' }]);
  });

  it("lineitem's marker starts lineitem alone; a data file or another folder starts nothing", () => {
    assert.deepEqual(targetsReached(tf, objectCreated(bucket, 'lineitem/20261130/_READY')).map((r) => r.input), [{ dataset: 'lineitem', markerKey: 'lineitem/20261130/_READY' }]);
    assert.deepEqual(targetsReached(tf, objectCreated(bucket, 'supplier/20261130/part-0.parquet')), []);
    assert.deepEqual(targetsReached(tf, objectCreated(bucket, 'supplier_dim/20261130/_SUCCESS')), []);
    assert.deepEqual(targetsReached(tf, objectCreated('another-bucket', 'supplier/20261130/_SUCCESS')), []);
  });

  it('the one events role is trusted for exactly these rules and may start the machine only', () => {
    const role = resources(tf, 'aws_iam_role').find((r) => r.attrs.name === 'redshift-loader-dev-events-batch-complete')!;
    const trust = JSON.parse(text(role.attrs.assume_role_policy)) as { Statement: Array<{ Condition: { ArnEquals: { 'aws:SourceArn': string[] } } }> };
    assert.deepEqual(
      trust.Statement[0].Condition.ArnEquals['aws:SourceArn'].slice().sort(),
      datasets.map((d) => `arn:aws:events:${dev.region}:\${data.aws_caller_identity.caller.account_id}:rule/redshift-loader-dev-${d.name}-batch-complete`).sort(),
    );
  });

  it('the machine takes exactly those roots and markers', () => {
    const def = JSON.parse(strAt(machine.attrs, 'definition')) as { States: { Trigger: { Choices: Array<{ Condition: string }> } } };
    assert.equal(def.States.Trigger.Choices[0].Condition, `{% $exists($states.input.markerKey) and ${markerKeyCondition(table)} %}`);
    assert.ok(def.States.Trigger.Choices[0].Condition.includes('"lineitem":{"root":"lineitem/","marker":"_READY"}'));
    assert.ok(def.States.Trigger.Choices[0].Condition.includes('"supplier_dim":{"root":"supplier/","marker":"_SUCCESS"}'));
  });
});
