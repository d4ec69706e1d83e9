/**
 * Signals (AWS Batch: SIGTERM on cancel or timeout, SIGKILL 30 s later; a terminal: SIGINT). A run
 * held at a moment (jobs/pause-point.ts, RL_PAUSE_AT) and signalled there stops within 10 s with
 * 128 + the signal, rolls back, leaves the previous copy and no partial file, and records the failure
 * in the audit table and the run report; a signal after the commit leaves the run published. On
 * PostgreSQL a publish blocked on a lock is cancelled on the server.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import pg from 'pg';
import { generateSupplier } from '../../tpch/index.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { runCli, spawnCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { published } from '../support/supplier.ts';
import { readJson } from '../support/json.ts';
import type { RunReport } from '../../jobs/report.ts';

const ROWS = 30_000;
const DATE = '2026-11-20';
/** What the issue asks: the audit row and the report are written, and the process gone, within 10 s. */
const WITHIN_MS = 10_000;

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** From the (first) signal to the exit. */
  ms: number;
}

/** Resolves when the child's stderr matches `re` (rejects if it exits first). */
function waitForStderr(child: ChildProcess, out: { stderr: string }, re: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (re.test(out.stderr)) {
        child.stderr!.off('data', check);
        child.off('close', closed);
        resolve();
      }
    };
    const closed = (code: number | null) => reject(new Error(`exited (${code}) before printing ${re}: ${out.stderr}`));
    child.stderr!.on('data', check);
    child.once('close', closed);
    check();
  });
}

/**
 * Runs the CLI with RL_PAUSE_AT=`points`, waits until it is held at `at`, and signals it; `then` runs
 * after the signal (e.g. a second signal). Returns how it ended.
 */
async function signalAt(
  args: string[],
  cwd: string,
  at: string,
  sig: NodeJS.Signals,
  opts: { points?: string; then?: (child: ChildProcess, out: { stderr: string }) => Promise<void> } = {},
): Promise<Stopped> {
  const child = spawnCli(args, { cwd, env: { RL_PAUSE_AT: opts.points ?? at } });
  const out = { stderr: '' };
  child.stderr!.on('data', (d) => (out.stderr += d));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  try {
    await waitForStderr(child, out, new RegExp(`paused at ${at}\\n`));
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const t0 = performance.now();
  child.kill(sig);
  await opts.then?.(child, out);
  const { code, signal } = await closed;
  return { code, signal, stderr: out.stderr, ms: performance.now() - t0 };
}

/** The run reports under <cwd>/.local/reports for the batch, by run id. */
function runReports(cwd: string): Map<string, string> {
  const dir = join(cwd, '.local', 'reports', 'supplier', `batch=${DATE}`);
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const d of readdirSync(dir)) if (d.startsWith('run=')) out.set(d.slice(4), join(dir, d));
  return out;
}

/** Every file under `dir` (recursively), relative names. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Rows in the stage table: a COPY stopped mid-way rolls back to the empty stage the run began it on. */
async function stagedRows(warehouse: string): Promise<number> {
  const wh = await openWarehouse(warehouse);
  try {
    return Number((await wh.query('SELECT COUNT(*) AS n FROM assignment.supplier_stage'))[0].n);
  } finally {
    await wh.close();
  }
}

async function auditOf(warehouse: string, runId: string): Promise<Array<Record<string, unknown>>> {
  const wh = await openWarehouse(warehouse);
  try {
    return await wh.query(`SELECT status, message FROM assignment.load_audit WHERE run_id = '${runId}'`);
  } finally {
    await wh.close();
  }
}

