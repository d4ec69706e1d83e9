// Names built from dataset names stay valid for any dataset name the contract schema allows
// (`^[a-z][a-z0-9_]*$`, no length limit): EventBridge rules and Scheduler schedules ≤ 64 characters of
// [.\-_A-Za-z0-9], Batch job names ≤ 128, CloudWatch alarms and Glue crawlers/classifiers ≤ 255.
// A name that fits is unchanged; a longer one is cut, with a hash of the whole name: stable from one
// synth to the next, and unique per dataset even when two long names share their first 200 characters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dev } from '../../stacks/environments.ts';
import { boundedName, NAME_CHARACTERS, NAME_LIMITS } from '../../stacks/bounded-name.ts';
import { DATASETS, synthStack } from './support.ts';
import { resources, strAt, text, type TfJson } from './policy/tf.ts';
import { execute, type TaskCall } from './sfn-jsonata.ts';

const supplier = DATASETS.find((d) => d.name === 'supplier')!;
const PREFIX = `supply_chain_${'x'.repeat(200)}`;
const LONG_A = `${PREFIX}_alpha`;
const LONG_B = `${PREFIX}_beta`;
const long = [LONG_A, LONG_B].map((name) => ({ ...supplier, name, stageTable: `${name.slice(0, 40)}_stage`, historyTable: `${name.slice(0, 40)}_data` }));

/** Every name of `type` whose resource belongs to `dataset` (by the name's attribute or the Terraform id). */
function names(tf: TfJson, type: string, attr: string): string[] {
  return resources(tf, type).map((r) => strAt(r.attrs, attr));
}

