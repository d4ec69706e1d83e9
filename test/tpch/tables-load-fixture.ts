/**
 * Every TPC-H table through the whole run, compared value for value with the generator's dbgen `.tbl`
 * (shared by tables-load-pglite.test.ts and tables-load-postgres.test.ts, one engine each so the
 * runner can take them in parallel).
 *
 * Per table: `redshift-loader generate --format csv` writes a small `.tbl`; DuckDB reads it with the
 * contract's own column types and writes the same rows as Parquet twice — its default (v1 pages, PLAIN
 * and PLAIN_DICTIONARY) and `PARQUET_VERSION V2` (DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
 * RLE_DICTIONARY). Each of the three files is a batch of its own, run by the CLI into a fresh warehouse;
 * every published row is then read back as text and compared field by field with the `.tbl` line of
 * the same key: decimals with their scale, dates as YYYY-MM-DD, char(n) with trailing blanks ignored
 * (PostgreSQL pads them), everything else exactly.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { datasets, type ColumnContract, type DatasetContract } from '../../datasets/index.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { runCli } from '../support/cli.ts';
import { warehouseFixture, type Engine } from '../support/engines.ts';
import { lastJson, type RunSummary } from '../support/json.ts';

/**
 * SF 0.001: LINEITEM ~6,000 rows, ORDERS 1,500, PART 200, CUSTOMER 150, SUPPLIER 10. PARTSUPP needs
 * SF 0.01 (8,000 rows): with 10 suppliers, clause 4.2.3's supplier formula gives some parts the same
 * supplier twice (part 135: suppliers 6, 1, 6, 1), so its key would not be unique.
 */
export function scaleOf(table: string): string {
  return table === 'partsupp' ? '0.01' : '0.001';
}
export const TABLES = ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders', 'lineitem'] as const;

/** The three shapes of one batch: dbgen text, and DuckDB's Parquet with v1 and v2 pages. */
export const SOURCES = {
  tbl: { file: 'part-00000.tbl', copyOptions: undefined },
  'duckdb-parquet': { file: 'duckdb.parquet', copyOptions: 'FORMAT parquet' },
  'duckdb-parquet-v2': { file: 'duckdb-v2.parquet', copyOptions: 'FORMAT parquet, PARQUET_VERSION V2' },
} as const;
export type SourceName = keyof typeof SOURCES;

const BATCH_DATE = '2026-11-01';

/** The DuckDB type that holds a contract column's values exactly. */
export function duckType(c: ColumnContract): string {
  const t = c.type;
  switch (t.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'date':
      return t.kind.toUpperCase();
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'char':
    case 'varchar':
      return 'VARCHAR';
    default:
      throw new Error(`${c.name}: no DuckDB type for ${t.kind} in this test`);
  }
}

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** The folder of each source (one file in each), built once per table under `dir`. */
export type SourceDirs = Record<SourceName, string>;

/** Generates the `.tbl` through the CLI and has DuckDB write it as Parquet twice. */
export async function prepareTable(contract: DatasetContract, dir: string): Promise<SourceDirs> {
  const dirs = Object.fromEntries(Object.keys(SOURCES).map((s) => [s, join(dir, s)])) as SourceDirs;
  mkdirSync(dir, { recursive: true });
  const gen = await runCli(['generate', '--dataset', contract.name, '--scale', scaleOf(contract.name), '--format', 'csv', '--out', dirs.tbl, '--json'], { cwd: dir });
  assert.equal(gen.code, 0, gen.stderr);
  assert.deepEqual(readdirSync(dirs.tbl), [SOURCES.tbl.file]);
  const tbl = join(dirs.tbl, SOURCES.tbl.file);

  // dbgen ends every line with "|": one more, empty, column that the SELECT leaves out.
  const columns = [...contract.columns.map((c) => `${quote(c.name)}: ${quote(duckType(c))}`), `'dbgen_end': 'VARCHAR'`].join(', ');
  const select = `SELECT * EXCLUDE (dbgen_end) FROM read_csv(${quote(tbl)}, delim = '|', header = false, quote = '', escape = '',
    auto_detect = false, columns = {${columns}})`;
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const db = await instance.connect();
  try {
    for (const [name, s] of Object.entries(SOURCES)) {
      if (s.copyOptions === undefined) continue;
      mkdirSync(dirs[name as SourceName], { recursive: true });
      await db.run(`COPY (${select}) TO ${quote(join(dirs[name as SourceName], s.file))} (${s.copyOptions})`);
    }
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  return dirs;
}

/** The `.tbl` as rows of text fields, in contract column order (the trailing "|" checked and dropped). */
export function tblRows(contract: DatasetContract, file: string): string[][] {
  const n = contract.columns.length;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l, i) => {
      const f = l.split('|');
      assert.equal(f.length, n + 1, `${file} line ${i + 1}: ${f.length - 1} fields, expected ${n}`);
      assert.equal(f[n], '', `${file} line ${i + 1}: no trailing "|"`);
      return f.slice(0, n);
    });
}

