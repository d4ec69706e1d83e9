/**
 * DELTA_BINARY_PACKED, decoded with 32-bit integer arithmetic only: no BigInt, no object and no closure per
 * value or per block (the decoder runs over every value of DuckDB V2's integer columns and over the lengths
 * of every DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY page).
 *
 * A header (block size, miniblocks per block, value count, first value: zigzag), then per block its minimum
 * delta (zigzag) and each miniblock's bit width and bit-packed deltas. Arithmetic wraps at 32 or 64 bits as the
 * encoding demands; a 64-bit value stays two words. Varints of up to 10 bytes are read into two 32-bit words
 * (and the bits past 64, which only a malformed writer sets); a number taken from them (block size, counts) is
 * the same double `Number(bigint)` gives (one correctly rounded addition).
 *
 * Miniblocks of deltas up to 24 bits wide are unpacked through a 32-bit bit buffer, wider ones (random keys,
 * prices) a 32-bit word at a time, and only a miniblock at the very end of the buffer bit by bit. DuckDB writes INT32 deltas up to 33 bits wide: arithmetic mod 2^32 needs only their
 * low word.
 */
import { PageDecodeError } from './page-decode-error.ts';

const TWO32 = 4294967296;

/** The last varint read: bits 0-31 and 32-63 (unsigned), and what lies above bit 63. */
let varLo = 0;
let varHi = 0;
let varTop = 0;

/** Reads an unsigned LEB128 varint of up to 10 bytes into varLo / varHi / varTop; returns the position after it. */
function readVarint(b: Uint8Array, pos: number, end: number): number {
  let lo = 0;
  let hi = 0;
  let top = 0;
  for (let shift = 0; ; ) {
    if (pos >= end) throw new PageDecodeError('delta header ends early');
    const x = b[pos++];
    const bits = x & 0x7f;
    if (shift < 28) lo |= bits << shift;
    else if (shift === 28) {
      lo |= bits << 28;
      hi |= bits >>> 4;
    } else if (shift < 63) hi |= bits << (shift - 32);
    else {
      hi |= (bits & 1) << 31;
      top = bits >>> 1;
    }
    if (x < 0x80) break;
    shift += 7;
    if (shift > 63) throw new PageDecodeError('bad varint in delta header');
  }
  varLo = lo >>> 0;
  varHi = hi >>> 0;
  varTop = top;
  return pos;
}

/** The last varint as a number (exact below 2^53, else rounded as Number(bigint) rounds). */
function varNumber(): number {
  return (varTop * TWO32 + varHi) * TWO32 + varLo;
}

/** Low word of the last varint read as a zigzag value, wrapped to 64 bits. */
function zigzagLo(): number {
  return ((varLo >>> 1) | (varHi << 31)) ^ -(varLo & 1);
}

/** High word of the last varint read as a zigzag value, wrapped to 64 bits. */
function zigzagHi(): number {
  return ((varHi >>> 1) | ((varTop & 1) << 31)) ^ -(varLo & 1);
}

/** `w` (<= 32) bits at bit `bit` of a little-endian bit stream, as an unsigned number. */
function readBits(b: Uint8Array, bit: number, w: number): number {
  let v = 0;
  let got = 0;
  while (got < w) {
    const off = bit & 7;
    const n = Math.min(8 - off, w - got);
    v += ((b[bit >> 3] >> off) & ((1 << n) - 1)) * 2 ** got;
    got += n;
    bit += n;
  }
  return v;
}

/** The 32 bits from bit `bit` on of a little-endian bit stream (the caller masks them); reads 5 bytes. */
function word32(b: Uint8Array, bit: number): number {
  const q = bit >>> 3;
  const off = bit & 7;
  const low = (b[q] | (b[q + 1] << 8) | (b[q + 2] << 16) | (b[q + 3] << 24)) >>> off;
  return off === 0 ? low : low | (b[q + 4] << (32 - off));
}

/**
 * Decodes `count` values (INT32, or INT64 as two words each when `wide`) into `out`. Returns where the encoded
 * values end (what follows them, for DELTA_LENGTH_BYTE_ARRAY); with `exact`, the header must hold exactly
 * `count` values.
 */
