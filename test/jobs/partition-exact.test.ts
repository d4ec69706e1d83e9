/**
 * The partition pass against a reference built from the plain parts of the loader: every file read
 * with the readers (openSource), every batch through QualityEvaluator.observe, every row through
 * CsvRowEncoder. Whatever path a unit takes inside the pass — the byte-level decoder, a column handed
 * back to the evaluator because a value breaks a rule, hyparquet for a file the decoder does not cover —
 * and however many worker threads run it, the CSV text, the quality report, the NULL marker and every
 * column's figures must be exactly the reference's, and a damaged file must fail with the reader's own error.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import type { SchemaElement } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { supplier } from '../../datasets/index.ts';
import type { CanonicalBatch } from '../../data-quality/coerce.ts';
import { decimalText } from '../../core/decimal-text.ts';
import { QualityEvaluator, type QualityReport } from '../../data-quality/index.ts';
import type { ColumnFigures } from '../../core/manifest.ts';
import { NULL_MARKER_CANDIDATES } from '../../jobs/partition/null-marker.ts';
import { UserError } from '../../core/errors.ts';
import { SUPPLIER_PARQUET_SCHEMA } from '../../tpch/index.ts';
import { CsvRowEncoder } from '../../jobs/partition/csv.ts';
import { partition } from '../../jobs/partition/partition.ts';
import { listBatchFiles, openSource } from '../../jobs/readers/index.ts';
import { LocalStore } from '../../jobs/store/index.ts';
import { SHARED_TPCH } from '../support/cli.ts';

const store = new LocalStore();
const root = mkdtempSync(join(tmpdir(), 'rl-part-exact-'));
after(() => rmSync(root, { recursive: true, force: true }));

type Columns = Record<string, unknown[]>;

const TEXTS = ['a|b', 'say "hi"', '"', 'line1\nline2', 'cr\rlf\r\nend', 'back\\slash\\', '\\N', '\\\\N', 'N', '', null,
  'é'.repeat(50), `${'日'.repeat(33)}a`, '😀'.repeat(25), '  padded  ', 'tab\there', 'a,b', '|', '||', '\\', 'x'.repeat(100),
  '\uE000z', '\u{1F600}y', '\uFFFFq'];

/** SUPPLIER-shaped columns with nulls, quoting cases and multi-byte text sprinkled in; `edit` breaks rules. */
function supplierColumns(n: number, first: number, edit: (c: Columns) => void = () => {}): Columns {
  const c: Columns = { s_suppkey: [], s_name: [], s_address: [], s_nationkey: [], s_phone: [], s_acctbal: [], s_comment: [] };
  for (let i = 0; i < n; i++) {
    const k = first + i;
    c.s_suppkey.push(BigInt(k));
    c.s_name.push(i % 7 === 0 ? TEXTS[k % TEXTS.length] : `Supplier#${String(k).padStart(9, '0')}`);
    c.s_address.push(TEXTS[(k * 3) % TEXTS.length]);
    c.s_nationkey.push(i % 11 === 0 ? null : k % 25);
    c.s_phone.push(i % 13 === 0 ? null : `${10 + (k % 25)}-${100 + (k % 900)}-${100 + (k % 877)}-${1000 + (k % 9000)}`);
    c.s_acctbal.push(i % 17 === 0 ? null : BigInt(((k * 7919) % 1099999) - 99999));
    c.s_comment.push(i % 5 === 0 ? TEXTS[(k * 7) % TEXTS.length] : `comment ${k} ${'furiously '.repeat(k % 9)}`);
  }
  edit(c);
  return c;
}

/** DuckDB's shape: DOUBLE s_acctbal, BIGINT s_nationkey. */
const DUCK_SCHEMA: SchemaElement[] = SUPPLIER_PARQUET_SCHEMA.map((e) =>
  e.name === 's_acctbal' ? { name: 's_acctbal', type: 'DOUBLE', repetition_type: 'OPTIONAL' }
    : e.name === 's_nationkey' ? { name: 's_nationkey', type: 'INT64', converted_type: 'INT_64', repetition_type: 'OPTIONAL' } : e,
);

