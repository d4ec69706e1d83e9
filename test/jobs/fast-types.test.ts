/**
 * The byte-level path's own pieces for dates, timestamps, booleans and CHAR: the canonical text written
 * straight into bytes (every day from 0001-01-01 to 9999-12-31, timestamps at their extremes), values it
 * must not write (a year outside 0001..9999, nanoseconds that are not whole microseconds, CHAR that is
 * not single-byte or has trailing blanks, a broken rule) sending the column to the per-value path, and
 * a Parquet file with such a timestamp leaving the byte-level path for the reader, counted.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parseContract } from '../../datasets/index.ts';
import { QualityEvaluator } from '../../data-quality/index.ts';
import { checkFast } from '../../jobs/partition/fast-columns.ts';
import { partition } from '../../jobs/partition/partition.ts';
import { MAX_DAY, MICROS, MILLIS, MIN_DAY, NANOS, writeDate, writeTimestamp64, writeTimestamp96 } from '../../jobs/partition/temporal-bytes.ts';
import type { BooleanColumn, BytesColumn, Int32Column, Int64Column } from '../../jobs/readers/parquet-pages.ts';
import { LocalStore } from '../../jobs/store/index.ts';
import { pageDecoder } from '../../jobs/partition/page-decoder.ts';
import { PageDecodeError } from '../../jobs/readers/parquet-pages.ts';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const root = mkdtempSync(join(tmpdir(), 'rl-fast-types-'));
after(() => rmSync(root, { recursive: true, force: true }));

const buf = new Uint8Array(32);
const text = (end: number): string | null => (end < 0 ? null : Buffer.from(buf.subarray(0, end)).toString('latin1'));

/** The 64-bit value as the decoder holds it: low word, signed high word. */
function ts64(v: bigint, unit: typeof MICROS): string | null {
  return text(writeTimestamp64(buf, 0, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)), unit));
}

const contract = parseContract(JSON.stringify({
  name: 'kinds', description: 'one column per kind', schema: 'assignment', stageTable: 'kinds_stage', historyTable: 'kinds_data', auditTable: 'load_audit',
  columns: [
    { name: 'd', type: { kind: 'date' }, nullable: true },
    { name: 'ts', type: { kind: 'timestamp' }, nullable: true },
    { name: 'flag', type: { kind: 'boolean' }, nullable: true },
    { name: 'code', type: { kind: 'char', bytes: 4 }, nullable: true },
    { name: 'mode', type: { kind: 'char', bytes: 10 }, nullable: true },
    { name: 'id', type: { kind: 'bigint' }, nullable: false },
  ],
  loadTimestampColumn: 'load_ts', distKey: 'id', sortKey: { style: 'compound', columns: ['load_ts'] }, key: ['id'],
  source: { prefix: '{dataset}/{yyyymmdd}/', formats: ['parquet'], delimited: { delimiter: '|', header: false, quote: null, nullMarker: '', trailingDelimiter: false } },
  checksums: { sum: [], minMax: [] }, drift: { policy: 'freeze' },
  quality: [
    { type: 'range', column: 'd', min: '1992-01-01', max: '1998-12-31', severity: 'error' },
    { type: 'allowed_values', column: 'mode', values: ['AIR', 'REG AIR'], severity: 'error' },
  ],
}), 'kinds.json');

function bytesColumn(values: string[]): BytesColumn {
  const data = Buffer.from(values.join(''), 'utf8');
  const offsets = new Int32Array(values.length);
  const lengths = new Int32Array(values.length);
  let o = 0;
  values.forEach((v, i) => {
    offsets[i] = o;
    lengths[i] = Buffer.byteLength(v);
    o += lengths[i];
  });
  return { physical: 'BYTE_ARRAY', rows: values.length, valid: null, nulls: 0, data, offsets, lengths };
}

/** checkFast on a fresh evaluator: cells, or null (the column goes per value). */
function fast(ci: number, source: Parameters<typeof checkFast>[2], col: Parameters<typeof checkFast>[3]): ReturnType<typeof checkFast> {
  const ev = new QualityEvaluator(contract, { partial: true });
  const base = ev.begin('f.parquet', 1, col.rows);
  return checkFast(ev, ci, source, col, base);
}

const days = (...d: number[]): Int32Column => ({ physical: 'INT32', rows: d.length, valid: null, nulls: 0, values: Int32Array.from(d) });

