/**
 * Snappy decompression into a caller's buffer, on hysnappy's WebAssembly decoder (the one
 * hyparquet-compressors uses). One decoder instance per thread; its output is copied once into the
 * buffer the page decoder reuses.
 */
import { snappyUncompressor } from 'hysnappy';

let uncompress: ((input: Uint8Array, outputLength: number) => Uint8Array) | undefined;

/** The uncompressed length a snappy stream declares (its varint preamble), or -1. */
export function snappyLength(input: Uint8Array): number {
  let v = 0;
  for (let i = 0, shift = 0; i < 5 && i < input.length; i++, shift += 7) {
    const b = input[i];
    v += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return v;
  }
  return -1;
}

/** Decompresses a snappy stream into `out`, which must be exactly its uncompressed length. */
export function snappyInto(input: Uint8Array, out: Uint8Array): void {
  const declared = snappyLength(input);
  if (declared !== out.length) throw new Error(`snappy stream declares ${declared} bytes, expected ${out.length}`);
  uncompress ??= snappyUncompressor();
  out.set(uncompress(input, out.length));
}
