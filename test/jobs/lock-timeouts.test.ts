/**
 * Bounded lock waits (issue 9, item 3), through the real command line. An analyst's idle transaction
 * that has read the stage table would block the stage TRUNCATE forever; a lock on the history table
 * would block the publish. Now each statement waits at most --lock-timeout (RL_LOCK_TIMEOUT) for a lock
 * and runs at most --statement-timeout (RL_STATEMENT_TIMEOUT): exit 5, one line naming the table and the
 * blocking session, a failed audit row, the published copy untouched.
 *
 * PostgreSQL only for the blocking cases: PGlite is one in-process connection, so no other session can
 * hold a lock on it (another PROCESS is kept out by its folder lock: test/jobs/load-lock.test.ts).
 * The limits' flags are checked on both engines.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { ENGINES, warehouseFixture, type WarehouseFixture } from '../support/engines.ts';
import { published } from '../support/supplier.ts';
import { parseJson } from '../support/json.ts';

const SOURCE = join(SHARED_TPCH, 'duckdb-snappy');

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

function flags(fx: WarehouseFixture, extra: string[] = []): string[] {
  return [
    'run', '--dataset', 'supplier', '--date', '2026-10-01', '--source', SOURCE,
    '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse,
    '--force', // the same files on purpose in every test (else a later run is "already published")
    ...extra,
  ];
}

/** A second session that opens a transaction, runs `sql` and stays idle in it until `end()`. */
async function idleTransaction(url: string, sql: string): Promise<{ pid: number; end: () => Promise<void> }> {
  const c = new pg.Client({ connectionString: url, application_name: 'analyst' });
  await c.connect();
  const [{ pid }] = (await c.query('SELECT pg_backend_pid() AS pid')).rows as Array<{ pid: number }>;
  await c.query('BEGIN');
  await c.query(sql);
  return {
    pid,
    end: async () => {
      await c.query('ROLLBACK').catch(() => undefined);
      await c.end().catch(() => undefined);
    },
  };
}

async function auditRows(url: string): Promise<Array<{ status: string; message: string | null }>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ status: string; message: string | null }>('SELECT status, message FROM assignment.load_audit ORDER BY load_ts')).rows;
  } finally {
    await c.end();
  }
}