export function readDeltaBinaryPacked(b: Uint8Array, pos: number, end: number, count: number, wide: boolean, out: Int32Array, exact = false): number {
  pos = readVarint(b, pos, end);
  const blockSize = varNumber();
  pos = readVarint(b, pos, end);
  const miniblocks = varNumber();
  pos = readVarint(b, pos, end);
  const total = varNumber();
  pos = readVarint(b, pos, end);
  if (!(blockSize > 0 && blockSize % 128 === 0 && miniblocks > 0 && (blockSize / miniblocks) % 32 === 0)) throw new PageDecodeError('bad delta block header');
  if (total < count || (exact && total !== count)) throw new PageDecodeError(`delta block holds ${total} values, the levels say ${count}`);
  const perMini = blockSize / miniblocks;
  let lo = zigzagLo() | 0;
  let hi = zigzagHi() | 0;
  let k = 0;
  if (count > 0) {
    if (wide) {
      out[0] = lo;
      out[1] = hi;
    } else out[0] = lo;
    k = 1;
  }
  while (k < count) {
    pos = readVarint(b, pos, end);
    const mlo = zigzagLo() >>> 0;
    const mhi = zigzagHi() | 0;
    const widthsAt = pos;
    pos += miniblocks;
    if (pos > end) throw new PageDecodeError('delta block ends early');
    for (let m = 0; m < miniblocks && k < count; m++) {
      const w = b[widthsAt + m];
      if (w > 64) throw new PageDecodeError('bad delta bit width');
      const take = Math.min(perMini, count - k);
      if (pos + Math.ceil((take * w) / 8) > end) throw new PageDecodeError('delta miniblock runs past the page');
      const stop = k + take;
      if (w <= 24) {
        // Bit buffer: at most 23 bits left over plus one byte stays within 31 bits.
        const mask = (1 << w) - 1;
        let q = pos;
        let acc = 0;
        let have = 0;
        if (wide) {
          for (; k < stop; k++) {
            while (have < w) {
              acc |= b[q++] << have;
              have += 8;
            }
            const sum = (lo >>> 0) + mlo + (acc & mask);
            acc >>>= w;
            have -= w;
            lo = sum | 0;
            hi = (hi + mhi + (sum >= TWO32 ? Math.floor(sum / TWO32) : 0)) | 0;
            out[2 * k] = lo;
            out[2 * k + 1] = hi;
          }
        } else {
          for (; k < stop; k++) {
            while (have < w) {
              acc |= b[q++] << have;
              have += 8;
            }
            lo = (lo + mlo + (acc & mask)) | 0;
            acc >>>= w;
            have -= w;
            out[k] = lo;
          }
        }
      } else if (pos + Math.ceil((take * w) / 8) + 8 <= b.length) {
        // Wider deltas (random keys, prices): each word read whole from the 5 bytes holding it, then masked to its bits.
        const loMask = w >= 32 ? -1 : (1 << w) - 1;
        const hiMask = w >= 64 ? -1 : w > 32 ? (1 << (w - 32)) - 1 : 0;
        let bit = pos * 8;
        for (; k < stop; k++, bit += w) {
          const sum = (lo >>> 0) + mlo + ((word32(b, bit) & loMask) >>> 0);
          lo = sum | 0;
          if (wide) {
            hi = (hi + mhi + (hiMask === 0 ? 0 : (word32(b, bit + 32) & hiMask) >>> 0) + Math.floor(sum / TWO32)) | 0;
            out[2 * k] = lo;
            out[2 * k + 1] = hi;
          } else out[k] = lo;
        }
      } else {
        // The last bytes of the buffer: bit by bit, reading nothing past them.
        let bit = pos * 8;
        for (; k < stop; k++, bit += w) {
          const dlo = readBits(b, bit, Math.min(w, 32));
          const sum = (lo >>> 0) + mlo + dlo;
          lo = sum | 0;
          if (wide) {
            const dhi = w > 32 ? readBits(b, bit + 32, w - 32) : 0;
            hi = (hi + mhi + dhi + Math.floor(sum / TWO32)) | 0;
            out[2 * k] = lo;
            out[2 * k + 1] = hi;
          } else out[k] = lo;
        }
      }
      pos += (perMini * w) / 8;
    }
  }
  return pos;
}