describe('names from long dataset names', () => {
  const first = synthStack(dev, [...DATASETS, ...long]).tf;
  const again = synthStack(dev, [...DATASETS, ...long]).tf;

  const limited: Array<[string, string, number]> = [
    ['aws_cloudwatch_event_rule', 'name', NAME_LIMITS.eventRule],
    ['aws_scheduler_schedule', 'name', NAME_LIMITS.schedule],
    ['aws_cloudwatch_metric_alarm', 'alarm_name', NAME_LIMITS.alarm],
    ['aws_glue_crawler', 'name', NAME_LIMITS.glue],
    ['aws_glue_classifier', 'name', NAME_LIMITS.glue],
  ];
  for (const [type, attr, limit] of limited) {
    it(`${type}: every name within ${limit} characters of [.\\-_A-Za-z0-9], unique, stable`, () => {
      const got = names(first, type, attr);
      assert.ok(got.length > 0, `no ${type}`);
      for (const n of got) {
        assert.ok(n.length <= limit, `${n} is ${n.length} characters`);
        assert.match(n, NAME_CHARACTERS);
        assert.ok(n.startsWith('redshift-loader-dev-'), n);
      }
      assert.equal(new Set(got).size, got.length, 'no two alike');
      assert.deepEqual(names(again, type, attr), got, 'the same names on the next synth');
      // Both long datasets have their own, and the built-in ones are as they were.
      for (const d of [LONG_A, LONG_B]) assert.ok(got.some((n) => n.includes(d.slice(0, 20))), `${d.slice(0, 30)}…: no ${type}`);
    });
  }

  it('built-in names are unchanged; long ones keep what the resource is, after the hash', () => {
    const rules = names(first, 'aws_cloudwatch_event_rule', 'name');
    assert.ok(rules.includes('redshift-loader-dev-supplier-batch-complete'));
    assert.ok(rules.includes('redshift-loader-dev-supplier_dim-crawled'));
    assert.ok(names(first, 'aws_scheduler_schedule', 'name').includes('redshift-loader-dev-supplier-nightly'));
    assert.ok(names(first, 'aws_cloudwatch_metric_alarm', 'alarm_name').includes('redshift-loader-dev-supplier-no-publish'));
    const longRules = rules.filter((n) => n.includes('supply_chain_'));
    assert.equal(longRules.length, 4, 'batch-complete and crawled for each long dataset');
    for (const n of longRules) {
      assert.equal(n.length, NAME_LIMITS.eventRule, n);
      assert.match(n, /^redshift-loader-dev-supply_chain_x+-[0-9a-f]{8}-(batch-complete|crawled)$/);
    }
  });

  it("the marker role trusts exactly the rules' own (shortened) names", () => {
    const role = resources(first, 'aws_iam_role').find((r) => r.attrs.name === 'redshift-loader-dev-events-batch-complete')!;
    const trusted = JSON.stringify(JSON.parse(text(role.attrs.assume_role_policy)));
    for (const n of names(first, 'aws_cloudwatch_event_rule', 'name').filter((x) => x.endsWith('-batch-complete'))) {
      assert.ok(trusted.includes(`:rule/${n}"`), `${n} is not trusted`);
    }
  });

  it('the drift job submitted on a crawl has a Batch job name within 128 characters', () => {
    const jobNames = resources(first, 'aws_cloudwatch_event_target').map((t) => t.attrs.batch_target).filter(Boolean).map((b) => strAt(b, 'job_name'));
    assert.ok(jobNames.length >= DATASETS.length + 2);
    for (const n of jobNames) {
      assert.ok(n.length <= NAME_LIMITS.batchJobName, `${n} is ${n.length} characters`);
      assert.match(n, /^[A-Za-z0-9][A-Za-z0-9_-]*$/);
    }
    assert.ok(jobNames.includes('redshift-loader-dev-supplier-drift'));
  });

  it("the nightly machine's Batch job names stay within 128 characters for a long dataset (executed JSONata)", async () => {
    const [machine] = resources(first, 'aws_sfn_state_machine');
    const tasks = (call: TaskCall): unknown => {
      if (call.resource.endsWith(':s3:getObject')) return { Body: JSON.stringify({ plan: 's3://b/p.json', planId: 'abc', shards: 2 }) };
      if (call.resource.endsWith('batch:submitJob.sync')) return { JobId: `job-${call.state}`, Status: 'SUCCEEDED' };
      throw new Error(`unexpected task ${call.resource}`);
    };
    const r = await execute(String(machine.attrs.definition), { dataset: LONG_A, date: '2026-11-30' }, tasks);
    const jobNames = r.calls.filter((c) => c.resource.endsWith('batch:submitJob.sync')).map((c) => (c.arguments as { JobName: string }).JobName);
    assert.deepEqual(r.calls.filter((c) => c.resource.endsWith('batch:submitJob.sync')).map((c) => c.state), ['SubmitPlan', 'SubmitShards', 'SubmitLoad']);
    for (const n of jobNames) {
      assert.ok(n.length <= NAME_LIMITS.batchJobName, `${n} is ${n.length} characters`);
      assert.match(n, /^[a-z]+-supply_chain_x+-2026-11-30$/);
    }
    const short = await execute(String(machine.attrs.definition), { dataset: 'supplier', date: '2026-11-30' }, tasks);
    assert.equal((short.calls[0].arguments as { JobName: string }).JobName, 'plan-supplier-2026-11-30', 'short names as before');
  });
});

describe('boundedName', () => {
  it('leaves a name that fits; cuts a longer one to exactly the limit with a hash of the whole name', () => {
    assert.equal(boundedName(64, 'redshift-loader-dev', 'supplier', 'batch-complete'), 'redshift-loader-dev-supplier-batch-complete');
    const a = boundedName(64, 'redshift-loader-dev', LONG_A, 'batch-complete');
    const b = boundedName(64, 'redshift-loader-dev', LONG_B, 'batch-complete');
    assert.equal(a.length, 64);
    assert.notEqual(a, b, 'two datasets with one long prefix');
    assert.equal(boundedName(64, 'redshift-loader-dev', LONG_A, 'batch-complete'), a, 'stable');
    assert.notEqual(boundedName(64, 'redshift-loader-prod', LONG_A, 'batch-complete').slice(-23), a.slice(-23), 'the hash covers the environment too');
    assert.equal(boundedName(65, 'h', 'x'.repeat(100), '').length, 65, 'no tail');
    assert.throws(() => boundedName(20, 'redshift-loader-dev', 'abc', 'batch-complete'), /no room/);
  });
});
