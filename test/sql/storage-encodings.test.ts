/**
 * Storage advice's byte counts on small hand-made columns: every encoding Redshift documents precisely
 * (RAW, BYTEDICT, RUNLENGTH, DELTA, DELTA32K, MOSTLYn) gives the exact figure its definition gives,
 * 1 MB blocks reset the per-block state, the types each encoding applies to follow Redshift's table, the
 * canonical text reads back as the stored integers, and the advice DDL is in an order Redshift accepts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { datasets } from '../../datasets/index.ts';
import { bytesColumn, sampleColumnOf, type SampleColumn } from '../../sql/storage/column-sample.ts';
import { BLOCK_BYTES, ENCODING_SIZERS, rawBlocks } from '../../sql/storage/encoded-size.ts';
import { encodingsFor } from '../../sql/storage/encodings-for-type.ts';
import { encodingAdvice } from '../../sql/storage/column-encoding-advice.ts';
import { canNarrow, columnDdl, layoutDdl } from '../../sql/storage/advice-ddl.ts';
import { layoutAdvice } from '../../sql/storage/layout-advice.ts';

const ints = (width: number, values: Array<number | null>): SampleColumn => ({
  kind: 'int', width, values: values.filter((v) => v !== null).map((v) => BigInt(v)), nulls: values.filter((v) => v === null).length,
});
const ints0 = (c: SampleColumn): bigint[] => (c.kind === 'int' ? c.values : []);
const size = (e: keyof typeof ENCODING_SIZERS, c: SampleColumn): number => ENCODING_SIZERS[e].size(c);

describe('exact byte counts from the encodings\' definitions', () => {
  const col = ints(4, [1, 1, 1, 2, 2, 3, null, 300, 300]); // INTEGER; the NULL counts 0 under every encoding

  test('RAW: the type\'s width per value', () => assert.equal(size('raw', col), 8 * 4));
  test('BYTEDICT: each distinct value once in the dictionary (width + its 1-byte index), repeats 1 byte', () => assert.equal(size('bytedict', col), 4 * 5 + 4 * 1));
  test('RUNLENGTH: one token (1-byte count + value) per run', () => assert.equal(size('runlength', col), 4 * (1 + 4)));
  test('DELTA: first value and out-of-range difference 1 + width, the rest 1 byte', () => assert.equal(size('delta', col), 5 + 1 + 1 + 1 + 1 + 1 + 5 + 1));
  test('DELTA32K: 2 bytes per difference within ±32767', () => assert.equal(size('delta32k', col), 5 + 7 * 2));
  test('MOSTLY8 / MOSTLY16: the small width when the value fits, raw otherwise', () => {
    assert.equal(size('mostly8', col), 6 * 1 + 2 * 4);
    assert.equal(size('mostly16', col), 8 * 2);
  });
  test('BYTEDICT: past 256 distinct values in a block, values are written raw', () => {
    const many = ints(2, Array.from({ length: 300 }, (_, i) => i)); // SMALLINT
    assert.equal(size('bytedict', many), 256 * (2 + 1) + 44 * 2);
  });
  test('VARCHAR: 4 bytes of length plus the UTF-8 bytes; BYTEDICT entries take the declared width', () => {
    const v = sampleColumnOf({ kind: 'varchar', bytes: 10 }, ['ab', '', 'é', 'ab', null]);
    assert.equal(size('raw', v), 6 + 4 + 6 + 6);
    assert.equal(size('bytedict', v), 3 * (10 + 1) + 1);
    assert.equal(size('runlength', v), (1 + 6) + (1 + 4) + (1 + 6) + (1 + 6));
  });
  test('RUNLENGTH cuts runs at 255', () => assert.equal(size('runlength', ints(8, Array<number>(600).fill(7))), 3 * (1 + 8)));
  test('a 1 MB block resets the state: DELTA pays the first value again in the second block', () => {
    const n = 1_100_000;
    const seq = ints(8, Array.from({ length: n }, (_, i) => i));
    const first = BLOCK_BYTES - 8; // values in the first block: 9 + (k - 1) ≤ 1 MB
    assert.equal(size('delta', seq), BLOCK_BYTES + 9 + (n - first - 1));
  });
  test('raw blocks hold at most 1 MB', () => {
    const big = sampleColumnOf({ kind: 'varchar', bytes: 'max' }, ['a'.repeat(60_000), 'b'.repeat(60_000)]);
    assert.deepEqual(rawBlocks(big).map((b) => b.length), [120_008]);
    const huge = bytesColumn(null, 65535, Array.from({ length: 40 }, () => new Uint8Array(60_000)));
    const blocks = rawBlocks(huge);
    assert.equal(blocks.length, 3);
    assert.ok(blocks.every((b) => b.length <= BLOCK_BYTES));
    assert.equal(blocks.reduce((s, b) => s + b.length, 0), 40 * 60_004);
  });
  test('AZ64, ZSTD and LZO are labelled estimates; the others come from their definitions', () => {
    const estimates = Object.entries(ENCODING_SIZERS).filter(([, s]) => s.basis === 'estimate').map(([e]) => e).sort();
    assert.deepEqual(estimates, ['az64', 'lzo', 'zstd']);
  });
});

describe('canonical text as the stored values', () => {
  test('DECIMAL as its unscaled integer, DATE as days, TIMESTAMP as microseconds', () => {
    const dec = sampleColumnOf({ kind: 'decimal', precision: 12, scale: 2 }, ['-12.30', '0.05', null]);
    assert.deepEqual(ints0(dec), [-1230n, 5n]);
    assert.equal(dec.nulls, 1);
    assert.deepEqual(ints0(sampleColumnOf({ kind: 'date' }, ['1970-01-02', '2000-03-01'])), [1n, 11017n]);
    assert.deepEqual(ints0(sampleColumnOf({ kind: 'timestamp' }, ['1970-01-01 00:00:01.5', '1969-12-31 23:59:59'])), [1_500_000n, -1_000_000n]);
    assert.equal(sampleColumnOf({ kind: 'decimal', precision: 38, scale: 0 }, ['1']).kind === 'int' && (sampleColumnOf({ kind: 'decimal', precision: 38, scale: 0 }, ['1']) as { width: number }).width, 16);
  });
});

describe("Redshift's encodings per type", () => {
  test('AZ64 and DELTA only on numbers, dates and timestamps; BYTEDICT never on BOOLEAN; MOSTLY32 only on BIGINT and DECIMAL', () => {
    assert.deepEqual(encodingsFor({ kind: 'boolean' }).sort(), ['raw', 'runlength', 'zstd']);
    assert.deepEqual(encodingsFor({ kind: 'varchar', bytes: 10 }).sort(), ['bytedict', 'lzo', 'raw', 'runlength', 'zstd']);
    assert.ok(!encodingsFor({ kind: 'integer' }).includes('mostly32'));
    assert.ok(encodingsFor({ kind: 'bigint' }).includes('mostly32'));
    assert.ok(!encodingsFor({ kind: 'smallint' }).includes('delta32k'));
    assert.ok(!encodingsFor({ kind: 'double precision' }).includes('az64'));
  });
});

describe('the suggestion', () => {
  const same = Array<string | null>(1000).fill('USA');
  const input = (firstSortKey: boolean) => ({
    type: { kind: 'varchar', bytes: 100 } as const,
    current: 'zstd' as const,
    now: sampleColumnOf({ kind: 'varchar', bytes: 100 }, same),
    suggested: sampleColumnOf({ kind: 'varchar', bytes: 100 }, same),
    sampleRows: same.length,
    firstSortKey,
  });
  test('one repeated value: RUNLENGTH, its bytes per million rows from the definition', () => {
    const a = encodingAdvice(input(false));
    assert.equal(a.suggestedEncoding, 'runlength');
    assert.equal(a.bytesPerMillionSuggested, Math.round((4 * (1 + 4 + 3) / 1000) * 1e6));
    assert.ok(a.bytesPerMillionNow > a.bytesPerMillionSuggested);
  });
  test('the first sort-key column keeps its encoding', () => {
    const a = encodingAdvice(input(true));
    assert.equal(a.suggestedEncoding, 'zstd');
    assert.match(a.reason, /sort-key/);
  });
});

describe('the DDL', () => {
  test('TYPE before moving to BYTEDICT, after leaving it; never while staying in one', () => {
    assert.deepEqual(columnDdl('s.t', { column: 'c', currentEncoding: 'zstd', suggestedEncoding: 'bytedict', narrowTo: 32 }), [
      'ALTER TABLE s.t ALTER COLUMN c TYPE VARCHAR(32)',
      'ALTER TABLE s.t ALTER COLUMN c ENCODE BYTEDICT',
    ]);
    assert.deepEqual(columnDdl('s.t', { column: 'c', currentEncoding: 'runlength', suggestedEncoding: 'zstd', narrowTo: 32 }), [
      'ALTER TABLE s.t ALTER COLUMN c ENCODE ZSTD',
      'ALTER TABLE s.t ALTER COLUMN c TYPE VARCHAR(32)',
    ]);
    assert.equal(canNarrow('bytedict', 'runlength'), false);
    assert.deepEqual(columnDdl('s.t', { column: 'c', currentEncoding: 'az64', suggestedEncoding: 'az64' }), []);
  });
  test('distribution on stage and history, the sort key on history', () => {
    assert.deepEqual(layoutDdl({ stage: 's.st', history: 's.h' }, 'distkey', 'DISTKEY(k)'), ['ALTER TABLE s.st ALTER DISTKEY k', 'ALTER TABLE s.h ALTER DISTKEY k']);
    assert.deepEqual(layoutDdl({ stage: 's.st', history: 's.h' }, 'diststyle', 'DISTSTYLE ALL'), ['ALTER TABLE s.st ALTER DISTSTYLE ALL', 'ALTER TABLE s.h ALTER DISTSTYLE ALL']);
    assert.deepEqual(layoutDdl({ stage: 's.st', history: 's.h' }, 'sortkey', 'COMPOUND SORTKEY(load_ts, k)'), ['ALTER TABLE s.h ALTER COMPOUND SORTKEY (load_ts, k)']);
  });
});

describe('sort and distribution, only with evidence', () => {
  const supplier = datasets.supplier;
  const distinct = (n: number) => new Map([['s_suppkey', n]]);
  test('a small batch: DISTSTYLE ALL; a table already ALL (NATION) or a large one: none', () => {
    assert.deepEqual(layoutAdvice(supplier, { rowCount: 100, distinct: distinct(100) }).map((c) => c.suggested), ['DISTSTYLE ALL']);
    assert.deepEqual(layoutAdvice(datasets.nation, { rowCount: 25, distinct: new Map() }), []);
    assert.deepEqual(layoutAdvice(supplier, { rowCount: 1_000_000, distinct: distinct(990_000) }), []);
  });
  test('a dist key with few distinct values skews the slices: EVEN', () => {
    const [c] = layoutAdvice(supplier, { rowCount: 100_000, distinct: distinct(10) });
    assert.equal(c.suggested, 'DISTSTYLE EVEN');
    assert.match(c.reason, /about 10 distinct/);
  });
  test('a sort key not led by load_ts', () => {
    const c = { ...supplier, sortKey: { style: 'compound' as const, columns: ['s_suppkey'] } };
    assert.deepEqual(layoutAdvice(c, { rowCount: 1_000_000, distinct: distinct(1_000_000) }).map((x) => x.suggested), ['COMPOUND SORTKEY(load_ts, s_suppkey)']);
  });
});
