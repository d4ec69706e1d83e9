// The nightly machine's JSONata, executed (test/stacks/sfn-jsonata.ts runs it with the jsonata library
// Step Functions uses): the batch date, the per-dataset sizing, the plan pointer, the array size taken
// from the plan, one shard with --shard 0, and the failure routing. The definitions are the ones
// `npm run synth` writes for each environment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchDateOf, batchDateShift } from '../../stacks/batch-date.ts';
import { environments } from '../../stacks/environments.ts';
import { resources } from './policy/tf.ts';
import { synthesizedEnvironments } from './support.ts';
import { execute, TaskFailure, type TaskCall } from './sfn-jsonata.ts';
import { objectCreated, targetsReached } from './eventbridge.ts';

function definitionOf(env: string): string {
  const tf = synthesizedEnvironments().get(env);
  assert.ok(tf, `environment ${env} was not synthesized`);
  const [machine] = resources(tf, 'aws_sfn_state_machine');
  assert.ok(machine, `no state machine in ${env}`);
  return String(machine.attrs.definition);
}

/** Answers the machine's tasks: Batch jobs succeed; the pointer says `shards` shards. */
function happyTasks(shards: number, plan = 's3://staging/lineitem/batch=2026-12-01/plan=abc/plan.json') {
  return (call: TaskCall): unknown => {
    if (call.resource.endsWith(':s3:getObject')) return { Body: JSON.stringify({ plan, planId: 'abc', shards }) };
    if (call.resource.endsWith('batch:submitJob.sync')) return { JobId: `job-${call.state}`, Status: 'SUCCEEDED' };
    if (call.resource.endsWith('sns:publish')) return { MessageId: 'm-1' };
    throw new Error(`unexpected task ${call.resource}`);
  };
}

type Args = { JobName?: string; Parameters?: Record<string, string>; ArrayProperties?: { Size?: unknown }; ContainerOverrides?: { Command?: string[]; ResourceRequirements?: Array<{ Type: string; Value: string }> }; Bucket?: string; Key?: string };
const argsOf = (calls: TaskCall[], state: string): Args => {
  const c = calls.find((x) => x.state === state);
  assert.ok(c, `no call from ${state}`);
  return c.arguments as Args;
};

