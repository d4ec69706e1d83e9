/**
 * One loader per dataset in the warehouse phase (issue 9, item 8), through the real command line.
 * Two runs of one dataset used to overlap between "empty the stage" and "publish", and the loser
 * failed with "staged 0, manifest N". Now a run takes the dataset's load lock first: the second waits
 * (up to --lock-timeout) and then publishes its own copy, or ends with exit 5 naming the run that holds
 * it. PostgreSQL: a session advisory lock whose holder's application_name carries its run id. PGlite:
 * the folder lock of the embedded warehouse, which carries the same run tag.
 */
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { generateSupplier } from '../../tpch/index.ts';
import { LOCK_CLASS, loadLockKey } from '../../jobs/warehouse/load-lock.ts';
import { runCli, spawnCli, type CliResult } from '../support/cli.ts';
import { ENGINES, warehouseFixture, type WarehouseFixture } from '../support/engines.ts';
import { published } from '../support/supplier.ts';

const ROWS = 30_000;
const HOLDER_RUN = '20991231T000000000Z-c0ffee';

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

function start(args: string[], cwd: string): Promise<CliResult> {
  return runCli(args, { cwd });
}

/**
 * A run started in the background, with its stderr so far: the test releases the lock once the run is
 * seen waiting for it (a fixed sleep raced a slow start on a loaded machine).
 */
function startWatched(args: string[], cwd: string): { stderr: () => string; done: Promise<CliResult> } {
  const child = spawnCli(args, { cwd });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { stderr: () => stderr, done };
}

/** Polls until `seen()` holds (the second run is waiting on the lock), failing after `ms`. */
async function until(seen: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await seen())) {
    if (performance.now() > deadline) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * PostgreSQL: another run's session (application_name is its run tag, not the holder's) has already tried
 * the load lock (pg_try_advisory_lock, then the holder lookup): it is polling, i.e. waiting.
 */
async function runIsWaiting(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'rl %' AND application_name NOT LIKE $1 AND (query LIKE '%pg_try_advisory_lock%' OR query LIKE '%FROM pg_locks l JOIN%')",
      [`rl ${HOLDER_RUN}%`],
    );
    return Number(r.rows[0].n) > 0;
  } finally {
    await c.end();
  }
}

async function failedAudit(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ message: string | null }>("SELECT message FROM assignment.load_audit WHERE status = 'failed' ORDER BY load_ts")).rows.map((r) => String(r.message));
  } finally {
    await c.end();
  }
}