for (const engine of ENGINES) {
  describe(`warehouse limits' flags on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'limits_flags');

    it('refuses a lock or statement timeout that is not a whole number of seconds ≥ 1, before any work (exit 2)', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      for (const [extra, env, re] of [
        [['--lock-timeout', '0'], {}, /--lock-timeout must be an integer from 1 to 604800, got "0"/],
        [['--statement-timeout', '1.5'], {}, /--statement-timeout must be an integer from 1 to 604800, got "1\.5"/],
        [[], { RL_LOCK_TIMEOUT: 'soon' }, /RL_LOCK_TIMEOUT must be a whole number of seconds from 1 to 604800, got "soon"/],
        [[], { RL_STATEMENT_TIMEOUT: '-5' }, /RL_STATEMENT_TIMEOUT must be a whole number of seconds/],
      ] as const) {
        const r = await runCli(flags(fx, [...extra]), { cwd: fx.dir, env });
        assert.equal(r.code, 2, `${extra.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`);
        assert.match(lastLine(r.stderr), re);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      }
    });
  });
}

describe('bounded lock waits on PostgreSQL', () => {
  const fx = warehouseFixture('postgres', 'limits');

  // Without the limits these runs would wait for the idle session forever: the test timeout fails them.
  it('an idle transaction that read the stage: --lock-timeout 2 gives exit 5 within seconds, naming the table and the blocker; failed audit row; the published copy stands', { timeout: 120_000 }, async (t) => {
    if (fx.skip) return t.skip('no PostgreSQL');
    const first = await runCli(flags(fx), { cwd: fx.dir });
    assert.equal(first.code, 0, first.stderr);
    const before = await published(fx.warehouse);
    assert.equal(before.rows.length, 10_000);

    const analyst = await idleTransaction(fx.warehouse, 'SELECT COUNT(*) FROM assignment.supplier_stage');
    let r;
    const t0 = performance.now();
    try {
      r = await runCli(flags(fx, ['--lock-timeout', '2']), { cwd: fx.dir });
    } finally {
      await analyst.end();
    }
    const seconds = (performance.now() - t0) / 1000;
    const ended = Date.now();
    assert.equal(r.code, 5, r.stderr);
    // From the manifest (the last step before the stage) to the end: the 2 s wait, not more.
    const manifestAt = Date.parse(parseJson<{ ts: string }>(r.stderr.split('\n').find((l) => l.includes('and the manifest'))!).ts);
    assert.ok(ended - manifestAt < 10_000, `${ended - manifestAt} ms from the manifest to the end`);
    const line = lastLine(r.stderr);
    assert.match(
      line,
      new RegExp(`^LoadError: gave up waiting 2 s for a lock on assignment\\.supplier_stage held by pid ${analyst.pid} \\(user [a-z_]+, application analyst, idle in transaction since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\): TRUNCATE assignment\\.supplier_stage — end that session's transaction \\(or SELECT pg_terminate_backend\\(${analyst.pid}\\)\\)`),
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.ok(seconds < 40, `ended in ${seconds.toFixed(1)} s (the whole run, start-up and partition included)`);

    const audit = await auditRows(fx.warehouse);
    assert.deepEqual(audit.map((a) => a.status), ['published', 'failed']);
    assert.match(audit[1].message ?? '', /gave up waiting 2 s for a lock on assignment\.supplier_stage held by pid/);
    const after = await published(fx.warehouse);
    assert.deepEqual(after.rows, before.rows, 'the published copy is untouched');
    assert.deepEqual(after.loadTs, before.loadTs);
  });

  it('a statement that waits over 10 s logs one line naming the statement, the table and who blocks it', { timeout: 120_000 }, async (t) => {
    if (fx.skip) return t.skip('no PostgreSQL');
    const analyst = await idleTransaction(fx.warehouse, 'SELECT COUNT(*) FROM assignment.supplier_stage');
    let r;
    try {
      r = await runCli(flags(fx, ['--lock-timeout', '13']), { cwd: fx.dir });
    } finally {
      await analyst.end();
    }
    assert.equal(r.code, 5, r.stderr);
    const waits = r.stderr.split('\n').filter((l) => l.startsWith('{') && l.includes('for a lock on'));
    assert.equal(waits.length, 1, `one wait line: ${r.stderr}`);
    const msg = parseJson<{ msg: string }>(waits[0]).msg;
    assert.match(
      msg,
      new RegExp(`^waiting 1[0-3](\\.\\d)? s for a lock on assignment\\.supplier_stage: TRUNCATE assignment\\.supplier_stage — blocked by pid ${analyst.pid} \\(user [a-z_]+, application analyst, idle in transaction since .* UTC\\) \\(gives up after 13 s\\)$`),
    );
    assert.match(lastLine(r.stderr), /gave up waiting 13 s for a lock on assignment\.supplier_stage/);
  });

  it('a lock held on the history table during publish: RL_STATEMENT_TIMEOUT=3 gives exit 5 naming the table and the blocker; the publish rolled back', { timeout: 120_000 }, async (t) => {
    if (fx.skip) return t.skip('no PostgreSQL');
    const before = await published(fx.warehouse);
    const holder = await idleTransaction(fx.warehouse, 'LOCK TABLE assignment.supplier_data IN ACCESS EXCLUSIVE MODE');
    let r;
    try {
      r = await runCli(flags(fx), { cwd: fx.dir, env: { RL_STATEMENT_TIMEOUT: '3' } });
    } finally {
      await holder.end();
    }
    assert.equal(r.code, 5, r.stderr);
    assert.match(
      lastLine(r.stderr),
      new RegExp(`^LoadError: statement timed out after 3 s, waiting for a lock on assignment\\.supplier_data held by pid ${holder.pid} \\(user [a-z_]+, application analyst, idle in transaction since .* UTC\\): LOCK assignment\\.supplier_data, assignment\\.load_audit, assignment\\.supplier_stage — raise --statement-timeout`),
    );
    const audit = await auditRows(fx.warehouse);
    assert.equal(audit.at(-1)!.status, 'failed');
    assert.match(audit.at(-1)!.message ?? '', /statement timed out after 3 s/);
    const after = await published(fx.warehouse);
    assert.deepEqual(after.rows, before.rows, 'the published copy is untouched');
    assert.deepEqual(after.loadTs, before.loadTs);
    assert.deepEqual(after.audit.filter((a) => a.status === 'published'), before.audit.filter((a) => a.status === 'published'));

    // The lock gone, the same run publishes.
    const again = await runCli(flags(fx), { cwd: fx.dir });
    assert.equal(again.code, 0, again.stderr);
  });
});
