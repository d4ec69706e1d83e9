/**
 * supplier_dim, the scd2 dimension over supplier's landing files, end to end through the command line
 * on PGlite and PostgreSQL: day 1; day 2 with changed, deleted and new suppliers; day 2 again and day 3
 * identical to day 2 (nothing changes); an older day refused with exit 2; --rebuild-from. The table's
 * exact contents are checked after every day, the row hash against its documented construction.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { parseJson, type RunSummary } from '../support/json.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';

type Row = [key: number, name: string, address: string, nation: number, acctbal: string, comment: string | null];

const tbl = (rows: Row[]): string =>
  rows.map(([k, n, a, nat, bal, c]) => `${k}|${n}|${a}|${nat}|11-111-111-1111|${bal}|${c ?? ''}|\n`).join('');

const DAY1: Row[] = [
  [1, 'Supplier#1', 'addr 1', 3, '100.00', 'one'],
  [2, 'Supplier#2', 'addr 2', 4, '200.00', 'two'],
  [3, 'Supplier#3', 'addr 3', 5, '300.00', 'three'],
  [4, 'Supplier#4', 'addr 4', 6, '400.00', 'four'],
  [5, 'Supplier#5a', 'b', 7, '500.00', 'five'],
];
// 1 unchanged; 2 a new balance; 3 deleted; 4 its comment gone (NULL); 5 the same bytes moved across a
// field boundary ("Supplier#5a"+"b" → "Supplier#5"+"ab": a delimiter-unsafe hash would miss it); 6 new.
const DAY2: Row[] = [
  [1, 'Supplier#1', 'addr 1', 3, '100.00', 'one'],
  [2, 'Supplier#2', 'addr 2', 4, '250.00', 'two'],
  [4, 'Supplier#4', 'addr 4', 6, '400.00', null],
  [5, 'Supplier#5', 'ab', 7, '500.00', 'five'],
  [6, 'Supplier#6', 'addr 6', 8, '600.00', 'six'],
];
// A corrected day 2 for --rebuild-from: 2 got another balance, 3 was not deleted after all.
const DAY2_FIXED: Row[] = [
  [1, 'Supplier#1', 'addr 1', 3, '100.00', 'one'],
  [2, 'Supplier#2', 'addr 2', 4, '260.00', 'two'],
  [3, 'Supplier#3', 'addr 3', 5, '300.00', 'three'],
  [4, 'Supplier#4', 'addr 4', 6, '400.00', null],
  [5, 'Supplier#5', 'ab', 7, '500.00', 'five'],
  [6, 'Supplier#6', 'addr 6', 8, '600.00', 'six'],
];

/** The row hash as sql/scd2-hash.ts documents it: MD5 of `<bytes>:<text>` or `n` per tracked column. */
function expectedHash(r: Row): string {
  const field = (v: string | null): string => (v === null ? 'n' : `${Buffer.byteLength(v)}:${v}`);
  const text = [r[1], r[2], String(r[3]), '11-111-111-1111', r[4], r[5]].map(field).join('');
  return createHash('md5').update(text).digest('hex');
}

interface Version {
  key: number;
  acctbal: string;
  from: string;
  to: string | null;
  current: boolean;
  loadTs: string;
  hash: string;
  name: string;
  address: string;
  comment: string | null;
}

