/**
 * `load --plan URI --rebuild-from D`: the sharded load of an scd2 batch replays its history exactly as
 * `run --rebuild-from D` does (jobs/batch-order.ts, sql/scd2.ts), with the same refusals and lines: an
 * older batch without the flag, a date after the batch, a date that is not a date, a snapshot dataset.
 * supplier_dim over supplier's .tbl files, through the command line, on PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { lastJson, type RunSummary } from '../support/json.ts';

type Row = [key: number, name: string, balance: string];

const tbl = (rows: Row[]): string => rows.map(([k, n, b]) => `${k}|${n}|addr ${k}|${k}|11-111-111-1111|${b}|c${k}|\n`).join('');

const DAY1: Row[] = [[1, 'Supplier#1', '100.00'], [2, 'Supplier#2', '200.00'], [3, 'Supplier#3', '300.00'], [4, 'Supplier#4', '400.00']];
const DAY2: Row[] = [[1, 'Supplier#1', '100.00'], [2, 'Supplier#2', '250.00'], [4, 'Supplier#4', '400.00'], [5, 'Supplier#5', '500.00']];
// Day 1 corrected: supplier 1 renamed. Replayed from day 1, the history is as if this were the first day.
const DAY1_FIXED: Row[] = [[1, 'Supplier#1b', '100.00'], ...DAY1.slice(1)];

const lastLine = (text: string): string => text.trim().split('\n').at(-1) ?? '';

for (const engine of ENGINES) {
  describe(`load --plan --rebuild-from (scd2) on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'planrebuild');
    const landing = (): string => join(fx.dir, 'landing');
    const env = (): NodeJS.ProcessEnv => ({ RL_LANDING: landing() });
    const places = (): string[] => ['--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse];

    function land(date: string, rows: Row[]): void {
      const folder = join(landing(), 'supplier', date.replaceAll('-', ''));
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'supplier.tbl'), tbl(rows));
    }

    /** plan + every shard's partition: the plan's URI, ready for `load --plan`. */
    async function planned(dataset: string, date: string): Promise<string> {
      const p = await runCli(['plan', '--dataset', dataset, '--date', date, '--shards', '2', '--staging', join(fx.dir, 'staging'), '--json'], { cwd: fx.dir, env: env() });
      assert.equal(p.code, 0, p.stderr);
      const out = lastJson<{ plan: string; shards: number }>(p.stdout);
      for (let i = 0; i < out.shards; i++) {
        const s = await runCli(['partition', '--plan', out.plan, '--shard', String(i)], { cwd: fx.dir, env: env() });
        assert.equal(s.code, 0, s.stderr);
      }
      return out.plan;
    }

    const load = (plan: string, extra: string[] = []) => runCli(['load', '--plan', plan, ...places(), '--json', ...extra], { cwd: fx.dir, env: env() });

    async function versions(): Promise<string[]> {
      const wh = await openWarehouse(fx.warehouse);
      try {
        const rows = await wh.query(
          `SELECT CAST(s_suppkey AS VARCHAR(20)) AS k, s_name, CAST(s_acctbal AS VARCHAR(20)) AS b, CAST(valid_from AS VARCHAR(10)) AS f, CAST(valid_to AS VARCHAR(10)) AS t, is_current
           FROM assignment.supplier_dim ORDER BY s_suppkey, valid_from`,
        );
        return rows.map((r) => `${String(r.k)} ${String(r.s_name)} ${String(r.b)} ${String(r.f)}..${r.t === null ? '' : String(r.t as string)}${r.is_current === true ? ' current' : ''}`);
      } finally {
        await wh.close();
      }
    }

    let afterDay2: string[] = [];
    let plan = '';

    it('an older batch without --rebuild-from: exit 2, the line `run` gives, nothing changes', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      land('2026-11-01', DAY1);
      land('2026-11-02', DAY2);
      for (const date of ['2026-11-01', '2026-11-02']) {
        const r = await runCli(['run', '--dataset', 'supplier_dim', '--date', date, ...places()], { cwd: fx.dir, env: env() });
        assert.equal(r.code, 0, r.stderr);
      }
      afterDay2 = await versions();
      assert.equal(afterDay2.length, 6, afterDay2.join('\n'));
      land('2026-11-01', DAY1_FIXED);
      plan = await planned('supplier_dim', '2026-11-01');
      const r = await load(plan);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(
        lastLine(r.stderr),
        'ConfigError: batch 2026-11-01 of supplier_dim is older than the latest batch applied to assignment.supplier_dim (2026-11-02): an scd2 history takes batches in date order — to replay history from 2026-11-01, run this batch with --rebuild-from 2026-11-01, then every later day up to 2026-11-02 in order',
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.deepEqual(await versions(), afterDay2);
    });

    it('a --rebuild-from after the batch date, or not a calendar date: exit 2, the lines `run` gives', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const later = await load(plan, ['--rebuild-from', '2026-11-02']);
      assert.equal(later.code, 2, later.stderr);
      assert.match(lastLine(later.stderr), /^ConfigError: --rebuild-from 2026-11-02 is after the batch date 2026-11-01 — run --date 2026-11-02 --rebuild-from 2026-11-02, then the later days in order$/);
      const bad = await load(plan, ['--rebuild-from', '2026-02-30']);
      assert.equal(bad.code, 2, bad.stderr);
      assert.equal(bad.stderr.trim(), 'ConfigError: --rebuild-from must be a calendar date as YYYY-MM-DD, got "2026-02-30"');
      assert.deepEqual(await versions(), afterDay2);
    });

    it('--rebuild-from the batch date replays the history from there, as `run --rebuild-from` does', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await load(plan, ['--rebuild-from', '2026-11-01']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(lastJson<RunSummary>(r.stdout).status, 'published');
      // Day 2's versions are gone and day 2's closings undone; supplier 1 renamed; the others are day 1's versions as they were.
      assert.deepEqual(await versions(), [
        '1 Supplier#1b 100.00 2026-11-01.. current',
        '2 Supplier#2 200.00 2026-11-01.. current',
        '3 Supplier#3 300.00 2026-11-01.. current',
        '4 Supplier#4 400.00 2026-11-01.. current',
      ]);
      // Day 2 can follow again in order.
      const day2 = await runCli(['run', '--dataset', 'supplier_dim', '--date', '2026-11-02', ...places(), '--force'], { cwd: fx.dir, env: env() });
      assert.equal(day2.code, 0, day2.stderr);
      // Day 2 has supplier 1's old name: its corrected day-1 version is closed and the old name opens again.
      assert.deepEqual(await versions(), [
        '1 Supplier#1b 100.00 2026-11-01..2026-11-02',
        '1 Supplier#1 100.00 2026-11-02.. current',
        ...afterDay2.slice(1),
      ]);
    });

    it('--rebuild-from on a snapshot dataset: exit 2, the line `run` gives', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const snapshotPlan = await planned('supplier', '2026-11-01');
      const r = await load(snapshotPlan, ['--rebuild-from', '2026-11-01']);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(lastLine(r.stderr), 'ConfigError: --rebuild-from replays an scd2 history; dataset supplier is written in mode snapshot — drop --rebuild-from: a rerun of a batch already replaces it');
    });
  });
}
