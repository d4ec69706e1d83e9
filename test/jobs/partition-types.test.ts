/**
 * Dates, timestamps, booleans and CHAR on the byte-level path, through the real command line: the parts
 * it writes for DuckDB files of every type (PARQUET_VERSION V1 and V2 — DELTA_BINARY_PACKED —, dictionary
 * and plain pages, several row groups, NULLs) and for hyparquet-writer files (RLE booleans, v2 pages) are
 * byte for byte the parts of the generic per-value path (the decoder turned off), with the same column
 * figures; timestamps keep their microseconds exactly as DuckDB prints them; and the batch loads into
 * PGlite and PostgreSQL with every value as DuckDB has it.
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

const typed = {
  name: 'typed',
  description: 'every type the byte-level path formats',
  schema: 'assignment',
  stageTable: 'typed_stage',
  historyTable: 'typed_data',
  auditTable: 'load_audit',
  columns: [
    { name: 'id', type: { kind: 'bigint' }, nullable: false },
    { name: 'd', type: { kind: 'date' }, nullable: true },
    { name: 'ts', type: { kind: 'timestamp' }, nullable: true },
    { name: 'ts_ms', type: { kind: 'timestamp' }, nullable: true },
    { name: 'ts_ns', type: { kind: 'timestamp' }, nullable: true },
    { name: 'flag', type: { kind: 'boolean' }, nullable: true },
    { name: 'code', type: { kind: 'char', bytes: 10 }, nullable: true },
    { name: 'note', type: { kind: 'varchar', bytes: 40 }, nullable: true },
    { name: 'amount', type: { kind: 'decimal', precision: 15, scale: 2 }, nullable: true },
  ],
  loadTimestampColumn: 'load_ts',
  distKey: 'id',
  sortKey: { style: 'compound', columns: ['load_ts', 'd'] },
  key: ['id'],
  source: {
    prefix: '{dataset}/{yyyymmdd}/',
    formats: ['parquet'],
    delimited: { delimiter: '|', header: false, quote: null, nullMarker: '', trailingDelimiter: false },
  },
  checksums: { sum: ['amount'], minMax: ['id'] },
  drift: { policy: 'freeze' },
  quality: [
    { type: 'not_null', column: 'id', severity: 'error' },
    { type: 'unique', column: 'id', severity: 'error' },
    { type: 'range', column: 'd', min: '0001-01-01', max: '9999-12-31', severity: 'error' },
    { type: 'range', column: 'ts', min: '0001-01-01 00:00:00', severity: 'error' },
    { type: 'allowed_values', column: 'code', values: ['AIR', 'REG AIR', 'TRUCK', 'MAIL'], severity: 'error' },
    { type: 'max_bytes', column: 'code', severity: 'error' },
  ],
};

/**
 * Rows with NULLs, extremes (0001-01-01, 9999-12-31, before 1970, leap days) and, in `micros`, sub-second
 * timestamps. Without `micros` every timestamp is whole seconds: until the per-value path writes the
 * canonical fraction (6 digits), the generic path shows milliseconds as 3; `micros` checks the fast
 * path's text against DuckDB's own instead.
 */
function tableSql(rows: number, micros: boolean): string {
  const frac = micros ? `INTERVAL (CASE WHEN i % 10 = 0 THEN 0 ELSE i * 7919 % 1000000 END) MICROSECOND` : `INTERVAL 0 SECOND`;
  return `CREATE OR REPLACE TABLE t AS SELECT
    i::BIGINT AS id,
    CASE WHEN i % 11 = 5 THEN NULL WHEN i = 1 THEN DATE '0001-01-01' WHEN i = 2 THEN DATE '9999-12-31' WHEN i = 3 THEN DATE '2000-02-29'
      ELSE DATE '1969-06-01' + (i * 37 % 12000)::INTEGER END AS d,
    CASE WHEN i % 13 = 6 THEN NULL WHEN i = 4 THEN TIMESTAMP '1969-12-31 23:59:59' + ${frac}
      ELSE TIMESTAMP '1992-01-01 00:00:00' + INTERVAL (i * 104729 % 220000000) SECOND + ${frac} END AS ts,
    CASE WHEN i % 7 = 1 THEN NULL ELSE (TIMESTAMP '1998-08-02 10:00:00' + INTERVAL (i * 3 % 5000) ${micros ? 'MILLISECOND' : 'SECOND'})::TIMESTAMP_MS END AS ts_ms,
    CASE WHEN i % 9 = 2 THEN NULL ELSE (TIMESTAMP '2024-01-02 03:04:05' + INTERVAL (i) SECOND + ${frac})::TIMESTAMP_NS END AS ts_ns,
    CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
    CASE WHEN i % 17 = 3 THEN NULL ELSE ['AIR', 'REG AIR', 'TRUCK', 'MAIL'][i % 4 + 1] END AS code,
    CASE WHEN i % 19 = 4 THEN NULL ELSE 'note ' || i END AS note,
    CASE WHEN i % 23 = 7 THEN NULL ELSE (i * 7919 % 1000000 - 500000) / 100 END::DECIMAL(15,2) AS amount
    FROM range(1, ${rows + 1}) r(i)`;
}