describe('canonical dates and timestamps as bytes', () => {
  it('writes every day from 0001-01-01 to 9999-12-31 as the proleptic Gregorian calendar has it', () => {
    const ref = new Date(0);
    for (let d = MIN_DAY; d <= MAX_DAY; d++) {
      ref.setTime(d * 86400000);
      const y = ref.getUTCFullYear();
      const want = `${String(y).padStart(4, '0')}-${String(ref.getUTCMonth() + 1).padStart(2, '0')}-${String(ref.getUTCDate()).padStart(2, '0')}`;
      if (text(writeDate(buf, 0, d)) !== want) assert.fail(`day ${d}: ${text(writeDate(buf, 0, d))} is not ${want}`);
    }
  });

  it('writes timestamps to the microsecond, without a zero fraction, and refuses what it cannot keep exactly', () => {
    assert.equal(ts64(1704164645123456n, MICROS), '2024-01-02 03:04:05.123456');
    assert.equal(ts64(1704164645000000n, MICROS), '2024-01-02 03:04:05');
    assert.equal(ts64(-1n, MICROS), '1969-12-31 23:59:59.999999');
    assert.equal(ts64(-1n, MILLIS), '1969-12-31 23:59:59.999000');
    assert.equal(ts64(1704164645120n, MILLIS), '2024-01-02 03:04:05.120000');
    assert.equal(ts64(-62135596800000000n, MICROS), '0001-01-01 00:00:00');
    assert.equal(ts64(253402300799999999n, MICROS), '9999-12-31 23:59:59.999999');
    assert.equal(ts64(1704164645123456000n, NANOS), '2024-01-02 03:04:05.123456');
    assert.equal(ts64(1704164645123456789n, NANOS), null, 'nanoseconds are never rounded or truncated');
    assert.equal(ts64(-62135596800000001n, MICROS), null, 'before 0001-01-01');
    assert.equal(ts64(253402300800000000n, MICROS), null, 'after 9999-12-31');
    assert.equal(ts64(-(2n ** 63n), NANOS), null);
    // INT96: nanoseconds of the day, Julian day (2440588 = 1970-01-01).
    assert.equal(text(writeTimestamp96(buf, 0, 3723000001000 % 2 ** 32, Math.floor(3723000001000 / 2 ** 32), 2440589)), '1970-01-02 01:02:03.000001');
    assert.equal(text(writeTimestamp96(buf, 0, 1, 0, 2440588)), null, 'a nanosecond');
    assert.equal(text(writeTimestamp96(buf, 0, 0, 0, 2440588 + MAX_DAY + 1)), null, 'year 10000');
  });
});

describe('columns the byte-level path leaves to the per-value path', () => {
  it('takes dates inside the range rule and 0001..9999, and leaves the rest', () => {
    const inside = fast(0, { kind: 'date' }, days(8035, 10591, 8035));
    assert.equal(inside?.kind, 'text');
    assert.equal(fast(0, { kind: 'date' }, days(8035, 8034)), null, '1991-12-31 breaks the range');
    const open = parseContract(JSON.stringify({ ...JSON.parse(JSON.stringify(contract)), quality: [] }), 'kinds.json');
    const ev = new QualityEvaluator(open, { partial: true });
    assert.equal(checkFast(ev, 0, { kind: 'date' }, days(MAX_DAY + 1), ev.begin('f', 1, 1)), null, 'year 10000');
    assert.equal(checkFast(ev, 0, { kind: 'date' }, days(MIN_DAY - 1), ev.begin('f', 1, 1)), null, 'year 0');
  });

  it('leaves a timestamp column with nanoseconds per value', () => {
    const words = new Int32Array([Number(BigInt.asIntN(32, 1704164645123456789n)), Number(BigInt.asIntN(32, 1704164645123456789n >> 32n))]);
    const col: Int64Column = { physical: 'INT64', rows: 1, valid: null, nulls: 0, words };
    assert.equal(fast(1, { kind: 'timestamp', unit: 'NANOS' }, col), null);
    assert.equal(fast(1, { kind: 'timestamp', unit: 'MICROS' }, col), null, 'year 55970');
    words[0] = Number(BigInt.asIntN(32, 1704164645123456000n));
    assert.equal(fast(1, { kind: 'timestamp', unit: 'NANOS' }, col)?.kind, 'text');
  });

  it('takes booleans as they are', () => {
    const col: BooleanColumn = { physical: 'BOOLEAN', rows: 3, valid: Uint8Array.from([1, 0, 1]), nulls: 1, values: Uint8Array.from([1, 0, 0]) };
    assert.equal(fast(2, { kind: 'boolean' }, col)?.kind, 'bool');
  });

  it('leaves CHAR that is not single-byte, has trailing blanks, is too wide or breaks allowed_values per value', () => {
    const t = { kind: 'text', strict: true } as const;
    assert.equal(fast(3, t, bytesColumn(['ab', 'abcd', '']))?.kind, 'text');
    assert.equal(fast(3, t, bytesColumn(['ab', 'é'])), null, 'CHAR holds single-byte characters only');
    assert.equal(fast(3, t, bytesColumn(['ab', 'ab '])), null, 'trailing blanks compare as none in CHAR');
    assert.equal(fast(3, t, bytesColumn(['abcde'])), null, 'five bytes in char(4)');
    assert.equal(fast(4, t, bytesColumn(['AIR', 'REG AIR', 'AIR']))?.kind, 'text');
    assert.equal(fast(4, t, bytesColumn(['AIR', 'SHIP'])), null, 'SHIP is not allowed');
    assert.equal(fast(4, t, bytesColumn(['AIR', 'AI'])), null, 'a prefix of an allowed value is not one');
  });
});