function duckColumns(n: number, first: number, edit: (c: Columns) => void = () => {}): Columns {
  return supplierColumns(n, first, (c) => {
    c.s_acctbal = c.s_acctbal.map((v) => (v === null ? null : Number(v) / 100));
    c.s_nationkey = c.s_nationkey.map((v) => (v === null ? null : BigInt(v as number)));
    edit(c);
  });
}

function writeParquet(dir: string, name: string, opts: { schema: SchemaElement[]; columns: Columns; encodings?: Record<string, string>; extra?: Array<{ name: string; data: unknown[] }> } & Record<string, unknown>): void {
  const { schema, columns, encodings = {}, extra = [], ...rest } = opts;
  const columnData = [
    ...Object.entries(columns).map(([n, data]) => ({ name: n, data, ...(encodings[n] ? { encoding: encodings[n] } : {}) })),
    ...extra,
  ];
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, name), new Uint8Array(parquetWriteBuffer({ schema, columnData, ...rest } as never)));
}

interface Outcome {
  error?: string;
  report?: QualityReport;
  text?: string;
  nullMarker?: string;
  columns?: Record<string, ColumnFigures>;
}

/** Every column's figures, value by value, the plainest way (the pass must agree on every path). */
function referenceFigures(batches: CanonicalBatch[]): Record<string, ColumnFigures> {
  const out: Record<string, ColumnFigures> = {};
  supplier.columns.forEach((c, ci) => {
    const values = batches.flatMap((b) => b.columns[ci]).filter((v) => v !== null);
    const f: ColumnFigures = { count: values.length };
    if (c.type.kind === 'varchar') f.bytes = values.length ? String(values.reduce((s: number, v) => s + Buffer.byteLength(v as string), 0)) : null;
    else {
      const big = values.map((v) => BigInt(v as bigint | number));
      const text = (v: bigint | undefined): string | null => (v === undefined ? null : c.type.kind === 'decimal' ? decimalText(v, 2) : String(v));
      f.sum = text(big.length ? big.reduce((a, b) => a + b, 0n) : undefined);
      f.min = text(big.length ? big.reduce((a, b) => (b < a ? b : a)) : undefined);
      f.max = text(big.length ? big.reduce((a, b) => (b > a ? b : a)) : undefined);
    }
    out[c.name] = f;
  });
  return out;
}

/** The reference: the readers, QualityEvaluator.observe and CsvRowEncoder, batch by batch. */
async function reference(source: string): Promise<Outcome> {
  const evaluator = new QualityEvaluator(supplier, { previousRowCount: 1000 });
  const batches: CanonicalBatch[] = [];
  try {
    const files = await listBatchFiles(store, source);
    for (const f of files) {
      const s = await openSource(store, f, supplier);
      for await (const batch of s.batches()) batches.push(evaluator.observe(batch));
    }
    // The marker: the first candidate that no value equals.
    const values = new Set(batches.flatMap((b) => b.columns.flat()));
    const nullMarker = NULL_MARKER_CANDIDATES.find((m) => !values.has(m))!;
    const encoder = new CsvRowEncoder(supplier, nullMarker);
    let text = '';
    for (const canon of batches) for (let r = 0; r < canon.numRows; r++) text += encoder.line(canon.columns, r);
    return { report: evaluator.finish({ batchFolder: source, files: files.length }), text, nullMarker, columns: referenceFigures(batches) };
  } catch (e) {
    return { error: e instanceof UserError ? e.oneLine() : String(e) };
  }
}

async function ours(source: string, workers: number, unitRows?: number): Promise<Outcome> {
  const out = mkdtempSync(join(root, 'out-'));
  try {
    const r = await partition({
      contract: supplier, sourceStore: store, sourceUri: source, outStore: store, outUri: out,
      batchDate: '2026-11-25', runId: 'exact', slices: 1, partsPerSlice: 1, previousRowCount: 1000, workers, unitRows,
    });
    const pkg = r.manifest.package;
    return { report: r.quality, text: gunzipSync(readFileSync(r.manifest.entries[0].url)).toString('utf8'), nullMarker: pkg.csv!.nullMarker, columns: pkg.checksums.columns };
  } catch (e) {
    const report = (e as { report?: QualityReport }).report;
    return report ? { report } : { error: e instanceof UserError ? e.oneLine() : String(e) };
  }
}

