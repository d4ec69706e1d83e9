/**
 * Bytes one column sample takes under each Redshift compression encoding, counted the way ANALYZE
 * COMPRESSION works: the values in order, in Redshift's 1 MB blocks. One sizer per encoding, in a map
 * (extension by adding an entry). Each says how its figure is known:
 *
 * - 'definition': computed from the encoding's documented definition (Redshift "Compression encodings"):
 *   RAW (the documented widths), BYTEDICT (per block a dictionary of at most 256 values, each stored once at
 *   the type's declared width, then 1 byte per value; values past the 256th are written raw), RUNLENGTH (a
 *   token of a 1-byte count and the value per run of equal values, runs cut at 255), DELTA / DELTA32K (1 or
 *   2 bytes per difference from the previous value; the block's first value and any difference out of
 *   range cost 1 flag byte plus the value), MOSTLY8/16/32 (1, 2 or 4 bytes when the integer fits, else raw).
 *   Block headers, NULL bitmaps and other layout the documentation does not give are not counted: NULLs
 *   count 0 bytes under every encoding, so the encodings compare on the same values.
 * - 'estimate': AZ64 is proprietary; it is estimated as frame-of-reference bit packing of groups of 128
 *   values within each block (per group: the minimum at full width, 1 byte of bit width, then each value's
 *   offset from the minimum in that many bits), of the values or of their differences (then plus the
 *   first value), whichever is smaller. ZSTD is zstd over each block's raw bytes when this
 *   Node's zlib has it (Node ≥ 22.15), else raw DEFLATE level 6 over the same bytes as a stated proxy
 *   (zstd's default level compresses typical column data about as well); LZO is raw DEFLATE level 1
 *   (both are fast LZ77 coders).
 */
import * as zlib from 'node:zlib';
import { bytesAt, rawWidth, valueCount, VARCHAR_LENGTH_BYTES, type SampleColumn } from './column-sample.ts';

export const BLOCK_BYTES = 1_048_576;

export type SizedEncoding = 'raw' | 'az64' | 'zstd' | 'lzo' | 'bytedict' | 'runlength' | 'delta' | 'delta32k' | 'mostly8' | 'mostly16' | 'mostly32';

export interface EncodingSizer {
  basis: 'definition' | 'estimate';
  /** Bytes of the column's non-null values under the encoding. */
  size(col: SampleColumn): number;
}

/** Cuts a stream of per-value costs into 1 MB blocks: `start` resets the encoder's per-block state. */
function blocked(n: number, cost: (i: number, first: boolean) => number, start: () => void): number {
  let total = 0;
  let inBlock = 0;
  start();
  for (let i = 0; i < n; i++) {
    let c = cost(i, inBlock === 0);
    if (inBlock > 0 && inBlock + c > BLOCK_BYTES) {
      total += inBlock;
      inBlock = 0;
      start();
      c = cost(i, true);
    }
    inBlock += c;
  }
  return total + inBlock;
}

/** A value's identity for dictionaries and runs: the integer, or the bytes as a latin1 string. */
function keyAt(col: SampleColumn, i: number): bigint | string {
  return col.kind === 'int' ? col.values[i] : bytesAt(col, i).toString('latin1');
}

function rawTotal(col: SampleColumn): number {
  const n = valueCount(col);
  if (col.kind === 'int') return n * col.width;
  return col.width === null ? n * VARCHAR_LENGTH_BYTES + col.data.length : n * col.width;
}

const raw: EncodingSizer = { basis: 'definition', size: rawTotal };

const bytedict: EncodingSizer = {
  basis: 'definition',
  size(col) {
    const entry = col.kind === 'int' ? col.width : col.declared;
    let dict = new Set<string | bigint>();
    return blocked(
      valueCount(col),
      (i) => {
        const k = keyAt(col, i);
        if (dict.has(k)) return 1;
        if (dict.size < 256) {
          dict.add(k);
          return entry + 1;
        }
        return rawWidth(col, i);
      },
      () => (dict = new Set()),
    );
  },
};

const runlength: EncodingSizer = {
  basis: 'definition',
  size(col) {
    let prev: bigint | string | undefined;
    let run = 0;
    return blocked(
      valueCount(col),
      (i, first) => {
        const k = keyAt(col, i);
        if (!first && prev !== undefined && run < 255 && prev === k) {
          run++;
          return 0;
        }
        prev = k;
        run = 1;
        return 1 + rawWidth(col, i);
      },
      () => (prev = undefined),
    );
  },
};

