/**
 * Crash safety: a run SIGKILLed at any moment, then run again, leaves exactly one copy of the batch and
 * no stale lock that blocks the next run.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateSupplier } from '../../tpch/index.ts';
import { runCli, spawnCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { published } from '../support/supplier.ts';

const ROWS = 30_000;

async function killAfter(args: string[], cwd: string, ms: number): Promise<number | null> {
  const child = spawnCli(args, { cwd });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return code;
}

for (const engine of ENGINES) {
  describe(`crash safety on ${engine}`, () => {
    let source: string;
    const fx = warehouseFixture(engine, 'crash', async (dir) => {
      source = join(dir, 'landing');
      await generateSupplier({ scale: ROWS / 10_000, files: 3, format: 'parquet', outDir: source, rowGroupSize: 5000 });
    });

    it('killed at many moments and rerun, the batch is published exactly once', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      // --force: every rerun loads the same files again (else it is "already published" at once).
      const args = ['run', '--dataset', 'supplier', '--date', '2026-11-20', '--source', source, '--warehouse', fx.warehouse, '--force'];
      const first = await runCli(args, { cwd: fx.dir }); // creates the warehouse: slower than a nightly run
      assert.equal(first.code, 0, first.stderr);
      const t0 = performance.now();
      const second = await runCli(args, { cwd: fx.dir });
      assert.equal(second.code, 0, second.stderr);
      const full = performance.now() - t0;
      // Kill points spread over a whole run: start-up, drift, partition, stage, publish, report.
      const points = [0.15, 0.3, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95].map((f) => Math.round(f * full));
      let killed = 0;
      for (const ms of points) {
        const code = await killAfter(args, fx.dir, ms);
        if (code === null) killed++;
        const p = await published(fx.warehouse);
        assert.equal(p.rows.length, ROWS, `after a kill at ${ms} ms: one copy`);
        assert.equal(p.loadTs.length, 1, `after a kill at ${ms} ms: one load`);
      }
      assert.ok(killed >= 4, `at least half the runs were really killed mid-way (${killed})`);
      const again = await runCli(args, { cwd: fx.dir });
      assert.equal(again.code, 0, `no stale lock blocks the next run: ${again.stderr}`);
      const p = await published(fx.warehouse);
      assert.equal(p.rows.length, ROWS);
      assert.equal(new Set(p.rows.map((r) => r[0])).size, ROWS, 'every key once');
    });
  });
}
