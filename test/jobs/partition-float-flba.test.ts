/**
 * FLOAT and wide FIXED_LEN_BYTE_ARRAY decimals on the byte-level path (issue 12 item 2), on files from real
 * writers: DuckDB (FLOAT PLAIN, and BYTE_STREAM_SPLIT under PARQUET_VERSION V2; DECIMAL(38,2) as 16-byte
 * FIXED_LEN_BYTE_ARRAY) and arrow-rs through parquet-wasm (dictionaries; BYTE_STREAM_SPLIT and
 * DELTA_BYTE_ARRAY of FIXED_LEN_BYTE_ARRAY; v1 and v2 pages). Through the real command line, the parts are
 * byte for byte those of the generic per-value path (the decoder turned off), with the same column figures;
 * a FLOAT lands in a `real` column as the shortest text of its 32-bit value (0.1, not 0.10000000149011612) and
 * in a `double precision` column as its exact widening; decimal(38,2) keeps every digit beyond 2^53 and
 * 2^63 and is checked unique; and the batch loads into PGlite and PostgreSQL with no unit leaving the path.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'parquet-wasm';
import type { Manifest } from '../../core/manifest.ts';
import type { QualityReport } from '../../data-quality/index.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { lastJson, readJson, type PartitionSummary, type RunSummary } from '../support/json.ts';

const DECODER_OFF = fileURLToPath(new URL('../support/decoder-off.ts', import.meta.url));
const ROWS = 1200;

const contract = {
  name: 'floats',
  description: 'FLOAT into real and double precision, wide decimals stored as bytes',
  schema: 'assignment',
  stageTable: 'floats_stage',
  historyTable: 'floats_data',
  auditTable: 'load_audit',
  columns: [
    { name: 'id', type: { kind: 'bigint' }, nullable: false },
    { name: 'f', type: { kind: 'real' }, nullable: true },
    { name: 'fd', type: { kind: 'double precision' }, nullable: true },
    { name: 'big', type: { kind: 'decimal', precision: 38, scale: 2 }, nullable: true },
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
  checksums: { sum: ['big'], minMax: ['id'] },
  drift: { policy: 'freeze' },
  quality: [
    { type: 'not_null', column: 'id', severity: 'error' },
    { type: 'unique', column: 'id', severity: 'error' },
    { type: 'unique', column: 'big', severity: 'error' },
  ],
};

/** Row i's FLOAT as decimal text (DuckDB casts it to the nearest 32-bit float), or null. */
const floatText = (i: number): string | null =>
  i % 11 === 5 ? null : i % 13 === 0 ? '0.1' : i % 17 === 0 ? '0.0000001' : i % 19 === 0 ? '3.4e38' : i % 23 === 0 ? '16777217'
    : i % 29 === 0 ? '123456.789' : i % 31 === 0 ? '-0.0' : String((i * 37 - 10000) / 100);
/** What a `real` column must receive: the shortest text of the 32-bit value. */
const realWant = (i: number): string | null => {
  const t = floatText(i);
  const special: Record<string, string> = { '0.0000001': '1e-7', '3.4e38': '3.4e+38', '16777217': '16777216', '123456.789': '123456.79', '-0.0': '0' };
  return t === null ? null : special[t] ?? String(Number(t));
};
/** What a `double precision` column must receive: the 32-bit value widened exactly. */
const doubleWant = (i: number): string | null => {
  const t = floatText(i);
  return t === null ? null : String(Math.fround(Number(t)) + 0);
};
/** decimal(38,2), unique over the batch (id = first + i): safe integers, but beyond 2^53 in rows 1000..1049 and beyond 2^63 in 1050..1059; NULLs. */
const bigUnscaled = (i: number, first: number): bigint | null =>
  i % 7 === 3 ? null : i >= 1000 && i < 1050 ? 10n ** 20n + BigInt(first + i) : i >= 1050 && i < 1060 ? -(10n ** 36n) - BigInt(first + i)
    : BigInt((i % 2 ? -1 : 1) * (first * 1000 + i * 104729));