describe('the nightly machine, executed', () => {
  for (const env of Object.keys(environments)) {
    const settings = environments[env];
    const { shiftMs } = batchDateShift(settings.nightly.at, settings.timezone, settings.nightly.batchDateOffsetDays);

    it(`${env}: the batch date from the scheduled time is the one the stack's own computation gives, every day of a year`, async () => {
      const def = definitionOf(env);
      for (let day = 0; day < 366; day += 7) {
        const scheduled = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000 + 2 * 3600_000).toISOString();
        const r = await execute(def, { dataset: 'supplier', scheduledTime: scheduled }, happyTasks(1));
        assert.equal(r.variables.batchDate, batchDateOf(scheduled, shiftMs), scheduled);
      }
    });

    it(`${env}: an explicit date wins over the schedule; the plan job gets dataset, date, shards and a pointer unique to the execution`, async () => {
      const r = await execute(definitionOf(env), { dataset: 'supplier', date: '2026-11-30', scheduledTime: '2026-12-02T02:00:00Z' }, happyTasks(1), {
        Execution: { Name: 'manual-1', StartTime: '2026-12-02T09:00:00Z' },
      });
      const plan = argsOf(r.calls, 'SubmitPlan');
      assert.equal(plan.Parameters?.date, '2026-11-30');
      assert.equal(plan.Parameters?.dataset, 'supplier');
      assert.match(plan.Parameters?.pointer ?? '', /^s3:\/\/.+\/plans\/supplier\/manual-1\.json$/);
      const read = argsOf(r.calls, 'ReadPlan');
      assert.equal(read.Key, 'plans/supplier/manual-1.json');
      assert.equal(plan.JobName, 'plan-supplier-2026-11-30');
    });

    it(`${env}: one shard runs one partition job with --shard 0, then load with the plan`, async () => {
      const r = await execute(definitionOf(env), { dataset: 'supplier', date: '2026-11-30' }, happyTasks(1, 's3://b/p.json'));
      assert.deepEqual(r.path, ['Trigger', 'BatchDate', 'Sizing', 'SubmitPlan', 'ReadPlan', 'Shards', 'SubmitShard', 'SubmitLoad']);
      assert.deepEqual(argsOf(r.calls, 'SubmitShard').ContainerOverrides?.Command, ['partition', '--plan', 's3://b/p.json', '--shard', '0']);
      assert.equal(argsOf(r.calls, 'SubmitLoad').Parameters?.plan, 's3://b/p.json');
      assert.equal(r.end.type, 'End');
    });

    it(`${env}: the array size is the plan's shard count (a small batch gets fewer shards than asked)`, async () => {
      const r = await execute(definitionOf(env), { dataset: 'lineitem', date: '2026-11-30' }, happyTasks(3, 's3://b/l.json'));
      assert.deepEqual(r.path, ['Trigger', 'BatchDate', 'Sizing', 'SubmitPlan', 'ReadPlan', 'Shards', 'SubmitShards', 'SubmitLoad']);
      const shards = argsOf(r.calls, 'SubmitShards');
      assert.equal(shards.ArrayProperties?.Size, 3);
      assert.equal(shards.Parameters?.plan, 's3://b/l.json');
    });

    it(`${env}: each dataset's shards, vCPU and memory come from the environment data; others get the defaults`, async () => {
      const def = definitionOf(env);
      for (const [dataset, want] of Object.entries(settings.batch.datasets ?? {})) {
        const r = await execute(def, { dataset, date: '2026-11-30' }, happyTasks(2));
        assert.equal(argsOf(r.calls, 'SubmitPlan').Parameters?.shards, String(want.shards), dataset);
        const req = argsOf(r.calls, 'SubmitShards').ContainerOverrides?.ResourceRequirements ?? [];
        if (want.vcpu !== undefined) assert.deepEqual(req.find((x) => x.Type === 'VCPU')?.Value, String(want.vcpu), dataset);
        if (want.memoryMiB !== undefined) assert.deepEqual(req.find((x) => x.Type === 'MEMORY')?.Value, String(want.memoryMiB), dataset);
      }
      const r = await execute(def, { dataset: 'region', date: '2026-11-30' }, happyTasks(1));
      assert.equal(argsOf(r.calls, 'SubmitPlan').Parameters?.shards, '1');
      const req = argsOf(r.calls, 'SubmitShard').ContainerOverrides?.ResourceRequirements ?? [];
      assert.equal(req.find((x) => x.Type === 'VCPU')?.Value, String(settings.batch.run.vcpu));
      assert.equal(req.find((x) => x.Type === 'MEMORY')?.Value, String(settings.batch.run.memoryMiB));
    });

    it(`${env}: supplier's marker, through supplier_dim's rule and its input transformer, runs supplier_dim for that date; supplier's rule runs supplier`, async () => {
      const tf = synthesizedEnvironments().get(env)!;
      const def = definitionOf(env);
      const dimRule = resources(tf, 'aws_cloudwatch_event_rule').find((r) => r.attrs.name === `redshift-loader-${env}-supplier_dim-batch-complete`);
      assert.ok(dimRule, 'supplier_dim has its own marker rule');
      const bucket = (JSON.parse(String(dimRule.attrs.event_pattern)) as { detail: { bucket: { name: string[] } } }).detail.bucket.name[0];
      const reached = targetsReached(tf, objectCreated(bucket, 'supplier/20261130/_SUCCESS'));
      assert.deepEqual(reached.map((r) => r.rule).sort(), [`redshift-loader-${env}-supplier-batch-complete`, `redshift-loader-${env}-supplier_dim-batch-complete`]);
      for (const { input } of reached) {
        const { dataset } = input as { dataset: string };
        const r = await execute(def, input, happyTasks(1));
        assert.deepEqual(r.path.slice(0, 3), ['Trigger', 'FromMarker', 'BatchDate'], dataset);
        assert.equal(r.variables.dataset, dataset);
        assert.equal(r.variables.batchDate, '2026-11-30');
        assert.equal(argsOf(r.calls, 'SubmitPlan').Parameters?.dataset, dataset);
        assert.equal(argsOf(r.calls, 'SubmitPlan').Parameters?.date, '2026-11-30');
      }
      assert.deepEqual(reached.map((r) => (r.input as { dataset: string }).dataset).sort(), ['supplier', 'supplier_dim']);
    });

    it(`${env}: a marker key that is not its dataset's root, folder and marker is refused without a job`, async () => {
      const def = definitionOf(env);
      const refused: Array<[string, string]> = [
        ['supplier_dim', 'supplier_dim/20261130/_SUCCESS'],
        ['supplier_dim', 'lineitem/20261130/_SUCCESS'],
        ['supplier', 'supplier/20261130/part-0.parquet'],
        ['supplier', 'supplier/20261330/_SUCCESS'],
        ['supplier', 'supplier/x/20261130/_SUCCESS'],
        ['supplier', 'supplier/2026113/_SUCCESS'],
        ['supplier', 'supplier/20261130/_SUCCESS/x'],
        ['nobody', 'nobody/20261130/_SUCCESS'],
        ['__proto__', 'supplier/20261130/_SUCCESS'],
      ];
      for (const [dataset, markerKey] of refused) {
        const r = await execute(def, { dataset, markerKey }, happyTasks(1));
        assert.deepEqual(r.end, { state: 'NotABatchMarker', type: 'Fail', error: 'NotABatchMarker' }, `${dataset} ${markerKey}`);
        assert.equal(r.calls.length, 0, markerKey);
      }
      const notAString = await execute(def, { dataset: 'supplier', markerKey: 20261130 }, happyTasks(1));
      assert.equal(notAString.end.state, 'NotABatchMarker');
    });

    it(`${env}: a job that ran and failed ends in RunFailed (Batch already alerted); a refused submit is alerted here`, async () => {
      const def = definitionOf(env);
      const jobFailed = await execute(def, { dataset: 'supplier', date: '2026-11-30' }, (call) => {
        if (call.state === 'SubmitLoad') throw new TaskFailure('States.TaskFailed', '{"JobId":"j-1","Status":"FAILED","StatusReason":"Essential container in task exited"}');
        return happyTasks(1)(call);
      });
      assert.equal(jobFailed.end.state, 'RunFailed');
      assert.ok(!jobFailed.calls.some((c) => c.resource.endsWith('sns:publish')), 'no second alert for a job Batch reported');
      const refused = await execute(def, { dataset: 'supplier', date: '2026-11-30' }, (call) => {
        if (call.state === 'SubmitPlan') throw new TaskFailure('Batch.ClientException', 'JobQueue does not exist');
        return happyTasks(1)(call);
      });
      assert.equal(refused.end.state, 'NotRun');
      const alert = refused.calls.find((c) => c.resource.endsWith('sns:publish'));
      assert.ok(alert, 'alerted');
      assert.match(String((alert.arguments as { Message: string }).Message), /supplier for 2026-11-30 failed: Batch\.ClientException JobQueue does not exist/);
    });
  }
});
