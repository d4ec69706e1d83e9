/**
 * Decimals stored as bytes and BYTE_STREAM_SPLIT on the byte-level path, through the real command line:
 * DuckDB's DECIMAL(38,2) (FIXED_LEN_BYTE_ARRAY, 16 bytes) and its PARQUET_VERSION V2 DOUBLE
 * (BYTE_STREAM_SPLIT), and hyparquet-writer files shaped as Spark's legacy mode writes decimals
 * (FIXED_LEN_BYTE_ARRAY of 8 and 16 bytes, dictionary and plain), BYTE_ARRAY decimals, BYTE_STREAM_SPLIT
 * DOUBLE, INT64 and INT32, DELTA_BYTE_ARRAY text. The parts are byte for byte those of the generic per-value path
 * (the decoder turned off), with the same column figures; values beyond 2^53 keep every digit; and the batch
 * loads into PGlite and PostgreSQL with no unit leaving the byte-level path.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Manifest } from '../../core/manifest.ts';
import type { QualityReport } from '../../data-quality/index.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { lastJson, readJson, type PartitionSummary, type RunSummary } from '../support/json.ts';

const DECODER_OFF = fileURLToPath(new URL('../support/decoder-off.ts', import.meta.url));

const contract = {
  name: 'encoded',
  description: 'decimals stored as bytes, BYTE_STREAM_SPLIT numbers',
  schema: 'assignment',
  stageTable: 'encoded_stage',
  historyTable: 'encoded_data',
  auditTable: 'load_audit',
  columns: [
    { name: 'id', type: { kind: 'bigint' }, nullable: false },
    { name: 'big', type: { kind: 'decimal', precision: 38, scale: 2 }, nullable: true },
    { name: 'amt', type: { kind: 'decimal', precision: 18, scale: 2 }, nullable: true },
    { name: 'bal', type: { kind: 'decimal', precision: 15, scale: 2 }, nullable: true },
    { name: 'sku', type: { kind: 'varchar', bytes: 40 }, nullable: true },
    { name: 'qty', type: { kind: 'integer' }, nullable: true },
  ],
  loadTimestampColumn: 'load_ts',
  distKey: 'id',
  sortKey: { style: 'compound', columns: ['load_ts', 'id'] },
  key: ['id'],
  source: {
    prefix: '{dataset}/{yyyymmdd}/',
    formats: ['parquet'],
    delimited: { delimiter: '|', header: false, quote: null, nullMarker: '', trailingDelimiter: false },
  },
  checksums: { sum: ['amt', 'bal'], minMax: ['id'] },
  drift: { policy: 'freeze' },
  quality: [
    { type: 'not_null', column: 'id', severity: 'error' },
    { type: 'unique', column: 'id', severity: 'error' },
    { type: 'range', column: 'bal', min: '-100000', max: '100000', severity: 'error' },
  ],
};

/** The unscaled value of row i: some far beyond 2^53 (i % 4 = 1), negatives, zero, NULLs (i % 11 = 5). */
const bigUnscaled = (i: number): bigint | null =>
  i % 11 === 5 ? null : i % 4 === 1 ? -(10n ** 35n + BigInt(i) * 1234567891n) : i % 4 === 2 ? BigInt(i * 7919 - 5000000) : i % 4 === 3 ? 0n : 10n ** 37n + BigInt(i);
/** decimal(18,2): safe integers except in rows 1000..1099 (beyond 2^53 there: that unit's column goes per value). */
const amtUnscaled = (i: number): bigint | null =>
  i % 7 === 3 ? null : i >= 1000 && i < 1100 ? 900000000000000000n + BigInt(i) : BigInt((i % 2 ? -1 : 1) * i * 104729);
/** Text with long shared prefixes (what DELTA_BYTE_ARRAY is for), some empty, some not ASCII, NULLs. */
const sku = (i: number): string | null =>
  i % 17 === 8 ? null : i % 29 === 0 ? '' : i % 31 === 0 ? `Säule-${i}` : `SKU-${String(Math.floor(i / 10)).padStart(8, '0')}-${i % 10 ? 'blue' : 'blue-green'}`;
const qty = (i: number): number | null => (i % 19 === 4 ? null : ((i * 2654435761) % 4294967296) - 2147483648);
const balCents = (i: number): number | null => (i % 13 === 6 ? null : (i * 7919) % 2000000 - 1000000);

