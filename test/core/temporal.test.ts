/**
 * core/temporal.ts, fixed-char.ts and boolean-text.ts: the canonical text both paths of the pass write, checked
 * against DuckDB's own calendar for thousands of day numbers and microsecond instants (years 1 to 9999, both
 * sides of 1970), and every refusal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  civilFromDays, dateFromDays, daysFromCivil, EpochNanos, FIRST_DAY, int96Nanos, LAST_DAY, parseDateText, parseTimestampText,
  TemporalRefusal, timestampFromInt96, timestampFromMicros, timestampFromMillis, timestampFromNanos,
} from '../../core/temporal.ts';
import { charComparable, charRefusal } from '../../core/fixed-char.ts';
import { parseBooleanText } from '../../core/boolean-text.ts';
import { int96Bytes } from '../support/int96-parquet.ts';

/** A deterministic spread of integers in [lo, hi], ends included. */
function spread(lo: bigint, hi: bigint, n: number): bigint[] {
  let x = 0x9e3779b97f4a7c15n;
  const out = [lo, hi, 0n, -1n, 1n];
  for (let i = 0; i < n; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    out.push(lo + (x % (hi - lo + 1n)));
  }
  return out;
}

const refused = (v: unknown): string => {
  assert.ok(v instanceof TemporalRefusal, `expected a refusal, got ${String(v)}`);
  return v.message;
};