/** Every published row of the dataset's history table (business columns as text) and its load_ts values. */
export async function publishedRows(contract: DatasetContract, warehouse: string): Promise<{ rows: Array<Array<string | null>>; loadTs: string[] }> {
  const wh = await openWarehouse(warehouse);
  try {
    const cols = contract.columns.map((c, i) =>
      c.type.kind === 'char' || c.type.kind === 'varchar' ? `${c.name} AS c${i}` : `CAST(${c.name} AS VARCHAR(64)) AS c${i}`,
    );
    const got = await wh.query(
      `SELECT ${cols.join(', ')}, CAST(${contract.loadTimestampColumn} AS VARCHAR(40)) AS load_ts FROM ${contract.schema}.${contract.historyTable}`,
    );
    return {
      rows: got.map((r) => contract.columns.map((_, i) => r[`c${i}`] as string | null)),
      loadTs: [...new Set(got.map((r) => String(r.load_ts)))],
    };
  } finally {
    await wh.close();
  }
}

/** The first key that two rows share, or undefined. */
export function repeatedKey(contract: DatasetContract, rows: string[][]): string | undefined {
  const at = contract.key.map((k) => contract.columns.findIndex((c) => c.name === k));
  const seen = new Set<string>();
  for (const r of rows) {
    const k = at.map((i) => `${contract.columns[i].name}=${r[i]}`).join(', ');
    if (seen.has(k)) return k;
    seen.add(k);
  }
  return undefined;
}

/** Rows ordered by the contract's key (every key column is a whole number here). */
export function byKey<R extends Array<string | null>>(contract: DatasetContract, rows: R[]): R[] {
  const at = contract.key.map((k) => contract.columns.findIndex((c) => c.name === k));
  return [...rows].sort((a, b) => {
    for (const i of at) {
      const x = BigInt(a[i] ?? '0');
      const y = BigInt(b[i] ?? '0');
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

/**
 * Field-by-field differences between the `.tbl` and what was published, both ordered by key: one line
 * per wrong value (key, column, expected, got). char(n) values are compared without trailing blanks.
 */
export function differences(contract: DatasetContract, expected: string[][], got: Array<Array<string | null>>): string[] {
  const out: string[] = [];
  const keyAt = contract.key.map((k) => contract.columns.findIndex((c) => c.name === k));
  const norm = (c: ColumnContract, v: string | null): string | null => (v !== null && c.type.kind === 'char' ? v.replace(/ +$/, '') : v);
  const rows = Math.max(expected.length, got.length);
  for (let r = 0; r < rows; r++) {
    const e = expected[r];
    const g = got[r];
    const key = keyAt.map((i) => `${contract.columns[i].name}=${(e ?? g)[i]}`).join(', ');
    if (!e || !g) {
      out.push(`row ${r + 1} (${key}): ${e ? 'not published' : 'published but not in the .tbl'}`);
      continue;
    }
    contract.columns.forEach((c, i) => {
      if (norm(c, g[i]) !== e[i]) out.push(`row ${r + 1} (${key}) ${c.name} [${c.type.kind}]: expected ${JSON.stringify(e[i])}, got ${JSON.stringify(g[i])}`);
    });
  }
  return out;
}

/** Registers, for one engine, a suite per table with one test per source. */
export function tablesLoadSuite(engine: Engine, work: string): void {
  for (const name of TABLES) {
    const contract = datasets[name];
    describe(`${name} on ${engine}`, () => {
      let dirs: SourceDirs | undefined;
      let expected: string[][] = [];
      before(async () => {
        dirs = await prepareTable(contract, join(work, `${name}-${engine}`));
        expected = byKey(contract, tblRows(contract, join(dirs.tbl, SOURCES.tbl.file)));
        // Rows are matched by key, so the source must not repeat one (and the contract's key rule refuses that).
        assert.equal(repeatedKey(contract, expected), undefined, `${name} at SF ${scaleOf(name)} repeats a key`);
      });

      for (const source of Object.keys(SOURCES) as SourceName[]) {
        describe(source, () => {
          const fx = warehouseFixture(engine, `tl_${name}_${source.replaceAll('-', '_')}`);
          it(`publishes every ${name} row from ${source} exactly as the .tbl has it`, async (t) => {
            if (fx.skip) return t.skip('no PostgreSQL');
            // The batch folder holds only this source's file.
            const landing = join(fx.dir, 'landing');
            mkdirSync(landing, { recursive: true });
            copyFileSync(join(dirs![source], SOURCES[source].file), join(landing, SOURCES[source].file));
            const r = await runCli(
              ['run', '--dataset', name, '--date', BATCH_DATE, '--source', landing, '--warehouse', fx.warehouse, '--slices', '2', '--json'],
              { cwd: fx.dir },
            );
            assert.equal(r.code, 0, r.stderr.trim().split('\n').slice(-3).join('\n'));
            const summary = lastJson<RunSummary>(r.stdout);
            assert.equal(summary.rows.published, expected.length, 'published row count');
            const p = await publishedRows(contract, fx.warehouse);
            assert.equal(p.rows.length, expected.length, 'rows in the history table');
            assert.equal(p.loadTs.length, 1, `one load_ts, got ${p.loadTs.join(', ')}`);
            const diff = differences(contract, expected, byKey(contract, p.rows));
            assert.deepEqual(diff.slice(0, 12), [], `${diff.length} wrong value(s) in ${name} from ${source} on ${engine}`);
          });
        });
      }
    });
  }
}