describe('a Parquet timestamp the byte-level path cannot write', () => {
  it('leaves the unit to the reader, and says so in the fallbacks', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const write = async (folder: string, nanos: string): Promise<string> => {
      mkdirSync(join(root, folder));
      await c.run(`COPY (SELECT DATE '1995-01-01' + i::INTEGER AS d, make_timestamp_ns(CASE WHEN i = 7 THEN ${nanos} ELSE 1704164645000000000 + i * 1000 END) AS ts, i AS id
        FROM range(20) r(i)) TO '${join(root, folder, 'a.parquet')}' (FORMAT parquet)`);
      return join(root, folder);
    };
    const store = new LocalStore();
    const opts = { contract, sourceStore: store, outStore: store, batchDate: '2026-12-01', runId: 'r', slices: 1, workers: 0 };
    try {
      const clean = await partition({ ...opts, sourceUri: await write('whole', '1704164645123456000'), outUri: join(root, 'out-whole') });
      assert.equal(clean.fallbacks, undefined);
      // One timestamp 789 ns past a microsecond: the byte-level path does not write it, the reader's values go per value.
      const r = await partition({ ...opts, sourceUri: await write('nanos', '1704164645123456789'), outUri: join(root, 'out-nanos') })
        .catch((e: unknown) => e as { fallbacks?: unknown });
      const fallbacks = (r as { fallbacks?: { units: number; reasons: Array<{ reason: string }> } }).fallbacks;
      assert.equal(fallbacks?.units, 1);
      assert.equal(fallbacks.reasons[0].reason, 'column ts (timestamp): a value outside what the byte-level path writes or vouches for');
    } finally {
      c.closeSync();
    }
  });
});

