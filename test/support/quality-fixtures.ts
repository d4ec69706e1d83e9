/**
 * The quality fixtures both modes (--quality-in stream and warehouse) run on: a small contract `qw` with
 * one rule of every type that can fail on exactly typed Parquet (not_null on a nullable column, the key,
 * range on integers, decimals and dates, allowed_values, pattern with a backslash, row_count_change,
 * freshness), and one DuckDB Parquet batch per failure, each with at most 5 failures per rule (the samples
 * the streaming pass keeps), so both modes' samples are the same values.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export const QW_CONTRACT = {
  name: 'qw',
  description: 'quality in the warehouse: one rule of every type',
  schema: 'qw',
  stageTable: 'qw_stage',
  historyTable: 'qw_data',
  auditTable: 'load_audit',
  columns: [
    { name: 'k', type: { kind: 'bigint' }, nullable: false },
    { name: 'code', type: { kind: 'varchar', bytes: 10 }, nullable: true },
    { name: 'n', type: { kind: 'integer' }, nullable: true },
    { name: 'status', type: { kind: 'varchar', bytes: 8 }, nullable: true },
    { name: 'amount', type: { kind: 'decimal', precision: 12, scale: 2 }, nullable: true },
    { name: 'note', type: { kind: 'varchar', bytes: 20 }, nullable: true },
    { name: 'd', type: { kind: 'date' }, nullable: true },
  ],
  loadTimestampColumn: 'load_ts',
  distKey: 'k',
  sortKey: { style: 'compound', columns: ['load_ts'] },
  key: ['k'],
  source: { prefix: '{dataset}/{yyyymmdd}/', formats: ['parquet'], delimited: { delimiter: '|', header: false, quote: null, nullMarker: '', trailingDelimiter: false } },
  checksums: { sum: ['amount'], minMax: ['k'] },
  drift: { policy: 'freeze' },
  quality: [
    { type: 'pattern', column: 'code', pattern: '^[A-Z]{2}\\d$', severity: 'error' },
    { type: 'range', column: 'n', min: '0', max: '100', severity: 'error' },
    { type: 'allowed_values', column: 'status', values: ['open', 'closed'], severity: 'error' },
    { type: 'range', column: 'amount', min: '-999.99', max: '9999.99', severity: 'warn' },
    { type: 'not_null', column: 'note', severity: 'error' },
    { type: 'range', column: 'd', min: '2020-01-01', severity: 'error' },
    { type: 'row_count_change', maxChangePercent: 50, severity: 'warn' },
    { type: 'freshness', severity: 'error' },
  ],
};

type Row = [number, string | null, number | null, string | null, string | null, string | null, string | null];

const GOOD: Row[] = [
  [1, 'AB1', 5, 'open', '10.50', 'x', '2024-01-02'],
  [2, 'CD2', 0, 'closed', '-3.25', 'y', '2023-05-06'],
  [3, 'EF3', 100, 'open', null, 'z', '2022-01-01'],
  [4, null, null, null, '0.00', 'w', null],
  [5, 'GH4', 42, 'closed', '9999.99', 'v', '2025-12-31'],
  [6, 'IJ5', 7, 'open', '1.00', "it's \\ ok", '2020-01-01'],
];

function change(rows: Row[], edits: Array<[number, number, Row[number]]>): Row[] {
  const out = rows.map((r) => r.slice() as Row);
  for (const [row, col, v] of edits) out[row][col] = v;
  return out;
}

export interface QualityFixture {
  name: string;
  date: string;
  rows: Row[];
  /** Exit code of both modes. */
  exit: number;
}

/** In run order: the good batch first (the previous batch of every later one), the bigger batch last. */
export const QUALITY_FIXTURES: QualityFixture[] = [
  { name: 'good', date: '2026-11-01', rows: GOOD, exit: 0 },
  { name: 'range (integer, and a warning on a decimal)', date: '2026-11-02', rows: change(GOOD, [[1, 2, 150], [4, 2, -1], [0, 4, '10000.00']]), exit: 4 },
  { name: 'range (date)', date: '2026-11-03', rows: change(GOOD, [[2, 6, '2019-12-31']]), exit: 4 },
  { name: 'allowed_values', date: '2026-11-04', rows: change(GOOD, [[0, 3, 'pending'], [2, 3, 'Open']]), exit: 4 },
  { name: 'pattern', date: '2026-11-05', rows: change(GOOD, [[0, 1, 'ab1'], [4, 1, 'ABC'], [5, 1, 'A\\1']]), exit: 4 },
  { name: 'not_null', date: '2026-11-06', rows: change(GOOD, [[1, 5, null], [2, 5, null]]), exit: 4 },
  { name: 'key repeats', date: '2026-11-07', rows: change(GOOD, [[1, 0, 1], [2, 0, 1], [4, 0, 2]]), exit: 4 },
  { name: 'freshness (a file with no rows)', date: '2026-11-08', rows: [], exit: 4 },
  {
    name: 'row_count_change (a warning: published)',
    date: '2026-11-09',
    rows: [...GOOD, ...GOOD.map((r) => change([r], [[0, 0, (r[0]) + 100]])[0]), ...GOOD.map((r) => change([r], [[0, 0, (r[0]) + 200]])[0])],
    exit: 0,
  },
];

function lit(v: string | number | null, type: string): string {
  if (v === null) return `CAST(NULL AS ${type})`;
  return typeof v === 'number' ? `CAST(${v} AS ${type})` : `CAST('${v.replace(/'/g, "''")}' AS ${type})`;
}

const TYPES = ['BIGINT', 'VARCHAR', 'INTEGER', 'VARCHAR', 'DECIMAL(12,2)', 'VARCHAR', 'DATE'];
const NAMES = QW_CONTRACT.columns.map((c) => c.name);

/** Writes <dir>/contracts/qw.json and one batch folder per fixture (<dir>/landing/<name>/part.parquet); returns the folders. */
export async function writeQualityFixtures(dir: string): Promise<Map<QualityFixture, string>> {
  mkdirSync(join(dir, 'contracts'), { recursive: true });
  writeFileSync(join(dir, 'contracts', 'qw.json'), JSON.stringify(QW_CONTRACT, null, 2));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const out = new Map<QualityFixture, string>();
  try {
    for (const f of QUALITY_FIXTURES) {
      const folder = join(dir, 'landing', f.date.replace(/-/g, ''));
      mkdirSync(folder, { recursive: true });
      // VALUES keeps the rows in order (the streaming pass's samples are in input order).
      const values = (f.rows.length ? f.rows : [GOOD[0]]).map((r) => `(${r.map((v, i) => lit(v, TYPES[i])).join(', ')})`).join(', ');
      const select = `SELECT * FROM (VALUES ${values}) AS v(${NAMES.join(', ')})${f.rows.length ? '' : ' WHERE false'}`;
      await conn.run(`COPY (${select}) TO '${join(folder, 'part.parquet')}' (FORMAT parquet)`);
      out.set(f, folder);
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return out;
}