for (const engine of ENGINES) {
  describe(`supplier_dim (scd2) on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'scd2');
    const landing = (): string => join(fx.dir, 'landing');

    function land(date: string, rows: Row[]): void {
      const folder = join(landing(), 'supplier', date.replaceAll('-', ''));
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'supplier.tbl'), tbl(rows));
    }

    const run = (date: string, extra: string[] = []) =>
      runCli(
        ['run', '--dataset', 'supplier_dim', '--date', date, '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse, '--json', ...extra],
        { cwd: fx.dir, env: { RL_LANDING: landing() } },
      );

    async function published(date: string, extra: string[] = []): Promise<RunSummary> {
      const r = await run(date, extra);
      assert.equal(r.code, 0, r.stderr);
      return parseJson<RunSummary>(r.stdout.trim().split('\n').at(-1)!);
    }

    async function query<T>(sql: string): Promise<T[]> {
      const wh = await openWarehouse(fx.warehouse);
      try {
        return (await wh.query(sql)) as T[];
      } finally {
        await wh.close();
      }
    }

    const versions = async (): Promise<Version[]> =>
      (
        await query<Record<string, string | boolean | null>>(
          `SELECT CAST(s_suppkey AS VARCHAR(20)) AS k, s_name, s_address, CAST(s_acctbal AS VARCHAR(20)) AS b, s_comment,
                  CAST(valid_from AS VARCHAR(10)) AS f, CAST(valid_to AS VARCHAR(10)) AS t, is_current,
                  CAST(load_ts AS VARCHAR(40)) AS ts, row_hash
           FROM assignment.supplier_dim ORDER BY s_suppkey, valid_from`,
        )
      ).map((r) => ({
        key: Number(r.k),
        name: r.s_name as string,
        address: r.s_address as string,
        acctbal: r.b as string,
        comment: r.s_comment as string | null,
        from: r.f as string,
        to: r.t as string | null,
        current: r.is_current as boolean,
        loadTs: r.ts as string,
        hash: r.row_hash as string,
      }));

    const loadTsOf = async (runId: string): Promise<string> =>
      (await query<{ ts: string }>(`SELECT CAST(load_ts AS VARCHAR(40)) AS ts FROM assignment.load_audit WHERE run_id = '${runId}'`))[0].ts;

    const audit = async (): Promise<string[]> =>
      (
        await query<{ d: string; status: string }>(
          `SELECT CAST(batch_date AS VARCHAR(10)) AS d, status FROM assignment.load_audit WHERE dataset = 'supplier_dim' ORDER BY load_ts`,
        )
      ).map((a) => `${a.d} ${a.status}`);

    /** [key, acctbal, from, to, current, the run that opened it] per version, in key and valid_from order. */
    const shape = (vs: Version[], runs: Record<string, string>): Array<[number, string, string, string | null, boolean, string]> =>
      vs.map((v) => [v.key, v.acctbal, v.from, v.to, v.current, Object.entries(runs).find(([, ts]) => ts === v.loadTs)?.[0] ?? v.loadTs]);

    const runs: Record<string, string> = {};
    let afterDay2: Version[] = [];

    it('day 1 opens one current version per supplier, hashed as documented', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      land('2026-11-01', DAY1);
      land('2026-11-02', DAY2);
      land('2026-11-03', DAY2);
      const s = await published('2026-11-01');
      assert.equal(s.rows.published, 5);
      runs.day1 = await loadTsOf(s.runId);
      const vs = await versions();
      assert.deepEqual(shape(vs, runs), DAY1.map((r) => [r[0], r[4], '2026-11-01', null, true, 'day1']));
      assert.deepEqual(vs.map((v) => v.hash), DAY1.map(expectedHash));
      assert.deepEqual(await audit(), ['2026-11-01 published']);
    });

    it('day 2 closes changed and deleted suppliers and opens changed and new ones; unchanged ones stay as they were', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const s = await published('2026-11-02');
      assert.equal(s.rows.published, 5, 'the current versions: the batch');
      runs.day2 = await loadTsOf(s.runId);
      afterDay2 = await versions();
      assert.deepEqual(shape(afterDay2, runs), [
        [1, '100.00', '2026-11-01', null, true, 'day1'],
        [2, '200.00', '2026-11-01', '2026-11-02', false, 'day1'],
        [2, '250.00', '2026-11-02', null, true, 'day2'],
        [3, '300.00', '2026-11-01', '2026-11-02', false, 'day1'],
        [4, '400.00', '2026-11-01', '2026-11-02', false, 'day1'],
        [4, '400.00', '2026-11-02', null, true, 'day2'],
        [5, '500.00', '2026-11-01', '2026-11-02', false, 'day1'],
        [5, '500.00', '2026-11-02', null, true, 'day2'],
        [6, '600.00', '2026-11-02', null, true, 'day2'],
      ]);
      const current = afterDay2.filter((v) => v.current);
      assert.deepEqual(current.map((v) => [v.key, v.name, v.address, v.comment]), DAY2.map((r) => [r[0], r[1], r[2], r[5]]));
      assert.deepEqual(current.map((v) => v.hash), DAY2.map(expectedHash));
    });

    it('day 2 again and day 3 identical to day 2 change nothing: no new version, not even a load_ts', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      // The same files again: "already published" (the source fingerprint), nothing written at all.
      assert.equal((await published('2026-11-02')).status, 'already-published');
      assert.deepEqual(await versions(), afterDay2, 'the rerun of the latest day');
      // Forced through the scd2 publish itself: it still changes no version, not even a load_ts.
      assert.equal((await published('2026-11-02', ['--force'])).status, 'published');
      assert.deepEqual(await versions(), afterDay2, 'the forced rerun of the latest day');
      await published('2026-11-03');
      assert.deepEqual(await versions(), afterDay2, 'a day with no change');
      assert.deepEqual(await audit(), ['2026-11-01 published', '2026-11-02 replaced', '2026-11-02 published', '2026-11-03 published']);
    });

    it('an older day is refused with exit 2 and one line saying how to replay, and nothing changes', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await run('2026-11-01');
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.match(
        lines.at(-1)!,
        /ConfigError: batch 2026-11-01 of supplier_dim is older than the latest batch applied to assignment\.supplier_dim \(2026-11-03\).*run this batch with --rebuild-from 2026-11-01, then every later day up to 2026-11-03 in order/,
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.deepEqual(await versions(), afterDay2);
    });

    it('--rebuild-from replays a corrected day, then the later days in order', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      land('2026-11-02', DAY2_FIXED);
      const s = await published('2026-11-02', ['--rebuild-from', '2026-11-02']);
      runs.fixed = await loadTsOf(s.runId);
      const rebuilt = await versions();
      assert.deepEqual(shape(rebuilt, runs), [
        [1, '100.00', '2026-11-01', null, true, 'day1'],
        [2, '200.00', '2026-11-01', '2026-11-02', false, 'day1'],
        [2, '260.00', '2026-11-02', null, true, 'fixed'],
        [3, '300.00', '2026-11-01', null, true, 'day1'],
        [4, '400.00', '2026-11-01', '2026-11-02', false, 'day1'],
        [4, '400.00', '2026-11-02', null, true, 'day2'],
        [5, '500.00', '2026-11-01', '2026-11-02', false, 'day1'],
        [5, '500.00', '2026-11-02', null, true, 'day2'],
        [6, '600.00', '2026-11-02', null, true, 'day2'],
      ]);
      const ledger = (await audit()).filter((a) => !a.endsWith(' failed'));
      assert.deepEqual(ledger.slice(-2), ['2026-11-03 replaced', '2026-11-02 published'], 'day 3 is no longer applied');
      assert.ok((await audit()).includes('2026-11-01 failed'), 'the refused run is in the audit table');
      const day3 = await published('2026-11-03');
      runs.day3 = await loadTsOf(day3.runId);
      assert.deepEqual(shape(await versions(), runs), [
        [1, '100.00', '2026-11-01', null, true, 'day1'],
        [2, '200.00', '2026-11-01', '2026-11-02', false, 'day1'],
        [2, '260.00', '2026-11-02', '2026-11-03', false, 'fixed'],
        [2, '250.00', '2026-11-03', null, true, 'day3'],
        [3, '300.00', '2026-11-01', '2026-11-03', false, 'day1'],
        [4, '400.00', '2026-11-01', '2026-11-02', false, 'day1'],
        [4, '400.00', '2026-11-02', null, true, 'day2'],
        [5, '500.00', '2026-11-01', '2026-11-02', false, 'day1'],
        [5, '500.00', '2026-11-02', null, true, 'day2'],
        [6, '600.00', '2026-11-02', null, true, 'day2'],
      ]);
    });

    it('--rebuild-from an earlier date replays from there: the history as if day 1 were the first', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      // Day 1's files with supplier 1 renamed: every later version goes, day 1's identical versions stay as they were.
      land('2026-11-01', [[1, 'Supplier#1b', 'addr 1', 3, '100.00', 'one'], ...DAY1.slice(1)]);
      const s = await published('2026-11-01', ['--rebuild-from', '2026-11-01']);
      runs.again = await loadTsOf(s.runId);
      assert.deepEqual(shape(await versions(), runs), DAY1.map((r) => [r[0], r[4], '2026-11-01', null, true, r[0] === 1 ? 'again' : 'day1']));
      assert.equal((await versions())[0].name, 'Supplier#1b');
    });

    it('--rebuild-from a date after the batch, or on a snapshot dataset, is exit 2', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const later = await run('2026-11-01', ['--rebuild-from', '2026-11-02']);
      assert.equal(later.code, 2, later.stderr);
      assert.match(later.stderr.trim().split('\n').at(-1)!, /ConfigError: --rebuild-from 2026-11-02 is after the batch date 2026-11-01/);
      const snapshot = await runCli(
        ['run', '--dataset', 'supplier', '--date', '2026-11-01', '--warehouse', fx.warehouse, '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--rebuild-from', '2026-11-01'],
        { cwd: fx.dir, env: { RL_LANDING: landing() } },
      );
      assert.equal(snapshot.code, 2, snapshot.stderr);
      assert.match(snapshot.stderr, /ConfigError: --rebuild-from replays an scd2 history; dataset supplier is written in mode snapshot/);
    });
  });
}

describe('--rebuild-from refused before any work', () => {
  it('a date that is not a calendar date, or with --shards: exit 2, one line', async () => {
    const bad = await runCli(['run', '--dataset', 'supplier_dim', '--date', '2026-11-02', '--rebuild-from', '2026-02-30']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.equal(bad.stderr.trim(), 'ConfigError: --rebuild-from must be a calendar date as YYYY-MM-DD, got "2026-02-30"');
    const sharded = await runCli(['run', '--dataset', 'supplier_dim', '--date', '2026-11-02', '--rebuild-from', '2026-11-02', '--shards', '2']);
    assert.equal(sharded.code, 2, sharded.stderr);
    assert.equal(sharded.stderr.trim(), 'ConfigError: --rebuild-from runs in one process — drop --shards for the replayed day');
  });
});
