/**
 * Allocation-free bit access and hashing for the hot path of the quality pass.
 *
 * Keys are handled as 64-bit words split into two unsigned 32-bit halves (hi, lo), written into the
 * shared `KEY` array so no object is created per row:
 * - integers and decimals (canonical bigint within int64): the two's-complement bits, sign bit flipped,
 *   so unsigned (hi, lo) order equals numeric order — exact, and reversible for messages;
 * - numbers (smallint/integer/real/double): the IEEE-754 bits, mapped to an order-preserving
 *   unsigned form (negative: all bits flipped; positive: sign bit set) — exact and reversible;
 * - text: a 64-bit hash (two 32-bit multiply-xor lanes with a cross-mixing finish, the cyrb53
 *   construction, all 64 bits kept). Distinct strings collide with probability about n²/2⁶⁵ for n
 *   keys, so a hash is never the last word: the key check (key-check.ts) hashes a tuple's canonical
 *   text only to sort it, and confirms every repeated hash on the values themselves.
 */
import { fmix32 } from '../core/fmix32.ts';

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** The last encoded key: KEY[0] = high 32 bits, KEY[1] = low 32 bits (both unsigned). */
export const KEY = new Uint32Array(2);

/** A canonical bigint within int64 -> KEY, order-preserving. */
export function encodeBigint(v: bigint): void {
  i64[0] = v;
  KEY[0] = u32[HI] ^ 0x80000000;
  KEY[1] = u32[LO];
}

export function decodeBigint(hi: number, lo: number): bigint {
  u32[HI] = hi ^ 0x80000000;
  u32[LO] = lo;
  return i64[0];
}

/** A finite number -> KEY, order-preserving (-0 and 0 are the same key). */
export function encodeNumber(v: number): void {
  f64[0] = v === 0 ? 0 : v;
  const hi = u32[HI];
  if (hi & 0x80000000) {
    KEY[0] = ~hi;
    KEY[1] = ~u32[LO];
  } else {
    KEY[0] = hi | 0x80000000;
    KEY[1] = u32[LO];
  }
}

export function decodeNumber(hi: number, lo: number): number {
  if (hi & 0x80000000) {
    u32[HI] = hi & 0x7fffffff;
    u32[LO] = lo;
  } else {
    u32[HI] = ~hi;
    u32[LO] = ~lo;
  }
  return f64[0];
}

/** Text -> KEY as a 64-bit hash (see the collision note above). */
export function encodeString(s: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  keyFromState(h1, h2);
}

/** The last mixing step of the text key: two 32-bit running hashes -> KEY (shared with byte-level callers). */
export function keyFromState(h1: number, h2: number): void {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  KEY[0] = h2;
  KEY[1] = h1;
}

/** 32-bit hash of a 64-bit (hi, lo) pair, for the distinct-count sketch. */
export function hash64(hi: number, lo: number): number {
  return fmix32(lo ^ fmix32(hi ^ 0x9e3779b9));
}

export function hashNumber(v: number): number {
  if ((v | 0) === v) return fmix32(v ^ 0x27d4eb2f);
  encodeNumber(v);
  return hash64(KEY[0], KEY[1]);
}

export function hashBigint(v: bigint): number {
  encodeBigint(v);
  return hash64(KEY[0], KEY[1]);
}

/** Set by `hashText`: the UTF-8 byte length of the string just hashed. */
export const TEXT = { bytes: 0 };

/** The seed of the text hash (murmur3_32). */
export const TEXT_SEED = 0x9747b28c;
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** murmur3_32's mixing of one 4-byte word into the running hash (the caller finishes with fmix32(h ^ bytes)). */
export function murmurRound(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = Math.imul((k << 15) | (k >>> 17), C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3_32's mixing of the last 1–3 bytes (little-endian in `k`). */
export function murmurTail(h: number, k: number): number {
  k = Math.imul(k, C1);
  return h ^ Math.imul((k << 15) | (k >>> 17), C2);
}

const scratch = { bytes: new Uint8Array(256) };
const encoder = new TextEncoder();

/** murmur3_32 (seed TEXT_SEED) of the bytes [o, o + len): the hash of the text they encode. */
export function hashBytes(data: Uint8Array, o: number, len: number): number {
  let h = TEXT_SEED;
  const quads = o + (len & ~3);
  let i = o;
  for (; i < quads; i += 4) h = murmurRound(h, data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
  const rem = o + len - i;
  if (rem > 0) h = murmurTail(h, data[i] | (rem > 1 ? data[i + 1] << 8 : 0) | (rem > 2 ? data[i + 2] << 16 : 0));
  return fmix32(h ^ len);
}

/**
 * 32-bit hash of a string: murmur3_32 of its UTF-8 bytes, so the byte-level path (byte-level.ts), which
 * has only the bytes, gets the same hash with no decoding. Its UTF-8 byte length goes into TEXT.bytes.
 * An ASCII string (every unit below 0x80, the common case) is hashed from its code units, four per
 * round: they are its bytes. Any other is encoded first (a lone surrogate as the 3 bytes of U+FFFD,
 * as the encoder writes it).
 */
export function hashText(s: string): number {
  const n = s.length;
  let h = TEXT_SEED;
  let or = 0;
  const quads = n & ~3;
  let i = 0;
  for (; i < quads; i += 4) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    const d = s.charCodeAt(i + 3);
    or |= a | b | c | d;
    h = murmurRound(h, a | (b << 8) | (c << 16) | (d << 24));
  }
  let k = 0;
  for (let shift = 0; i < n; i++, shift += 8) {
    const a = s.charCodeAt(i);
    or |= a;
    k |= a << shift;
  }
  if (or < 0x80) {
    if (n & 3) h = murmurTail(h, k);
    TEXT.bytes = n;
    return fmix32(h ^ n);
  }
  if (scratch.bytes.length < 3 * n) scratch.bytes = new Uint8Array(3 * n);
  const bytes = encoder.encodeInto(s, scratch.bytes).written;
  TEXT.bytes = bytes;
  return hashBytes(scratch.bytes, 0, bytes);
}
