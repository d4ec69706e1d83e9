/**
 * The byte-level path of the partition pass: a contract column's cells built straight from the decoded
 * Parquet column (typed arrays, UTF-8 bytes), and checked by data quality's byte-level check
 * (data-quality/byte-level.ts) with exactly the evaluator's semantics but no JS value per cell. A column
 * is taken here only when every value in it converts exactly and the check vouches for it; otherwise
 * the column goes back to the evaluator's own per-value path (observeColumn), which reports it.
 * Failures are rare, so the exact per-value path costs nothing in the common case.
 */
import type { ByteLevelColumnCheck, QualityEvaluator } from '../../data-quality/index.ts';
import type { BytesColumn, DecodedColumn, Int32Column, Int64Column, Int96Column } from '../readers/parquet-pages.ts';
import { isCharacterType } from '../../datasets/index.ts';
import { DELIMITER_BYTE, NULL_MARKER_BYTES, QUOTE_BYTE } from '../../core/csv-dialect.ts';
import { unscaledSafe } from './decimal-bytes.ts';
import { MAX_DAY, MILLIS, MICROS, MIN_DAY, NANOS, writeDate, writeTimestamp64, writeTimestamp96, type DayDivisor } from './temporal-bytes.ts';

/** How the partitioner reads a Parquet column (from its physical and logical type), when it can. */
export type FastSource =
  | { kind: 'int'; physical: 'INT32' | 'INT64' }
  /** The unscaled integer: INT32, INT64, or big-endian two's complement bytes (FIXED_LEN_BYTE_ARRAY, BYTE_ARRAY). */
  | { kind: 'decimal'; physical: 'INT32' | 'INT64' | 'FIXED_LEN_BYTE_ARRAY' | 'BYTE_ARRAY'; scale: number }
  | { kind: 'double' }
  | { kind: 'text'; strict: boolean }
  /** INT32 days since 1970-01-01 (DATE). */
  | { kind: 'date' }
  /** INT64 in a unit since 1970-01-01 00:00:00 (TIMESTAMP, either isAdjustedToUTC), or INT96. */
  | { kind: 'timestamp'; unit: 'MILLIS' | 'MICROS' | 'NANOS' | 'INT96' }
  | { kind: 'boolean' };

/** Cells of one contract column of a unit, ready for the CSV writer. */
export type Cells =
  | { kind: 'int'; values: Float64Array; valid: Uint8Array | null }
  | { kind: 'decimal'; values: Float64Array; valid: Uint8Array | null; scale: number }
  | { kind: 'text'; data: Uint8Array; offsets: Int32Array; lengths: Int32Array; quote: Uint8Array; valid: Uint8Array | null; maxLength: number }
  | { kind: 'bool'; values: Uint8Array; valid: Uint8Array | null }
  | { kind: 'generic'; texts: string[]; maxLength: number };

const TWO32 = 4294967296;
/** Largest high word of a safe integer (|v| < 2^53). */
const SAFE_HI = 0x200000;

/** The default NULL marker's two bytes (`\\N`): a value equal to it is quoted, as csvField does. */
const [MARKER_0, MARKER_1] = NULL_MARKER_BYTES;

/** Byte classes for the byte-level check to OR per value: 1 = needs CSV quotes (| " CR LF). */
const CLASS = (() => {
  const t = new Uint8Array(256);
  for (const c of [DELIMITER_BYTE, QUOTE_BYTE, 0x0d, 0x0a]) t[c] = 1;
  return t;
})();

/** Reusable per-column buffers of the cells (a worker checks the same column of many units). */
export class CellScratch {
  values = new Float64Array(0);
  quote = new Uint8Array(0);
  /** Dates and timestamps as canonical text: the bytes, and each row's offset and length in them. */
  text = new Uint8Array(0);
  offsets = new Int32Array(0);
  lengths = new Int32Array(0);
  /** Dates: where each distinct day of a unit was written (day - first day), -1 when not yet. */
  days = new Int32Array(0);
  numbers(n: number): Float64Array {
    if (this.values.length < n) this.values = new Float64Array(Math.max(n, Math.ceil(this.values.length * 1.25)));
    return this.values.subarray(0, n);
  }
  flags(n: number): Uint8Array {
    if (this.quote.length < n) this.quote = new Uint8Array(Math.max(n, Math.ceil(this.quote.length * 1.25)));
    return this.quote.subarray(0, n);
  }
  /** Offsets and lengths for n rows, and text bytes for at least `bytes`. */
  texts(n: number, bytes: number): void {
    if (this.offsets.length < n) {
      const k = Math.max(n, Math.ceil(this.offsets.length * 1.25));
      this.offsets = new Int32Array(k);
      this.lengths = new Int32Array(k);
    }
    if (this.text.length < bytes) this.text = new Uint8Array(Math.max(bytes, Math.ceil(this.text.length * 1.25)));
  }
}