for (const engine of ENGINES) {
  describe(`two runs of one dataset on ${engine}`, () => {
    let source = '';
    const fx: WarehouseFixture = warehouseFixture(engine, 'loadlock', async (dir) => {
      source = join(dir, 'landing');
      await generateSupplier({ scale: ROWS / 10_000, files: 3, format: 'parquet', outDir: source, rowGroupSize: 5000 });
    });
    const flags = (extra: string[] = []): string[] => [
      'run', '--dataset', 'supplier', '--date', '2026-01-02', '--source', source,
      // --force: the runs here load the same files again on purpose (else a later one is "already published").
      '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse, '--force', ...extra,
    ];

    it('started at once, both end; exactly one copy; the second waited for the first and published (never "staged 0")', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const first = await runCli(flags(), { cwd: fx.dir }); // creates the warehouse and its tables
      assert.equal(first.code, 0, first.stderr);
      for (let round = 0; round < (engine === 'pglite' ? 1 : 2); round++) {
        const [a, b] = await Promise.all([start(flags(), fx.dir), start(flags(), fx.dir)]);
        for (const r of [a, b]) {
          assert.doesNotMatch(r.stderr, /staged 0|does not reconcile/, r.stderr);
          assert.ok(r.code === 0 || (r.code === 5 && /another run of supplier 2026-01-02 \(run id \S+/.test(lastLine(r.stderr))), `exit ${r.code}: ${r.stderr}`);
        }
        assert.ok(a.code === 0 || b.code === 0, 'at least one published');
        const p = await published(fx.warehouse);
        assert.equal(p.rows.length, ROWS, `round ${round}: one copy of the batch`);
        assert.equal(p.loadTs.length, 1);
        assert.equal(new Set(p.rows.map((r) => r[0])).size, ROWS, 'every key once');
        if (engine === 'pglite') {
          // The folder is held from open to close: whoever opened second waited for the other, and said so.
          const waited = [a, b].filter((r) => /warehouse \S+ is in use by process \d+ \(rl \S+ supplier 2026-01-02\): waiting up to 300 s for it/.test(r.stderr));
          assert.equal(waited.length, 1, `${a.stderr}\n----\n${b.stderr}`);
          assert.equal(waited[0].code, 0, 'it then published');
        }
      }
    });

    it('a run that finds the dataset locked by another run waits up to --lock-timeout, then exit 5 naming that run; the copy stands', { timeout: 120_000 }, async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const before = await published(fx.warehouse);
      const holder = await holdLoadLock(engine, fx);
      let r: CliResult;
      const t0 = performance.now();
      try {
        r = await runCli(flags(['--lock-timeout', '2']), { cwd: fx.dir });
      } finally {
        await holder.release();
      }
      assert.equal(r.code, 5, r.stderr);
      assert.match(
        lastLine(r.stderr),
        new RegExp(`^LoadError: another run of supplier 2025-12-31 \\(run id ${HOLDER_RUN}, pid ${holder.pid}\\) is loading into .*; gave up after waiting 2 s.* — let it finish, then rerun this batch`),
      );
      assert.ok(performance.now() - t0 < 40_000);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      if (engine === 'postgres') {
        const failed = await failedAudit(fx.warehouse);
        assert.match(failed.at(-1) ?? '', /another run of supplier 2025-12-31 \(run id 20991231T000000000Z-c0ffee/, 'the failure is audited');
      }
      const after = await published(fx.warehouse);
      assert.deepEqual(after.rows, before.rows);
      assert.deepEqual(after.loadTs, before.loadTs);
    });

    it('a run that finds the dataset locked waits, and publishes once the other run lets go', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const before = await published(fx.warehouse);
      const holder = await holdLoadLock(engine, fx);
      const running = startWatched(flags(), fx.dir);
      try {
        await until(
          () => (engine === 'postgres' ? runIsWaiting(fx.warehouse) : /waiting up to 300 s/.test(running.stderr())),
          180_000,
          'the second run to wait for the load lock',
        );
      } finally {
        await holder.release();
      }
      const r = await running.done;
      assert.equal(r.code, 0, r.stderr);
      if (engine === 'postgres') {
        assert.match(r.stderr, new RegExp(`took the load lock of supplier after waiting [0-9.]+ s for pid ${holder.pid} \\(user [a-z_]+, run id ${HOLDER_RUN}`));
      } else {
        assert.match(r.stderr, new RegExp(`is in use by process ${holder.pid} \\(rl ${HOLDER_RUN} supplier 2025-12-31\\): waiting up to 300 s`));
      }
      const p = await published(fx.warehouse);
      assert.equal(p.rows.length, ROWS);
      assert.equal(p.loadTs.length, 1);
      assert.notDeepEqual(p.loadTs, before.loadTs, 'the waiting run published its own copy');
    });
  });
}

/**
 * Another run in its warehouse phase: on PostgreSQL a session holding the advisory load lock with a
 * run tag as application_name (what a run's session looks like); on PGlite a live process holding the
 * folder's lock file with its run tag (this test process: alive, on this host).
 */
async function holdLoadLock(engine: string, fx: WarehouseFixture): Promise<{ pid: number; release: () => Promise<void> }> {
  const tag = `rl ${HOLDER_RUN} supplier 2025-12-31`;
  if (engine === 'postgres') {
    const c = new pg.Client({ connectionString: fx.warehouse, application_name: tag });
    await c.connect();
    const pid = Number((await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    await c.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, loadLockKey('supplier')]);
    return { pid, release: () => c.end() };
  }
  const lock = `${fx.warehouse.slice('pglite:'.length)}.lock`;
  writeFileSync(lock, `${process.pid} ${hostname()} feedc0de\n${tag}\n`, { flag: 'wx' });
  return { pid: process.pid, release: () => Promise.resolve(rmSync(lock, { force: true })) };
}
