/**
 * The page decoder's inner loops, each against an independent writer (hyparquet-writer's encoders) on values
 * chosen to reach every branch: DELTA_BINARY_PACKED at every bit width from 0 to 64 (INT32 wrapping, DuckDB's
 * 33-bit INT32 deltas, INT64 extremes), through the bit buffer (<= 24 bits), the word reader (wider) and the
 * bit-by-bit reader at the very end of a buffer; the RLE / bit-packed hybrid at every width from 1 to 32
 * (also against a bit-by-bit writer of the test's own: hyparquet-writer's loses bits of values 27 bits wide and wider);
 * DELTA_BYTE_ARRAY rebuilt exactly, values without a prefix left in place in the page; and damaged input
 * refused with the decoder's own PageDecodeError (the unit then goes to hyparquet).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { deltaBinaryPack, deltaByteArray } from 'hyparquet-writer/src/delta.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { readDeltaBinaryPacked } from '../../jobs/readers/delta-binary-packed.ts';
import { rebuildValues, rebuiltBytes } from '../../jobs/readers/delta-byte-array.ts';
import { PageDecodeError } from '../../jobs/readers/page-decode-error.ts';
import { readHybrid } from '../../jobs/readers/rle-hybrid.ts';

/** A deterministic pseudo-random source (xorshift32), so a failure repeats. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function encoded(write: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter();
  write(w);
  return w.getBytes().slice();
}

/** `values` encoded, with `pad` bytes after them (0: the encoded values end the buffer). */
function packed(values: number[] | bigint[], type: 'INT32' | 'INT64', pad: number): Uint8Array {
  const body = encoded((w) => deltaBinaryPack(w, values, type));
  const b = new Uint8Array(body.length + pad);
  b.set(body);
  return b;
}

/** INT32 values whose deltas span about `bits` bits (33: DuckDB's widest). */
function int32s(bits: number, n: number, next: () => number): number[] {
  const out: number[] = [];
  let v = 0;
  for (let i = 0; i < n; i++) {
    const span = 2 ** Math.min(bits, 32);
    v = bits >= 32 ? Math.floor(next() * 4294967296) | 0 : (v + Math.floor(next() * span)) | 0;
    out.push(v);
  }
  return out;
}

/** INT64 values whose deltas span about `bits` bits, up to the full 64-bit range. */
function int64s(bits: number, n: number, next: () => number): bigint[] {
  const out: bigint[] = [];
  let v = 0n;
  const word = (): bigint => BigInt(Math.floor(next() * 4294967296));
  for (let i = 0; i < n; i++) {
    const delta = bits === 0 ? 0n : BigInt.asUintN(bits, (word() << 32n) | word());
    v = BigInt.asIntN(64, v + delta);
    out.push(v);
  }
  return out;
}

function words64(values: bigint[]): number[] {
  return values.flatMap((v) => [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))]);
}

describe('DELTA_BINARY_PACKED without BigInt', () => {
  it('decodes INT32 deltas of every width, in the middle and at the very end of a buffer, wrapping at 32 bits', () => {
    const next = random(7);
    for (let bits = 0; bits <= 33; bits++) {
      const values = bits === 0 ? Array.from({ length: 300 }, () => 5) : int32s(bits, 300, next);
      values.push(2147483647, -2147483648, 0, -1); // wraps both ways
      for (const pad of [0, 16]) {
        const b = packed(values, 'INT32', pad);
        const out = new Int32Array(values.length);
        const end = readDeltaBinaryPacked(b, 0, b.length, values.length, false, out, true);
        assert.deepEqual(Array.from(out), values, `${bits} bits, pad ${pad}`);
        assert.equal(end, b.length - pad, 'ends where the values end');
      }
    }
  });

  it('decodes INT64 deltas of every width up to 64, as two words per value', () => {
    const next = random(11);
    for (let bits = 0; bits <= 64; bits++) {
      const values = int64s(bits, 200, next);
      values.push(9223372036854775807n, -9223372036854775808n, -1n);
      for (const pad of [0, 16]) {
        const b = packed(values, 'INT64', pad);
        const out = new Int32Array(2 * values.length);
        readDeltaBinaryPacked(b, 0, b.length, values.length, true, out, true);
        assert.deepEqual(Array.from(out), words64(values), `${bits} bits, pad ${pad}`);
      }
    }
  });

  it('reads fewer values than the block holds, and refuses damaged headers and short miniblocks as PageDecodeError', () => {
    const values = int32s(20, 300, random(3));
    const b = packed(values, 'INT32', 0);
    const out = new Int32Array(300);
    readDeltaBinaryPacked(b, 0, b.length, 100, false, out);
    assert.deepEqual(Array.from(out.subarray(0, 100)), values.slice(0, 100));
    assert.throws(() => readDeltaBinaryPacked(b, 0, b.length, 100, false, out, true), PageDecodeError, 'exact: the count must match');
    assert.throws(() => readDeltaBinaryPacked(b, 0, b.length, 301, false, out), PageDecodeError, 'more than the block holds');
    assert.throws(() => readDeltaBinaryPacked(b, 0, Math.floor(b.length / 2), 300, false, out), PageDecodeError, 'a miniblock cut short');
    assert.throws(() => readDeltaBinaryPacked(b, 0, 2, 300, false, out), PageDecodeError, 'a header cut short');
    const bad = b.slice();
    bad[0] = 100; // block size 100: not a multiple of 128
    assert.throws(() => readDeltaBinaryPacked(bad, 0, bad.length, 300, false, out), PageDecodeError);
    const long = new Uint8Array(12).fill(0x80); // a varint longer than 10 bytes
    assert.throws(() => readDeltaBinaryPacked(long, 0, long.length, 1, false, out), PageDecodeError);
  });
});