async function same(source: string, unitRows?: number): Promise<void> {
  const want = await reference(source);
  for (const workers of [0, 2]) {
    const got = await ours(source, workers, unitRows);
    assert.equal(got.error, want.error, `error with ${workers} workers`);
    assert.deepEqual(got.report, want.report, `quality report with ${workers} workers`);
    if (want.report?.decision === 'pass') {
      assert.equal(got.nullMarker, want.nullMarker, `NULL marker with ${workers} workers`);
      assert.ok(got.text === want.text, `CSV text with ${workers} workers`);
      assert.deepEqual(got.columns, want.columns, `column figures with ${workers} workers`);
    }
  }
}

describe('partition: exactly the reference, on every path', () => {
  it('reads the reference TPC-H files (DuckDB snappy and zstd, arrow-rs gzip v2 dictionary pages, dbgen text)', async () => {
    for (const f of ['duckdb-snappy', 'duckdb-zstd-decimal.parquet', 'arrow-rs-gzip-v2.parquet', 'supplier_sf1.tbl']) await same(join(SHARED_TPCH, f));
  });

  it('writes quoting cases, NULLs, multi-byte text and dictionary pages byte for byte, in several files, row groups and pages', async () => {
    writeParquet('nasty', 'a.parquet', { schema: SUPPLIER_PARQUET_SCHEMA, columns: supplierColumns(3000, 1), encodings: { s_name: 'RLE_DICTIONARY', s_address: 'RLE_DICTIONARY' }, rowGroupSize: 1000, pageSize: 4000 });
    writeParquet('nasty', 'b.parquet', { schema: SUPPLIER_PARQUET_SCHEMA, columns: supplierColumns(2000, 3001), encodings: { s_nationkey: 'PLAIN' }, rowGroupSize: [700, 1300], codec: 'UNCOMPRESSED' });
    await same(join(root, 'nasty'));
  });

  it('keeps 64-bit keys and 12-digit decimals exact at their extremes', async () => {
    writeParquet('extremes', 'a.parquet', { schema: SUPPLIER_PARQUET_SCHEMA, columns: supplierColumns(50, 1, (c) => {
      c.s_suppkey.splice(0, 4, 9223372036854775807n, -9223372036854775808n, 9007199254740993n, -9007199254740993n);
      c.s_acctbal.splice(0, 5, 999999999999n, -999999999999n, 0n, -1n, 10n);
    }) });
    await same(join(root, 'extremes'));
  });

  it('reports every rule failure as the evaluator does: counts, first samples by file and row, duplicates across row groups', async () => {
    writeParquet('failures', 'a.parquet', { schema: SUPPLIER_PARQUET_SCHEMA, rowGroupSize: 500, columns: supplierColumns(1500, 1, (c) => {
      c.s_suppkey[10] = null;
      c.s_suppkey[20] = 5n;
      c.s_suppkey[1400] = 7n;
      c.s_nationkey[30] = 25;
      c.s_nationkey[31] = -1;
      c.s_acctbal[40] = 1000000n;
      c.s_acctbal[41] = -100000n;
      c.s_acctbal[42] = 10000000000000n;
      c.s_phone[50] = '1-2-3';
      c.s_name[60] = 'é'.repeat(51);
      c.s_comment[70] = 'nul\u0000here';
      c.s_address[80] = 'x'.repeat(101);
    }) });
    writeParquet('failures', 'b.parquet', { schema: SUPPLIER_PARQUET_SCHEMA, columns: supplierColumns(100, 1450) });
    await same(join(root, 'failures'));
  });

  it('reads DuckDB-shaped files (DOUBLE decimals, BIGINT integers), clean and with values that do not fit', async () => {
    writeParquet('duck', 'a.parquet', { schema: DUCK_SCHEMA, columns: duckColumns(2000, 1), rowGroupSize: 900 });
    await same(join(root, 'duck'));
    writeParquet('duckbad', 'a.parquet', { schema: DUCK_SCHEMA, columns: duckColumns(2000, 1, (c) => {
      c.s_acctbal[5] = 1.005;
      c.s_acctbal[6] = -0;
      c.s_acctbal[7] = Number.NaN;
      c.s_acctbal[9] = 1e13;
      c.s_nationkey[8] = 2n ** 40n;
    }) });
    await same(join(root, 'duckbad'));
  });

  it('matches columns case-insensitively, treats a missing column as NULL, reads REQUIRED columns and ignores extra ones', async () => {
    const upper = SUPPLIER_PARQUET_SCHEMA.map((e) => (e.name === 'schema' ? { ...e, num_children: 8 }
      : { ...e, name: e.name.toUpperCase(), repetition_type: e.name === 's_suppkey' ? 'REQUIRED' as const : e.repetition_type }));
    const columns = Object.fromEntries(Object.entries(supplierColumns(300, 1)).map(([k, v]) => [k.toUpperCase(), v]));
    writeParquet('upper', 'a.parquet', {
      schema: [...upper, { name: 'EXTRA', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }] as SchemaElement[],
      columns, extra: [{ name: 'EXTRA', data: Array.from({ length: 300 }, (_, i) => `x${i}é`) }],
    });
    await same(join(root, 'upper'));
    const missing = SUPPLIER_PARQUET_SCHEMA.filter((e) => e.name !== 's_comment').map((e) => (e.name === 'schema' ? { ...e, num_children: 6 } : e));
    writeParquet('missing', 'a.parquet', { schema: missing, columns: supplierColumns(100, 1, (c) => delete c.s_comment) });
    await same(join(root, 'missing'));
  });

  it('reads DELTA encodings (DELTA_BYTE_ARRAY through hyparquet) and a BOOLEAN column the contract does not take', async () => {
    writeParquet('delta', 'a.parquet', { schema: SUPPLIER_PARQUET_SCHEMA, columns: supplierColumns(1000, 1), encodings: { s_suppkey: 'DELTA_BINARY_PACKED', s_nationkey: 'DELTA_BINARY_PACKED', s_comment: 'DELTA_LENGTH_BYTE_ARRAY' } });
    await same(join(root, 'delta'));
    writeParquet('deltabytes', 'a.parquet', { schema: SUPPLIER_PARQUET_SCHEMA, columns: supplierColumns(1000, 1), encodings: { s_address: 'DELTA_BYTE_ARRAY' } });
    await same(join(root, 'deltabytes'));
    writeParquet('bool', 'a.parquet', {
      schema: [...SUPPLIER_PARQUET_SCHEMA.map((e) => (e.name === 'schema' ? { ...e, num_children: 8 } : e)), { name: 'flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' }] as SchemaElement[],
      columns: supplierColumns(300, 1), extra: [{ name: 'flag', data: Array.from({ length: 300 }, (_, i) => i % 2 === 0) }],
    });
    await same(join(root, 'bool'));
  });

  it('cuts a large row group into units read side by side, with the same result', async () => {
    writeParquet('big', 'a.parquet', { schema: SUPPLIER_PARQUET_SCHEMA, columns: supplierColumns(5000, 1, (c) => {
      c.s_nationkey[3000] = 99;
      c.s_suppkey[4000] = 17n;
    }), rowGroupSize: 5000, pageSize: 3000 });
    await same(join(root, 'big'), 700);
  });

  it('fails on text that is not UTF-8 with the reader\'s own error, naming the file (and the row where the reader can)', async () => {
    const bad = new Uint8Array([0x61, 0xff, 0xfe]);
    const utf8 = new TextEncoder();
    writeParquet('badextra', 'a.parquet', {
      schema: [...SUPPLIER_PARQUET_SCHEMA.map((e) => (e.name === 'schema' ? { ...e, num_children: 8 } : e)), { name: 'junk', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }] as SchemaElement[],
      columns: supplierColumns(100, 1), extra: [{ name: 'junk', data: Array.from({ length: 100 }, (_, i) => (i === 50 ? bad : utf8.encode('ok'))) }],
    });
    await same(join(root, 'badextra'));
    writeParquet('badbinary', 'a.parquet', {
      schema: SUPPLIER_PARQUET_SCHEMA.map((e) => (e.name === 's_name' ? { name: 's_name', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' } : e)),
      columns: supplierColumns(100, 1, (c) => {
        c.s_name = c.s_name.map((s, i) => (i === 42 ? bad : s === null ? null : utf8.encode(s as string)));
      }),
    });
    await same(join(root, 'badbinary'));
  });
});
