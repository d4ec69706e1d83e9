// Event-driven loads (issue 14.5): which object keys start a run and with what input. JSONata cannot be
// evaluated here (no jsonata package), so the key rule is proven on its TypeScript twin and its regular
// expression (JSONata regex literals are JavaScript RegExps), and the synthesized machine is checked to
// carry exactly that expression, the contracts' markers, and the rule's wildcards.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BATCH_FOLDER_PATTERN, batchOfMarkerKey, markerKeyCondition } from '../../stacks/marker-key.ts';
import { markerEventPattern } from '../../stacks/event-loading.ts';
import { dev } from '../../stacks/environments.ts';
import { DATASETS, synthStack } from './support.ts';
import { resources, strAt, text } from './policy/tf.ts';

const MARKERS = { supplier: '_SUCCESS', lineitem: '_READY' };

describe('a marker key -> {dataset, date}', () => {
  it('takes <dataset>/<YYYYMMDD>/<that dataset\'s marker>', () => {
    assert.deepEqual(batchOfMarkerKey('supplier/20261125/_SUCCESS', MARKERS), { dataset: 'supplier', date: '2026-11-25' });
    assert.deepEqual(batchOfMarkerKey('lineitem/20240229/_READY', MARKERS), { dataset: 'lineitem', date: '2024-02-29' });
  });
  const refused: Array<[string, string]> = [
    ['supplier/2026-11-25/_SUCCESS', 'a dashed date folder'],
    ['supplier/20261325/_SUCCESS', 'month 13'],
    ['supplier/20261100/_SUCCESS', 'day 00'],
    ['supplier/20261132/_SUCCESS', 'day 32'],
    ['supplier/2026112/_SUCCESS', 'seven digits'],
    ['supplier/x/20261125/_SUCCESS', 'a deeper folder (the wildcard matches it)'],
    ['supplier/20261125/sub/_SUCCESS', 'a marker in a subfolder'],
    ['supplier/20261125/_READY', "another dataset's marker"],
    ['lineitem/20261125/_SUCCESS', 'the default marker where the contract names another'],
    ['orders/20261125/_SUCCESS', 'a dataset not in the stack'],
    ['__proto__/20261125/_SUCCESS', 'an Object.prototype name'],
    ['supplier/20261125/part-0.parquet', 'a data file'],
  ];
  for (const [key, why] of refused) it(`refuses ${key} (${why})`, () => assert.equal(batchOfMarkerKey(key, MARKERS), undefined));

  it('the machine\'s condition uses the same pattern and the markers table', () => {
    const c = markerKeyCondition(MARKERS);
    assert.ok(c.includes(`/${BATCH_FOLDER_PATTERN}/`), c);
    assert.ok(c.includes(`$lookup(${JSON.stringify(MARKERS)}, $p[0]) = $p[2]`), c);
    assert.ok(!c.includes('%{') && !c.includes('${'), 'nothing Terraform would interpolate');
  });
});

describe('the synthesized stack with a contract that names its marker', () => {
  const datasets = DATASETS.map((d) => (d.name === 'lineitem' ? { ...d, completionMarker: '_READY' } : d));
  const { tf } = synthStack(dev, datasets);
  const markers = Object.fromEntries(datasets.map((d) => [d.name, d.completionMarker ?? '_SUCCESS']));

  it('filters Object Created on each dataset\'s own marker in the landing bucket', () => {
    const rule = resources(tf, 'aws_cloudwatch_event_rule').find((r) => r.attrs.name === 'redshift-loader-dev-batch-complete')!;
    const landing = resources(tf, 'aws_s3_bucket').find((b) => text(b.attrs.bucket).includes('-landing-'))!;
    assert.deepEqual(JSON.parse(strAt(rule.attrs, 'event_pattern')), markerEventPattern(`\${aws_s3_bucket.${landing.id}.bucket}`, markers));
    assert.ok(strAt(rule.attrs, 'event_pattern').includes('{"wildcard":"lineitem/*/_READY"}'));
    assert.ok(strAt(rule.attrs, 'event_pattern').includes('{"wildcard":"supplier/*/_SUCCESS"}'));
  });

  it('the machine takes exactly those markers', () => {
    const m = resources(tf, 'aws_sfn_state_machine')[0];
    const def = JSON.parse(strAt(m.attrs, 'definition')) as { States: { Trigger: { Choices: Array<{ Condition: string }> } } };
    assert.equal(def.States.Trigger.Choices[0].Condition, `{% $exists($states.input.detail) and ${markerKeyCondition(markers)} %}`);
    assert.ok(def.States.Trigger.Choices[0].Condition.includes('"lineitem":"_READY"'));
  });
});