for (const engine of ENGINES) {
  describe(`signals on ${engine}`, () => {
    let source: string;
    const fx = warehouseFixture(engine, 'signals', async (dir) => {
      source = join(dir, 'landing');
      await generateSupplier({ scale: ROWS / 10_000, files: 3, format: 'parquet', outDir: source, rowGroupSize: 5000 });
    });
    // --force: every run here loads the same files again on purpose (else "already published").
    const args = (): string[] => ['run', '--dataset', 'supplier', '--date', DATE, '--source', source, '--warehouse', fx.warehouse, '--force'];
    /** The load_ts of the copy published before the signals. */
    let previous: string[] = [];
    const seen = new Set<string>();

    before(async () => {
      if (fx.skip) return;
      const first = await runCli(args(), { cwd: fx.dir });
      assert.equal(first.code, 0, first.stderr);
      previous = (await published(fx.warehouse)).loadTs;
      assert.equal(previous.length, 1);
      for (const id of runReports(fx.dir).keys()) seen.add(id);
    });

    /** The run that just ended: its id and report folder (the one report folder not seen before). */
    function latestRun(): { runId: string; dir: string } {
      const fresh = [...runReports(fx.dir)].filter(([id]) => !seen.has(id));
      assert.equal(fresh.length, 1, `one new run report: ${fresh.map(([id]) => id).join(', ')}`);
      seen.add(fresh[0][0]);
      return { runId: fresh[0][0], dir: fresh[0][1] };
    }

    /** What every stopped run must leave: exit code, one line, the audit row, the report, the previous copy, no partial file. */
    async function assertStopped(s: Stopped, sig: 'SIGTERM' | 'SIGINT', code: number): Promise<string> {
      assert.equal(s.code, code, `exit ${code}, not killed by the signal (${s.signal}): ${s.stderr}`);
      assert.ok(s.ms < WITHIN_MS, `stopped within 10 s (${Math.round(s.ms)} ms)`);
      const last = s.stderr.trim().split('\n').pop()!;
      assert.match(last, new RegExp(`^terminated by ${sig} — nothing of this run was published`), 'one line, no stack');
      const { runId, dir } = latestRun();
      const audit = await auditOf(fx.warehouse, runId);
      assert.deepEqual(audit.map((a) => a.status), ['failed']);
      assert.match(String(audit[0].message), new RegExp(`^terminated by ${sig}`));
      const report = readJson<RunReport>(join(dir, 'run.json'));
      assert.equal(report.status, 'failed');
      assert.equal(report.exitCode, code);
      assert.match(report.error ?? '(no error)', new RegExp(`^terminated by ${sig}`));
      assert.match(readFileSync(join(dir, 'run.md'), 'utf8'), new RegExp(`FAILED[\\s\\S]*terminated by ${sig}`));
      const p = await published(fx.warehouse);
      assert.equal(p.rows.length, ROWS, 'the previous copy is untouched');
      assert.deepEqual(p.loadTs, previous, 'still the previous copy');
      assert.deepEqual(filesUnder(join(fx.dir, '.local', 'staging')).filter((f) => f.endsWith('.partial')), [], 'no partial file left');
      return runId;
    }

    it('SIGTERM during the partition pass: workers stopped, no part and no manifest of the run, exit 143', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const s = await signalAt([...args(), '--workers', '2'], fx.dir, 'partition', 'SIGTERM');
      const runId = await assertStopped(s, 'SIGTERM', 143);
      const pkg = join(fx.dir, '.local', 'staging', 'supplier', `batch=${DATE}`, `run=${runId}`);
      assert.deepEqual(filesUnder(pkg), [], 'nothing of the aborted package is left under its final name');
    });

    it('SIGTERM during the stage COPY: rolled back, exit 143', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      await assertStopped(await signalAt(args(), fx.dir, 'copy', 'SIGTERM'), 'SIGTERM', 143);
      assert.equal(await stagedRows(fx.warehouse), 0, 'the COPY stopped after its first part and rolled back');
    });

    it('SIGTERM during the publish, before COMMIT: rolled back, exit 143', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      await assertStopped(await signalAt(args(), fx.dir, 'commit', 'SIGTERM'), 'SIGTERM', 143);
    });

    it('SIGINT gives 130', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      await assertStopped(await signalAt(args(), fx.dir, 'copy', 'SIGINT'), 'SIGINT', 130);
      assert.equal(await stagedRows(fx.warehouse), 0, 'the COPY rolled back');
    });

    it('a second signal during the shutdown exits at once with the same code; nothing is half-published', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      // Held at the COMMIT, then (after the rollback) before the failed audit row: the second signal lands there.
      const s = await signalAt(args(), fx.dir, 'commit', 'SIGTERM', {
        points: 'commit,audit',
        then: async (child, out) => {
          await waitForStderr(child, out, /paused at audit\n/);
          child.kill('SIGTERM');
        },
      });
      assert.equal(s.code, 143, s.stderr);
      assert.match(s.stderr, /second signal \(SIGTERM\): exiting at once with 143/);
      const { runId } = latestRun();
      assert.deepEqual(await auditOf(fx.warehouse, runId), [], 'the audit row may be missing: it was never written');
      const p = await published(fx.warehouse);
      assert.equal(p.rows.length, ROWS);
      assert.deepEqual(p.loadTs, previous, 'never half-published: still the previous copy');
    });

    if (engine === 'postgres') {
      it('SIGTERM while the publish waits on a lock: the statement is cancelled on the server, exit 143', async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const blocker = new pg.Client({ connectionString: fx.warehouse });
        await blocker.connect();
        try {
          // Hold the history table: every step before the publish runs, the publish's LOCK waits for it.
          await blocker.query('BEGIN');
          await blocker.query('LOCK TABLE assignment.supplier_data IN ACCESS EXCLUSIVE MODE');
          const child = spawnCli(args(), { cwd: fx.dir });
          const out = { stderr: '' };
          child.stderr!.on('data', (d) => (out.stderr += d));
          const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
          for (let i = 0; ; i++) {
            await blocker.query('SELECT pg_stat_clear_snapshot()'); // inside a transaction the activity view is a snapshot
            const { rows } = await blocker.query(
              "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE%'",
            );
            if (rows.length > 0) break;
            if (i >= 600) {
              const activity = await blocker.query("SELECT state, wait_event_type, query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
              child.kill('SIGKILL');
              assert.fail(`the publish never waited on the lock: ${JSON.stringify(activity.rows)} ${out.stderr}`);
            }
            await new Promise((r) => setTimeout(r, 50));
          }
          const t0 = performance.now();
          child.kill('SIGTERM');
          const code = await closed; // the lock is still held: only a server-side cancel lets the run go
          const ms = performance.now() - t0;
          await blocker.query('ROLLBACK');
          await assertStopped({ code, signal: null, stderr: out.stderr, ms }, 'SIGTERM', 143);
        } finally {
          await blocker.query('ROLLBACK').catch(() => undefined);
          await blocker.end();
        }
      });
    }

    it('a signal after the publish committed: the run is published and exits 0', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const s = await signalAt(args(), fx.dir, 'committed', 'SIGTERM');
      assert.equal(s.code, 0, s.stderr);
      assert.match(s.stderr, /SIGTERM arrived after the work was committed: it stands \(exit 0\)/);
      const { runId, dir } = latestRun();
      assert.deepEqual((await auditOf(fx.warehouse, runId)).map((a) => a.status), ['published']);
      assert.equal(readJson<RunReport>(join(dir, 'run.json')).status, 'published');
      const p = await published(fx.warehouse);
      assert.equal(p.rows.length, ROWS, 'one copy');
      assert.equal(p.loadTs.length, 1);
      assert.notDeepEqual(p.loadTs, previous, 'the new copy replaced the previous one');
    });

    it('a rerun after the signals leaves exactly one copy', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const again = await runCli(args(), { cwd: fx.dir });
      assert.equal(again.code, 0, again.stderr);
      const p = await published(fx.warehouse);
      assert.equal(p.rows.length, ROWS);
      assert.equal(p.loadTs.length, 1);
      assert.equal(new Set(p.rows.map((r) => r[0])).size, ROWS, 'every key once');
    });
  });
}
