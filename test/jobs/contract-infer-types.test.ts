/**
 * The type rules of `contract infer` for text columns (jobs/contract-infer/text-values.ts): a type is
 * chosen only when every value reads back unchanged, and the varchar widths of the draft
 * (jobs/contract-infer/draft.ts). The same rules run through the CLI in contract-infer.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify, textColumnType, TextColumnProfile } from '../../jobs/contract-infer/text-values.ts';
import { varcharWidth } from '../../jobs/contract-infer/draft.ts';

function typeOf(values: string[]): ReturnType<typeof textColumnType> {
  const p = new TextColumnProfile();
  values.forEach((v, i) => p.add(v, () => ({ file: 'f.csv', row: i + 1 })));
  return textColumnType(p);
}
const kind = (values: string[]) => typeOf(values).type;

describe('contract infer: text values', () => {
  it('integers: no leading zero, no plus, no negative zero; the narrowest of integer, bigint, decimal(p,0)', () => {
    assert.deepEqual(kind(['1', '-2', '2147483647']), { kind: 'integer' });
    assert.deepEqual(kind(['1', '2147483648']), { kind: 'bigint' });
    assert.deepEqual(kind(['-9223372036854775808', '9223372036854775807']), { kind: 'bigint' });
    assert.deepEqual(kind(['9223372036854775808']), { kind: 'decimal', precision: 19, scale: 0 });
    assert.deepEqual(kind(['1'.repeat(38)]), { kind: 'decimal', precision: 38, scale: 0 });
    assert.equal(kind(['1'.repeat(39)]).kind, 'varchar');
    for (const v of ['007', '00', '+1', '-0', ' 1', '1 ', '1_000', '1,000']) assert.equal(kind(['1', v]).kind, 'varchar', v);
    const t = typeOf(['1', '2', '007']);
    assert.equal(t.why, '2 value(s) read as integer, but "007" (f.csv row 3) has a leading zero a number would drop');
  });

  it('decimals: scale = most fractional digits, precision = most integer digits + scale; never .5, 5. or 00.5', () => {
    assert.deepEqual(kind(['1.50', '12.5', '-0.125', '3']), { kind: 'decimal', precision: 5, scale: 3 });
    assert.deepEqual(kind(['0.50', '0.05']), { kind: 'decimal', precision: 2, scale: 2 });
    assert.deepEqual(kind([`${'9'.repeat(30)}.${'1'.repeat(8)}`]), { kind: 'decimal', precision: 38, scale: 8 });
    assert.equal(kind([`${'9'.repeat(31)}.${'1'.repeat(8)}`]).kind, 'varchar');
    for (const v of ['.5', '5.', '00.5', '-0.0', '1.5.0', '1,5']) assert.equal(kind(['1.5', v]).kind, 'varchar', v);
  });

  it('doubles only when every value is the shortest text of its double; 1e5, NaN and Infinity stay text', () => {
    assert.deepEqual(kind(['1e+21', '1.5e-7', '2.5', '3']), { kind: 'double precision' });
    assert.equal(kind(['1e5']).kind, 'varchar');
    assert.match(typeOf(['1e5']).why ?? '', /"1e5" \(f\.csv row 1\) would read back as 100000 from a double/);
    assert.equal(kind(['1e+21', '1.50']).kind, 'varchar', '1.50 reads back as 1.5 from a double');
    assert.equal(kind(['1e+21', '9007199254740993']).kind, 'varchar', 'beyond 2^53 an integer is not exact as a double');
    for (const v of ['NaN', 'Infinity', '-Infinity', 'inf']) assert.equal(kind(['1e+21', v]).kind, 'varchar', v);
  });

  it('dates: exactly YYYY-MM-DD and a real calendar date in 0001..9999; timestamps YYYY-MM-DD HH:MM:SS[.ffffff]', () => {
    assert.deepEqual(kind(['2024-02-29', '0001-01-01', '9999-12-31']), { kind: 'date' });
    for (const v of ['2023-02-29', '2023-02-30', '2024-13-01', '0000-01-01', '2024-1-01', '2024/01/01', '20240101']) {
      assert.equal(kind(['2024-01-01', v]).kind, 'varchar', v);
    }
    assert.match(typeOf(['2024-01-01', '2023-02-30']).why ?? '', /"2023-02-30" \(f\.csv row 2\) is not a calendar date/);
    assert.deepEqual(kind(['2024-01-02 03:04:05', '2024-02-29 23:59:59.999999']), { kind: 'timestamp' });
    for (const v of ['2024-01-02T03:04:05', '2024-01-02 24:00:00', '2024-01-02 03:04:05Z', '2024-01-02 03:04:05.1234567', '2024-01-02 03:04']) {
      assert.equal(kind(['2024-01-02 03:04:05', v]).kind, 'varchar', v);
    }
    assert.equal(kind(['2024-01-02', '2024-01-02 03:04:05']).kind, 'varchar', 'a date would gain a time of day');
  });

  it('booleans are true/false only; 0/1 are integers; t/f/yes/no are text', () => {
    assert.deepEqual(kind(['true', 'false', 'TRUE', 'False']), { kind: 'boolean' });
    assert.deepEqual(kind(['0', '1']), { kind: 'integer' });
    for (const v of ['t', 'yes', '1']) assert.equal(kind(['true', v]).kind, 'varchar', v);
  });

  it('an empty string is a value (text); a column with no value but NULL is varchar', () => {
    assert.equal(kind(['1', '']).kind, 'varchar');
    assert.equal(typeOf([]).type.kind, 'varchar');
    assert.equal(classify('').cls, 'text');
  });

  it('varchar widths: the widest value rounded up to a multiple of 16 bytes, 16 at least, 65535 at most', () => {
    assert.deepEqual([0, 1, 16, 17, 100, 65520, 65521, 65535].map(varcharWidth), [16, 16, 16, 32, 112, 65520, 65535, 65535]);
  });
});