/** The hybrid encoding written bit by bit, the plainest way (hyparquet-writer loses bits of values 27 bits wide and wider): runs of `runs` values each, bit-packed or RLE in turn. */
function hybrid(values: number[], width: number, runs: number): Uint8Array {
  const bytes: number[] = [];
  const varint = (v: number): void => {
    for (; v >= 0x80; v = Math.floor(v / 128)) bytes.push((v & 0x7f) | 0x80);
    bytes.push(v);
  };
  for (let start = 0, k = 0; start < values.length; start += runs, k++) {
    const run = values.slice(start, start + runs);
    if (k % 2 === 1 && run.every((v) => v === run[0])) {
      varint(run.length * 2);
      for (let i = 0; i < (width + 7) >> 3; i++) bytes.push((run[0] >>> (8 * i)) & 0xff);
      continue;
    }
    const groups = Math.ceil(run.length / 8);
    varint(groups * 2 + 1);
    const bits = new Uint8Array(groups * width);
    run.forEach((v, i) => {
      for (let j = 0; j < width; j++) if ((v >>> j) & 1) bits[(i * width + j) >> 3] |= 1 << ((i * width + j) & 7);
    });
    bytes.push(...bits);
  }
  return Uint8Array.from(bytes);
}

describe('the RLE / bit-packed hybrid', () => {
  it('decodes bit-packed and RLE runs of every width from 1 to 32, as hyparquet-writer writes them and as written bit by bit', () => {
    const next = random(5);
    for (let width = 1; width <= 32; width++) {
      const values: number[] = [];
      for (let k = 0; k < 40; k++) {
        const v = width === 32 ? Math.floor(next() * 4294967296) | 0 : Math.floor(next() * 2 ** width);
        // Odd runs repeat one value (RLE); even ones are random (bit-packed).
        for (let i = 0; i < 24; i++) values.push(k % 2 === 1 ? v : width === 32 ? Math.floor(next() * 4294967296) | 0 : Math.floor(next() * 2 ** width));
      }
      const inputs = [hybrid(values, width, 24)];
      if (width <= 24) inputs.push(encoded((w) => writeRleBitPackedHybrid(w, values, width)));
      for (const b of inputs) {
        const out = new Int32Array(values.length);
        assert.equal(readHybrid(b, 0, b.length, width, out, values.length), b.length);
        assert.deepEqual(Array.from(out), values, `width ${width}`);
        assert.throws(() => readHybrid(b, 0, b.length - 1, width, new Int32Array(values.length), values.length), PageDecodeError, `width ${width}, cut short`);
      }
    }
  });
});

describe('DELTA_BYTE_ARRAY rebuilt in the arena', () => {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);

  /** Encodes `values`, decodes the two length lists, rebuilds the values after the page; returns them and where they lie. */
  function rebuild(values: string[], width = 0) {
    const page = encoded((w) => deltaByteArray(w, values.map(text)));
    const n = values.length;
    const prefixes = new Int32Array(n);
    const suffixes = new Int32Array(n);
    let at = readDeltaBinaryPacked(page, 0, page.length, n, false, prefixes, true);
    at = readDeltaBinaryPacked(page, at, page.length, n, false, suffixes, true);
    const arena = new Uint8Array(page.length + rebuiltBytes(prefixes, suffixes, n));
    arena.set(page);
    const end = rebuildValues(arena, at, page.length, n, prefixes, suffixes, width, page.length);
    const got = Array.from({ length: n }, (_, v) => new TextDecoder().decode(arena.subarray(prefixes[v], prefixes[v] + suffixes[v])));
    return { got, starts: Array.from(prefixes), end, pageLength: page.length, arenaLength: arena.length };
  }

  it('gives every value back exactly; a value without a prefix stays in the page, the others follow it, back to back', () => {
    const values = ['Supplier#000000001', 'Supplier#000000002', 'Supplier#000000010', 'zebra', '', 'zebra', 'zebras', 'a'.repeat(40), 'a'.repeat(80) + 'b', 'x'];
    const r = rebuild(values);
    assert.deepEqual(r.got, values);
    assert.equal(r.end, r.arenaLength, 'the rebuilt values fill exactly what rebuiltBytes reserved');
    // Prefix-less values (the first, each first after a change of start, the empty one) point into the page; the others after it.
    for (const v of [0, 3, 4, 5, 7, 9]) assert.ok(r.starts[v] < r.pageLength, `value ${v} left in place`);
    for (const v of [1, 2, 6, 8]) assert.ok(r.starts[v] >= r.pageLength, `value ${v} rebuilt`);
  });

  it('refuses a prefix longer than the value before it, and a FIXED_LEN_BYTE_ARRAY value of the wrong length', () => {
    const prefixes = Int32Array.of(0, 5);
    const suffixes = Int32Array.of(2, 1);
    const arena = new Uint8Array(16);
    assert.throws(() => rebuildValues(arena, 0, 8, 2, prefixes, suffixes, 0, 8), /prefix longer than the value before it/);
    assert.throws(() => rebuiltBytes(Int32Array.of(0, -1), Int32Array.of(1, 1), 2), PageDecodeError);
    assert.throws(() => rebuild(['abcd', 'abc'], 4), /3 bytes in a FIXED_LEN_BYTE_ARRAY\(4\)/);
    assert.deepEqual(rebuild(['abcd', 'abce', 'zzzz'], 4).got, ['abcd', 'abce', 'zzzz']);
  });
});
