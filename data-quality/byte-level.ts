/**
 * Data quality on the byte-level path: a contract column checked straight from decoded column data
 * (canonical numbers in a Float64Array, or UTF-8 bytes with offsets and lengths), with exactly the
 * evaluator's semantics — the same statistics, hashes and keys — but no JS value per cell.
 *
 * The partitioner asks the evaluator for a column's ByteLevelColumnCheck (evaluator.byteLevel(i)) and
 * calls checkNumbers or checkText once per unit. `true`: every value is loadable and breaks no rule;
 * statistics, keys and rule counts are committed. `false`: the column needs the evaluator's per-value
 * path (observeColumn), which reports what is wrong; nothing but idempotent sketch updates was kept.
 * What each rule demands here comes from its module (rules/*.ts, byteLevel): bounds (numbers, or text
 * compared as JS compares strings — canonical dates and timestamps sort as text), allowed numbers or
 * strings, a width in bytes, no NUL, a pattern. CHAR takes single-byte characters only, and a value with
 * trailing blanks goes per value (CHAR compares without them). Booleans are counted as the evaluator
 * counts them. A rule without a byte-level form sends its column per value, and so does a text column
 * that a key rule names (its keys are confirmed on the values). Number and boolean columns feed their
 * keys from the typed arrays, no JS value per cell.
 */
import type { ColumnCheck } from './evaluator.ts';
import { fmix32 } from '../core/fmix32.ts';
import { encodeNumber, hash64, hashNumber, hashText, KEY, murmurRound, murmurTail, TEXT_SEED } from './hash.ts';
import type { ByteLevelForm } from './rules/index.ts';

const TWO32 = 4294967296;

/** Bits of the byte-class table this module keeps for itself; a caller's classes use the others (0x3f). */
const NUL = 0x40;
const NON_ASCII = 0x80;
export const CALLER_CLASS_BITS = 0x3f;

const OWN_CLASSES = (() => {
  const t = new Uint8Array(256);
  t[0] = NUL;
  for (let c = 0x80; c < 256; c++) t[c] = NON_ASCII;
  return t;
})();

/**
 * How checkText finds a value's classed bytes four at a time instead of looking each byte up: a word has
 * such a byte only if it has a byte below 0x20, a byte of 0x80 or more, or one of the (at most two) other
 * classed bytes x1, x2 (exact SWAR tests: no false negatives). Only a value with such a word has its bytes
 * looked up in the table. A table that classes more than two bytes in 0x20-0x7f has every value looked up.
 */
interface WordTest {
  /** x1 and x2 in every byte of a word. */
  x1: number;
  x2: number;
  /** 0x80808080 when every value is looked up byte by byte; otherwise 0. */
  always: number;
}

function wordTestOf(table: Uint8Array): WordTest {
  const other: number[] = [];
  for (let c = 0x20; c < 0x80; c++) if (table[c] !== 0) other.push(c);
  if (other.length > 2) return { x1: 0, x2: 0, always: 0x80808080 | 0 };
  const x1 = other[0] ?? 0;
  const x2 = other[1] ?? x1;
  return { x1: Math.imul(x1, 0x01010101), x2: Math.imul(x2, 0x01010101), always: 0 };
}

/** A class table and its word test. */
interface Classes {
  table: Uint8Array;
  wordTest: WordTest;
}

const OWN: Classes = { table: OWN_CLASSES, wordTest: wordTestOf(OWN_CLASSES) };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The decoded text, or undefined when the bytes are not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return undefined;
    throw e;
  }
}

/** A text column's values: UTF-8 bytes of row r at data[offsets[r], offsets[r] + lengths[r]); valid[r] 0 = NULL. */
export interface TextValues {
  rows: number;
  data: Uint8Array;
  offsets: Int32Array;
  lengths: Int32Array;
  valid: Uint8Array | null;
}

/**
 * A caller's byte classes, computed in the same loop that reads every byte for the checks (the CSV writer's
 * "needs quotes"): `out[r]` = OR of `table[byte]` over row r's bytes, for bits in CALLER_CLASS_BITS.
 */
export interface ByteClasses {
  table: Uint8Array;
  out: Uint8Array;
}

interface NumberDemands {
  lo: number;
  hi: number;
  sets: Array<ReadonlySet<number>>;
}

interface TextDemands {
  maxBytes: number;
  noNul: boolean;
  patterns: Array<NonNullable<ByteLevelForm['pattern']>>;
  /** Bounds as UTF-8 (for ASCII values) and as strings (for the rest); null when absent. */
  lo: { bytes: Uint8Array; text: string } | null;
  hi: { bytes: Uint8Array; text: string } | null;
  /** Allowed values: the strings, and their UTF-8 bytes by hashText for ASCII values. */
  oneOf: Array<{ set: ReadonlySet<string>; byHash: Map<number, Uint8Array[]> }>;
  /**
   * CHAR: single-byte characters only (Redshift CHAR), and no trailing blanks — CHAR compares without
   * them, so a padded value is left to the per-value path's comparisons.
   */
  charOnly: boolean;
}