const UNITS: Record<'MILLIS' | 'MICROS' | 'NANOS', DayDivisor> = { MILLIS, MICROS, NANOS };

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
  const chk = ev.byteLevel(ci);
  const n = col.rows;
  if (col.nulls > 0 && !chk.nullsPass) return null;
  const t = ev.contract.columns[ci].type;
  let cells: Cells | null = null;
  if ((t.kind === 'bigint' || t.kind === 'integer' || t.kind === 'smallint') && source.kind === 'int' && (col.physical === 'INT32' || col.physical === 'INT64')) {
    cells = integers(col, scratch.numbers(n));
  } else if (t.kind === 'decimal' && t.scale <= 18) {
    // Any precision: the cells hold safe integers only (|v| < 2^53, at most 16 digits), a wider value sends the
    // column per value (exact BigInt text); csv-bytes writes up to 18 places.
    if (source.kind === 'decimal' && source.scale === t.scale && (col.physical === 'INT32' || col.physical === 'INT64')) {
      cells = decimalsFromIntegers(col, t.scale, scratch.numbers(n));
    } else if (source.kind === 'decimal' && source.scale === t.scale && (col.physical === 'FIXED_LEN_BYTE_ARRAY' || col.physical === 'BYTE_ARRAY')) {
      cells = decimalsFromBytes(col, t.scale, scratch.numbers(n));
    } else if (source.kind === 'double' && col.physical === 'DOUBLE' && t.precision <= 15) {
      cells = decimalsFromDoubles(col.values, col.valid, n, t.precision, t.scale, scratch.numbers(n));
    }
  } else if (isCharacterType(t) && source.kind === 'text' && col.physical === 'BYTE_ARRAY') {
    return texts(chk, col, base, scratch.flags(n));
  } else if (t.kind === 'date' && source.kind === 'date' && col.physical === 'INT32') {
    return temporal(chk, dates(col, scratch), col, base, scratch);
  } else if (t.kind === 'timestamp' && source.kind === 'timestamp') {
    if (source.unit === 'INT96' && col.physical === 'INT96') return temporal(chk, timestamps96(col, scratch), col, base, scratch);
    if (source.unit !== 'INT96' && col.physical === 'INT64') return temporal(chk, timestamps64(col, UNITS[source.unit], scratch), col, base, scratch);
    return null;
  } else if (t.kind === 'boolean' && source.kind === 'boolean' && col.physical === 'BOOLEAN') {
    return chk.checkBooleans(col.values, col.valid, n, col.nulls, base) ? { kind: 'bool', values: col.values, valid: col.valid } : null;
  }
  // Only the number cells are left: the byte-level check vouches for them, or the column goes per value.
  return cells && (cells.kind === 'int' || cells.kind === 'decimal') && chk.checkNumbers(cells.values, cells.valid, n, col.nulls, base) ? cells : null;
}

/** A column of INT32 or INT64 values as safe integers; null when one is beyond 2^53. */
function integers(col: DecodedColumn, values: Float64Array): Cells | null {
  const n = col.rows;
  const valid = col.valid;
  const i32 = col.physical === 'INT32' ? col.values : null;
  const words = col.physical === 'INT64' ? col.words : null;
  for (let row = 0; row < n; row++) {
    if (valid !== null && valid[row] === 0) continue;
    if (i32 !== null) {
      values[row] = i32[row];
    } else {
      const wlo = words![2 * row];
      const whi = words![2 * row + 1];
      if (whi < -SAFE_HI || whi >= SAFE_HI) return null;
      values[row] = whi * TWO32 + (wlo >>> 0);
    }
  }
  return { kind: 'int', values, valid };
}

function decimalsFromIntegers(col: DecodedColumn, scale: number, values: Float64Array): Cells | null {
  const cells = integers(col, values);
  return cells && { kind: 'decimal', values, valid: col.valid, scale };
}

/** Decimals stored as bytes, as safe integers; null when one is not (the column then goes per value, exactly). */
function decimalsFromBytes(col: BytesColumn, scale: number, values: Float64Array): Cells | null {
  const { data, offsets, lengths, valid } = col;
  for (let row = 0; row < col.rows; row++) {
    if (valid !== null && valid[row] === 0) continue;
    const v = unscaledSafe(data, offsets[row], lengths[row]);
    if (v !== v) return null; // NaN: beyond 2^53
    values[row] = v;
  }
  return { kind: 'decimal', values, valid, scale };
}

function decimalsFromDoubles(doubles: Float64Array, valid: Uint8Array | null, n: number, precision: number, scale: number, values: Float64Array): Cells | null {
  const factor = 10 ** scale;
  const limit = 10 ** precision;
  for (let row = 0; row < n; row++) {
    if (valid !== null && valid[row] === 0) continue;
    const d = doubles[row];
    // decimalCoercer's exact fast path for doubles: round(v * 10^s) / 10^s gives v back.
    const v = Math.round(d * factor);
    if (!(v / factor === d && Math.abs(v) < limit)) return null;
    values[row] = v + 0; // -0 is the decimal 0
  }
  return { kind: 'decimal', values, valid, scale };
}

