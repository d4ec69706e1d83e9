/**
 * The byte-level path of the partition pass: a contract column's cells built straight from the decoded
 * Parquet column (typed arrays, UTF-8 bytes), and checked by data quality's byte-level check
 * (data-quality/byte-level.ts) with exactly the evaluator's semantics but no JS value per cell. A column
 * is taken here only when every value in it converts exactly and the check vouches for it; otherwise
 * the column goes back to the evaluator's own per-value path (observeColumn), which reports it.
 * Failures are rare, so the exact per-value path costs nothing in the common case.
 */
import type { ByteLevelColumnCheck, QualityEvaluator } from '../../data-quality/index.ts';
import type { BytesColumn, DecodedColumn } from '../readers/parquet-pages.ts';
import { isCharacterType } from '../../datasets/index.ts';
import { DELIMITER_BYTE, NULL_MARKER_BYTES, QUOTE_BYTE } from '../../core/csv-dialect.ts';

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
  const chk = ev.byteLevel(ci);
  const n = col.rows;
  if (col.nulls > 0 && !chk.nullsPass) return null;
  const t = ev.contract.columns[ci].type;
  let cells: Cells | null = null;
  if ((t.kind === 'bigint' || t.kind === 'integer' || t.kind === 'smallint') && source.kind === 'int' && (col.physical === 'INT32' || col.physical === 'INT64')) {
    cells = integers(col, scratch.numbers(n));
  } else if (t.kind === 'decimal' && t.precision <= 18) {
    if (source.kind === 'decimal' && source.scale === t.scale && (col.physical === 'INT32' || col.physical === 'INT64')) {
      cells = decimalsFromIntegers(col, t.scale, scratch.numbers(n));
    } else if (source.kind === 'double' && col.physical === 'DOUBLE' && t.precision <= 15) {
      cells = decimalsFromDoubles(col.values, col.valid, n, t.precision, t.scale, scratch.numbers(n));
    }
  } else if (isCharacterType(t) && source.kind === 'text' && col.physical === 'BYTE_ARRAY') {
    return texts(chk, col, base, scratch.flags(n));
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
