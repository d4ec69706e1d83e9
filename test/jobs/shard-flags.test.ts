/** partition --plan: the shard index from --shard or AWS_BATCH_JOB_ARRAY_INDEX, and its refusals (exit 2, one line). */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { generateSupplier } from '../../tpch/index.ts';
import { runCli } from '../support/cli.ts';

describe('partition --plan flags', () => {
  let dir: string;
  let planUri: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rl-shard-flags-'));
    await generateSupplier({ scale: 0.4, files: 1, format: 'parquet', outDir: join(dir, 'landing'), rowGroupSize: 1000 });
    const r = await runCli(['plan', '--dataset', 'supplier', '--date', '2026-11-05', '--source', join(dir, 'landing'), '--shards', '2', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    planUri = String((JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { plan: string }).plan);
  });

  it('takes the shard from AWS_BATCH_JOB_ARRAY_INDEX when --shard is absent', async () => {
    const r = await runCli(['partition', '--plan', planUri, '--json'], { cwd: dir, env: { AWS_BATCH_JOB_ARRAY_INDEX: '1' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout.trim()) as { shard: number }).shard, 1);
    const folder = planUri.replace(/plan\.json$/, '');
    assert.ok(existsSync(join(folder, 'shard=00001', 'manifest.json')));
    assert.ok(!existsSync(join(folder, 'shard=00000')), 'no other shard touched');
  });

  it('refuses a missing index, an index outside the plan and flags the plan fixes', async () => {
    const none = await runCli(['partition', '--plan', planUri], { cwd: dir, env: { AWS_BATCH_JOB_ARRAY_INDEX: '' } });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^ConfigError: --shard is required — pass --shard I, or run as an AWS Batch array child \(AWS_BATCH_JOB_ARRAY_INDEX\)$/m);
    const outside = await runCli(['partition', '--plan', planUri, '--shard', '5'], { cwd: dir });
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /shard 5 is not in the plan: it has shards 0 to 1/);
    const fixed = await runCli(['partition', '--plan', planUri, '--shard', '0', '--gzip-level', '4'], { cwd: dir });
    assert.equal(fixed.code, 2);
    assert.match(fixed.stderr, /--gzip-level cannot be used with --plan/);
    const noPlan = await runCli(['load', '--plan', join(dir, 'nowhere', 'plan.json')], { cwd: dir });
    assert.equal(noPlan.code, 2);
    assert.match(noPlan.stderr, /^ConfigError: no plan at .*run `redshift-loader plan` first/m);
  });
});
