/** plan --pointer URI: the plan's URI, id and shard count written where the caller chose (the nightly machine reads it). */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { generateSupplier } from '../../tpch/index.ts';
import { runCli } from '../support/cli.ts';

describe('plan --pointer', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rl-plan-pointer-'));
    await generateSupplier({ scale: 0.3, files: 1, format: 'parquet', outDir: join(dir, 'landing'), rowGroupSize: 1000 });
  });

  it('writes {plan, planId, shards} to the pointer after plan.json, the same the --json line says', async () => {
    const pointer = join(dir, 'plans', 'supplier', 'exec-1.json');
    const r = await runCli(['plan', '--dataset', 'supplier', '--date', '2026-11-05', '--source', join(dir, 'landing'), '--shards', '2', '--pointer', pointer, '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { plan: string; planId: string; shards: number };
    const written = JSON.parse(readFileSync(pointer, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(written, { plan: printed.plan, planId: printed.planId, shards: printed.shards });
    assert.equal(written.shards, 2);
    assert.ok(existsSync(String(written.plan)), 'the pointer names a plan.json that exists');
    assert.match(String(written.plan), /\/supplier\/batch=2026-11-05\/plan=[^/]+\/plan\.json$/);
  });

  it('refuses a pointer it cannot write before any work (exit 2, one line, no plan)', async () => {
    const staging = join(dir, 'staging-refused');
    for (const [pointer, message] of [
      ['ftp://host/p.json', /^ConfigError: unsupported location ftp:\/\/host\/p\.json/m],
      [join(dir, 'pointer.txt'), /^ConfigError: --pointer must name a \.json object, got ".*pointer\.txt"/m],
    ] as const) {
      const r = await runCli(['plan', '--dataset', 'supplier', '--date', '2026-11-05', '--source', join(dir, 'landing'), '--staging', staging, '--pointer', pointer], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.ok(!existsSync(staging), 'no plan written');
    }
  });
});