describe('canonical text against DuckDB', () => {
  test('dateFromDays and timestampFromMicros write what DuckDB reads, years 0001..9999', async () => {
    const days = spread(BigInt(FIRST_DAY), BigInt(LAST_DAY), 2000);
    const micros = spread(-62135596800000000n, 253402300799999999n, 2000);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const d = await conn.runAndReadAll(`SELECT CAST(DATE '1970-01-01' + CAST(x AS INTEGER) AS VARCHAR) FROM (VALUES ${days.map((x) => `(${x})`).join(',')}) v(x)`);
      assert.deepEqual(d.getRows().map((r) => r[0]), days.map((x) => dateFromDays(Number(x))));
      const t = await conn.runAndReadAll(`SELECT strftime(make_timestamp(x), '%Y-%m-%d %H:%M:%S.%f') FROM (VALUES ${micros.map((x) => `(${x})`).join(',')}) v(x)`);
      assert.deepEqual(t.getRows().map((r) => String(r[0]).replace(/\.000000$/, '')), micros.map((x) => timestampFromMicros(x)));
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  test('civil dates round-trip through day numbers', () => {
    for (const d of spread(BigInt(FIRST_DAY) - 1000n, BigInt(LAST_DAY) + 1000n, 5000)) {
      const [y, m, day] = civilFromDays(Number(d));
      assert.equal(daysFromCivil(y, m, day), Number(d));
    }
  });
});

describe('timestamps', () => {
  test('the six fractional digits appear only when not zero; every unit is exact', () => {
    assert.equal(timestampFromMicros(0n), '1970-01-01 00:00:00');
    assert.equal(timestampFromMicros(1n), '1970-01-01 00:00:00.000001');
    assert.equal(timestampFromMicros(-1n), '1969-12-31 23:59:59.999999');
    assert.equal(timestampFromMillis(1500n), '1970-01-01 00:00:01.500000');
    assert.equal(timestampFromNanos(1709251199999999000n), '2024-02-29 23:59:59.999999');
    assert.equal(timestampFromMicros(253402300799999999n), '9999-12-31 23:59:59.999999');
    assert.equal(timestampFromMicros(-62135596800000000n), '0001-01-01 00:00:00');
    assert.equal(new EpochNanos(1704164645123456789n).toString(), '2024-01-02 03:04:05.123456789');
  });

  test('nanoseconds and years outside 0001..9999 are refused, never rounded', () => {
    assert.equal(refused(timestampFromNanos(1704164645123456789n)),
      '2024-01-02 03:04:05.123456789 has nanoseconds; Redshift TIMESTAMP keeps microseconds — round it in the export or load it as varchar');
    assert.match(refused(timestampFromNanos(-1n)), /^1969-12-31 23:59:59\.999999999 has nanoseconds/);
    assert.equal(refused(timestampFromMicros(253402300800000000n)), '+10000-01-01 00:00:00 is outside the dates this loader writes (0001-01-01..9999-12-31)');
    assert.match(refused(timestampFromMicros(-62135596800000001n)), /^0000-12-31 23:59:59\.999999 is outside/);
  });

  test('INT96: nanoseconds of the day, then the Julian day (2440588 = 1970-01-01)', () => {
    const bytes = new Uint8Array(24);
    bytes.set(int96Bytes(86_399_999_999_000n), 12); // at an offset, as a page holds them
    assert.equal(timestampFromInt96(bytes, 12), '1970-01-01 23:59:59.999999');
    assert.equal(int96Nanos(int96Bytes(-62135596800000000000n)), -62135596800000000000n);
    assert.match(refused(timestampFromInt96(int96Bytes(1n))), /^1970-01-01 00:00:00\.000000001 has nanoseconds/);
    const damaged = int96Bytes(0n);
    new DataView(damaged.buffer).setBigUint64(0, 86_400_000_000_000n, true);
    assert.match(refused(timestampFromInt96(damaged)), /damaged/);
  });

  test('text: space or T, up to 9 fractional digits if the extra ones are zeros; no zone', () => {
    assert.equal(parseTimestampText('2024-01-02T03:04:05'), '2024-01-02 03:04:05');
    assert.equal(parseTimestampText('2024-01-02 03:04:05.5'), '2024-01-02 03:04:05.500000');
    assert.equal(parseTimestampText('2024-01-02 03:04:05.000000'), '2024-01-02 03:04:05');
    assert.equal(parseTimestampText('2024-01-02 03:04:05.123456000'), '2024-01-02 03:04:05.123456');
    assert.match(refused(parseTimestampText('2024-01-02 03:04:05.1234561')), /has nanoseconds/);
    assert.match(refused(parseTimestampText('2024-01-02 03:04:05.1234567890')), /is not a timestamp/);
    for (const z of ['2024-01-02 03:04:05Z', '2024-01-02T03:04:05+00:00', '2024-01-02 03:04:05.1-0700', '2024-01-02 03:04:05 +02']) {
      assert.match(refused(parseTimestampText(z)), /has a time zone; a Redshift TIMESTAMP column has none/, z);
    }
    assert.match(refused(parseTimestampText('2023-02-29 00:00:00')), /is not a calendar date/);
    assert.match(refused(parseTimestampText('2024-01-02 24:00:00')), /is not a time of day/);
    assert.match(refused(parseTimestampText('2024-01-02')), /is not a timestamp/);
  });
});

describe('dates', () => {
  test('text is exactly YYYY-MM-DD, a real date, years 0001..9999', () => {
    assert.equal(parseDateText('2024-02-29'), '2024-02-29');
    assert.equal(parseDateText('0001-01-01'), '0001-01-01');
    assert.match(refused(parseDateText('2023-02-30')), /^"2023-02-30" is not a calendar date$/);
    assert.match(refused(parseDateText('1900-02-29')), /is not a calendar date/);
    assert.match(refused(parseDateText('0000-01-01')), /is outside the dates this loader writes/);
    for (const bad of ['2024-1-02', '2024-01-02 ', '20240102', '2024-01-02T00:00:00', '+2024-01-02']) {
      assert.match(refused(parseDateText(bad)), /is not a date \(YYYY-MM-DD\)/, bad);
    }
    assert.equal(dateFromDays(FIRST_DAY), '0001-01-01');
    assert.equal(dateFromDays(LAST_DAY), '9999-12-31');
    assert.match(refused(dateFromDays(LAST_DAY + 1)), /^\+10000-01-01 is outside/);
    assert.match(refused(dateFromDays(FIRST_DAY - 1)), /^0000-12-31 is outside/);
  });
});

describe('CHAR and BOOLEAN', () => {
  test('CHAR: single bytes only, at most n, compared without trailing blanks', () => {
    assert.equal(charRefusal('ABCD', 4), undefined);
    assert.equal(charRefusal('A  ', 4), undefined);
    assert.deepEqual(charRefusal('ABCDE', 4)?.rule, 'max_bytes');
    assert.deepEqual(charRefusal('é', 4), { rule: 'type', message: '"é" has the character "é" (not one byte); CHAR holds single-byte characters only; declare the column varchar' });
    assert.equal(charRefusal('a\u0000', 4)?.rule, 'type');
    assert.equal(charComparable('AB  '), 'AB');
    assert.equal(charComparable(' AB'), ' AB');
  });

  test('BOOLEAN text: true/false/t/f/1/0 in any case, nothing else', () => {
    for (const t of ['true', 'TRUE', 't', 'T', '1', 'True']) assert.equal(parseBooleanText(t), true, t);
    for (const f of ['false', 'F', 'f', '0', 'FaLsE']) assert.equal(parseBooleanText(f), false, f);
    for (const x of ['yes', 'no', 'y', 'n', 'on', 'off', ' true', '', '2', 'tr']) assert.equal(parseBooleanText(x), undefined, x);
  });
});
