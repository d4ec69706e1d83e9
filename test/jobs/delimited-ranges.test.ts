/**
 * Where delimited-ranges.ts cuts text without quotes: after a line end, every `rows` lines or sooner
 * when the bytes pass the bound, rows numbered as the file's own, the header and a byte-order mark left
 * out — and a line longer than the bound refused by row. Parsing the ranges gives readDelimitedBatches'
 * batches exactly.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { QualityError } from '../../core/errors.ts';
import { delimitedRanges, parseTextRange, type TextRange } from '../../jobs/readers/delimited-ranges.ts';
import { readDelimitedBatches, type DelimitedReadOptions } from '../../jobs/readers/delimited.ts';

const tbl: DelimitedReadOptions = { file: 'x.tbl', delimiter: '|', header: false, quote: null, nullMarker: '', trailingDelimiter: true, columnNames: ['a', 'b'] };

/** Input in small chunks, so lines and characters straddle them. */
const chunked = (b: Buffer, size = 5) => Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));

async function ranges(b: Buffer, o: DelimitedReadOptions, rows: number, maxBytes = 1 << 20): Promise<TextRange[]> {
  const out: TextRange[] = [];
  for await (const r of delimitedRanges(chunked(b), o, ['a', 'b'], rows, maxBytes)) out.push(r);
  return out;
}
const text = (r: TextRange) => Buffer.from(r.bytes, 0, r.length).toString('utf8');

describe('delimited ranges', () => {
  it('cuts after every `rows` line ends and numbers the rows as the file does', async () => {
    const body = Buffer.from('1|é|\n2|b|\r\n3|c|\n4|d|\n5|e|');
    const rs = await ranges(body, tbl, 2);
    assert.deepEqual(rs.map(text), ['1|é|\n2|b|\r\n', '3|c|\n4|d|\n', '5|e|']);
    assert.deepEqual(rs.map((r) => r.firstRow), [1, 3, 5]);
    const batches: unknown[] = [];
    for await (const b of readDelimitedBatches(Readable.from([body]), { ...tbl, maxBatchRows: 2 })) batches.push(b);
    assert.deepEqual(rs.map(parseTextRange), batches);
  });

  it('leaves out a byte-order mark and the header line, also when gzipped', async () => {
    const o = { ...tbl, header: true, trailingDelimiter: false };
    const rs = await ranges(gzipSync(Buffer.from('\ufeffa|b\n1|x\n2|y\n3|z\n')), { ...o, file: 'x.csv.gz' }, 2);
    assert.deepEqual(rs.map(text), ['1|x\n2|y\n', '3|z\n']);
    assert.deepEqual(rs.map((r) => r.firstRow), [1, 3]);
  });

  it('cuts sooner when the lines pass the byte bound, and refuses one line longer than it', async () => {
    const rs = await ranges(Buffer.from('1|aaaaaaaaaa|\n2|bbbbbbbbbb|\n3|c|\n'), tbl, 100, 20);
    assert.deepEqual(rs.map(text), ['1|aaaaaaaaaa|\n', '2|bbbbbbbbbb|\n3|c|\n']);
    assert.deepEqual(rs.map((r) => r.firstRow), [1, 2]);
    await assert.rejects(ranges(Buffer.from('1|a|\n2|' + 'b'.repeat(40) + '|\n'), tbl, 100, 20),
      (e) => e instanceof QualityError && /^row 2 is longer than/.test(e.message));
  });

  it('names the file\'s row in a later range, for a bad field count, bad UTF-8 or a cut character', () => {
    const range = (s: Buffer, firstRow: number): TextRange => ({ options: tbl, names: ['a', 'b'], firstRow, bytes: new Uint8Array(s).buffer, length: s.length });
    assert.throws(() => parseTextRange(range(Buffer.from('1|a|\n2|\n'), 70_001)), /row 70002 has 1 field, expected 2/);
    assert.throws(() => parseTextRange(range(Buffer.from('1|a|\n2|\xff|\n', 'latin1'), 70_001)), /row 70002 is not valid UTF-8 text \(byte 0xff\)/);
    assert.throws(() => parseTextRange(range(Buffer.from([0x31, 0x7c, 0xc3]), 9)), /row 9 is not valid UTF-8 text \(the file ends inside a character\)/);
  });
});