async function duckFiles(dir: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    for (const [folder, micros] of [['same', false], ['micros', true]] as const) {
      mkdirSync(join(dir, folder), { recursive: true });
      await c.run(tableSql(1500, micros));
      await c.run(`COPY t TO '${join(dir, folder, 'v1.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 600)`);
      await c.run(`UPDATE t SET id = id + 100000`);
      await c.run(`COPY t TO '${join(dir, folder, 'v2.parquet')}' (FORMAT parquet, PARQUET_VERSION V2, COMPRESSION zstd, ROW_GROUP_SIZE 1000)`);
    }
    // What DuckDB itself says every timestamp of the micros batch is, as canonical text.
    await c.run(`CREATE OR REPLACE TABLE m AS SELECT * FROM read_parquet('${join(dir, 'micros', '*.parquet')}')`);
    const text = (col: string): string => `CASE WHEN ${col} IS NULL THEN NULL ELSE strftime(${col}::TIMESTAMP, '%Y-%m-%d %H:%M:%S')
      || CASE WHEN epoch_us(${col}::TIMESTAMP) % 1000000 = 0 THEN '' ELSE '.' || lpad(((epoch_us(${col}::TIMESTAMP) % 1000000 + 1000000) % 1000000)::VARCHAR, 6, '0') END END`;
    const rows = await c.runAndReadAll(`SELECT id, ${text('ts')}, ${text('ts_ns')} FROM m ORDER BY id`);
    writeFileSync(join(dir, 'micros.json'), JSON.stringify(rows.getRows().map((r) => r.map((v) => (v === null ? null : String(v))))));
  } finally {
    c.closeSync();
  }
}

