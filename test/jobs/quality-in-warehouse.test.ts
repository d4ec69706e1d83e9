/**
 * --quality-in warehouse gives the streaming pass's verdicts: every quality fixture (the good batch, each
 * failing rule type, key repeats, an empty file, a row-count warning) runs through the CLI in both modes
 * on PGlite and PostgreSQL, and the two quality.json reports agree — rule ids, statuses, checked and
 * failed counts, summary, decision, header fields, and the samples as values (the streaming pass's in input
 * order, the warehouse's in value order). The warehouse mode reads no row (run.json rows.read = 0) and its
 * samples say the row is unknown. A failed rule leaves the published table untouched and audits the failure.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { QualityReport } from '../../data-quality/index.ts';
import type { RunReport } from '../../jobs/report.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { readJson } from '../support/json.ts';
import { QUALITY_FIXTURES, QW_CONTRACT, writeQualityFixtures, type QualityFixture } from '../support/quality-fixtures.ts';

/** What must be equal in both modes. */
function verdicts(q: QualityReport) {
  return {
    decision: q.decision,
    rowCount: q.rowCount,
    files: q.files,
    previousRowCount: q.previousRowCount,
    summary: q.summary,
    freshness: q.freshness,
    rowCountChange: q.rowCountChange,
    failedCells: q.failedCells,
    rules: q.rules.map((r) => ({
      id: r.id, type: r.type, severity: r.severity, implicit: r.implicit, description: r.description, detail: r.detail,
      status: r.status, checked: r.checked, failed: r.failed, samples: r.samples.map((s) => s.value).sort(),
    })),
    columns: q.columns.map(({ distinctEstimate: _approximate, ...rest }) => rest),
    storageNotes: q.storageNotes,
  };
}

async function historyAndAudit(warehouse: string) {
  const wh = await openWarehouse(warehouse);
  try {
    // Every history row's values (load_ts aside: a rerun stamps its own).
    const rows = await wh.query(`SELECT CAST(k AS VARCHAR(20)) AS k, code, CAST(n AS VARCHAR(20)) AS n, status, CAST(amount AS VARCHAR(20)) AS amount, note, CAST(d AS VARCHAR(10)) AS d
      FROM qw.qw_data ORDER BY k, code, n, status, amount, note, d`);
    const audit = await wh.query(`SELECT CAST(batch_date AS VARCHAR(10)) AS batch_date, status FROM qw.load_audit ORDER BY load_ts`);
    return { rows: rows.map((r) => JSON.stringify(r)), audit };
  } finally {
    await wh.close();
  }
}