const text = (u: bigint | null): string | null => {
  if (u === null) return null;
  const s = (u < 0n ? -u : u).toString().padStart(3, '0');
  return `${u < 0n ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
};

async function duckFiles(dir: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const rows = Array.from({ length: 1200 }, (_, k) => k + 1);
    const values = rows.map((i) => `(${i}, ${sqlText(text(bigUnscaled(i)))}, ${sqlText(text(amtUnscaled(i)))}, ${balCents(i) === null ? 'NULL' : balCents(i)! / 100}, ${sqlText(sku(i))}, ${qty(i) ?? 'NULL'})`);
    await c.run(`CREATE TABLE s(id BIGINT, big VARCHAR, amt VARCHAR, bal DOUBLE, sku VARCHAR, qty INTEGER)`);
    await c.run(`INSERT INTO s VALUES ${values.join(',')}`);
    await c.run(`CREATE TABLE t AS SELECT id, big::DECIMAL(38,2) AS big, amt::DECIMAL(18,2) AS amt, bal, sku, qty FROM s`);
    await c.run(`COPY t TO '${join(dir, 'batch', 'duck-v1.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 500)`);
    await c.run(`UPDATE t SET id = id + 100000`);
    await c.run(`COPY t TO '${join(dir, 'batch', 'duck-v2.parquet')}' (FORMAT parquet, PARQUET_VERSION V2, COMPRESSION zstd, ROW_GROUP_SIZE 700)`);
  } finally {
    c.closeSync();
  }
}

/** What every file of the batch holds, as DuckDB reads its footer: [file, column, physical type, encodings]. */
async function encodings(dir: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const enc = await c.runAndReadAll(`SELECT DISTINCT parse_filename(file_name), path_in_schema, type, encodings FROM parquet_metadata('${join(dir, 'batch', '*.parquet')}') ORDER BY ALL`);
    writeFileSync(join(dir, 'encodings.json'), JSON.stringify(enc.getRows()));
  } finally {
    c.closeSync();
  }
}

const sqlText = (s: string | null): string => (s === null ? 'NULL' : `'${s}'`);

/** Spark legacy mode's shape (FIXED_LEN_BYTE_ARRAY decimals), a BYTE_ARRAY decimal file, and BYTE_STREAM_SPLIT numbers. */
function writerFiles(dir: string): void {
  const ids = Array.from({ length: 1200 }, (_, k) => k + 1);
  const write = (file: string, first: number, amtType: 'FIXED_LEN_BYTE_ARRAY' | 'BYTE_ARRAY', split: boolean): void => {
    const buf = parquetWriteBuffer({
      schema: [
        { name: 'root', num_children: 6 },
        { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
        { name: 'big', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, converted_type: 'DECIMAL', precision: 38, scale: 2, repetition_type: 'OPTIONAL' },
        { name: 'amt', type: amtType, ...(amtType === 'FIXED_LEN_BYTE_ARRAY' ? { type_length: 8 } : {}), converted_type: 'DECIMAL', precision: 18, scale: 2, repetition_type: 'OPTIONAL' },
        { name: 'bal', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
        { name: 'sku', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'qty', type: 'INT32', repetition_type: 'OPTIONAL' },
      ],
      columnData: [
        { name: 'id', data: ids.map((i) => BigInt(first + i)), ...(split ? { encoding: 'BYTE_STREAM_SPLIT' } : {}) },
        { name: 'big', data: ids.map(bigUnscaled), ...(split ? {} : { encoding: 'RLE_DICTIONARY' }) },
        { name: 'amt', data: ids.map(amtUnscaled), ...(split ? {} : { encoding: 'PLAIN' }) },
        { name: 'bal', data: ids.map((i) => (balCents(i) === null ? null : balCents(i)! / 100)), ...(split ? { encoding: 'BYTE_STREAM_SPLIT' } : {}) },
        { name: 'sku', data: ids.map(sku), ...(split ? { encoding: 'DELTA_BYTE_ARRAY' } : {}) },
        { name: 'qty', data: ids.map(qty), ...(split ? { encoding: 'BYTE_STREAM_SPLIT' } : {}) },
      ],
      rowGroupSize: 400,
    } as never);
    writeFileSync(join(dir, 'batch', file), new Uint8Array(buf));
  };
  write('spark-shape.parquet', 200000, 'FIXED_LEN_BYTE_ARRAY', false);
  write('split.parquet', 300000, 'BYTE_ARRAY', true);
}

const prepare = async (dir: string): Promise<void> => {
  mkdirSync(join(dir, 'contracts'));
  mkdirSync(join(dir, 'batch'));
  writeFileSync(join(dir, 'contracts', 'encoded.json'), JSON.stringify(contract));
  await duckFiles(dir);
  writerFiles(dir);
  await encodings(dir);
};

/** Every id's (big, amt, bal) as the files hold them, in canonical text. */
function expected(): Map<string, Array<string | null>> {
  const want = new Map<string, Array<string | null>>();
  for (const first of [0, 100000, 200000, 300000]) {
    for (let i = 1; i <= 1200; i++) {
      const bal = balCents(i);
      const s = sku(i);
      want.set(String(first + i), [text(bigUnscaled(i)), text(amtUnscaled(i)), bal === null ? null : text(BigInt(bal)), s === '' ? '""' : s, qty(i) === null ? null : String(qty(i))]);
    }
  }
  return want;
}

interface Parts {
  text: string;
  manifest: Manifest;
}

async function partitionCli(dir: string, out: string, preload: string[] = []): Promise<Parts> {
  const r = await runCli(['partition', '--dataset', 'encoded', '--contracts', join(dir, 'contracts'), '--source', join(dir, 'batch'),
    '--out', join(dir, out), '--date', '2026-12-01', '--slices', '2', '--json'], { cwd: dir, preload });
  assert.equal(r.code, 0, r.stderr);
  const manifest = readJson<Manifest>(lastJson<PartitionSummary>(r.stdout).manifest);
  const names = readdirSync(join(dir, out)).filter((f) => f.endsWith('.csv.gz')).sort();
  return { text: names.map((f) => gunzipSync(readFileSync(join(dir, out, f))).toString('utf8')).join(''), manifest };
}

describe('decimals stored as bytes and BYTE_STREAM_SPLIT on the byte-level path', () => {
  const fx = warehouseFixture('pglite', 'encodings', prepare);

  it('reads the encodings the files really hold', () => {
    const enc = JSON.parse(readFileSync(join(fx.dir, 'encodings.json'), 'utf8')) as string[][];
    const has = (file: string, col: string, type: string, encoding: string): boolean =>
      enc.some(([f, c, t, e]) => f === file && c === col && t === type && e.split(', ').includes(encoding));
    const what = JSON.stringify(enc);
    assert.ok(has('duck-v1.parquet', 'big', 'FIXED_LEN_BYTE_ARRAY', 'PLAIN'), what);
    assert.ok(has('duck-v2.parquet', 'big', 'FIXED_LEN_BYTE_ARRAY', 'PLAIN'), what);
    assert.ok(has('duck-v2.parquet', 'bal', 'DOUBLE', 'BYTE_STREAM_SPLIT'), what);
    assert.ok(has('spark-shape.parquet', 'big', 'FIXED_LEN_BYTE_ARRAY', 'RLE_DICTIONARY'), what);
    assert.ok(has('spark-shape.parquet', 'amt', 'FIXED_LEN_BYTE_ARRAY', 'PLAIN'), what);
    assert.ok(has('split.parquet', 'amt', 'BYTE_ARRAY', 'PLAIN'), what);
    assert.ok(has('split.parquet', 'id', 'INT64', 'BYTE_STREAM_SPLIT'), what);
    assert.ok(has('split.parquet', 'bal', 'DOUBLE', 'BYTE_STREAM_SPLIT'), what);
    assert.ok(has('split.parquet', 'sku', 'BYTE_ARRAY', 'DELTA_BYTE_ARRAY'), what);
    assert.ok(has('split.parquet', 'qty', 'INT32', 'BYTE_STREAM_SPLIT'), what);
  });

  it('writes the same parts, byte for byte, and the same column figures as the generic per-value path, every digit kept', async () => {
    const fast = await partitionCli(fx.dir, 'fast');
    const generic = await partitionCli(fx.dir, 'generic', [DECODER_OFF]);
    assert.equal(fast.manifest.package.sourceRows, 4800);
    assert.ok(fast.text === generic.text, 'the CSV text of both paths');
    assert.deepEqual(fast.manifest.package.checksums, generic.manifest.package.checksums);
    assert.deepEqual(fast.manifest.entries.map((e) => e.meta.sha256), generic.manifest.entries.map((e) => e.meta.sha256));
    const want = expected();
    const lines = fast.text.trim().split('\n');
    assert.equal(lines.length, want.size);
    for (const line of lines) {
      const [id, ...rest] = line.split('|');
      assert.deepEqual(rest.map((v) => (v === '\\N' ? null : v)), want.get(id), `row ${id}`);
    }
  });
});

for (const engine of ENGINES) {
  describe(`decimals stored as bytes and BYTE_STREAM_SPLIT loaded on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'encodingsload', prepare);

    it('publishes every value exactly, with no unit leaving the byte-level path', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(['run', '--dataset', 'encoded', '--contracts', join(fx.dir, 'contracts'), '--date', '2026-12-01',
        '--source', join(fx.dir, 'batch'), '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'),
        '--warehouse', fx.warehouse, '--json'], { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJson<RunSummary>(r.stdout);
      assert.equal(summary.rows.published, 4800);
      assert.equal(readJson<QualityReport>(summary.reports.qualityJson!).fallbacks, undefined);
      const wh = await openWarehouse(fx.warehouse);
      try {
        const rows = await wh.query(`SELECT id::text AS id, big::text AS big, amt::text AS amt, bal::text AS bal, sku, qty::text AS qty FROM assignment.encoded_data t ORDER BY t.id`);
        const want = expected();
        assert.equal(rows.length, want.size);
        for (const x of rows) assert.deepEqual([x.big, x.amt, x.bal, x.sku === '' ? '""' : x.sku, x.qty], want.get(x.id as string), `row ${String(x.id)}`);
      } finally {
        await wh.close();
      }
    });
  });
}
