/**
 * The byte-level path of the quality pass: a contract column checked straight from the decoded Parquet
 * column (typed arrays, UTF-8 bytes), with exactly the evaluator's semantics — the same canonical values,
 * statistics, hashes and keys — but no JS value per cell. A column is taken here only when every value
 * in it is loadable and breaks no rule; at the first value that would need a sample (a failure of any
 * rule) the column goes back to the evaluator's own per-value path (observeColumn), which reports it.
 * Failures are rare, so the exact per-value path costs nothing in the common case.
 */
import type { RedshiftType } from '../../datasets/index.ts';
import type { Canonical } from '../../data-quality/coerce.ts';
import type { ColumnCheck, QualityEvaluator } from '../../data-quality/evaluator.ts';
import { encodeNumber, encodeString, fmix32, hash64, hashText, KEY, keyFromState, TEXT } from '../../data-quality/hash.ts';
import { fixedMasks } from '../../data-quality/pattern.ts';
import type { RuleState } from '../../data-quality/rules.ts';
import type { BytesColumn, DecodedColumn } from '../readers/parquet-pages.ts';

/** How the partitioner reads a Parquet column (from its physical and logical type), when it can. */
export type FastSource =
  | { kind: 'int'; physical: 'INT32' | 'INT64' }
  | { kind: 'decimal'; physical: 'INT32' | 'INT64'; scale: number }
  | { kind: 'double' }
  | { kind: 'text'; strict: boolean };

/** Cells of one contract column of a unit, ready for the CSV writer. */
export type Cells =
  | { kind: 'int'; values: Float64Array; valid: Uint8Array | null }
  | { kind: 'decimal'; values: Float64Array; valid: Uint8Array | null; scale: number }
  | { kind: 'text'; data: Uint8Array; offsets: Int32Array; lengths: Int32Array; quote: Uint8Array; valid: Uint8Array | null; maxLength: number }
  | { kind: 'generic'; texts: string[]; maxLength: number };