function delta(limit: bigint, bytes: number): EncodingSizer {
  return {
    basis: 'definition',
    size(col) {
      if (col.kind !== 'int') throw new Error('DELTA sizes integers only');
      const values = col.values;
      let prev: bigint | undefined;
      return blocked(
        values.length,
        (i, first) => {
          const p = prev;
          prev = values[i];
          if (first || p === undefined) return 1 + col.width;
          const d = values[i] - p;
          return d >= -limit && d <= limit ? bytes : 1 + col.width;
        },
        () => (prev = undefined),
      );
    },
  };
}

function mostly(bits: number): EncodingSizer {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -(1n << BigInt(bits - 1));
  return {
    basis: 'definition',
    size(col) {
      if (col.kind !== 'int') throw new Error('MOSTLYn sizes integers only');
      return col.values.reduce<number>((s, v) => s + (v >= min && v <= max ? bits / 8 : col.width), 0);
    },
  };
}

export const AZ64_GROUP = 128;

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/** Frame-of-reference bytes of a group: its minimum at full width, a bit-width byte, then the offsets packed. */
function packed(group: readonly bigint[], width: number): number {
  let lo = group[0];
  let hi = group[0];
  for (const v of group) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return width + 1 + Math.ceil((group.length * bitLength(hi - lo)) / 8);
}

const az64: EncodingSizer = {
  basis: 'estimate',
  size(col) {
    if (col.kind !== 'int') throw new Error('AZ64 sizes integers only');
    const values = col.values;
    // Blocks of raw values (1 MB of them) cut into groups; each group packed as values or as differences
    // (the first value then at full width), whichever is smaller.
    const perBlock = Math.floor(BLOCK_BYTES / col.width);
    let total = 0;
    for (let b = 0; b < values.length; b += perBlock) {
      const block = values.slice(b, b + perBlock);
      for (let g = 0; g < block.length; g += AZ64_GROUP) {
        const group = block.slice(g, g + AZ64_GROUP);
        const deltas = group.slice(1).map((v, k) => v - group[k]);
        total += Math.min(packed(group, col.width), deltas.length ? col.width + packed(deltas, col.width) : Infinity);
      }
    }
    return total;
  },
};

/** The raw bytes of each 1 MB block, for the byte-oriented coders (ZSTD, LZO). */
export function rawBlocks(col: SampleColumn): Buffer[] {
  const blocks: Buffer[] = [];
  let buf = Buffer.alloc(BLOCK_BYTES);
  let at = 0;
  const n = valueCount(col);
  for (let i = 0; i < n; i++) {
    const w = rawWidth(col, i);
    if (at > 0 && at + w > BLOCK_BYTES) {
      blocks.push(buf.subarray(0, at));
      buf = Buffer.alloc(BLOCK_BYTES);
      at = 0;
    }
    if (w > buf.length - at) buf = Buffer.concat([buf.subarray(0, at), Buffer.alloc(w)]);
    if (col.kind === 'int') {
      const v = col.values[i];
      for (let b = 0; b < w; b++) buf[at + b] = Number((v >> BigInt(8 * b)) & 0xffn);
    } else if (col.width === null) {
      const v = bytesAt(col, i);
      buf.writeUInt32LE(v.length, at);
      v.copy(buf, at + VARCHAR_LENGTH_BYTES);
    } else bytesAt(col, i).copy(buf, at);
    at += w;
  }
  if (at > 0) blocks.push(buf.subarray(0, at));
  return blocks;
}

type ZstdZlib = { zstdCompressSync?: (b: Buffer) => Buffer };

/** Which coder measured ZSTD here: real zstd (node:zlib has it from Node 22.15) or the DEFLATE proxy. */
export const ZSTD_METHOD: 'zstd' | 'deflate-6 proxy' = typeof (zlib as ZstdZlib).zstdCompressSync === 'function' ? 'zstd' : 'deflate-6 proxy';

const zstd: EncodingSizer = {
  basis: 'estimate',
  size(col) {
    const z = (zlib as ZstdZlib).zstdCompressSync;
    return rawBlocks(col).reduce((s, b) => s + (z ? z(b).length : zlib.deflateRawSync(b, { level: 6 }).length), 0);
  },
};

const lzo: EncodingSizer = {
  basis: 'estimate',
  size: (col) => rawBlocks(col).reduce((s, b) => s + zlib.deflateRawSync(b, { level: 1 }).length, 0),
};

export const ENCODING_SIZERS: Record<SizedEncoding, EncodingSizer> = {
  raw,
  az64,
  zstd,
  lzo,
  bytedict,
  runlength,
  delta: delta(127n, 1),
  delta32k: delta(32767n, 2),
  mostly8: mostly(8),
  mostly16: mostly(16),
  mostly32: mostly(32),
};
