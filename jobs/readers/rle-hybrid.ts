/**
 * The RLE / bit-packed hybrid encoding (definition levels, dictionary indices, RLE booleans). Bit-packed
 * runs of widths up to 24 (every dictionary's indices: 2^24 entries) are unpacked through a 32-bit bit
 * buffer, one byte read per 8 bits; width 1 bit by bit from its byte; wider runs bit by bit.
 */
import { PageDecodeError } from './page-decode-error.ts';

/** Decodes `count` values of the hybrid encoding from b[pos, end) into out[0, count); returns the end position. */
export function readHybrid(b: Uint8Array, pos: number, end: number, width: number, out: Int32Array | Uint8Array, count: number): number {
  let seen = 0;
  const bytes = (width + 7) >> 3;
  const mask = width === 32 ? -1 : (1 << width) - 1;
  while (seen < count) {
    if (pos >= end) throw new PageDecodeError('levels or indices end early');
    let header = 0;
    let shift = 0;
    for (;;) {
      const x = b[pos++];
      header |= (x & 0x7f) << shift;
      if (x < 0x80) break;
      shift += 7;
      if (shift > 28 || pos >= end) throw new PageDecodeError('bad hybrid run header');
    }
    if (header & 1) {
      // bit-packed: (header >> 1) groups of 8 values
      const values = (header >>> 1) * 8;
      const need = ((header >>> 1) * width);
      if (pos + need > end) throw new PageDecodeError('bit-packed run past the end');
      const take = Math.min(values, count - seen);
      if (width === 1) {
        for (let i = 0; i < take; i++) out[seen + i] = (b[pos + (i >> 3)] >> (i & 7)) & 1;
      } else if (width <= 24) {
        // At most 23 bits left over plus one byte: the buffer stays within 31 bits.
        let q = pos;
        let acc = 0;
        let have = 0;
        for (let o = seen, stop = seen + take; o < stop; o++) {
          while (have < width) {
            acc |= b[q++] << have;
            have += 8;
          }
          out[o] = acc & mask;
          acc >>>= width;
          have -= width;
        }
      } else {
        let bit = pos * 8;
        for (let i = 0; i < take; i++) {
          let v = 0;
          let got = 0;
          let p = bit;
          while (got < width) {
            const byte = b[p >> 3];
            const off = p & 7;
            const n = Math.min(8 - off, width - got);
            v |= ((byte >> off) & ((1 << n) - 1)) << got;
            got += n;
            p += n;
          }
          out[seen + i] = v & mask;
          bit += width;
        }
      }
      seen += take;
      pos += need;
    } else {
      const run = header >>> 1;
      if (pos + bytes > end) throw new PageDecodeError('rle run past the end');
      let v = 0;
      for (let i = 0; i < bytes; i++) v |= b[pos + i] << (8 * i);
      pos += bytes;
      const take = Math.min(run, count - seen);
      out.fill(v, seen, seen + take);
      seen += take;
    }
  }
  return pos;
}
