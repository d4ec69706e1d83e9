/**
 * The CSV writer copies an unquoted text cell four bytes at a time (csv-bytes.ts). Every length, every byte
 * value and every position of a cell in its source buffer must come out exactly, quoted cells and NULLs
 * included, whatever the blocks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { BlockWriter } from '../../jobs/partition/csv-bytes.ts';
import type { Cells } from '../../jobs/partition/fast-columns.ts';

/** Deterministic bytes (xorshift32). */
function bytes(n: number, seed: number): Uint8Array {
  let x = seed;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('the CSV writer copies text cells exactly', () => {
  it('every length 0-40 at every source offset, unquoted, quoted and NULL, in small and large blocks', () => {
    // One source buffer with cells at odd offsets; every third cell quoted (its bytes then carry no '"'), every seventh NULL.
    const source = bytes(64 * 1024, 7);
    const rows = 41 * 5;
    const offsets = new Int32Array(rows);
    const lengths = new Int32Array(rows);
    const quote = new Uint8Array(rows);
    const valid = new Uint8Array(rows).fill(1);
    let at = 1;
    for (let r = 0; r < rows; r++) {
      offsets[r] = at;
      lengths[r] = r % 41;
      quote[r] = r % 3 === 0 ? 1 : 0;
      if (r % 7 === 6) valid[r] = 0;
      at += lengths[r] + (r % 5);
    }
    for (let r = 0; r < rows; r++) if (quote[r]) for (let i = offsets[r]; i < offsets[r] + lengths[r]; i++) if (source[i] === 0x22) source[i] = 0x21;
    const cells: Cells = { kind: 'text', data: source, offsets, lengths, quote, valid, maxLength: 40 };
    const expected: number[] = [];
    for (let r = 0; r < rows; r++) {
      if (valid[r] === 0) expected.push(0x5c, 0x4e);
      else {
        const v = source.subarray(offsets[r], offsets[r] + lengths[r]);
        if (quote[r]) expected.push(0x22, ...v, 0x22);
        else expected.push(...v);
      }
      expected.push(0x0a);
    }
    for (const blockBytes of [64, 1 << 20]) {
      const blocks = new BlockWriter(blockBytes, 4).write([cells], rows);
      const text = Buffer.concat(blocks.map((b) => inflateRawSync(b.bytes, { finishFlush: 2 })));
      assert.deepEqual([...text], expected, `blocks of ${blockBytes} bytes`);
      assert.equal(blocks.reduce((s, b) => s + b.rows, 0), rows);
    }
  });
});
