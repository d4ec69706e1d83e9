import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import * as zlib from 'node:zlib';
import { asError } from '../../core/as-error.ts';
import type { ManifestEntry } from '../../core/manifest.ts';
import type { ObjectStore, WriteResult } from '../store/object-store.ts';
import { crc32, crc32Combine } from './crc32.ts';

/**
 * A block of whole CSV rows, compressed on its own as raw deflate that ends on a byte boundary
 * (Z_SYNC_FLUSH, no final block): blocks laid end to end are one valid deflate stream, the way pigz
 * compresses in parallel. The CRC is of the block's text, combined per part.
 */
export interface DeflatedBlock {
  bytes: Uint8Array;
  crc: number;
  textBytes: number;
  rows: number;
}

/** zlib's memLevel for the parts: 9 (the most hash memory) is faster and smaller than the default 8 here. */
const MEM_LEVEL = 9;

/** The parts of a zlib stream that synchronous, reusable compression needs (Node's own, stable since Node 10). */
interface ZlibInternals {
  _handle?: {
    writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
    reset(): void;
  } | null;
  _writeState?: Uint32Array;
}

/**
 * Compresses blocks of CSV text one after another as DeflatedBlocks. One zlib stream serves every block:
 * after each block (ended by a sync flush) it is reset (deflateReset: the same bytes as a new stream,
 * without allocating zlib's state for each block). Where Node's zlib internals are not as expected, each
 * block gets its own stream (zlib.deflateRawSync): the same bytes, a little slower.
 */
export class BlockDeflater {
  private readonly stream: zlib.DeflateRaw & ZlibInternals;
  private out = Buffer.allocUnsafe(1 << 16);
  private error: Error | undefined;

  constructor(private readonly level: number) {
    this.stream = zlib.createDeflateRaw({ level, memLevel: MEM_LEVEL });
    this.stream.on('error', (e) => {
      this.error = e;
    });
  }

  deflate(text: Uint8Array, rows: number): DeflatedBlock {
    const handle = this.stream._handle;
    const state = this.stream._writeState;
    let bytes: Uint8Array;
    if (handle && typeof handle.writeSync === 'function' && state instanceof Uint32Array && state.length >= 2) {
      // deflateBound: the output never exceeds the input by more than a few bytes per 16 KB.
      const bound = text.length + (text.length >>> 10) + 1024;
      if (this.out.length < bound) this.out = Buffer.allocUnsafe(bound);
      const out = this.out;
      handle.writeSync(zlib.constants.Z_SYNC_FLUSH, text, 0, text.length, out, 0, out.length);
      if (this.error) throw this.error;
      const [availOut, availIn] = state;
      if (availIn !== 0 || availOut === 0) throw new Error('zlib did not take the whole block');
      bytes = out.slice(0, out.length - availOut); // Buffer#slice is a view; copy below
      bytes = new Uint8Array(bytes);
      handle.reset();
    } else {
      bytes = zlib.deflateRawSync(text, { level: this.level, memLevel: MEM_LEVEL, finishFlush: zlib.constants.Z_SYNC_FLUSH });
      if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = new Uint8Array(bytes);
    }
    return { bytes, crc: crc32(text), textBytes: text.length, rows };
  }

  close(): void {
    this.stream.close();
  }
}

interface Part {
  uri: string;
  body: PassThrough;
  done: Promise<WriteResult>;
  rows: number;
  textBytes: number;
  crc: number;
}

/** BFINAL=1, fixed Huffman, end of block: the empty last block that closes the deflate stream. */
const LAST_BLOCK = Uint8Array.of(0x03, 0x00);

function gzipHeader(level: number): Uint8Array {
  // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL OS=unix (MTIME 0: the same input gives the same bytes).
  const xfl = level === 1 ? 4 : level === 9 ? 2 : 0;
  return Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3);
}

/**
 * k gzip parts written side by side, each one gzip member (RFC 1952) whose deflate stream is the
 * concatenation of the blocks it was given. Each block goes to the part with the fewest text bytes so far
 * (ties: the lowest index), so parts come out even in size and the assignment, like every compressed
 * byte, is a pure function of the input: the same input gives the same parts.
 */
export class PartSet {
  private readonly parts: Part[];
  /** The first store write that failed, thrown by every later call. */
  private failure: Error | undefined;

  constructor(store: ObjectStore, outUri: string, count: number, gzipLevel: number) {
    this.parts = Array.from({ length: count }, (_, i) => {
      const uri = store.join(outUri, `part-${String(i).padStart(5, '0')}.csv.gz`);
      const body = new PassThrough({ highWaterMark: 1 << 20 });
      // abort() may destroy the body before the store has piped it anywhere (a store that first awaits a
      // folder); its error then reaches `done`, not an unhandled 'error' event.
      body.on('error', () => undefined);
      body.write(gzipHeader(gzipLevel));
      const done = store.write(uri, body, 'application/gzip');
      done.catch((e: unknown) => {
        this.failure ??= asError(e);
      });
      return { uri, body, done, rows: 0, textBytes: 0, crc: 0 };
    });
  }

  get count(): number {
    return this.parts.length;
  }

  /** Throws the first store write failure, if any (it may arrive while append waits for a drain). */
  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Appends a compressed block to the smallest part; waits while that part's stream is full. */
  async append(block: DeflatedBlock): Promise<void> {
    this.throwIfFailed();
    let target = this.parts[0];
    for (const p of this.parts) if (p.textBytes < target.textBytes) target = p;
    target.rows += block.rows;
    target.crc = crc32Combine(target.crc, block.crc, block.textBytes);
    target.textBytes += block.textBytes;
    if (!target.body.write(block.bytes)) {
      await Promise.race([once(target.body, 'drain'), target.done.then(() => undefined)]);
      this.throwIfFailed();
    }
  }

  /** Closes every part and returns the manifest entries, in part order. */
  async finish(): Promise<ManifestEntry[]> {
    this.throwIfFailed();
    for (const p of this.parts) {
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(p.crc, 0);
      trailer.writeUInt32LE(p.textBytes % 0x100000000, 4);
      p.body.write(LAST_BLOCK);
      p.body.end(trailer);
    }
    const results = await Promise.all(this.parts.map((p) => p.done));
    return results.map((r, i) => ({
      url: r.uri,
      mandatory: true,
      meta: { content_length: r.size, record_count: this.parts[i].rows, sha256: r.sha256 },
    }));
  }

  /** Stops writing; no part appears under its real name. */
  async abort(): Promise<void> {
    for (const p of this.parts) p.body.destroy(new Error('partitioning aborted'));
    await Promise.allSettled(this.parts.map((p) => p.done));
  }
}