function texts(chk: ByteLevelColumnCheck, col: BytesColumn, base: number, quote: Uint8Array): Cells | null {
  const n = col.rows;
  const { data, offsets, lengths, valid } = col;
  if (!chk.checkText(col, col.nulls, base, { table: CLASS, out: quote })) return null;
  let maxLength = 0;
  for (let row = 0; row < n; row++) {
    const len = lengths[row];
    if (len > maxLength) maxLength = len;
    if (valid !== null && valid[row] === 0) continue;
    const o = offsets[row];
    quote[row] |= (len === 0 ? 1 : 0) | (len === 2 && data[o] === MARKER_0 && data[o + 1] === MARKER_1 ? 1 : 0);
  }
  return { kind: 'text', data, offsets, lengths, quote, valid, maxLength };
}

/**
 * Checks date or timestamp text cells (canonical text, ASCII: never quoted) with the text check; `written`
 * false when a value has no exact canonical text (the column then goes per value, which refuses it).
 */
function temporal(chk: ByteLevelColumnCheck, written: boolean, col: DecodedColumn, base: number, scratch: CellScratch): Cells | null {
  if (!written) return null;
  const n = col.rows;
  const cells = { rows: n, data: scratch.text, offsets: scratch.offsets.subarray(0, n), lengths: scratch.lengths.subarray(0, n), valid: col.valid };
  if (!chk.checkText(cells, col.nulls, base)) return null;
  let maxLength = 0;
  for (let row = 0; row < n; row++) if (cells.lengths[row] > maxLength) maxLength = cells.lengths[row];
  return { kind: 'text', ...cells, quote: scratch.flags(n).fill(0), maxLength };
}

/** Days since 1970-01-01 as `YYYY-MM-DD`: each distinct day is written once per unit, rows point at it. */
function dates(col: Int32Column, scratch: CellScratch): boolean {
  const n = col.rows;
  const { values, valid } = col;
  let lo = Infinity;
  let hi = -Infinity;
  for (let row = 0; row < n; row++) {
    if (valid !== null && valid[row] === 0) continue;
    const d = values[row];
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  if (lo < MIN_DAY || hi > MAX_DAY) return false;
  const span = hi === -Infinity ? 0 : hi - lo + 1;
  // One slot per day of the unit's span when it is small (dates cluster), else one per row.
  const perDay = span <= 4 * n + 1024;
  scratch.texts(n, 10 * (perDay ? Math.min(span, n) : n));
  if (perDay) {
    if (scratch.days.length < span) scratch.days = new Int32Array(Math.max(span, Math.ceil(scratch.days.length * 1.25)));
    scratch.days.fill(-1, 0, span);
  }
  const { text, offsets, lengths, days } = scratch;
  let pos = 0;
  for (let row = 0; row < n; row++) {
    lengths[row] = 10;
    if (valid !== null && valid[row] === 0) {
      offsets[row] = 0;
      continue;
    }
    const d = values[row];
    if (perDay) {
      let at = days[d - lo];
      if (at < 0) {
        at = days[d - lo] = pos;
        pos = writeDate(text, pos, d);
      }
      offsets[row] = at;
    } else {
      offsets[row] = pos;
      pos = writeDate(text, pos, d);
    }
  }
  return true;
}

/** The longest canonical timestamp: `YYYY-MM-DD HH:MM:SS.ffffff`. */
const TIMESTAMP_BYTES = 26;

function timestamps64(col: Int64Column, unit: DayDivisor, scratch: CellScratch): boolean {
  const words = col.words;
  return writeTimestamps(col.rows, col.valid, scratch, (buf, pos, row) => writeTimestamp64(buf, pos, words[2 * row], words[2 * row + 1], unit));
}

function timestamps96(col: Int96Column, scratch: CellScratch): boolean {
  const words = col.words;
  return writeTimestamps(col.rows, col.valid, scratch, (buf, pos, row) => writeTimestamp96(buf, pos, words[3 * row], words[3 * row + 1], words[3 * row + 2]));
}

/** Timestamp text cells into the scratch, one `write` per non-NULL row; false when a value has no exact text. */
function writeTimestamps(n: number, valid: Uint8Array | null, scratch: CellScratch, write: (buf: Uint8Array, pos: number, row: number) => number): boolean {
  scratch.texts(n, TIMESTAMP_BYTES * n);
  const { text, offsets, lengths } = scratch;
  let pos = 0;
  for (let row = 0; row < n; row++) {
    offsets[row] = pos;
    if (valid !== null && valid[row] === 0) {
      lengths[row] = 0;
      continue;
    }
    const end = write(text, pos, row);
    if (end < 0) return false;
    lengths[row] = end - pos;
    pos = end;
  }
  return true;
}