const decimal = (u: bigint | null): string | null => {
  if (u === null) return null;
  const s = (u < 0n ? -u : u).toString().padStart(3, '0');
  return `${u < 0n ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
};

/** The files: [name, first id]. */
const FILES: Array<[string, number]> = [['duck-v1', 0], ['duck-v2', 100000], ['arrow-dict', 200000], ['arrow-split', 300000], ['arrow-delta', 400000]];

async function writeFiles(dir: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const rows = Array.from({ length: ROWS }, (_, k) => k + 1);
    const sql = (s: string | null): string => (s === null ? 'NULL' : `'${s}'`);
    await c.run(`CREATE TABLE s(id BIGINT, f VARCHAR, big VARCHAR)`);
    for (const [name, first] of FILES) {
      await c.run(`DELETE FROM s`);
      await c.run(`INSERT INTO s VALUES ${rows.map((i) => `(${i}, ${sql(floatText(i))}, ${sql(decimal(bigUnscaled(i, first)))})`).join(',')}`);
      const out = join(dir, name.startsWith('duck') ? 'batch' : 'tmp', `${name}.parquet`);
      await c.run(`COPY (SELECT id + ${first} AS id, f::FLOAT AS f, f::FLOAT AS fd, big::DECIMAL(38,2) AS big FROM s ORDER BY id) TO '${out}'
        (FORMAT parquet, ROW_GROUP_SIZE 500${name === 'duck-v2' ? ', PARQUET_VERSION V2' : ''})`);
    }
  } finally {
    c.closeSync();
  }
  // arrow-rs writes DuckDB's tables again: its dictionaries (v1 pages), BYTE_STREAM_SPLIT and DELTA_BYTE_ARRAY (v2 pages).
  const settings: Record<string, (b: arrow.WriterPropertiesBuilder) => arrow.WriterPropertiesBuilder> = {
    'arrow-dict': (b) => b.setWriterVersion(arrow.WriterVersion.V1),
    'arrow-split': (b) => b.setWriterVersion(arrow.WriterVersion.V2).setDictionaryEnabled(false)
      .setColumnEncoding('f', arrow.Encoding.BYTE_STREAM_SPLIT).setColumnEncoding('fd', arrow.Encoding.BYTE_STREAM_SPLIT)
      .setColumnEncoding('big', arrow.Encoding.BYTE_STREAM_SPLIT),
    'arrow-delta': (b) => b.setWriterVersion(arrow.WriterVersion.V2).setDictionaryEnabled(false).setColumnEncoding('big', arrow.Encoding.DELTA_BYTE_ARRAY),
  };
  for (const [name, set] of Object.entries(settings)) {
    const table = arrow.readParquet(new Uint8Array(readFileSync(join(dir, 'tmp', `${name}.parquet`))));
    const props = set(new arrow.WriterPropertiesBuilder().setCompression(arrow.Compression.SNAPPY).setMaxRowGroupSize(450).setDataPageSizeLimit(2048)).build();
    writeFileSync(join(dir, 'batch', `${name}.parquet`), arrow.writeParquet(table, props));
  }
  rmSync(join(dir, 'tmp'), { recursive: true });
}

async function encodings(dir: string): Promise<string[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(`SELECT DISTINCT parse_filename(file_name), path_in_schema, type, encodings FROM parquet_metadata('${join(dir, 'batch', '*.parquet')}') ORDER BY ALL`);
    return r.getRows().map((x) => x.map(String));
  } finally {
    c.closeSync();
  }
}

const prepare = async (dir: string): Promise<void> => {
  mkdirSync(join(dir, 'contracts'));
  mkdirSync(join(dir, 'batch'));
  mkdirSync(join(dir, 'tmp'));
  writeFileSync(join(dir, 'contracts', 'floats.json'), JSON.stringify(contract));
  await writeFiles(dir);
};

/** id -> [f, fd, big] as canonical text. */
function expected(): Map<string, Array<string | null>> {
  const want = new Map<string, Array<string | null>>();
  for (const [, first] of FILES) for (let i = 1; i <= ROWS; i++) want.set(String(first + i), [realWant(i), doubleWant(i), decimal(bigUnscaled(i, first))]);
  return want;
}

async function partitionCli(dir: string, out: string, preload: string[] = []): Promise<{ text: string; manifest: Manifest }> {
  const r = await runCli(['partition', '--dataset', 'floats', '--contracts', join(dir, 'contracts'), '--source', join(dir, 'batch'),
    '--out', join(dir, out), '--date', '2026-12-01', '--slices', '2', '--json'], { cwd: dir, preload });
  assert.equal(r.code, 0, r.stderr);
  const manifest = readJson<Manifest>(lastJson<PartitionSummary>(r.stdout).manifest);
  const names = readdirSync(join(dir, out)).filter((f) => f.endsWith('.csv.gz')).sort();
  return { text: names.map((f) => gunzipSync(readFileSync(join(dir, out, f))).toString('utf8')).join(''), manifest };
}

describe('FLOAT and wide FIXED_LEN_BYTE_ARRAY decimals on the byte-level path', () => {
  const fx = warehouseFixture('pglite', 'floatflba', prepare);

  it('reads the encodings the files really hold', async () => {
    const enc = await encodings(fx.dir);
    const has = (file: string, col: string, type: string, encoding: string): boolean =>
      enc.some(([f, c, t, e]) => f === `${file}.parquet` && c === col && t === type && e.split(', ').includes(encoding));
    const what = JSON.stringify(enc);
    assert.ok(has('duck-v1', 'f', 'FLOAT', 'PLAIN'), what);
    assert.ok(has('duck-v2', 'f', 'FLOAT', 'BYTE_STREAM_SPLIT'), what);
    assert.ok(has('duck-v1', 'big', 'FIXED_LEN_BYTE_ARRAY', 'PLAIN'), what);
    assert.ok(has('arrow-dict', 'f', 'FLOAT', 'RLE_DICTIONARY'), what);
    assert.ok(has('arrow-dict', 'big', 'FIXED_LEN_BYTE_ARRAY', 'PLAIN'), what); // arrow-rs keeps decimals out of dictionaries
    assert.ok(has('arrow-split', 'f', 'FLOAT', 'BYTE_STREAM_SPLIT'), what);
    assert.ok(has('arrow-split', 'big', 'FIXED_LEN_BYTE_ARRAY', 'BYTE_STREAM_SPLIT'), what);
    assert.ok(has('arrow-delta', 'big', 'FIXED_LEN_BYTE_ARRAY', 'DELTA_BYTE_ARRAY'), what);
  });

  it('writes the same parts, byte for byte, and the same column figures as the generic per-value path', async () => {
    const fast = await partitionCli(fx.dir, 'fast');
    const generic = await partitionCli(fx.dir, 'generic', [DECODER_OFF]);
    assert.equal(fast.manifest.package.sourceRows, FILES.length * ROWS);
    assert.ok(fast.text === generic.text, 'the CSV text of both paths');
    assert.deepEqual(fast.manifest.package.checksums, generic.manifest.package.checksums);
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
  describe(`FLOAT and wide FIXED_LEN_BYTE_ARRAY decimals loaded on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'floatflbaload', prepare);

    it('publishes every value exactly, with no unit leaving the byte-level path', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(['run', '--dataset', 'floats', '--contracts', join(fx.dir, 'contracts'), '--date', '2026-12-01',
        '--source', join(fx.dir, 'batch'), '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'),
        '--warehouse', fx.warehouse, '--json'], { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJson<RunSummary>(r.stdout);
      assert.equal(summary.rows.published, FILES.length * ROWS);
      assert.equal(readJson<QualityReport>(summary.reports.qualityJson!).fallbacks, undefined);
      const wh = await openWarehouse(fx.warehouse);
      try {
        const rows = await wh.query(`SELECT id::text AS id, f::text AS f, fd::text AS fd, big::text AS big FROM assignment.floats_data t ORDER BY t.id`);
        const want = expected();
        assert.equal(rows.length, want.size);
        // The engine prints floats its own way (1e-07): the numbers it holds must be those of the parts' text.
        const num = (v: unknown): string | null => (v === null ? null : String(Number(v)));
        for (const x of rows) {
          const [f, fd, big] = want.get(x.id as string)!;
          assert.deepEqual([num(x.f), num(x.fd), x.big], [num(f), num(fd), big], `row ${String(x.id)}`);
        }
      } finally {
        await wh.close();
      }
    });
  });
}

