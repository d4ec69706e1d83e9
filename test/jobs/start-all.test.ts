/**
 * `start --dataset all` through the real command line, on PGlite and PostgreSQL: the eight TPC-H tables
 * sampled at a small scale factor (supplier_dim reads SUPPLIER's) and published one after the other in dependency order, each with the
 * row count TPC-H gives it; a failing dataset does not stop the others, and the exit code is the first
 * failure's. `setup --dataset all` creates every table.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parquetMetadata } from 'hyparquet';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { lastJson } from '../support/json.ts';

const ORDER = ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders', 'lineitem'];
/** Every built-in dataset in load order: the TPC-H tables and supplier_dim, the scd2 dimension over SUPPLIER's files. */
const ALL = [...ORDER.slice(0, 3), 'supplier_dim', ...ORDER.slice(3)];

/** TPC-H 2.18 clause 4.2.5: the rows of each table at scale factor `sf` (LINEITEM: 1–7 per order). */
function specRows(sf: number): Record<string, number> {
  const part = 200_000 * sf;
  return { region: 5, nation: 25, supplier: 10_000 * sf, customer: 150_000 * sf, part, partsupp: 4 * part, orders: 1_500_000 * sf };
}

async function historyCounts(warehouse: string): Promise<Record<string, number>> {
  const wh = await openWarehouse(warehouse);
  try {
    const out: Record<string, number> = {};
    for (const t of ORDER) {
      const [row] = await wh.query(`SELECT CAST(COUNT(*) AS VARCHAR(20)) AS n FROM assignment.${t}_data`);
      out[t] = Number(row.n);
    }
    return out;
  } finally {
    await wh.close();
  }
}

/** Rows in the Parquet files of a landing folder, from their footers. */
function landedRows(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.parquet'))
    .reduce((n, f) => {
      const bytes = readFileSync(join(dir, f));
      return n + Number(parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).num_rows);
    }, 0);
}

/** The `msg` of each JSON log line on stderr. */
function messages(stderr: string): string[] {
  return stderr.trim().split('\n').flatMap((l) => {
    let msg: unknown;
    try {
      msg = (JSON.parse(l) as { msg?: unknown }).msg;
    } catch {
      msg = undefined;
    }
    return [typeof msg === 'string' ? msg : l];
  });
}

interface AllSummary {
  message: string;
  exitCode: number;
  datasets: Array<{ dataset: string; status: string; exitCode: number; message: string; rows?: number }>;
}

