/**
 * The storage advice is computed after the run gives back the dataset's load lock (and, on PGlite, the
 * warehouse folder): a run held at the pause point `advice` (published, advice not yet computed) does
 * not keep a second loader of the same dataset waiting. The second run, with a 2 s --lock-timeout,
 * publishes at once; the held run then carries on and its run.json still carries the advice.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateSupplier } from '../../tpch/index.ts';
import type { RunReport } from '../../jobs/report.ts';
import { runCli, spawnCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { readJson } from '../support/json.ts';
import { published } from '../support/supplier.ts';

const ROWS = 20_000;

function waitForStderr(child: ChildProcess, out: { stderr: string }, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (out.stderr.includes(text)) {
        child.stderr!.off('data', check);
        child.off('close', closed);
        resolve();
      }
    };
    const closed = (code: number | null): void => reject(new Error(`exited (${code}) before printing "${text}": ${out.stderr}`));
    child.stderr!.on('data', check);
    child.once('close', closed);
    check();
  });
}

for (const engine of ENGINES) {
  describe(`storage advice after the load lock on ${engine}`, () => {
    let source = '';
    const fx = warehouseFixture(engine, 'advicelock', async (dir) => {
      source = join(dir, 'landing');
      await generateSupplier({ scale: ROWS / 10_000, files: 2, format: 'parquet', outDir: source, rowGroupSize: 5000 });
    });
    const flags = (extra: string[] = []): string[] => [
      'run', '--dataset', 'supplier', '--date', '2026-01-02', '--source', source, '--staging', join(fx.dir, 'staging'),
      '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse, '--force', ...extra,
    ];

    it('a run held before its advice has let go of the lock: a second run publishes without waiting; the first still writes its advice', { timeout: 240_000 }, async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const first = await runCli(flags(), { cwd: fx.dir }); // creates the warehouse and its tables
      assert.equal(first.code, 0, first.stderr);

      const held = spawnCli(flags(['--json']), { cwd: fx.dir, env: { RL_PAUSE_AT: 'advice' } });
      const out = { stderr: '', stdout: '' };
      held.stderr!.on('data', (d) => (out.stderr += d));
      held.stdout!.on('data', (d) => (out.stdout += d));
      const closed = new Promise<number | null>((resolve) => held.on('close', (code) => resolve(code)));
      try {
        await waitForStderr(held, out, 'paused at advice\n');
        const heldCopy = await published(fx.warehouse);
        assert.equal(heldCopy.rows.length, ROWS, 'the held run has published');

        const second = await runCli(flags(['--lock-timeout', '2']), { cwd: fx.dir, killAfterMs: 120_000 });
        assert.equal(second.code, 0, `the second run publishes while the first is held before its advice:\n${second.stderr}`);
        assert.doesNotMatch(second.stderr, /waiting up to|after waiting|another run of supplier/, 'it did not wait for the lock');
        const after = await published(fx.warehouse);
        assert.equal(after.rows.length, ROWS, 'one copy');
        assert.equal(after.loadTs.length, 1);
        assert.notDeepEqual(after.loadTs, heldCopy.loadTs, 'the second run published its own copy');
      } finally {
        held.kill('SIGTERM'); // after the commit a signal no longer stops the run: it carries on to its advice
      }
      assert.equal(await closed, 0, out.stderr);
      const summary = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as RunReport;
      assert.equal(summary.status, 'published');
      const report = readJson<RunReport>(summary.reports.runJson!);
      assert.ok(report.advice, 'run.json still carries the storage advice');
      assert.equal(report.advice.sampleRows, ROWS);
      assert.equal(typeof report.timings.advice, 'number');
    });
  });
}
