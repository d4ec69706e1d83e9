import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { ByteWriter, ParquetWriter, parquetWriteBuffer, schemaFromColumnData } from 'hyparquet-writer';
import type { DatasetContract } from '../../datasets/contract.ts';
import { supplier } from '../../datasets/supplier.ts';
import { ConfigError, DriftError, QualityError, type UserError } from '../../core/errors.ts';
import {
  formatOf,
  listBatch,
  listBatchFiles,
  openSource,
  readDelimitedBatches,
  readDelimitedSchema,
  readParquetBatches,
  readParquetSchema,
  type DelimitedReadOptions,
} from '../../jobs/readers/index.ts';
import { LocalStore, type RandomAccess } from '../../jobs/store/index.ts';
import type { ColumnBatch, Value } from '../../core/values.ts';
import { EpochDays, EpochNanos } from '../../core/temporal.ts';

const TPCH = process.env.TPCH_DIR ?? '/work/shared/data/tpch';
const TBL = join(TPCH, 'supplier_sf1.tbl');
const COLS = ['s_suppkey', 's_name', 's_address', 's_nationkey', 's_phone', 's_acctbal', 's_comment'];
const store = new LocalStore();
let tmp: string;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'readers-test-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** supplier_sf1.tbl split independently of the reader under test: suppkey -> 7 fields. */
async function reference(): Promise<Map<string, string[]>> {
  const text = await readFile(TBL, 'utf8');
  const rows = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split('|');
    assert.equal(f.length, 8, `reference line has a trailing '|': ${line}`);
    assert.equal(f[7], '');
    rows.set(f[0], f.slice(0, 7));
  }
  assert.equal(rows.size, 10_000);
  return rows;
}

async function collect(batches: AsyncIterable<ColumnBatch>): Promise<{ batches: ColumnBatch[]; rows: Record<string, Value>[] }> {
  const out: ColumnBatch[] = [];
  const rows: Record<string, Value>[] = [];
  let next = 1;
  for await (const b of batches) {
    assert.equal(b.firstRow, next, 'batches are contiguous and 1-based');
    next += b.numRows;
    for (const values of Object.values(b.columns)) assert.equal(values.length, b.numRows);
    out.push(b);
    for (let r = 0; r < b.numRows; r++) {
      rows.push(Object.fromEntries(Object.entries(b.columns).map(([k, v]) => [k, v[r]])));
    }
  }
  return { batches: out, rows };
}

async function tmpFile(name: string, data: Uint8Array | ArrayBuffer | string): Promise<string> {
  const path = join(tmp, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, typeof data === 'string' ? data : new Uint8Array(data));
  return path;
}

async function readParquet(path: string, maxBatchRows?: number) {
  const access = await store.open(path);
  return { schema: await readParquetSchema(access), ...(await collect(readParquetBatches(access, { maxBatchRows }))) };
}