for (const engine of ENGINES) {
  describe(`start --dataset all on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'start_all');

    it('samples the eight TPC-H tables at SF 0.01 and publishes each, in dependency order, with its TPC-H row count', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(['start', '--dataset', 'all', '--date', '2026-03-02', '--warehouse', fx.warehouse], { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      const lines = messages(r.stderr);
      const rows = specRows(0.01);
      const landing = (d: string) => join(fx.dir, '.local/landing', d, '20260302');
      rows.lineitem = landedRows(landing('lineitem'));
      assert.ok(rows.lineitem >= rows.orders && rows.lineitem <= 7 * rows.orders, `${rows.lineitem} lines for ${rows.orders} orders`);
      // One line per dataset, in load order, each naming its rows and table; then the total.
      const published = lines.filter((l) => /^[a-z_]+: published \d+ rows into /.test(l));
      assert.deepEqual(published.map((l) => l.split(':')[0]), ALL);
      assert.match(published[3], new RegExp(`^supplier_dim: published ${rows.supplier} rows into assignment\\.supplier_dim \\(batch 2026-03-02, `));
      for (const d of ORDER) {
        assert.match(published[ALL.indexOf(d)], new RegExp(`^${d}: published ${rows[d]} rows into assignment\\.${d}_data \\(batch 2026-03-02, `));
        assert.match(lines.find((l) => l.startsWith(`no batch for 2026-03-02 in .local/landing/${d}/20260302/`)) ?? '', new RegExp(`writing a sample TPC-H ${d.toUpperCase()} batch \\(SF 0\\.01, 3 Parquet files\\)`));
        assert.equal(landedRows(landing(d)), rows[d], `${d} landed`);
      }
      const total = ORDER.reduce((n, d) => n + rows[d], 0) + rows.supplier;
      assert.equal(lines.at(-1), `published all 9 datasets for 2026-03-02: ${total} rows`);
      assert.deepEqual(await historyCounts(fx.warehouse), rows);
    });

  });

  describe(`start --dataset all on ${engine}, two datasets failing`, () => {
    // NATION: a key that is not a number is a quality failure, exit 4. LINEITEM: a FIFO in the batch
    // folder is a configuration failure, exit 2. The first in load order decides: 4.
    const fx = warehouseFixture(engine, 'start_all_fail', (dir) => {
      const folder = (d: string) => join(dir, '.local/landing', d, '20260303');
      mkdirSync(folder('nation'), { recursive: true });
      writeFileSync(join(folder('nation'), 'nation.csv'), 'x|ALGERIA|0|a comment|\n');
      mkdirSync(folder('lineitem'), { recursive: true });
      execFileSync('mkfifo', [join(folder('lineitem'), 'stream.csv')]);
    });

    it('keeps going past a failing dataset, reports every one, and exits with the first failure\'s code', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(['start', '--dataset', 'all', '--scale', '0.01', '--date', '2026-03-03', '--warehouse', fx.warehouse, '--json'], { cwd: fx.dir });
      assert.equal(r.code, 4, r.stderr);
      const summary = lastJson<AllSummary>(r.stdout);
      assert.equal(summary.exitCode, 4);
      assert.deepEqual(summary.datasets.map((d) => [d.dataset, d.status, d.exitCode]), ALL.map((d) => [d, d === 'nation' || d === 'lineitem' ? 'failed' : 'published', { nation: 4, lineitem: 2 }[d] ?? 0]));
      assert.match(summary.datasets[1].message, /^nation: failed \(exit 4\) — QualityError: .*nation\.csv, row 1, column n_nationkey/);
      assert.match(summary.datasets[8].message, /^lineitem: failed \(exit 2\) — ConfigError: .*stream\.csv/);
      const rows = specRows(0.01);
      for (const d of summary.datasets.filter((x) => x.status === 'published')) assert.equal(d.rows, rows[d.dataset === 'supplier_dim' ? 'supplier' : d.dataset], d.dataset);
      assert.match(summary.message, /^published 7 of 9 datasets for 2026-03-03 \(\d+ rows\); failed: nation \(exit 4\), lineitem \(exit 2\) — exit 4, the first failure's$/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  });
}

describe('--dataset all for setup and ddl', () => {
  const fx = warehouseFixture('pglite', 'setup_all');

  it('setup --dataset all creates every contract\'s stage and history table, one line each', async () => {
    const r = await runCli(['setup', '--dataset', 'all', '--warehouse', fx.warehouse], { cwd: fx.dir });
    assert.equal(r.code, 0, r.stderr);
    const lines = messages(r.stderr).filter((l) => l.startsWith('set up '));
    assert.deepEqual(lines.map((l) => /^set up assignment\.(\w+)_stage/.exec(l)?.[1]), ALL);
    const wh = await openWarehouse(fx.warehouse);
    try {
      const got = await wh.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'assignment' ORDER BY table_name");
      const names = got.map((x) => x.table_name as string);
      for (const d of ORDER) for (const suffix of ['_stage', '_data']) assert.ok(names.includes(d + suffix), `${d}${suffix} in ${names.join(',')}`);
      for (const t of ['supplier_dim_stage', 'supplier_dim']) assert.ok(names.includes(t), `${t} in ${names.join(',')}`);
    } finally {
      await wh.close();
    }
  });

  it('ddl --dataset all prints every contract\'s tables in load order, the schema and audit table once', async () => {
    const r = await runCli(['ddl', '--dataset', 'all']);
    assert.equal(r.code, 0, r.stderr);
    const created = [...r.stdout.matchAll(/^CREATE TABLE IF NOT EXISTS assignment\.(\w+) \(/gm)].map((m) => m[1]);
    assert.deepEqual(created, ['region_stage', 'region_data', 'load_audit', ...ALL.slice(1).flatMap((d) => [`${d}_stage`, d === 'supplier_dim' ? d : `${d}_data`])]);
    assert.equal(r.stdout.match(/CREATE SCHEMA IF NOT EXISTS assignment;/g)?.length, 1);
  });
});
