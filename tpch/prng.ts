/**
 * Deterministic randomness for the generators, with no hidden state.
 *
 * Every generated row draws from its own stream, seeded by hashing (seed, domain, key): a row's values
 * depend only on those, so any key range can be generated alone, in any order, in parallel, and still
 * give the same bytes. All arithmetic is 32-bit (Math.imul), so no BigInt is touched per row.
 *
 * - `hash32`: a MurmurHash3-style mix of 32-bit words (multiply, rotate, xor; fmix32 finalizer).
 * - `RowRandom`: the sfc32 generator (small fast counting, 128 bits of state), seeded from four
 *   independent hashes of the inputs and warmed up before use.
 */
import { fmix32 } from '../core/fmix32.ts';

/** A seed, normalized to two unsigned 32-bit words. */
export interface Seed {
  hi: number;
  lo: number;
}

const TWO_32 = 4294967296;

/** Splits a 64-bit unsigned seed into 32-bit words. The caller has validated 0 ≤ seed < 2^64. */
export function seedWords(seed: bigint): Seed {
  return { hi: Number((seed >> 32n) & 0xffffffffn), lo: Number(seed & 0xffffffffn) };
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalize(h: number, words: number): number {
  return fmix32(h ^ (words * 4));
}

/** Hash of a seed, a domain word, a lane word and a non-negative integer below 2^53, as an unsigned 32-bit value. */
export function hash32(seed: Seed, domain: number, lane: number, value: number): number {
  let h = mixWord(0x2545f491 ^ lane, seed.lo);
  h = mixWord(h, seed.hi);
  h = mixWord(h, domain);
  h = mixWord(h, value >>> 0);
  h = mixWord(h, Math.floor(value / TWO_32));
  return finalize(h, 5);
}

/**
 * sfc32 stream. `reset` re-seeds it in place (no allocation per row); `u32`, `int` and friends draw from it.
 */
export class RowRandom {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(
    private readonly seed: Seed,
    private readonly domain: number,
  ) {}

  /** Positions the stream at the start of `key`'s sequence. */
  reset(key: number): this {
    this.a = hash32(this.seed, this.domain, 1, key) | 0;
    this.b = hash32(this.seed, this.domain, 2, key) | 0;
    this.c = hash32(this.seed, this.domain, 3, key) | 0;
    this.d = 1;
    for (let i = 0; i < 8; i++) this.u32();
    return this;
  }

  /** The next unsigned 32-bit value. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform integer in [lo, hi] (inclusive, hi - lo < 2^32), without modulo bias (rejection sampling). */
  int(lo: number, hi: number): number {
    const n = hi - lo + 1;
    if (n === 1) return lo;
    // Accept x only below the largest multiple of n that fits in 32 bits.
    const limit = TWO_32 - (TWO_32 % n);
    let x = this.u32();
    while (x >= limit) x = this.u32();
    return lo + (x % n);
  }
}

/**
 * A keyed pseudo-random permutation of [0, n) (a balanced Feistel network with cycle walking), for
 * choosing exactly m of n rows at random while deciding each row on its own: row k is chosen when
 * permute(k) < m. n must be below 2^30.
 */
export class KeyPermutation {
  private readonly halfBits: number;
  private readonly mask: number;

  constructor(
    private readonly seed: Seed,
    private readonly domain: number,
    private readonly n: number,
  ) {
    let bits = 2;
    while (2 ** bits < n) bits += 2;
    this.halfBits = bits / 2;
    this.mask = (1 << this.halfBits) - 1;
  }

  private round(x: number): number {
    let left = x >>> this.halfBits;
    let right = x & this.mask;
    for (let r = 0; r < 4; r++) {
      const next = (left ^ hash32(this.seed, this.domain, r, right)) & this.mask;
      left = right;
      right = next;
    }
    return (left << this.halfBits) | right;
  }

  /** The image of x (0 ≤ x < n) under the permutation, also in [0, n). */
  permute(x: number): number {
    let y = this.round(x);
    while (y >= this.n) y = this.round(y);
    return y;
  }
}