/** hyparquet-writer's shape: v2 pages, RLE booleans, legacy TIMESTAMP_MILLIS, REQUIRED columns. */
function writerFile(dir: string): void {
  const n = 400;
  const day = 86400000;
  const data = {
    id: Array.from({ length: n }, (_, i) => BigInt(200000 + i)),
    d: Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : new Date((i * 97 - 20000) * day))),
    ts: Array.from({ length: n }, (_, i) => (i % 6 === 0 ? null : new Date(i * 123456000 - 1e11))),
    flag: Array.from({ length: n }, (_, i) => (i % 8 === 0 ? null : i % 50 < 30)),
    code: Array.from({ length: n }, (_, i) => ['AIR', 'MAIL'][i % 2]),
  };
  const buf = parquetWriteBuffer({
    schema: [
      { name: 'root', num_children: 5 },
      { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
      { name: 'd', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
      { name: 'ts', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
      { name: 'flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
      { name: 'code', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    ],
    columnData: Object.entries(data).map(([name, values]) => ({ name, data: values as never })),
    rowGroupSize: 150,
  } as never);
  writeFileSync(join(dir, 'same', 'writer.parquet'), new Uint8Array(buf));
}

interface Parts {
  text: string;
  manifest: Manifest;
}

async function partitionCli(dir: string, source: string, out: string, preload: string[] = []): Promise<Parts> {
  const r = await runCli(['partition', '--dataset', 'typed', '--contracts', join(dir, 'contracts'), '--source', join(dir, source),
    '--out', join(dir, out), '--date', '2026-12-01', '--slices', '2', '--json'], { cwd: dir, preload });
  assert.equal(r.code, 0, r.stderr);
  const manifest = readJson<Manifest>(lastJson<PartitionSummary>(r.stdout).manifest);
  const names = readdirSync(join(dir, out)).filter((f) => f.endsWith('.csv.gz')).sort();
  const text = names.map((f) => gunzipSync(readFileSync(join(dir, out, f))).toString('utf8')).join('');
  return { text, manifest };
}

const prepare = async (dir: string): Promise<void> => {
  mkdirSync(join(dir, 'contracts'));
  writeFileSync(join(dir, 'contracts', 'typed.json'), JSON.stringify(typed));
  await duckFiles(dir);
  writerFile(dir);
};

describe('dates, timestamps, booleans and CHAR on the byte-level path', () => {
  const fx = warehouseFixture('pglite', 'types', prepare);

  it('writes the same parts, byte for byte, and the same column figures as the generic per-value path', async () => {
    const fast = await partitionCli(fx.dir, 'same', 'fast');
    const generic = await partitionCli(fx.dir, 'same', 'generic', [DECODER_OFF]);
    assert.equal(fast.manifest.package.sourceRows, 3400);
    assert.ok(fast.text === generic.text, 'the CSV text of both paths');
    assert.deepEqual(fast.manifest.package.checksums, generic.manifest.package.checksums);
    assert.deepEqual(fast.manifest.entries.map((e) => e.meta.sha256), generic.manifest.entries.map((e) => e.meta.sha256));
    // The canonical text itself, where the extremes are.
    const byId = new Map(fast.text.trim().split('\n').map((l) => [l.split('|')[0], l.split('|')]));
    assert.equal(byId.get('1')![1], '0001-01-01');
    assert.equal(byId.get('2')![1], '9999-12-31');
    assert.equal(byId.get('3')![1], '2000-02-29');
    assert.equal(byId.get('4')![2], '1969-12-31 23:59:59');
    assert.equal(byId.get('5')![1], '\\N');
    assert.deepEqual(new Set([...byId.values()].map((f) => f[5])), new Set(['true', 'false', '\\N']));
    assert.equal(fast.manifest.package.checksums.columns?.flag.count, 3400 - 650);
  });

  it('keeps microseconds exactly as DuckDB has them (TIMESTAMP and TIMESTAMP_NS), and zero fractions out', async () => {
    const fast = await partitionCli(fx.dir, 'micros', 'micros-out');
    const want = JSON.parse(readFileSync(join(fx.dir, 'micros.json'), 'utf8')) as Array<[string, string | null, string | null]>;
    const got = new Map(fast.text.trim().split('\n').map((l) => {
      const f = l.split('|');
      return [f[0], [f[2], f[4]].map((v) => (v === '\\N' ? null : v))];
    }));
    assert.equal(got.size, want.length);
    let fractions = 0;
    for (const [id, ts, tsNs] of want) {
      assert.deepEqual(got.get(id), [ts, tsNs], `row ${id}`);
      if (ts?.includes('.')) fractions++;
    }
    assert.ok(fractions > 1000, 'most timestamps have a sub-second part');
    assert.ok(want.some(([, ts]) => ts !== null && !ts.includes('.')), 'some have none, and no .000000');
  });
});

for (const engine of ENGINES) {
  describe(`dates, timestamps, booleans and CHAR loaded on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'typesload', prepare);

    it('publishes every value as DuckDB has it, with no unit leaving the byte-level path', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(['run', '--dataset', 'typed', '--contracts', join(fx.dir, 'contracts'), '--date', '2026-12-01',
        '--source', join(fx.dir, 'micros'), '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'),
        '--warehouse', fx.warehouse, '--json'], { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJson<RunSummary>(r.stdout);
      assert.equal(summary.rows.published, 3000);
      // Every unit took the byte-level path (V1 and V2 pages alike): no decoder fallback reported.
      assert.equal(readJson<QualityReport>(summary.reports.qualityJson!).fallbacks, undefined);
      const want = JSON.parse(readFileSync(join(fx.dir, 'micros.json'), 'utf8')) as Array<[string, string | null, string | null]>;
      const wh = await openWarehouse(fx.warehouse);
      try {
        const rows = await wh.query(`SELECT id::text AS id, to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US') AS ts, to_char(ts_ns, 'YYYY-MM-DD HH24:MI:SS.US') AS ts_ns,
          d::text AS d, flag::text AS flag, code::text AS code FROM assignment.typed_data t ORDER BY t.id`);
        const full = (v: string | null): string | null => (v === null ? null : v.includes('.') ? v : `${v}.000000`);
        assert.deepEqual(rows.map((x) => [x.id, x.ts, x.ts_ns]), want.map(([id, ts, ns]) => [id, full(ts), full(ns)]));
        const first = rows.find((x) => x.id === '1')!;
        assert.equal(first.d, '0001-01-01');
        assert.equal(rows.find((x) => x.id === '2')!.d, '9999-12-31');
        assert.deepEqual(new Set(rows.map((x) => x.flag)), new Set(['true', 'false', null]));
        assert.ok(rows.every((x) => x.code === null || ['AIR', 'REG AIR', 'TRUCK', 'MAIL'].includes((x.code as string).trimEnd())));
      } finally {
        await wh.close();
      }
    });
  });
}