const BLANK = 0x20;
const encoder = new TextEncoder();

function bound(text: string | undefined): TextDemands['lo'] {
  return text === undefined ? null : { bytes: encoder.encode(text), text };
}

/** UTF-8 bytes [o, o + len) compared with `b` as JS compares the strings, for ASCII bytes. */
function compareAscii(data: Uint8Array, o: number, len: number, b: Uint8Array): number {
  const m = len < b.length ? len : b.length;
  for (let i = 0; i < m; i++) {
    const d = data[o + i] - b[i];
    if (d !== 0) return d;
  }
  return len - b.length;
}

function allowedBytes(set: ReadonlySet<string>): Map<number, Uint8Array[]> {
  const byHash = new Map<number, Uint8Array[]>();
  for (const v of set) {
    const h = hashText(v);
    byHash.set(h, [...(byHash.get(h) ?? []), encoder.encode(v)]);
  }
  return byHash;
}

function sameBytes(data: Uint8Array, o: number, len: number, b: Uint8Array): boolean {
  if (b.length !== len) return false;
  for (let i = 0; i < len; i++) if (data[o + i] !== b[i]) return false;
  return true;
}

export class ByteLevelColumnCheck {
  /** A NULL is loadable and breaks no rule (nullable, no rule that rejects NULL). */
  readonly nullsPass: boolean;
  private readonly numbers: NumberDemands | undefined;
  private readonly text: TextDemands | undefined;
  /** Booleans: no demand but the column's NULL handling (a rule with any other demand sends it per value). */
  private readonly booleans: boolean;
  private classes: (Classes & { from: Uint8Array }) | undefined;

  constructor(
    private readonly chk: ColumnCheck,
    private readonly commit: (numRows: number, nulls: number) => void,
  ) {
    this.nullsPass = chk.nullsPass;
    const numbers: NumberDemands = { lo: -Infinity, hi: Infinity, sets: [] };
    const charOnly = chk.column.type.kind === 'char';
    const text: TextDemands = { maxBytes: Infinity, noNul: false, patterns: [], lo: null, hi: null, oneOf: [], charOnly };
    let usable = true;
    let demands = false;
    for (const state of chk.rules.all) {
      const m = state.module;
      const form = m.scope === 'column' && m.byteLevel ? m.byteLevel(state as never, chk.column, chk.kind) : undefined;
      if (!form) {
        usable = false;
        break;
      }
      if (form.lo !== undefined && form.lo > numbers.lo) numbers.lo = form.lo;
      if (form.hi !== undefined && form.hi < numbers.hi) numbers.hi = form.hi;
      if (form.oneOf) numbers.sets.push(form.oneOf);
      if (form.maxBytes !== undefined && form.maxBytes < text.maxBytes) text.maxBytes = form.maxBytes;
      if (form.noNul) text.noNul = true;
      if (form.pattern) text.patterns.push(form.pattern);
      if (form.textLo !== undefined && (text.lo === null || form.textLo > text.lo.text)) text.lo = bound(form.textLo);
      if (form.textHi !== undefined && (text.hi === null || form.textHi < text.hi.text)) text.hi = bound(form.textHi);
      if (form.oneOfText) text.oneOf.push({ set: form.oneOfText, byHash: allowedBytes(form.oneOfText) });
      if (Object.keys(form).length > 0) demands = true;
    }
    const numeric = chk.kind === 'number' || chk.kind === 'bigint';
    this.numbers = usable && numeric ? numbers : undefined;
    // A text key is confirmed on its values (key-check.ts), so a key column of text takes the per-value path.
    this.text = usable && chk.kind === 'string' && !chk.keys ? text : undefined;
    this.booleans = usable && !demands && chk.kind === 'boolean';
  }

  /** Booleans of a unit (values[r] 1 or 0; valid[r] === 0: NULL, `nulls` of them), as profileBooleans and addKeys count them. */
  checkBooleans(values: Uint8Array, valid: Uint8Array | null, n: number, nulls: number, base: number): boolean {
    if (!this.booleans || (nulls > 0 && !this.nullsPass)) return false;
    let t = 0;
    let f = 0;
    for (let row = 0; row < n; row++) {
      if (valid !== null && valid[row] === 0) continue;
      if (values[row] === 1) t++;
      else f++;
    }
    const s = this.chk.stats;
    s.trues += t;
    s.falses += f;
    if (t > 0) s.hll.add(hashNumber(1));
    if (f > 0) s.hll.add(hashNumber(0));
    const keys = this.chk.keys;
    if (keys) {
      for (let row = 0; row < n; row++) {
        if (valid !== null && valid[row] === 0) continue;
        encodeNumber(values[row]);
        keys.add(KEY[0], KEY[1], base + row);
      }
    }
    this.commit(n, nulls);
    return true;
  }