/** Asserts `p` rejects with a `type` naming `file`, whose message matches `message`. */
async function rejectsWith(p: Promise<unknown>, type: new (...a: never[]) => UserError, file: string, message: RegExp, row?: number) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.stack}`);
    assert.equal(e.where.file, file);
    assert.match(e.message, message);
    if (row !== undefined) assert.equal(e.where.row, row);
    assert.ok(!/\n\s+at /.test(e.oneLine()), 'one line, no stack');
    return true;
  });
}

/** Reads `it` to its end, keeping nothing. */
const drain = async (it: AsyncIterable<unknown>) => {
  const reader = it[Symbol.asyncIterator]();
  while (!(await reader.next()).done);
};

describe('parquet reader: the reference TPC-H files', () => {
  const sets: Record<string, string[]> = {
    'duckdb snappy, 3 files': ['data_0', 'data_1', 'data_2'].map((f) => join(TPCH, 'duckdb-snappy', `${f}.parquet`)),
    'duckdb zstd, DECIMAL(12,2) INT64': [join(TPCH, 'duckdb-zstd-decimal.parquet')],
    'arrow-rs gzip, data page v2, dictionaries': [join(TPCH, 'arrow-rs-gzip-v2.parquet')],
  };
  for (const [label, files] of Object.entries(sets)) {
    it(`${label}: every value of every row equals supplier_sf1.tbl`, async () => {
      const ref = await reference();
      const seen = new Set<string>();
      let compared = 0;
      for (const file of files) {
        const { schema, rows } = await readParquet(file);
        assert.deepEqual(schema.columns.map((c) => c.name), COLS);
        assert.equal(schema.rowCount, rows.length);
        const types = Object.fromEntries(schema.columns.map((c) => [c.name, c.type]));
        assert.equal(types.s_suppkey, 'bigint');
        for (const row of rows) {
          assert.equal(typeof row.s_suppkey, 'bigint');
          const key = String(row.s_suppkey);
          const want = ref.get(key);
          assert.ok(want, `suppkey ${key} is in the reference`);
          assert.ok(!seen.has(key), `suppkey ${key} read once`);
          seen.add(key);
          for (const c of ['s_name', 's_address', 's_phone', 's_comment']) {
            assert.equal(row[c], want[COLS.indexOf(c)], `${c} of ${key}`);
          }
          assert.equal(typeof row.s_nationkey, types.s_nationkey === 'int' ? 'number' : 'bigint');
          assert.equal(String(row.s_nationkey), want[3]);
          if (types.s_acctbal === 'decimal(12,2)') {
            assert.equal(row.s_acctbal, want[5], `exact decimal text of ${key}`);
          } else {
            assert.equal(types.s_acctbal, 'double');
            assert.equal(typeof row.s_acctbal, 'number');
            assert.equal(row.s_acctbal, Number(want[5]), `double acctbal of ${key}`);
          }
          compared += 7;
        }
      }
      assert.equal(seen.size, 10_000);
      assert.equal(compared, 70_000);
    });
  }

  it('keeps the scale of DECIMAL values ("4192.40", not 4192.4)', async () => {
    const { rows } = await readParquet(join(TPCH, 'duckdb-zstd-decimal.parquet'));
    const three = rows.find((r) => r.s_suppkey === 3n)!;
    assert.equal(three.s_acctbal, '4192.40');
    assert.ok(rows.some((r) => typeof r.s_acctbal === 'string' && r.s_acctbal.startsWith('-')), 'negative balances too');
  });

  it('reads the footer for the schema: types, nullability, row count', async () => {
    const arrow = await readParquetSchema(await store.open(join(TPCH, 'arrow-rs-gzip-v2.parquet')));
    assert.deepEqual(arrow, {
      file: join(TPCH, 'arrow-rs-gzip-v2.parquet'),
      format: 'parquet',
      rowCount: 10_000,
      columns: [
        { name: 's_suppkey', type: 'bigint', nullable: false },
        { name: 's_name', type: 'string', nullable: true },
        { name: 's_address', type: 'string', nullable: true },
        { name: 's_nationkey', type: 'int', nullable: false },
        { name: 's_phone', type: 'string', nullable: true },
        { name: 's_acctbal', type: 'double', nullable: false },
        { name: 's_comment', type: 'string', nullable: true },
      ],
    });
    const duck = await readParquetSchema(await store.open(join(TPCH, 'duckdb-zstd-decimal.parquet')));
    assert.equal(duck.columns[5].type, 'decimal(12,2)');
    assert.ok(duck.columns.every((c) => c.nullable));
  });

  it('decodes one row group at a time, and splits row groups larger than maxBatchRows', async () => {
    const path = join(TPCH, 'duckdb-snappy', 'data_0.parquet');
    const bytes = await readFile(path);
    const meta = parquetMetadata(bytes);
    assert.equal(meta.row_groups.length, 2);
    const g2 = meta.row_groups[1].columns.map((c) => Number(c.meta_data!.dictionary_page_offset ?? c.meta_data!.data_page_offset));
    const g2Start = Math.min(...g2);
    const real = await store.open(path);
    const reads: Array<[number, number]> = [];
    const access: RandomAccess = { ...real, read: (s, e) => (reads.push([s, e]), real.read(s, e)) };
    const it = readParquetBatches(access)[Symbol.asyncIterator]();
    const first = await it.next();
    assert.ok(!first.done);
    assert.equal(first.value.numRows, 2048);
    const footerStart = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8);
    assert.ok(reads.every(([s, e]) => e <= g2Start || s >= footerStart), `nothing of row group 2 read yet: ${JSON.stringify(reads)}`);
    const second = await it.next();
    assert.ok(!second.done);
    assert.equal(second.value.firstRow, 2049);
    assert.ok(reads.some(([s, e]) => s <= g2Start && e > g2Start), 'row group 2 read for the second batch');
    assert.equal((await it.next()).done, true);

    const { batches } = await readParquet(path, 1000);
    assert.deepEqual(batches.map((b) => [b.firstRow, b.numRows]), [[1, 1000], [1001, 1000], [2001, 48], [2049, 1000], [3049, 1000], [4049, 48]]);
  });
});

describe('parquet reader: files written by hyparquet-writer', () => {
  const write = (name: string, opts: Parameters<typeof parquetWriteBuffer>[0]) => tmpFile(name, parquetWriteBuffer(opts));

  it('reads dictionary and plain encodings to the same values', async () => {
    const colors = Array.from({ length: 300 }, (_, i) => ['red', 'green', 'blue', null][i % 4]);
    const keys = Array.from({ length: 300 }, (_, i) => BigInt(i % 3) * 1_000_000_000_000n);
    const dict = await write('dict.parquet', { columnData: [{ name: 'color', data: colors, type: 'STRING' }, { name: 'k', data: keys, type: 'INT64' }] });
    const plain = await write('plain.parquet', {
      columnData: [{ name: 'color', data: colors, type: 'STRING', encoding: 'PLAIN' }, { name: 'k', data: keys, type: 'INT64', encoding: 'PLAIN' }],
    });
    const encodings = async (p: string) => parquetMetadata(await readFile(p)).row_groups[0].columns.flatMap((c) => c.meta_data!.encodings);
    assert.ok((await encodings(dict)).includes('RLE_DICTIONARY'), 'premise: dictionary-encoded');
    assert.ok(!(await encodings(plain)).some((e) => e.includes('DICTIONARY')), 'premise: plain');
    for (const p of [dict, plain]) {
      const { rows } = await readParquet(p);
      assert.deepEqual(rows.map((r) => r.color), colors);
      assert.deepEqual(rows.map((r) => r.k), keys);
    }
  });

  it('gives NULL as null in optional columns of every type, and keeps "" apart from NULL', async () => {
    const p = await write('nulls.parquet', {
      columnData: [
        { name: 's', data: ['', null, 'x', ''], type: 'STRING' },
        { name: 'i', data: [1, null, -2, 0], type: 'INT32' },
        { name: 'b', data: [null, 2n ** 62n, -1n, 0n], type: 'INT64' },
        { name: 'd', data: [0.5, null, -1e-300, 0], type: 'DOUBLE' },
        { name: 'f', data: [true, false, null, true], type: 'BOOLEAN' },
      ],
    });
    const { schema, rows } = await readParquet(p);
    assert.deepEqual(schema.columns.map((c) => [c.type, c.nullable]), [['string', true], ['int', true], ['bigint', true], ['double', true], ['boolean', true]]);
    assert.deepEqual(rows, [
      { s: '', i: 1, b: null, d: 0.5, f: true },
      { s: null, i: null, b: 2n ** 62n, d: null, f: false },
      { s: 'x', i: -2, b: -1n, d: -1e-300, f: null },
      { s: '', i: 0, b: 0n, d: 0, f: true },
    ]);
  });

  it('decodes multi-byte UTF-8 exactly', async () => {
    const words = ['Zürich', '東京都港区', '🚚📦 pallet', 'e\u0301', 'Ωmega≈√', 'ascii'];
    const { rows } = await readParquet(await write('utf8.parquet', { columnData: [{ name: 'w', data: words, type: 'STRING' }] }));
    assert.deepEqual(rows.map((r) => r.w), words);
  });

  it('numbers rows across several row groups and splits them into batches', async () => {
    const n = Array.from({ length: 10 }, (_, i) => i + 1);
    const p = await write('groups.parquet', { columnData: [{ name: 'n', data: n, type: 'INT32' }], rowGroupSize: 4 });
    assert.equal(parquetMetadata(await readFile(p)).row_groups.length, 3);
    const whole = await readParquet(p);
    assert.deepEqual(whole.batches.map((b) => [b.firstRow, b.numRows]), [[1, 4], [5, 4], [9, 2]]);
    assert.deepEqual(whole.rows.map((r) => r.n), n);
    const split = await readParquet(p, 3);
    assert.deepEqual(split.batches.map((b) => [b.firstRow, b.numRows]), [[1, 3], [4, 1], [5, 3], [8, 1], [9, 2]]);
    assert.deepEqual(split.rows.map((r) => r.n), n);
    const empty = await readParquet(await write('empty.parquet', { columnData: [{ name: 'n', data: [], type: 'INT32' }] }));
    assert.equal(empty.schema.rowCount, 0);
    assert.deepEqual(empty.batches, []);
  });

  it('gives DECIMAL as exact text from INT32, INT64, FIXED_LEN_BYTE_ARRAY and BYTE_ARRAY, up to precision 38', async () => {
    const max38 = 10n ** 38n - 1n;
    const p = await write('decimal.parquet', {
      columnData: [
        { name: 'd32', data: [-28384n, 5n, -10n, null, 0n, 999999999n] },
        { name: 'd64', data: [-28384n, 5n, -10n, null, 0n, 10n ** 18n - 1n] },
        { name: 'dfix', data: [max38, -max38, -10n, null, 0n, 1n] },
        { name: 'dbin', data: [max38, -max38, -10n, null, 0n, -1n] },
      ],
      schema: [
        { name: 'root', num_children: 4 },
        { name: 'd32', type: 'INT32', converted_type: 'DECIMAL', precision: 9, scale: 2, repetition_type: 'OPTIONAL' },
        { name: 'd64', type: 'INT64', converted_type: 'DECIMAL', precision: 18, scale: 2, repetition_type: 'OPTIONAL' },
        { name: 'dfix', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, converted_type: 'DECIMAL', precision: 38, scale: 10, repetition_type: 'OPTIONAL' },
        { name: 'dbin', type: 'BYTE_ARRAY', converted_type: 'DECIMAL', precision: 38, scale: 0, repetition_type: 'OPTIONAL' },
      ],
    });
    const { schema, rows } = await readParquet(p);
    assert.deepEqual(schema.columns.map((c) => c.type), ['decimal(9,2)', 'decimal(18,2)', 'decimal(38,10)', 'decimal(38,0)']);
    assert.deepEqual(rows.map((r) => r.d32), ['-283.84', '0.05', '-0.10', null, '0.00', '9999999.99']);
    assert.deepEqual(rows.map((r) => r.d64), ['-283.84', '0.05', '-0.10', null, '0.00', '9999999999999999.99']);
    assert.deepEqual(rows.map((r) => r.dfix), [
      '9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999', '-0.0000000010', null, '0.0000000000', '0.0000000001',
    ]);
    assert.deepEqual(rows.map((r) => r.dbin), ['99999999999999999999999999999999999999', '-99999999999999999999999999999999999999', '-10', null, '0', '-1']);
  });

  it('maps physical and logical types to Glue type names', async () => {
    const columnData = [
      { name: 'tiny', data: [1, -2] },
      { name: 'small', data: [300, -300] },
      { name: 'int', data: [70000, -1] },
      { name: 'big', data: [1n, -1n] },
      { name: 'real', data: [1.5, -0.25] },
      { name: 'dbl', data: [0.1, 2] },
      { name: 'flag', data: [true, false] },
      { name: 'day', data: [new Date('2024-02-29T00:00:00Z'), new Date('1970-01-01T00:00:00Z')] },
      { name: 'ts', data: [new Date('2024-02-29T12:34:56.789Z'), new Date(0)] },
      { name: 'raw', data: [new TextEncoder().encode('bytes'), new TextEncoder().encode('')] },
      { name: 'js', data: [{ a: 1 }, []] },
      { name: 'u8', data: [255, 0] },
      { name: 'u32', data: [4294967295, 0] },
    ];
    const schema: NonNullable<Parameters<typeof parquetWriteBuffer>[0]["schema"]> = [
      { name: 'root', num_children: columnData.length },
      { name: 'tiny', type: 'INT32', converted_type: 'INT_8', repetition_type: 'REQUIRED' },
      { name: 'small', type: 'INT32', converted_type: 'INT_16', repetition_type: 'REQUIRED' },
      { name: 'int', type: 'INT32', repetition_type: 'REQUIRED' },
      { name: 'big', type: 'INT64', repetition_type: 'REQUIRED' },
      { name: 'real', type: 'FLOAT', repetition_type: 'REQUIRED' },
      { name: 'dbl', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      { name: 'flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
      { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
      { name: 'ts', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
      { name: 'raw', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'js', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' },
      { name: 'u8', type: 'INT32', converted_type: 'UINT_8', repetition_type: 'REQUIRED' },
      { name: 'u32', type: 'INT32', converted_type: 'UINT_32', repetition_type: 'REQUIRED' },
    ];
    const p = await write('types.parquet', { columnData, schema });
    const read = await readParquet(p);
    assert.deepEqual(read.schema.columns.map((c) => `${c.name}:${c.type}:${c.nullable}`), [
      'tiny:tinyint:false', 'small:smallint:false', 'int:int:false', 'big:bigint:false', 'real:float:false', 'dbl:double:true',
      'flag:boolean:true', 'day:date:true', 'ts:timestamp:true', 'raw:binary:true', 'js:string:true', 'u8:smallint:false', 'u32:bigint:false',
    ]);
    assert.deepEqual(read.rows[0], {
      tiny: 1, small: 300, int: 70000, big: 1n, real: 1.5, dbl: 0.1, flag: true,
      day: new EpochDays(19782), ts: new EpochNanos(1709210096789000000n), raw: 'bytes', js: '{"a":1}', u8: 255, u32: 4294967295n,
    });
    // exact, never a millisecond JS Date: DATE as its day number, a TIMESTAMP as nanoseconds since 1970-01-01
    assert.equal(String(read.rows[0].day), '2024-02-29');
    assert.equal(String(read.rows[0].ts), '2024-02-29 12:34:56.789000');
    assert.deepEqual(read.rows[1].raw, '');
  });

  it('rejects binary that is not UTF-8 text, naming the column and row', async () => {
    const p = await write('binary.parquet', {
      columnData: [{ name: 'raw', data: [new Uint8Array([0x61]), new Uint8Array([0xff, 0xfe])] }],
      schema: [{ name: 'root', num_children: 1 }, { name: 'raw', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' }],
    });
    await assert.rejects(drain(readParquetBatches(await store.open(p))), (e: unknown) => {
      assert.ok(e instanceof QualityError);
      assert.deepEqual(e.where, { file: p, row: 2, column: 'raw' });
      assert.match(e.message, /not UTF-8/);
      return true;
    });
  });

  it('rejects nested columns (LIST, struct) and unsupported types with a DriftError naming the column', async () => {
    const list = await write('list.parquet', {
      columnData: [{ name: 'id', data: [1, 2] }, { name: 'tags', data: [[1, 2], []] }],
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
        { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'INT32', repetition_type: 'OPTIONAL' },
      ],
    });
    const struct = await write('struct.parquet', {
      columnData: [{ name: 'addr', data: [{ city: 'Oslo', zip: 1 }] }],
      schema: [
        { name: 'root', num_children: 1 },
        { name: 'addr', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'city', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'zip', type: 'INT32', repetition_type: 'OPTIONAL' },
      ],
    });
    const time = await write('time.parquet', {
      columnData: [{ name: 'at', data: [1000] }],
      schema: [{ name: 'root', num_children: 1 }, { name: 'at', type: 'INT32', converted_type: 'TIME_MILLIS', repetition_type: 'OPTIONAL' }],
    });
    for (const [p, column, message] of [[list, 'tags', /is a LIST/], [struct, 'addr', /is a struct/], [time, 'at', /TIME_MILLIS/]] as const) {
      for (const read of [async () => readParquetSchema(await store.open(p)), async () => drain(readParquetBatches(await store.open(p)))]) {
        await assert.rejects(read(), (e: unknown) => {
          assert.ok(e instanceof DriftError, String(e));
          assert.deepEqual(e.where, { file: p, column });
          assert.match(e.message, message);
          return true;
        });
      }
    }
  });
});

describe('parquet reader: damaged and foreign files', () => {
  it('rejects a copy of a real file cut at any offset: "footer is missing (file truncated?)"', async () => {
    const real = await readFile(join(TPCH, 'duckdb-snappy', 'data_2.parquet'));
    for (const cut of [0, 3, 4, 11, 12, 1000, real.length >> 1, real.length - 9, real.length - 8, real.length - 4, real.length - 1]) {
      const p = await tmpFile(`cut-${cut}.parquet`, real.subarray(0, cut));
      const message = cut < 12 ? new RegExp(`only ${cut} bytes`) : /^not a readable Parquet file: footer is missing \(file truncated\?\)$/;
      await rejectsWith(readParquetSchema(await store.open(p)), QualityError, p, message);
      await rejectsWith(drain(readParquetBatches(await store.open(p))), QualityError, p, message);
    }
  });

  it('rejects a non-Parquet file', async () => {
    const p = await tmpFile('supplier.parquet', await readFile(TBL));
    await rejectsWith(readParquetSchema(await store.open(p)), QualityError, p, /^not a Parquet file/);
  });

  it('rejects damaged data pages and a damaged footer with the file named and no raw stack', async () => {
    const real = await readFile(join(TPCH, 'duckdb-snappy', 'data_2.parquet'));
    const meta = parquetMetadata(real);
    const page = Number(meta.row_groups[0].columns[1].meta_data!.data_page_offset);
    const pages = Buffer.from(real).fill(0xff, page, page + 64);
    const p1 = await tmpFile('bad-page.parquet', pages);
    await readParquetSchema(await store.open(p1)); // the footer is intact
    await rejectsWith(drain(readParquetBatches(await store.open(p1))), QualityError, p1, /^damaged Parquet file: row group 1 of 1 \(rows 1-1808\) cannot be decoded \(.+\)$/);

    const footerLength = real.readUInt32LE(real.length - 8);
    const footer = Buffer.from(real).fill(0xff, real.length - 8 - footerLength, real.length - 8);
    const p2 = await tmpFile('bad-footer.parquet', footer);
    await rejectsWith(readParquetSchema(await store.open(p2)), QualityError, p2, /^not a readable Parquet file: footer is damaged \(.+\)$/);

    const long = Buffer.from(real);
    long.writeUInt32LE(real.length, real.length - 8);
    const p3 = await tmpFile('long-footer.parquet', long);
    await rejectsWith(readParquetSchema(await store.open(p3)), QualityError, p3, /footer claims \d+ bytes, more than the file holds/);
  });

  it('rejects a file whose row counts disagree with the rows decoded', async () => {
    const columnData = [{ name: 'n', data: [1, 2, 3], type: 'INT32' as const }];
    const forge = async (name: string, edit: (w: ParquetWriter) => void) => {
      const writer = new ByteWriter();
      const w = new ParquetWriter({ writer, schema: schemaFromColumnData({ columnData }) });
      await w.write({ columnData });
      edit(w);
      await w.finish();
      return tmpFile(name, writer.getBuffer());
    };
    const footer = await forge('rows-footer.parquet', (w) => (w.num_rows = 99n));
    await rejectsWith(readParquetSchema(await store.open(footer)), QualityError, footer, /footer says 99 rows but its row groups hold 3/);
    const more = await forge('rows-more.parquet', (w) => ((w.num_rows = 5n), (w.row_groups[0].num_rows = 5n)));
    await rejectsWith(drain(readParquetBatches(await store.open(more))), QualityError, more, /should hold 5 rows but column n decoded to 3/);
    const fewer = await forge('rows-fewer.parquet', (w) => ((w.num_rows = 2n), (w.row_groups[0].num_rows = 2n)));
    await rejectsWith(drain(readParquetBatches(await store.open(fewer))), QualityError, fewer, /should hold 2 rows but column n decoded to 3/);
  });

  it('passes a failure of the store itself through unchanged (it is retryable, not the file’s fault)', async () => {
    const real = await store.open(join(TPCH, 'duckdb-zstd-decimal.parquet'));
    const boom = new Error('connection reset');
    const access: RandomAccess = { ...real, read: (s, e) => (s <= 100 && e > 100 ? Promise.reject(boom) : real.read(s, e)) };
    await assert.rejects(drain(readParquetBatches(access)), (e) => e === boom);
  });
});

const tblOptions = (file: string, extra: Partial<DelimitedReadOptions> = {}): DelimitedReadOptions => ({
  ...supplier.source.delimited,
  file,
  columnNames: COLS,
  ...extra,
});

/** A stream of `text` (or bytes) cut into `size`-byte chunks. */
function chunked(data: string | Uint8Array, size: number): Readable {
  const bytes = Buffer.from(data);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

const csv = (extra: Partial<DelimitedReadOptions> = {}): DelimitedReadOptions => ({
  delimiter: ',', header: true, quote: '"', nullMarker: '', trailingDelimiter: false, file: 'in.csv', ...extra,
});

async function rows(data: string | Uint8Array, opts: DelimitedReadOptions, chunk = 7): Promise<Record<string, Value>[]> {
  return (await collect(readDelimitedBatches(chunked(data, chunk), opts))).rows;
}

describe('delimited reader', () => {
  it('reads supplier_sf1.tbl to exactly its 10,000 rows', async () => {
    const ref = await reference();
    const { batches, rows: got } = await collect(readDelimitedBatches(await store.readStream(TBL), tblOptions(TBL)));
    assert.equal(batches.length, 1);
    assert.equal(got.length, 10_000);
    for (const row of got) {
      const want = ref.get(row.s_suppkey as string)!;
      assert.deepEqual(Object.values(row), want);
    }
    const split = await collect(readDelimitedBatches(await store.readStream(TBL), tblOptions(TBL, { maxBatchRows: 3000 })));
    assert.deepEqual(split.batches.map((b) => [b.firstRow, b.numRows]), [[1, 3000], [3001, 3000], [6001, 3000], [9001, 1000]]);
    assert.deepEqual(split.rows, got);
  });

  it('gunzips by name and by magic bytes', async () => {
    const plain = (await collect(readDelimitedBatches(await store.readStream(TBL), tblOptions(TBL)))).rows;
    const gz = gzipSync(await readFile(TBL));
    for (const name of ['supplier.tbl.gz', 'supplier-gzipped.tbl']) {
      const p = await tmpFile(name, gz);
      const got = (await collect(readDelimitedBatches(await store.readStream(p), tblOptions(p)))).rows;
      assert.equal(got.length, 10_000);
      assert.deepEqual(got, plain);
    }
  });

  it('rejects a truncated gzip file and a plain file named .gz', async () => {
    const gz = gzipSync(await readFile(TBL));
    const cut = await tmpFile('cut.tbl.gz', gz.subarray(0, gz.length >> 1));
    await rejectsWith(drain(readDelimitedBatches(await store.readStream(cut), tblOptions(cut))), QualityError, cut, /^not a readable gzip file/);
    const fake = await tmpFile('fake.csv.gz', 'a,b\n1,2\n');
    await rejectsWith(drain(readDelimitedBatches(await store.readStream(fake), csv({ file: fake }))), QualityError, fake, /^not a readable gzip file/);
  });

  it('follows RFC 4180: quoted delimiters, doubled quotes, CR/LF inside quotes, CRLF line ends', async () => {
    const text = 'id,name,note\r\n1,"Smith, J","said ""hi"""\r\n2,"multi\r\nline",\r\n3,"",NULL\r\n4,"NULL",x\r\n5,a"b,""""';
    const want = [
      { id: '1', name: 'Smith, J', note: 'said "hi"' },
      { id: '2', name: 'multi\r\nline', note: '' },
      { id: '3', name: '', note: null },
      { id: '4', name: 'NULL', note: 'x' },
      { id: '5', name: 'a"b', note: '"' },
    ];
    for (const chunk of [1, 2, 3, 1 << 16]) assert.deepEqual(await rows(text, csv({ nullMarker: 'NULL' }), chunk), want);
  });

  it('gives an unquoted null marker as null and a quoted one as the string', async () => {
    assert.deepEqual(await rows('a,b,c\n,"",x\n', csv()), [{ a: null, b: '', c: 'x' }]);
    assert.deepEqual(await rows('a|b\n\\N|"\\N"\n', csv({ delimiter: '|', nullMarker: '\\N' })), [{ a: null, b: '\\N' }]);
  });

  it('takes quotes literally when the source never quotes', async () => {
    const got = await rows('"a|b"|c"|\n', tblOptions('x.tbl', { columnNames: ['x', 'y', 'z'] }));
    assert.deepEqual(got, [{ x: '"a', y: 'b"', z: 'c"' }]);
  });

  it('decodes UTF-8 split across chunk boundaries', async () => {
    const text = 'w\nZürich\n東京都港区\n"🚚📦 pallet"\ne\u0301\n';
    for (const chunk of [1, 2, 3, 5]) {
      assert.deepEqual((await rows(text, csv(), chunk)).map((r) => r.w), ['Zürich', '東京都港区', '🚚📦 pallet', 'e\u0301']);
    }
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('w\nx\n')]);
    assert.deepEqual(await rows(bom, csv(), 1), [{ w: 'x' }]);
  });

  it('accepts a last line without a line end and a trailing empty field', async () => {
    assert.deepEqual(await rows('a,b\n1,2\n3,', csv()), [{ a: '1', b: '2' }, { a: '3', b: null }]);
    assert.deepEqual(await rows('', csv({ header: false, columnNames: ['a'] })), []);
  });

  it('rejects a row with the wrong number of fields: "row 17 has 6 fields, expected 7"', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${i + 1}|n|a|1|p|1.00|c|`);
    lines[16] = '17|n|a|1|p|1.00|';
    const file = 'short.tbl';
    await rejectsWith(drain(readDelimitedBatches(chunked(lines.join('\n'), 64), tblOptions(file))), QualityError, file, /^row 17 has 6 fields, expected 7$/, 17);
    lines[16] = '17|n|a|1|p|1.00|c|extra|';
    await rejectsWith(drain(readDelimitedBatches(chunked(lines.join('\n'), 64), tblOptions(file))), QualityError, file, /^row 17 has 8 fields, expected 7$/, 17);
    // with a header, rows are numbered from the first data row
    await rejectsWith(drain(readDelimitedBatches(chunked('a,b\n1,2\n\n3,4\n', 3), csv())), QualityError, 'in.csv', /^row 2 has 1 field, expected 2$/, 2);
  });

  it('rejects a row that lacks the trailing delimiter the source declares', async () => {
    await rejectsWith(drain(readDelimitedBatches(chunked('1|a|\n2|b\n', 4), tblOptions('t.tbl', { columnNames: ['k', 'v'] }))),
      QualityError, 't.tbl', /^row 2 does not end with the delimiter "\|"/, 2);
  });

  it('rejects an unterminated quote at the end of the file, naming the row', async () => {
    await rejectsWith(drain(readDelimitedBatches(chunked('a,b\n1,x\n2,"never closed\n3,y\n', 5), csv())), QualityError, 'in.csv', /^unterminated quote/, 2);
  });

  it('rejects text after a closing quote', async () => {
    await rejectsWith(drain(readDelimitedBatches(chunked('a,b\n1,"x"y\n', 5), csv())), QualityError, 'in.csv', /^row 1 has text after the closing quote of field 2$/, 1);
    await rejectsWith(drain(readDelimitedBatches(chunked('a,b\n1,"x"\ry\n', 5), csv())), QualityError, 'in.csv', /closing quote/, 1);
  });

  it('rejects text that is not UTF-8, naming the row', async () => {
    const bad = Buffer.concat([Buffer.from('a,b\n1,ok\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    for (const chunk of [1, 4, 1000]) {
      await rejectsWith(drain(readDelimitedBatches(chunked(bad, chunk), csv())), QualityError, 'in.csv', /^row 2 is not valid UTF-8 text/, 2);
    }
    const cutChar = Buffer.concat([Buffer.from('a\nx'), Buffer.from([0xc3])]);
    await rejectsWith(drain(readDelimitedBatches(chunked(cutChar, 2), csv())), QualityError, 'in.csv', /ends inside a character/, 1);
  });

  it('rejects a field longer than the limit instead of buffering the file', async () => {
    await rejectsWith(drain(readDelimitedBatches(chunked('a\nshort\n' + 'x'.repeat(50) + '\n', 8), csv({ maxFieldChars: 20 }))),
      QualityError, 'in.csv', /^row 2 has a field longer than 20 characters/, 2);
    await rejectsWith(drain(readDelimitedBatches(chunked('a\n"open' + 'x'.repeat(50), 8), csv({ maxFieldChars: 20 }))),
      QualityError, 'in.csv', /never closed/, 1);
  });

  it('rejects bad header rows', async () => {
    await rejectsWith(drain(readDelimitedBatches(chunked('a,b,a\n1,2,3\n', 4), csv())), QualityError, 'in.csv', /column a appears twice/);
    await rejectsWith(drain(readDelimitedBatches(chunked('a,,c\n1,2,3\n', 4), csv())), QualityError, 'in.csv', /column 2 has no name/);
    await rejectsWith(readDelimitedSchema(chunked('', 4), csv()), QualityError, 'in.csv', /file is empty: there is no header row/);
  });

  it('rejects options it cannot honour with a ConfigError', async () => {
    for (const extra of [{ delimiter: '||' }, { delimiter: '\n' }, { quote: ',' }, { quote: '""' }, { header: false }, { maxBatchRows: 0 }]) {
      await assert.rejects(drain(readDelimitedBatches(chunked('a,b\n', 4), csv(extra))), ConfigError, JSON.stringify(extra));
    }
  });

  it('reads the schema from the header or the contract names, cut or extended to the first row', async () => {
    const strings = (names: string[]) => names.map((name) => ({ name, type: 'string', nullable: true }));
    assert.deepEqual(await readDelimitedSchema(chunked('x,y\n1,2\n', 3), csv()), { file: 'in.csv', format: 'csv', columns: strings(['x', 'y']) });
    assert.deepEqual((await readDelimitedSchema(await store.readStream(TBL), tblOptions(TBL))).columns, strings(COLS));
    const noHeader = csv({ header: false, columnNames: ['a', 'b'] });
    assert.deepEqual((await readDelimitedSchema(chunked('1,2,3\n', 3), noHeader)).columns, strings(['a', 'b', 'column_3']));
    assert.deepEqual((await readDelimitedSchema(chunked('1\n', 3), noHeader)).columns, strings(['a']));
    assert.deepEqual((await readDelimitedSchema(chunked('', 3), noHeader)).columns, strings(['a', 'b']));
  });

  it('streams: the first batch arrives after reading a few chunks, not the whole input', async () => {
    let pulled = 0;
    const total = 2000;
    const source = Readable.from((function* () {
      for (let c = 0; c < total; c++) {
        pulled++;
        let s = '';
        for (let r = 0; r < 500; r++) s += `${c * 500 + r}|name ${r}|\n`;
        yield Buffer.from(s);
      }
    })());
    const it = readDelimitedBatches(source, tblOptions('big.tbl', { columnNames: ['k', 'v'], maxBatchRows: 1000 }))[Symbol.asyncIterator]();
    const first = await it.next();
    assert.ok(!first.done);
    assert.equal(first.value.numRows, 1000);
    assert.equal(first.value.columns.k[999], '999');
    assert.ok(pulled < 40, `pulled ${pulled} of ${total} chunks before the first batch`);
    await it.return(undefined);
    assert.ok(source.destroyed, 'stopping early releases the input');
    assert.ok(pulled < 40);
  });
});