describe('a decimal(38,2) unique column across both paths', () => {
  // Unit 1 (rows 1..100) holds safe integers only: its cells take the byte-level path. Unit 2 holds a value
  // beyond 2^63 (so that column goes per value) and repeats unit 1's 12.34: the repeat must be found across paths.
  const fx = warehouseFixture('pglite', 'widekey', async (dir) => {
    mkdirSync(join(dir, 'contracts'));
    mkdirSync(join(dir, 'batch'));
    writeFileSync(join(dir, 'contracts', 'floats.json'), JSON.stringify(contract));
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      await c.run(`CREATE TABLE t AS SELECT i::BIGINT AS id, 1.5::FLOAT AS f, 1.5::FLOAT AS fd,
        (CASE WHEN i = 7 THEN '12.34' WHEN i = 150 THEN '12.34' WHEN i = 160 THEN '1000000000000000000000000000000.01' ELSE (i * 3)::VARCHAR END)::DECIMAL(38,2) AS big
        FROM range(1, 201) r(i) ORDER BY i`);
      await c.run(`COPY t TO '${join(dir, 'batch', 'keys.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 100)`);
    } finally {
      c.closeSync();
    }
  });

  it('finds the repeated key, exit 4, on both paths', async () => {
    for (const preload of [[], [DECODER_OFF]]) {
      const r = await runCli(['partition', '--dataset', 'floats', '--contracts', join(fx.dir, 'contracts'), '--source', join(fx.dir, 'batch'),
        '--out', join(fx.dir, `out-${preload.length}`), '--date', '2026-12-01', '--workers', '0'], { cwd: fx.dir, preload });
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /rule unique failed on column big in 1 row: \S+keys\.parquet row 150 repeats key \(big=12\.34\) first seen at row 7 of the same file/);
    }
  });
});