  /**
   * Canonical numbers of a unit (a decimal's unscaled integer; exact integers below 2^53 for bigint and
   * decimal columns); rows with valid[r] === 0 are NULL (`nulls` of them). `base`: the ordinal of row 0.
   */
  checkNumbers(values: Float64Array, valid: Uint8Array | null, n: number, nulls: number, base: number): boolean {
    const d = this.numbers;
    if (!d || (nulls > 0 && !this.nullsPass)) return false;
    const { lo, hi, sets } = d;
    const chk = this.chk;
    const big = chk.kind === 'bigint';
    const hll = chk.stats.hll;
    let min = Infinity;
    let max = -Infinity;
    for (let row = 0; row < n; row++) {
      if (valid !== null && valid[row] === 0) continue;
      const v = values[row];
      if (v < lo || v > hi) return false;
      for (let k = 0; k < sets.length; k++) if (!sets[k].has(v)) return false;
      if (v < min) min = v;
      if (v > max) max = v;
      if (big) {
        // hashBigint: encodeBigint's words of the integer.
        const h = Math.floor(v / TWO32);
        hll.add(hash64((h ^ 0x80000000) >>> 0, v - h * TWO32));
      } else hll.add(hashNumber(v));
    }
    const s = chk.stats;
    if (min !== Infinity) {
      if (big) {
        const bmin = BigInt(min);
        const bmax = BigInt(max);
        if (s.bigMin === null || bmin < s.bigMin) s.bigMin = bmin;
        if (s.bigMax === null || bmax > s.bigMax) s.bigMax = bmax;
      } else {
        if (min < s.numMin) s.numMin = min;
        if (max > s.numMax) s.numMax = max;
      }
    }
    const keys = chk.keys;
    if (keys && chk.column.type.kind === 'decimal' && chk.column.type.precision > 18) {
      // A decimal(p > 18) key is compared as its unscaled digits, as addKeys does (String of a safe integer: its digits).
      for (let row = 0; row < n; row++) if (valid === null || valid[row] !== 0) keys.addText(String(values[row]), base + row);
    } else if (keys) {
      for (let row = 0; row < n; row++) {
        if (valid !== null && valid[row] === 0) continue;
        if (big) keyOf(values[row]);
        else encodeNumber(values[row]);
        keys.add(KEY[0], KEY[1], base + row);
      }
    }
    this.commit(n, nulls);
    return true;
  }