describe('the quality report of both paths', () => {
  it('is the same, rule by rule and column by column, for dates, timestamps, booleans and CHAR', async () => {
    const dir = join(root, 'report');
    mkdirSync(dir);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      // Rules that pass, and in the last row group rules that fail (a 1991 date, SHIP); NULLs, every kind.
      await c.run(`COPY (SELECT CASE WHEN i % 9 = 0 THEN NULL WHEN i = 2500 THEN DATE '1991-12-25' ELSE DATE '1992-01-01' + (i * 13 % 2000)::INTEGER END AS d,
        CASE WHEN i % 7 = 0 THEN NULL ELSE TIMESTAMP '1995-01-01 00:00:00' + INTERVAL (i * 7919) SECOND END AS ts,
        CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
        ['ab', 'abcd', 'x', NULL][i % 4 + 1] AS code, CASE WHEN i = 2600 THEN 'SHIP' ELSE ['AIR', 'REG AIR'][i % 2 + 1] END AS mode, i AS id
        FROM range(3000) r(i)) TO '${join(dir, 'a.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
    } finally {
      c.closeSync();
    }
    const store = new LocalStore();
    interface Outcome {
      quality?: unknown;
      report?: unknown;
      fallbacks?: { units: number };
      manifest?: { entries: Array<{ url: string }>; package: { checksums: { columns?: unknown } } };
    }
    const run = async (out: string): Promise<{ quality: unknown; text: string; columns: unknown; fallbacks?: { units: number } }> => {
      const r: Outcome = await partition({ contract, sourceStore: store, sourceUri: dir, outStore: store, outUri: join(root, out), batchDate: '2026-12-01', runId: 'r', slices: 1, partsPerSlice: 1, workers: 0 })
        .catch((e: unknown) => e as Outcome);
      const q = r.quality ?? r.report;
      const m = r.manifest;
      const fallbacks = r.fallbacks;
      return { quality: q, text: m ? gunzipSync(readFileSync(m.entries[0].url)).toString() : '', columns: m?.package.checksums.columns, fallbacks };
    };
    const fastRun = await run('report-fast');
    const decode = pageDecoder.decodeChunk;
    pageDecoder.decodeChunk = () => {
      throw new PageDecodeError('off');
    };
    try {
      const genericRun = await run('report-generic');
      assert.ok(fastRun.quality, 'a quality report');
      assert.ok((genericRun.fallbacks?.units ?? 0) >= 2, 'the generic run read every unit (row group) through hyparquet');
      assert.equal(fastRun.fallbacks?.units, 1, 'the fast run only the one with the 1991 date');
      assert.equal((fastRun.quality as { decision: string }).decision, 'blocked');
      assert.deepEqual(fastRun.quality, genericRun.quality);
      assert.equal(fastRun.text, genericRun.text);
      assert.deepEqual(fastRun.columns, genericRun.columns);
    } finally {
      pageDecoder.decodeChunk = decode;
    }
  });
});

/** INT96 as Spark and Impala write it: 8 bytes little-endian nanoseconds of the day, 4 bytes Julian day. */
function int96(nanos: bigint, julianDay: number): Uint8Array {
  const b = new Uint8Array(12);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, nanos, true);
  v.setInt32(8, julianDay, true);
  return b;
}

/**
 * A Parquet file with an INT96 column. hyparquet-writer does not write INT96, so the column is written as
 * FIXED_LEN_BYTE_ARRAY(12) — the same bytes in PLAIN and dictionary pages — and its physical type is set to
 * INT96 in the footer (thrift compact: field 1 of SchemaElement and ColumnMetaData, 7 -> 3).
 */
function int96File(path: string, values: Array<Uint8Array | null>, encoding?: string): void {
  const buf = new Uint8Array(parquetWriteBuffer({
    schema: [{ name: 'root', num_children: 2 }, { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
      { name: 'ts', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 12, repetition_type: 'OPTIONAL' }],
    columnData: [{ name: 'id', data: values.map((_, i) => BigInt(i)) }, { name: 'ts', data: values, ...(encoding ? { encoding } : {}) }],
  } as never));
  const footer = buf.length - 8 - new DataView(buf.buffer).getUint32(buf.length - 8, true);
  let patched = 0;
  for (let i = footer; i < buf.length - 8; i++) {
    if (buf[i] === 0x15 && buf[i + 1] === 0x0e && ((buf[i + 2] === 0x15 && buf[i + 3] === 0x18) || buf[i + 2] === 0x19)) {
      buf[i + 1] = 0x06;
      patched++;
    }
  }
  assert.equal(patched, 2, 'the schema element and the column chunk');
  writeFileSync(path, buf);
}

describe('INT96 timestamps', () => {
  const int96Contract = parseContract(JSON.stringify({
    ...JSON.parse(JSON.stringify(contract)),
    name: 'legacy', columns: [{ name: 'id', type: { kind: 'bigint' }, nullable: false }, { name: 'ts', type: { kind: 'timestamp' }, nullable: true }],
    distKey: 'id', key: ['id'], quality: [],
  }), 'legacy.json');
  const store = new LocalStore();
  const opts = { contract: int96Contract, sourceStore: store, outStore: store, batchDate: '2026-12-01', runId: 'r', slices: 1, partsPerSlice: 1, workers: 0 };

  it('are written from dictionary pages to the microsecond, on the byte-level path', async () => {
    const values = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? null : int96(3723000001000n + BigInt(i % 4) * 1000n, 2451545 + (i % 3))));
    mkdirSync(join(root, 'int96'));
    int96File(join(root, 'int96', 'dictionary.parquet'), values);
    const r = await partition({ ...opts, sourceUri: join(root, 'int96'), outUri: join(root, 'out-int96') });
    assert.equal(r.fallbacks, undefined);
    const lines = gunzipSync(readFileSync(r.manifest.entries[0].url)).toString().trim().split('\n');
    const want = values.map((_, i) => `${i}|${i % 10 === 0 ? '\\N' : `2000-01-0${1 + (i % 3)} 01:02:03.00000${1 + (i % 4)}`}`);
    assert.deepEqual(lines, want);
    assert.equal(r.manifest.package.checksums.columns?.ts.count, 90);
  });

  it('with nanoseconds that are not whole microseconds (PLAIN pages) leave the byte-level path', async () => {
    mkdirSync(join(root, 'int96ns'));
    int96File(join(root, 'int96ns', 'plain.parquet'), [int96(1000n, 2451545), int96(1001n, 2451545)], 'PLAIN');
    // The per-value path then refuses the value with its own message (never rounded, never cut).
    await assert.rejects(partition({ ...opts, sourceUri: join(root, 'int96ns'), outUri: join(root, 'out-int96ns') }), (e: Error) => {
      assert.equal(e.name, 'QualityError');
      assert.match(e.message, /2000-01-01 00:00:00\.000001001 has nanoseconds; Redshift TIMESTAMP keeps microseconds/);
      return true;
    });
  });
});