for (const engine of ENGINES) {
  describe(`--quality-in warehouse on ${engine}`, () => {
    let folders: Map<QualityFixture, string>;
    const fx = warehouseFixture(engine, 'qualityin', async (dir) => {
      folders = await writeQualityFixtures(dir);
    });
    const run = (f: QualityFixture, mode: string, extra: string[] = []) =>
      runCli(['run', '--dataset', 'qw', '--contracts', join(fx.dir, 'contracts'), '--date', f.date, '--source', folders.get(f)!, '--warehouse', fx.warehouse,
        '--strategy', 'parquet', '--quality-in', mode, '--force', ...extra], { cwd: fx.dir }); // --force: both modes load the same files
    /** The reports of a fixture's runs, oldest first. */
    const reports = (f: QualityFixture): Array<{ quality: QualityReport; run: RunReport; markdown: string }> => {
      const at = join(fx.dir, '.local', 'reports', 'qw', `batch=${f.date}`);
      return readdirSync(at).sort().map((r) => ({
        quality: readJson<QualityReport>(join(at, r, 'quality.json')),
        run: readJson<RunReport>(join(at, r, 'run.json')),
        markdown: join(at, r, 'quality.md'),
      }));
    };

    for (const f of QUALITY_FIXTURES) {
      it(`${f.name}: the same verdicts, counts and sample values in both modes (exit ${f.exit})`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const before = await historyAndAudit(fx.warehouse).catch(() => ({ rows: [] as string[], audit: [] }));
        const stream = await run(f, 'stream');
        assert.equal(stream.code, f.exit, stream.stderr);
        const viaStream = await historyAndAudit(fx.warehouse);
        const warehouse = await run(f, 'warehouse');
        assert.equal(warehouse.code, f.exit, warehouse.stderr);
        // A published batch: the warehouse mode's rerun replaced the stream's copy with the same rows.
        if (f.exit === 0) assert.deepEqual((await historyAndAudit(fx.warehouse)).rows, viaStream.rows);
        const [s, w] = reports(f).slice(-2);
        assert.deepEqual(verdicts(w.quality), verdicts(s.quality));
        if (f.exit === 0) assert.ok(s.run.rows.read! > 0, 'the streaming pass read the rows');
        assert.equal(w.run.rows.read, 0, 'no process of ours read a row');
        for (const r of w.quality.rules) {
          for (const sample of r.samples) {
            assert.equal(sample.row, 0);
            assert.equal(sample.file, 'qw.qw_stage');
            assert.match(sample.message, /\(row unknown \(checked in the warehouse\)\)$/);
          }
        }
        if (f.exit === 4) {
          const lines = warehouse.stderr.trim().split('\n').filter((l) => /QualityError/.test(l));
          assert.equal(lines.length, 1, warehouse.stderr);
          assert.doesNotMatch(warehouse.stderr, /\n\s+at /, 'no stack trace');
          if (f.rows.length) assert.match(lines[0], /row unknown \(checked in the warehouse\).*\(qw\.qw_stage, column \w+, rule /);
          const after = await historyAndAudit(fx.warehouse);
          assert.deepEqual(after.rows, before.rows, 'the published table is untouched');
          assert.deepEqual(after.audit.slice(-2).map((a) => [a.batch_date, a.status]), [[f.date, 'failed'], [f.date, 'failed']]);
        }
      });
    }

    // Which mode runs does not depend on the engine: checked once, on the faster one (declared only there,
    // so no run reports it skipped).
    if (engine !== 'pglite') it('the contract\'s qualityIn picks the mode; --quality-in and RL_QUALITY_IN win; warehouse without --strategy parquet is exit 2', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const contracts = join(fx.dir, 'contracts-warehouse');
      mkdirSync(contracts, { recursive: true });
      writeFileSync(join(contracts, 'qw.json'), JSON.stringify({ ...QW_CONTRACT, qualityIn: 'warehouse' }));
      const f = QUALITY_FIXTURES[0];
      const base = ['run', '--dataset', 'qw', '--contracts', contracts, '--date', f.date, '--source', folders.get(f)!, '--warehouse', fx.warehouse, '--force'];
      const viaContract = await runCli([...base, '--strategy', 'parquet'], { cwd: fx.dir });
      assert.equal(viaContract.code, 0, viaContract.stderr);
      assert.equal(reports(f).at(-1)!.run.rows.read, 0, 'the contract asked for the warehouse');
      const viaFlag = await runCli([...base, '--strategy', 'parquet', '--quality-in', 'stream'], { cwd: fx.dir, env: { RL_QUALITY_IN: 'warehouse' } });
      assert.equal(viaFlag.code, 0, viaFlag.stderr);
      assert.ok(reports(f).at(-1)!.run.rows.read! > 0, '--quality-in stream wins over the contract and RL_QUALITY_IN');
      const viaEnv = await runCli([...base, '--strategy', 'parquet'], { cwd: fx.dir, env: { RL_QUALITY_IN: 'stream' } });
      assert.equal(viaEnv.code, 0, viaEnv.stderr);
      assert.ok(reports(f).at(-1)!.run.rows.read! > 0, 'RL_QUALITY_IN wins over the contract');

      const csv = await runCli(base, { cwd: fx.dir });
      assert.equal(csv.code, 2, csv.stderr);
      assert.match(csv.stderr.trim(), /^ConfigError: the qw contract's qualityIn is warehouse, which needs --strategy parquet .* — add --strategy parquet, or use --quality-in stream$/m);
      const flag = await runCli([...base, '--quality-in', 'warehouse', '--strategy', 'csv'], { cwd: fx.dir });
      assert.equal(flag.code, 2);
      assert.match(flag.stderr, /ConfigError: --quality-in is warehouse, which needs --strategy parquet/);
      const bad = await runCli([...base, '--strategy', 'parquet'], { cwd: fx.dir, env: { RL_QUALITY_IN: 'sql' } });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /ConfigError: RL_QUALITY_IN must be stream or warehouse, got "sql"/);
    });

    it('a value the stage column cannot hold is refused by COPY itself in the warehouse mode (exit 5), where the stream says exit 4', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const f: QualityFixture = { name: 'too wide', date: '2026-11-20', rows: [], exit: 4 };
      const folder = join(fx.dir, 'landing', '20261120');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(folder, { recursive: true });
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      await conn.run(`COPY (SELECT CAST(1 AS BIGINT) AS k, CAST('AB1' AS VARCHAR) AS code, CAST(1 AS INTEGER) AS n, CAST('open' AS VARCHAR) AS status,
        CAST(1 AS DECIMAL(12,2)) AS amount, CAST('more than twenty bytes here' AS VARCHAR) AS note, CAST('2024-01-01' AS DATE) AS d) TO '${join(folder, 'part.parquet')}' (FORMAT parquet)`);
      conn.closeSync();
      db.closeSync();
      folders.set(f, folder);
      const stream = await run(f, 'stream');
      assert.equal(stream.code, 4, stream.stderr);
      assert.match(stream.stderr, /max_bytes/);
      const warehouse = await run(f, 'warehouse');
      assert.equal(warehouse.code, 5, warehouse.stderr);
      assert.match(warehouse.stderr, /LoadError: .*note/);
    });
  });
}