const TWO32 = 4294967296;
/** Largest high word of a safe integer (|v| < 2^53). */
const SAFE_HI = 0x200000;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Byte classes: 1 = needs CSV quotes (| " CR LF), 2 = NUL, 4 = not ASCII. */
const CLASS = (() => {
  const t = new Uint8Array(256);
  for (const c of [0x7c, 0x22, 0x0d, 0x0a]) t[c] = 1;
  t[0] = 2;
  for (let c = 0x80; c < 256; c++) t[c] = 4;
  return t;
})();

function numberBounds(rules: RuleState[]): Array<[number, number]> {
  return rules.map((r) => [r.min === undefined ? -Infinity : Number(r.min), r.max === undefined ? Infinity : Number(r.max)]);
}

interface Range {
  lo: number;
  hi: number;
}

/** The integer range of a contract type, for values already known to be integers. */
function typeRange(t: RedshiftType): Range {
  switch (t.kind) {
    case 'smallint': return { lo: -32768, hi: 32767 };
    case 'integer': return { lo: -2147483648, hi: 2147483647 };
    default: return { lo: -Infinity, hi: Infinity };
  }
}

/** Reusable per-column buffers of the cells (a worker checks the same column of many units). */
export class CellScratch {
  values = new Float64Array(0);
  quote = new Uint8Array(0);
  numbers(n: number): Float64Array {
    if (this.values.length < n) this.values = new Float64Array(Math.max(n, Math.ceil(this.values.length * 1.25)));
    return this.values.subarray(0, n);
  }
  flags(n: number): Uint8Array {
    if (this.quote.length < n) this.quote = new Uint8Array(Math.max(n, Math.ceil(this.quote.length * 1.25)));
    return this.quote.subarray(0, n);
  }
}

/**
 * Checks contract column `ci` from a decoded column and commits it to the evaluator; null when the column
 * must take the evaluator's per-value path (a value breaks a rule, or is outside what this path covers).
 */
export function checkFast(
  ev: QualityEvaluator,
  ci: number,
  source: FastSource,
  col: DecodedColumn,
  base: number,
  scratch: CellScratch = new CellScratch(),
): Cells | null {
  const chk = ev.columnCheck(ci);
  const n = col.rows;
  if (col.nulls > 0 && !chk.nullsPass) return null;
  const t = chk.column.type;
  let cells: Cells | null = null;
  if ((t.kind === 'bigint' || t.kind === 'integer' || t.kind === 'smallint') && source.kind === 'int' && (col.physical === 'INT32' || col.physical === 'INT64')) {
    cells = integers(chk, col, t.kind === 'bigint', typeRange(t), base, scratch.numbers(n));
  } else if (t.kind === 'decimal' && t.precision <= 18) {
    if (source.kind === 'decimal' && source.scale === t.scale && (col.physical === 'INT32' || col.physical === 'INT64')) {
      cells = decimalsFromIntegers(chk, col, t.precision, t.scale, base, scratch.numbers(n));
    } else if (source.kind === 'double' && col.physical === 'DOUBLE' && t.precision <= 15) {
      cells = decimalsFromDoubles(chk, col.values, col.valid, n, t.precision, t.scale, base, scratch.numbers(n));
    }
  } else if ((t.kind === 'varchar' || t.kind === 'char') && source.kind === 'text' && col.physical === 'BYTE_ARRAY') {
    cells = texts(chk, col, base, scratch.flags(n));
  }
  if (cells) ev.commitClean(ci, n, col.nulls);
  return cells;
}

/** The low and high words of a safe integer, as encodeBigint sees them. */
function keyOf(v: number): void {
  const hi = Math.floor(v / TWO32);
  KEY[0] = (hi ^ 0x80000000) >>> 0;
  KEY[1] = v - hi * TWO32;
}

function integers(chk: ColumnCheck, col: DecodedColumn, big: boolean, range: Range, base: number, values: Float64Array): Cells | null {
  const n = col.rows;
  const valid = col.valid;
  const r = chk.rules;
  if (big && r.allowed.length > 0) return null;
  const bounds = numberBounds(r.ranges);
  const allowed = r.allowed.map((a) => a.allowed as Set<Canonical>);
  const i32 = col.physical === 'INT32' ? col.values : null;
  const words = col.physical === 'INT64' ? col.words : null;
  const hll = chk.stats.hll;
  let min = Infinity;
  let max = -Infinity;
  for (let row = 0; row < n; row++) {
    if (valid !== null && valid[row] === 0) continue;
    let v: number;
    let whi: number;
    let wlo: number;
    if (i32 !== null) {
      v = i32[row];
      wlo = v;
      whi = v >> 31;
    } else {
      wlo = words![2 * row];
      whi = words![2 * row + 1];
      if (whi < -SAFE_HI || whi >= SAFE_HI) return null;
      v = whi * TWO32 + (wlo >>> 0);
    }
    if (v < range.lo || v > range.hi) return null;
    for (let k = 0; k < bounds.length; k++) if (v < bounds[k][0] || v > bounds[k][1]) return null;
    for (let k = 0; k < allowed.length; k++) if (!allowed[k].has(v)) return null;
    values[row] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    // hashBigint: encodeBigint's words; hashNumber: an int32 takes the short way.
    hll.add(big ? hash64((whi ^ 0x80000000) >>> 0, wlo >>> 0) : fmix32(v ^ 0x27d4eb2f));
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
  if (keys) {
    for (let row = 0; row < n; row++) {
      if (valid !== null && valid[row] === 0) continue;
      if (big) keyOf(values[row]);
      else encodeNumber(values[row]);
      keys.add(KEY[0], KEY[1], base + row);
    }
  }
  return { kind: 'int', values, valid };
}

function commitUnscaled(chk: ColumnCheck, values: Float64Array, valid: Uint8Array | null, n: number, min: number, max: number, base: number): void {
  const s = chk.stats;
  if (min !== Infinity) {
    const bmin = BigInt(min);
    const bmax = BigInt(max);
    if (s.bigMin === null || bmin < s.bigMin) s.bigMin = bmin;
    if (s.bigMax === null || bmax > s.bigMax) s.bigMax = bmax;
  }
  const keys = chk.keys;
  if (keys) {
    for (let row = 0; row < n; row++) {
      if (valid !== null && valid[row] === 0) continue;
      keyOf(values[row]);
      keys.add(KEY[0], KEY[1], base + row);
    }
  }
}

function decimalsFromIntegers(chk: ColumnCheck, col: DecodedColumn, precision: number, scale: number, base: number, values: Float64Array): Cells | null {
  const n = col.rows;
  const valid = col.valid;
  const r = chk.rules;
  if (r.allowed.length > 0) return null;
  const bounds = numberBounds(r.ranges);
  const limit = 10 ** precision;
  const i32 = col.physical === 'INT32' ? col.values : null;
  const words = col.physical === 'INT64' ? col.words : null;
  const hll = chk.stats.hll;
  let min = Infinity;
  let max = -Infinity;
  for (let row = 0; row < n; row++) {
    if (valid !== null && valid[row] === 0) continue;
    let v: number;
    let whi: number;
    let wlo: number;
    if (i32 !== null) {
      v = i32[row];
      wlo = v;
      whi = v >> 31;
    } else {
      wlo = words![2 * row];
      whi = words![2 * row + 1];
      if (whi < -SAFE_HI || whi >= SAFE_HI) return null;
      v = whi * TWO32 + (wlo >>> 0);
    }
    if (v >= limit || v <= -limit) return null;
    for (let k = 0; k < bounds.length; k++) if (v < bounds[k][0] || v > bounds[k][1]) return null;
    values[row] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    hll.add(hash64((whi ^ 0x80000000) >>> 0, wlo >>> 0));
  }
  commitUnscaled(chk, values, valid, n, min, max, base);
  return { kind: 'decimal', values, valid, scale };
}

function decimalsFromDoubles(
  chk: ColumnCheck, doubles: Float64Array, valid: Uint8Array | null, n: number, precision: number, scale: number, base: number,
  values: Float64Array,
): Cells | null {
  const r = chk.rules;
  if (r.allowed.length > 0) return null;
  const bounds = numberBounds(r.ranges);
  const factor = 10 ** scale;
  const limit = 10 ** precision;
  const hll = chk.stats.hll;
  let min = Infinity;
  let max = -Infinity;
  for (let row = 0; row < n; row++) {
    if (valid !== null && valid[row] === 0) continue;
    const d = doubles[row];
    // decimalCoercer's exact fast path for doubles: round(v * 10^s) / 10^s gives v back.
    let v = Math.round(d * factor);
    if (!(v / factor === d && Math.abs(v) < limit)) return null;
    v += 0; // -0 is the decimal 0
    for (let k = 0; k < bounds.length; k++) if (v < bounds[k][0] || v > bounds[k][1]) return null;
    values[row] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    const hi = Math.floor(v / TWO32);
    hll.add(hash64((hi ^ 0x80000000) >>> 0, v - hi * TWO32));
  }
  commitUnscaled(chk, values, valid, n, min, max, base);
  return { kind: 'decimal', values, valid, scale };
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

/** encodeString (the 64-bit text key) over ASCII bytes, into KEY. */
function encodeAscii(data: Uint8Array, o: number, len: number): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = o; i < o + len; i++) {
    const c = data[i];
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  keyFromState(h1, h2);
}

function texts(chk: ColumnCheck, col: BytesColumn, base: number, quote: Uint8Array): Cells | null {
  const n = col.rows;
  const { data, offsets, lengths, valid } = col;
  const r = chk.rules;
  if (r.ranges.length > 0 || r.allowed.length > 0) return null;
  const t = chk.column.type as Extract<RedshiftType, { kind: 'varchar' | 'char' }>;
  const maxBytes = t.bytes === 'max' ? 65535 : t.bytes;
  const patterns = r.patterns.map((p) => ({ match: p.match!, masks: fixedMasks(p.pattern!) }));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const hll = chk.stats.hll;
  let minO = -1;
  let minL = 0;
  let maxO = -1;
  let maxL = 0;
  let minF = -1;
  let maxF = -1;
  let widest = 0;
  let nonAscii = false;
  for (let row = 0; row < n; row++) {
    if (valid !== null && valid[row] === 0) continue;
    const o = offsets[row];
    const len = lengths[row];
    if (len > maxBytes) return null;
    // murmur3_32 over pairs of code units (hashText), with the byte classes OR-ed in the same loop.
    let h = 0x9747b28c;
    let flags = 0;
    const even = o + (len & ~1);
    let i = o;
    for (; i < even; i += 2) {
      const a = data[i];
      const b = data[i + 1];
      flags |= CLASS[a] | CLASS[b];
      let k = Math.imul(a | (b << 16), 0xcc9e2d51);
      k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
      h ^= k;
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    if (i < o + len) {
      const a = data[i];
      flags |= CLASS[a];
      const k = Math.imul(a, 0xcc9e2d51);
      h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    }
    if (flags & 2) return null; // NUL
    let hash: number;
    let text: string | undefined;
    if (flags & 4) {
      text = utf8.decode(data.subarray(o, o + len)); // invalid UTF-8 throws: the caller re-reads the unit with hyparquet
      hash = hashText(text);
      if (TEXT.bytes !== len) return null;
      nonAscii = true;
    } else hash = fmix32(h ^ len);
    for (let k = 0; k < patterns.length; k++) {
      const { match, masks } = patterns[k];
      if (text === undefined && masks !== undefined) {
        if (len * 4 !== masks.length) return null;
        for (let c = 0, m = 0; c < len; c++, m += 4) {
          const ch = data[o + c];
          if (((masks[m + (ch >>> 5)] >>> (ch & 31)) & 1) === 0) return null;
        }
      } else if (!match(text ?? utf8.decode(data.subarray(o, o + len)))) return null;
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
    quote[row] = (flags & 1) | (len === 0 ? 1 : 0) | (len === 2 && data[o] === 0x5c && data[o + 1] === 0x4e ? 1 : 0);
  }
  const s = chk.stats;
  if (minO >= 0) {
    const lo = utf8.decode(data.subarray(minO, minO + minL));
    const hi = utf8.decode(data.subarray(maxO, maxO + maxL));
    if (s.strMin === null || lo < s.strMin) s.strMin = lo;
    if (s.strMax === null || hi > s.strMax) s.strMax = hi;
  }
  if (widest > s.maxBytes) s.maxBytes = widest;
  const keys = chk.keys;
  if (keys) {
    for (let row = 0; row < n; row++) {
      if (valid !== null && valid[row] === 0) continue;
      const o = offsets[row];
      const len = lengths[row];
      if (nonAscii) {
        // encodeString hashes UTF-16 code units: decode what is not ASCII.
        let ascii = true;
        for (let i = o; i < o + len; i++) if (data[i] >= 0x80) ascii = false;
        if (!ascii) {
          encodeString(utf8.decode(data.subarray(o, o + len)));
          keys.add(KEY[0], KEY[1], base + row);
          continue;
        }
      }
      encodeAscii(data, o, len);
      keys.add(KEY[0], KEY[1], base + row);
    }
  }
  let maxLength = 0;
  for (let row = 0; row < n; row++) if (lengths[row] > maxLength) maxLength = lengths[row];
  return { kind: 'text', data, offsets, lengths, quote, valid, maxLength };
}