  /**
   * UTF-8 text of a unit (`nulls` rows NULL); `classes`: the caller's byte classes, filled on the way. The
   * ordinal of row 0 (`_base`) is unused: a key column of text never takes this path.
   */
  checkText(col: TextValues, nulls: number, _base: number, classes?: ByteClasses): boolean {
    const d = this.text;
    if (!d || (nulls > 0 && !this.nullsPass)) return false;
    const n = col.rows;
    const { data, offsets, lengths, valid } = col;
    const { maxBytes, noNul, patterns, lo, hi, oneOf, charOnly } = d;
    const { table, wordTest } = classes ? this.classTable(classes.table) : OWN;
    const { x1, x2, always } = wordTest;
    const marks = classes ? classes.out : null;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const chk = this.chk;
    const hll = chk.stats.hll;
    let minO = -1;
    let minL = 0;
    let maxO = -1;
    let maxL = 0;
    let minF = -1;
    let maxF = -1;
    let widest = 0;
    for (let row = 0; row < n; row++) {
      if (valid !== null && valid[row] === 0) continue;
      const o = offsets[row];
      const len = lengths[row];
      if (len > maxBytes) return false;
      // murmur3_32 of the bytes, four per round (hashText's hash), each word tested for classed bytes (WordTest).
      let h = TEXT_SEED;
      let flags = 0;
      let suspect = always;
      const quads = o + (len & ~3);
      let i = o;
      for (; i < quads; i += 4) {
        const w = view.getInt32(i, true);
        const p = w ^ x1;
        const q = w ^ x2;
        suspect |= ((w - 0x20202020) & ~w) | ((p - 0x01010101) & ~p) | ((q - 0x01010101) & ~q) | w;
        h = murmurRound(h, w);
      }
      if ((suspect & 0x80808080) !== 0) for (let j = o; j < quads; j++) flags |= table[data[j]];
      const end = o + len;
      if (i < end) {
        let k = 0;
        for (let shift = 0; i < end; i++, shift += 8) {
          const a = data[i];
          flags |= table[a];
          k |= a << shift;
        }
        h = murmurTail(h, k);
      }
      if (noNul && flags & NUL) return false;
      if (charOnly && ((flags & NON_ASCII) !== 0 || (len > 0 && data[o + len - 1] === BLANK))) return false;
      const hash = fmix32(h ^ len);
      let text: string | undefined;
      if (flags & NON_ASCII) {
        text = decodeUtf8(data.subarray(o, o + len));
        if (text === undefined) return false; // not UTF-8: the per-value path says what the reader says
      }
      if (text === undefined) {
        if (lo !== null && compareAscii(data, o, len, lo.bytes) < 0) return false;
        if (hi !== null && compareAscii(data, o, len, hi.bytes) > 0) return false;
        for (let k = 0; k < oneOf.length; k++) {
          const candidates = oneOf[k].byHash.get(hash);
          if (candidates === undefined) return false;
          let found = false;
          for (let c = 0; c < candidates.length && !found; c++) found = sameBytes(data, o, len, candidates[c]);
          if (!found) return false;
        }
      } else {
        if ((lo !== null && text < lo.text) || (hi !== null && text > hi.text)) return false;
        for (let k = 0; k < oneOf.length; k++) if (!oneOf[k].set.has(text)) return false;
      }
      for (let k = 0; k < patterns.length; k++) {
        const { match, masks } = patterns[k];
        if (text === undefined && masks !== undefined) {
          if (len * 4 !== masks.length) return false;
          for (let c = 0, m = 0; c < len; c++, m += 4) {
            const ch = data[o + c];
            if (((masks[m + (ch >>> 5)] >>> (ch & 31)) & 1) === 0) return false;
          }
        } else if (!match(text ?? utf8.decode(data.subarray(o, o + len)))) return false;
      }
      hll.add(hash);
      if (len > widest) widest = len;
      // Extremes: the first bytes decide most comparisons (not between two lead bytes >= EE: see compareText).
      const f = len > 0 ? data[o] : -1;
      if (minO < 0) {
        minO = maxO = o;
        minL = maxL = len;
        minF = maxF = f;
      } else {
        const toMin = f !== minF && (f < 0xee || minF < 0xee) ? f - minF : compareText(view, data, o, len, minO, minL);
        if (toMin < 0) {
          minO = o;
          minL = len;
          minF = f;
        }
        const toMax = f !== maxF && (f < 0xee || maxF < 0xee) ? f - maxF : compareText(view, data, o, len, maxO, maxL);
        if (toMax > 0) {
          maxO = o;
          maxL = len;
          maxF = f;
        }
      }
      if (marks !== null) marks[row] = flags & CALLER_CLASS_BITS;
    }
    const s = chk.stats;
    if (minO >= 0) {
      const lo = utf8.decode(data.subarray(minO, minO + minL));
      const hi = utf8.decode(data.subarray(maxO, maxO + maxL));
      if (s.strMin === null || lo < s.strMin) s.strMin = lo;
      if (s.strMax === null || hi > s.strMax) s.strMax = hi;
    }
    if (widest > s.maxBytes) s.maxBytes = widest;
    this.commit(n, nulls);
    return true;
  }

  /** The caller's classes with this module's own bits added (built once per caller table). */
  private classTable(from: Uint8Array): Classes {
    if (this.classes?.from !== from) {
      const table = new Uint8Array(256);
      for (let c = 0; c < 256; c++) table[c] = (from[c] & CALLER_CLASS_BITS) | OWN_CLASSES[c];
      this.classes = { from, table, wordTest: wordTestOf(table) };
    }
    return this.classes;
  }
}

/** The words of a safe integer as encodeBigint writes them, into KEY. */
function keyOf(v: number): void {
  const hi = Math.floor(v / TWO32);
  KEY[0] = (hi ^ 0x80000000) >>> 0;
  KEY[1] = v - hi * TWO32;
}

/** Compares two UTF-8 values as JS compares the strings (UTF-16 code units). */
function compareText(view: DataView, data: Uint8Array, ao: number, al: number, bo: number, bl: number): number {
  const m = al < bl ? al : bl;
  let i = 0;
  // Equal prefixes four bytes at a time (big-endian words compare like their bytes).
  while (i + 4 <= m && view.getUint32(ao + i) === view.getUint32(bo + i)) i += 4;
  for (; i < m; i++) {
    const a = data[ao + i];
    const b = data[bo + i];
    if (a === b) continue;
    // UTF-8 byte order is code point order; UTF-16 order differs only between U+E000–U+FFFF and
    // supplementary characters (lead bytes EE/EF and F0–F4): compare those as strings.
    if (a >= 0xee && b >= 0xee) {
      const x = utf8.decode(data.subarray(ao, ao + al));
      const y = utf8.decode(data.subarray(bo, bo + bl));
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return a - b;
  }
  return al - bl;
}