describe('readers index', () => {
  it('formatOf tells the format by extension', () => {
    const cases: Record<string, string | undefined> = {
      'a.parquet': 'parquet', 'B.PARQ': 'parquet', 'c.pq': 'parquet', 'd.csv': 'csv', 'e.tbl': 'csv', 'f.txt': 'csv', 'g.psv': 'csv',
      'h.csv.gz': 'csv', 'i.TBL.GZ': 'csv', 'j.orc': 'orc', 's3://b/p/k.parquet': 'parquet', 'k.parquet.gz': undefined, 'l.json': undefined,
      'noext': undefined, 'm.gz': undefined,
    };
    for (const [uri, want] of Object.entries(cases)) assert.equal(formatOf(uri), want, uri);
  });

  it('lists the data files directly in a batch folder; markers, hidden files, checksums and subfolders are ignored and named', async () => {
    const dir = join(tmp, 'batch', '_landing', '20240101');
    for (const f of ['a.parquet', 'b.csv.gz', 'c.tbl', 'sub/d.pq', '_SUCCESS', '.hidden', 'a.parquet.crc', '_temporary/0/x.parquet', '_committed_123']) {
      await tmpFile(join('batch', '_landing', '20240101', f), 'x');
    }
    const files = await listBatchFiles(store, dir);
    assert.deepEqual(files.map((f) => f.uri.slice(dir.length + 1)), ['a.parquet', 'b.csv.gz', 'c.tbl'], 'a batch is the files directly in its folder');
    assert.deepEqual((await listBatchFiles(store, `file://${dir}`)).map((f) => f.uri), files.map((f) => f.uri));
    const { ignored } = await listBatch(store, dir);
    assert.deepEqual(
      ignored.map((i) => [i.uri.slice(dir.length + 1), i.reason.split(/[ :]/)[0]]),
      [['.hidden', 'hidden'], ['_SUCCESS', 'marker'], ['_committed_123', 'marker'], ['_temporary/', 'marker'], ['a.parquet.crc', 'checksum'], ['sub/', 'subfolder']],
    );
  });

  it('refuses ORC and unknown files with a ConfigError naming the file', async () => {
    const orc = await tmpFile('orc/20240101/part-0.orc', 'x');
    await assert.rejects(listBatchFiles(store, join(tmp, 'orc', '20240101')), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.message, `ORC is not supported: ${orc}`);
      assert.match(e.hint!, /convert .* to Parquet/);
      return true;
    });
    const json = await tmpFile('json/20240101/rows.json', 'x');
    await rejectsWith(listBatchFiles(store, join(tmp, 'json', '20240101')), ConfigError, json, /unknown file type in the batch folder: .*rows\.json/);
  });

  it('reports an empty or missing batch folder as a QualityError with a hint', async () => {
    const empty = join(tmp, 'empty', '20240101');
    await mkdir(empty, { recursive: true });
    await tmpFile('markers/20240101/_SUCCESS', '');
    for (const dir of [empty, join(tmp, 'missing', '20240101'), join(tmp, 'markers', '20240101')]) {
      await assert.rejects(listBatchFiles(store, dir), (e: unknown) => {
        assert.ok(e instanceof QualityError);
        assert.equal(e.message, `batch folder is empty: ${dir}`);
        assert.ok(e.hint);
        return true;
      });
    }
  });

  it('opens Parquet and delimited sources with the contract', async () => {
    const ref = await reference();
    const pq = join(TPCH, 'duckdb-zstd-decimal.parquet');
    const tbl = await tmpFile('open/supplier.tbl.gz', gzipSync(await readFile(TBL)));
    for (const uri of [pq, tbl]) {
      const source = await openSource(store, { uri, size: 0 }, supplier);
      assert.deepEqual(source.schema.columns.map((c) => c.name), COLS);
      for (let pass = 0; pass < 2; pass++) {
        const { rows: got } = await collect(source.batches());
        assert.equal(got.length, 10_000);
        assert.equal(got[2].s_acctbal, '4192.40');
        assert.deepEqual(Object.values(got[9999]).map(String), ref.get('10000'));
      }
    }
    const renamed: DatasetContract = {
      ...supplier,
      columns: supplier.columns.map((c) => (c.name === 's_name' ? { ...c, sourceName: 'SupplierName' } : c)),
    };
    const source = await openSource(store, { uri: tbl, size: 0 }, renamed);
    assert.equal(source.schema.columns[1].name, 'SupplierName');
    const first = (await source.batches()[Symbol.asyncIterator]().next()).value as ColumnBatch;
    assert.equal(first.columns.SupplierName[0], 'Supplier#000000001');

    const csvOnly: DatasetContract = { ...supplier, source: { ...supplier.source, formats: ['csv'] } };
    await rejectsWith(openSource(store, { uri: pq, size: 0 }, csvOnly), ConfigError, pq, /does not accept parquet files/);
    const orc = await tmpFile('open/x.orc', 'x');
    await rejectsWith(openSource(store, { uri: orc, size: 0 }, supplier), ConfigError, orc, /ORC is not supported/);
  });

  it('says "not a format we read" the same way when listing a batch and when opening a source', async () => {
    const refusal = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return { message: e.message, hint: e.hint, file: e.where.file };
      }
      assert.fail('expected a ConfigError');
    };
    for (const name of ['part-0.orc', 'rows.json', 'part-0.parquet.gz']) {
      const uri = await tmpFile(`one-refusal-${name}/20240101/${name}`, 'x');
      const listed = await refusal(listBatchFiles(store, join(tmp, `one-refusal-${name}`, '20240101')));
      const opened = await refusal(openSource(store, { uri, size: 1 }, supplier));
      assert.deepEqual(opened, listed, name);
      assert.equal(listed.file, uri);
      // Both name every format the loader reads, CSV included (opening once said only "convert the batch to Parquet").
      assert.match(listed.hint!, name.endsWith('.orc') ? /Parquet \(or gzip CSV\)/ : /\.parquet.*\.csv/, name);
    }
  });
});
