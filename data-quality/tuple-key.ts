/**
 * One 64-bit sort key per key tuple, never trusted when it is not exact. A tuple of integers that fit
 * the batch's layout is packed into the low 63 bits exactly (top bit 0): two tuples have the same key
 * only if they are the same tuple. Any other tuple (text, a fraction, a negative or out-of-layout
 * integer) gets a 63-bit hash of its canonical text with the top bit set, so it can never meet a packed
 * key; equal hashes are only candidates, which key-check.ts confirms on the values (value-log.ts).
 *
 * The layout (bits per column) is decided once per pass, from the first tuples seen: each column gets
 * the bits its largest value needs, and the bits left over are shared out (the first column takes the
 * remainder), so LINEITEM's (l_orderkey, l_linenumber) at SF 1 packs as 40 + 23 bits. A value that does
 * not fit later is hashed and confirmed instead: slower for that tuple, never wrong.
 */
import { encodeString, KEY } from './hash.ts';

const TOP = 0x80000000;
const TWO32 = 4294967296;

/** Writes a 64-bit hash of a tuple's text into KEY (the top bit is set afterwards). Tests inject a tiny one. */
export type TupleHash = (text: string) => void;

export const defaultTupleHash: TupleHash = encodeString;

export class TupleLayout {
  private readonly limits: number[];

  constructor(readonly widths: readonly number[]) {
    this.limits = widths.map((w) => 2 ** w);
  }

  /** The layout for the largest value of each column (non-negative safe integers), or undefined when they need more than 63 bits. */
  static fromMaxima(maxima: readonly number[]): TupleLayout | undefined {
    const need = maxima.map(bitLength);
    const sum = need.reduce((a, b) => a + b, 0);
    if (sum > 63) return undefined;
    const spare = 63 - sum;
    const share = Math.floor(spare / need.length);
    const widths = need.map((n, i) => Math.min(53, n + share + (i === 0 ? spare - share * need.length : 0)));
    return new TupleLayout(widths);
  }

  /** Packs one tuple of non-negative safe integers into KEY (top bit 0); false when a value does not fit. */
  pack(values: ArrayLike<number>): boolean {
    // (hi, lo) shifted left by each column's width, then the value OR-ed into the bits that made room.
    // Integer operations on 32-bit words: every width is 1–53 and the total at most 63, so no bit is lost.
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < values.length; i++) {
      const u = values[i];
      if (!(u >= 0 && u < this.limits[i])) return false;
      const w = this.widths[i];
      if (w >= 32) {
        hi = w === 32 ? lo : lo << (w - 32);
        lo = 0;
      } else {
        hi = (hi << w) | (lo >>> (32 - w));
        lo = lo << w;
      }
      const uHi = Math.floor(u / TWO32);
      lo = (lo | (u - uHi * TWO32)) >>> 0;
      hi = (hi | uHi) >>> 0;
    }
    KEY[0] = hi;
    KEY[1] = lo;
    return true;
  }

  /** The tuple a packed key holds. */
  unpack(hi: number, lo: number): bigint[] {
    let v = (BigInt(hi) << 32n) | BigInt(lo);
    const out = new Array<bigint>(this.widths.length);
    for (let i = this.widths.length - 1; i >= 0; i--) {
      const w = BigInt(this.widths[i]);
      out[i] = v & ((1n << w) - 1n);
      v >>= w;
    }
    return out;
  }
}

/** A hashed tuple's key: the hash of its text, top bit set (never equal to a packed key). */
export function hashedKey(text: string, hash: TupleHash): void {
  hash(text);
  KEY[0] = (KEY[0] | TOP) >>> 0;
}

/** True for a key made by hashedKey. */
export function isHashedKey(hi: number): boolean {
  return hi >= TOP;
}

function bitLength(x: number): number {
  let b = 1;
  while (2 ** b <= x) b++;
  return b;
}
