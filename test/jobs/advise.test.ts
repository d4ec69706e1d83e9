/**
 * Storage advice through the real command line, on PGlite and PostgreSQL, on rows of TPC-H's reference
 * SUPPLIER (/work/shared/data/tpch/supplier_sf1.tbl): the run puts the advice in run.json and run.md;
 * `advise` prints the DDL and the bytes table (text) or the StorageAdvice (--json); a width is never
 * narrowed below the widest value of ANY batch (an earlier batch with a 60-byte s_name keeps s_name
 * at varchar(100), in the run's advice and in `advise`); a bad dataset or no run is one line, exit 2.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { StorageAdvice } from '../../jobs/advice/advice.ts';
import type { RunReport } from '../../jobs/report.ts';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';

const LINES = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, 2000);
const WIDE_NAME = 'Supplier#' + 'W'.repeat(51); // 60 bytes: wider than any SF1 name (18)

function humanLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
}

function runReport(reports: string, date: string): RunReport {
  const batch = join(reports, 'supplier', `batch=${date}`);
  const [run] = readdirSync(batch);
  return JSON.parse(readFileSync(join(batch, run, 'run.json'), 'utf8')) as RunReport;
}

for (const engine of ENGINES) {
  describe(`storage advice on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'advise', (dir) => {
      const wide = [...LINES];
      const f = wide[7].split('|');
      f[1] = WIDE_NAME;
      wide[7] = f.join('|');
      for (const [date, lines] of [['20260301', wide], ['20260302', LINES]] as const) {
        mkdirSync(join(dir, 'landing', 'supplier', date), { recursive: true });
        writeFileSync(join(dir, 'landing', 'supplier', date, 'supplier.tbl'), `${lines.join('\n')}\n`);
      }
    });
    const where = () => ['--warehouse', fx.warehouse, '--reports', join(fx.dir, 'reports')];
    const advise = (...extra: string[]) => runCli(['advise', '--dataset', 'supplier', ...where(), ...extra], { cwd: fx.dir });

    before(async () => {
      if (fx.skip) return;
      for (const date of ['2026-03-01', '2026-03-02']) {
        const r = await runCli(
          ['run', '--dataset', 'supplier', '--date', date, '--source', join(fx.dir, 'landing', 'supplier', date.replaceAll('-', '')),
            '--staging', join(fx.dir, 'staging'), ...where()],
          { cwd: fx.dir },
        );
        assert.equal(r.code, 0, r.stderr);
      }
    });

    it('the run puts the advice in run.json and a section in run.md', (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const first = runReport(join(fx.dir, 'reports'), '2026-03-01');
      const second = runReport(join(fx.dir, 'reports'), '2026-03-02');
      const a = second.advice!;
      assert.equal(a.source, 'sample');
      assert.equal(a.sampleRows, 2000);
      assert.equal(a.table, 'assignment.supplier_data');
      assert.deepEqual(a.basedOn?.widestFromBatches, ['2026-03-01', '2026-03-02']);
      const col = (x: StorageAdvice, c: string) => x.columns.find((y) => y.column === c)!;
      // The first batch's own advice narrows nothing below its 60-byte name; the second remembers it.
      assert.equal(col(first.advice!, 's_name').suggestedType, 'varchar(100)');
      assert.equal(col(a, 's_name').widestBytes, 60);
      assert.equal(col(a, 's_name').suggestedType, 'varchar(100)');
      assert.equal(col(a, 's_address').suggestedType, 'varchar(64)');
      assert.equal(col(a, 's_comment').suggestedType, 'varchar(128)');
      assert.ok(a.ddl.includes('ALTER TABLE assignment.supplier_data ALTER COLUMN s_address TYPE VARCHAR(64)'));
      assert.ok(!a.ddl.some((s) => s.includes('s_name TYPE')));
      assert.equal(a.bytesSavedPerMillionRows, a.columns.reduce((s, c) => s + c.bytesPerMillionNow - c.bytesPerMillionSuggested, 0));
      for (const c of a.columns) assert.ok(c.measured!.some((m) => m.encoding === 'raw' && m.basis === 'definition'));
      assert.equal(typeof second.timings.advice, 'number');
      const md = readFileSync(second.reports.runMarkdown!, 'utf8');
      assert.match(md, /## Storage advice/);
      assert.match(md, /ALTER TABLE assignment\.supplier_data ALTER COLUMN s_address TYPE VARCHAR\(64\);/);
      assert.match(md, /\| \*\*total\*\* \|/);
    });

    it('advise prints the DDL and the bytes saved per million rows, based on the latest batch', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await advise();
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^assignment\.supplier_data: 2,000 sampled rows of batch 2026-03-02 .*widest values of 2 batch\(es\); measured on the sample/);
      assert.match(r.stdout, /ALTER TABLE assignment\.supplier_data ALTER COLUMN s_comment TYPE VARCHAR\(128\);/);
      assert.doesNotMatch(r.stdout, /s_name TYPE/);
      assert.match(r.stdout, /\| column \| now \| suggested \| bytes \/ M rows now \| suggested \| saved \| why \|/);
      assert.match(r.stdout, /\| s_suppkey \| bigint AZ64 \|/);
    });

    it('advise --json prints the StorageAdvice; --date picks the batch', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await advise('--json', '--date', '2026-03-01');
      assert.equal(r.code, 0, r.stderr);
      const a = JSON.parse(r.stdout) as StorageAdvice;
      assert.equal(a.basedOn?.batchDate, '2026-03-01');
      assert.deepEqual(a.basedOn?.widestFromBatches, ['2026-03-01', '2026-03-02']);
      assert.equal(a.columns.length, 7);
      assert.equal(a.columns.find((c) => c.column === 's_name')!.suggestedType, 'varchar(100)');
    });

    it('a bad dataset, or a batch with no run, is one line and exit 2', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const bad = await runCli(['advise', '--dataset', 'nope', ...where()], { cwd: fx.dir });
      assert.equal(bad.code, 2);
      assert.deepEqual(humanLines(bad.stderr), ['ConfigError: unknown dataset "nope" — one of: region, nation, supplier, supplier_dim, customer, part, partsupp, orders, lineitem']);
      const none = await advise('--date', '2026-01-01');
      assert.equal(none.code, 2);
      assert.equal(humanLines(none.stderr).length, 1);
      assert.match(none.stderr, /no published run of dataset supplier for batch 2026-01-01 under .* — run the batch first/);
      assert.equal(none.stdout, '');
    });
  });
}
