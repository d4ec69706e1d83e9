/**
 * A text range (delimited-ranges.ts: whole lines of a dialect without quotes, dbgen's `.tbl`) decoded at the
 * byte level into the typed columns the Parquet page decoder yields (parquet-pages.ts DecodedColumn), so the
 * partition pass checks and writes it with no JS value per cell:
 *
 *   int      `-?(0|[1-9][0-9]*)`, not `-0`, at most 19 digits and within INT64  -> INT64 words
 *   decimal  `-?(0|[1-9][0-9]*)(\.[0-9]{1,s})?`, not negative zero, fewer than p digits before the point
 *            than p - s allows -> the unscaled integer at the contract's scale s, INT64 words
 *   date     `YYYY-MM-DD`, a calendar date in 0001..9999                   -> INT32 days since 1970-01-01
 *   text     any field                                                      -> bytes pointing into the range (no copy)
 *
 * Each accepted spelling maps to exactly the value the per-value path gives the same text (data-quality/coerce.ts
 * toInteger and parseDecimal, core/temporal.ts parseDateText), so the output cannot differ. Anything else —
 * a `+`, a leading zero, blanks, an exponent, `1.`, `.5`, more places than the scale, an impossible date,
 * bytes that are not UTF-8, a CR that does not end a line, a line with another number of fields or without
 * its trailing delimiter, a field longer than the reader takes — DECLINES the whole range: the caller parses it
 * with RecordParser (parseTextRange), which keeps the exact values, errors and messages. A field equal to the
 * NULL marker is NULL (valid 0), as RecordParser makes it.
 */
import { isUtf8 } from 'node:buffer';
import { daysFromCivil, isCalendarDate } from '../../core/temporal.ts';
import type { BytesColumn, DecodedColumn, Int32Column, Int64Column } from './parquet-pages.ts';
import type { TextRange } from './delimited-ranges.ts';

/** How a field of the file is decoded: a contract type this module reads, or its bytes as they are. */
export type TextColumnPlan =
  | { kind: 'int' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'date' }
  | { kind: 'text' };

/** The range's rows as typed columns, or why the byte level declines it (a reason without a row: it is counted). */
export type TextColumns = { rows: number; columns: DecodedColumn[]; fields: BytesColumn[] } | { declined: string };

const LF = 0x0a;
const CR = 0x0d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const TWO32 = 4294967296;
/** Digits that always fit a double exactly (< 2^53). */
const SAFE_DIGITS = 15;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** RecordParser's default longest field, in characters (a field of more bytes may still be fewer characters: declined). */
const DEFAULT_MAX_FIELD = 4 * 1024 * 1024;

/** Buffers reused from range to range (a worker decodes many ranges of the same file). */
export class TextColumnScratch {
  offsets: Int32Array[] = [];
  lengths: Int32Array[] = [];
  valid: Uint8Array[] = [];
  words: Int32Array[] = [];
  days: Int32Array[] = [];
  capacity = 0;

  ensure(columns: number, rows: number): void {
    if (this.capacity >= rows && this.offsets.length >= columns) return;
    const k = Math.max(rows, Math.ceil(this.capacity * 1.25), 1024);
    this.offsets = Array.from({ length: columns }, () => new Int32Array(k));
    this.lengths = Array.from({ length: columns }, () => new Int32Array(k));
    this.valid = [];
    this.words = [];
    this.days = [];
    this.capacity = k;
  }
}

function grown<T extends Int32Array | Uint8Array>(list: T[], j: number, size: number, make: (n: number) => T): T {
  const have = list[j];
  if (have !== undefined && have.length >= size) return have;
  return (list[j] = make(size));
}

/** Lines of the range in the file's dialect: rows (at most the range's LFs + 1). */
function countLines(b: Uint8Array): number {
  let n = 1;
  for (let i = b.indexOf(LF); i >= 0; i = b.indexOf(LF, i + 1)) n++;
  return n;
}

/**
 * Decodes a range into one column per file column (r.names), as `plans` say. The range's bytes are the
 * text columns' data: the caller keeps the range while it uses them. `fields` holds every column's field bytes
 * (NULL marker rows not valid), whatever its plan: what the per-value path decodes when a column breaks a rule.
 */
export function decodeTextColumns(r: TextRange, plans: TextColumnPlan[], scratch: TextColumnScratch = new TextColumnScratch()): TextColumns {
  const o = r.options;
  const delimiter = Buffer.from(o.delimiter, 'utf8');
  if (o.quote !== null || delimiter.length !== 1) return { declined: 'text: a delimiter of more than one byte, or a quote character' };
  const b = new Uint8Array(r.bytes, 0, r.length);
  if (!isUtf8(b)) return { declined: 'text: bytes that are not UTF-8' };
  const marker = Buffer.from(o.nullMarker, 'utf8');
  const D = delimiter[0];
  const cols = r.names.length;
  const trailing = o.trailingDelimiter;
  const maxField = o.maxFieldChars ?? DEFAULT_MAX_FIELD;
  scratch.ensure(cols, countLines(b));
  const { offsets, lengths } = scratch;

  // Pass 1: fields of every line, as RecordParser splits them (no quotes: every LF ends a record).
  const end = b.length;
  let row = 0;
  let col = 0;
  let start = 0;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? b[i] : LF;
    if (c === D) {
      if (col >= cols) return { declined: 'text: a line with more fields than the file has columns' };
      offsets[col][row] = start;
      lengths[col][row] = i - start;
      col++;
      start = i + 1;
      continue;
    }
    if (c !== LF && c !== CR) continue;
    if (i === end && col === 0 && start === end) break; // the range ends with its last line end
    if (c === CR) {
      // RecordParser drops a CR right before the line end (CR LF, or the file's last line); any other stays in a field.
      if (i + 1 < end && b[i + 1] !== LF) return { declined: 'text: a CR that does not end a line' };
    }
    if (trailing) {
      if (col !== cols || start !== i) return { declined: 'text: a line with another number of fields, or without its trailing delimiter' };
    } else {
      if (col !== cols - 1) return { declined: 'text: a line with another number of fields than the file has columns' };
      offsets[col][row] = start;
      lengths[col][row] = i - start;
    }
    row++;
    col = 0;
    if (c === CR && i + 1 < end) i++; // the LF after it
    start = i + 1;
  }
  const rows = row;

  // Pass 2: each column as its plan says.
  const columns: DecodedColumn[] = [];
  const fields: BytesColumn[] = [];
  for (let j = 0; j < cols; j++) {
    const offs = offsets[j].subarray(0, rows);
    const lens = lengths[j].subarray(0, rows);
    let valid: Uint8Array | null = null;
    let nulls = 0;
    for (let k = 0; k < rows; k++) {
      const len = lens[k];
      if (len > maxField) return { declined: 'text: a field longer than the reader takes' };
      if (len === marker.length && sameBytes(b, offs[k], marker)) {
        if (valid === null) valid = grown(scratch.valid, j, rows, (n) => new Uint8Array(n)).subarray(0, rows).fill(1);
        valid[k] = 0;
        nulls++;
      }
    }
    const plan = plans[j];
    const base = { rows, valid, nulls };
    const field: BytesColumn = { ...base, physical: 'BYTE_ARRAY', data: b, offsets: offs, lengths: lens };
    fields.push(field);
    if (plan.kind === 'text') {
      columns.push(field);
    } else if (plan.kind === 'date') {
      const days = grown(scratch.days, j, rows, (n) => new Int32Array(n)).subarray(0, rows);
      if (!dates(b, offs, lens, valid, days)) return { declined: `text column ${r.names[j]}: a spelling outside the byte level's dates (YYYY-MM-DD, 0001..9999)` };
      columns.push({ ...base, physical: 'INT32', values: days } satisfies Int32Column);
    } else {
      const words = grown(scratch.words, j, 2 * rows, (n) => new Int32Array(n)).subarray(0, 2 * rows);
      const ok = plan.kind === 'int' ? integers(b, offs, lens, valid, words) : decimals(b, offs, lens, valid, words, plan.precision, plan.scale);
      if (!ok) {
        const what = plan.kind === 'int' ? 'integers' : `decimal(${plan.precision},${plan.scale})`;
        return { declined: `text column ${r.names[j]}: a spelling outside the byte level's canonical ${what}` };
      }
      columns.push({ ...base, physical: 'INT64', words } satisfies Int64Column);
    }
  }
  return { rows, columns, fields };
}

function sameBytes(b: Uint8Array, o: number, m: Uint8Array): boolean {
  for (let k = 0; k < m.length; k++) if (b[o + k] !== m[k]) return false;
  return true;
}

/** Stores v (an integer) as INT64 words of row k. */
function setWords(words: Int32Array, k: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  words[2 * k] = (v - hi * TWO32) | 0;
  words[2 * k + 1] = hi;
}

function setBigWords(words: Int32Array, k: number, v: bigint): void {
  words[2 * k] = Number(BigInt.asIntN(32, v));
  words[2 * k + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

/**
 * The digits at b[from, to): their count, or -1 unless they are canonical (`0`, or no leading zero) and
 * digits only. `acc[0]` receives their value when there are at most SAFE_DIGITS of them.
 */
function canonicalDigits(b: Uint8Array, from: number, to: number, acc: Float64Array): number {
  const n = to - from;
  if (n === 0 || (n > 1 && b[from] === ZERO)) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = b[i] - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  acc[0] = v;
  return n;
}

const ACC = new Float64Array(1);

function integers(b: Uint8Array, offs: Int32Array, lens: Int32Array, valid: Uint8Array | null, words: Int32Array): boolean {
  for (let k = 0; k < offs.length; k++) {
    if (valid !== null && valid[k] === 0) continue;
    const o = offs[k];
    const end = o + lens[k];
    const negative = lens[k] > 0 && b[o] === MINUS;
    const from = negative ? o + 1 : o;
    const n = canonicalDigits(b, from, end, ACC);
    if (n < 0 || (negative && n === 1 && b[from] === ZERO)) return false; // -0 is not canonical
    if (n <= SAFE_DIGITS) setWords(words, k, negative ? -ACC[0] : ACC[0]);
    else {
      if (n > 19) return false;
      const v = BigInt(Buffer.from(b.buffer, b.byteOffset + o, end - o).toString('latin1'));
      if (v < INT64_MIN || v > INT64_MAX) return false;
      setBigWords(words, k, v);
    }
  }
  return true;
}

const POW10 = Array.from({ length: 19 }, (_, i) => 10 ** i);

function decimals(b: Uint8Array, offs: Int32Array, lens: Int32Array, valid: Uint8Array | null, words: Int32Array, precision: number, scale: number): boolean {
  for (let k = 0; k < offs.length; k++) {
    if (valid !== null && valid[k] === 0) continue;
    const o = offs[k];
    const end = o + lens[k];
    const negative = lens[k] > 0 && b[o] === MINUS;
    const from = negative ? o + 1 : o;
    let dot = -1;
    for (let i = from; i < end; i++) {
      if (b[i] === DOT) {
        dot = i;
        break;
      }
    }
    const intEnd = dot < 0 ? end : dot;
    const n = canonicalDigits(b, from, intEnd, ACC);
    if (n < 0) return false;
    const intZero = n === 1 && b[from] === ZERO;
    // Digits of the unscaled value: the integer part's (none for 0) and `scale` places.
    if ((intZero ? 0 : n) + scale > precision) return false;
    let places = 0;
    let frac = 0;
    if (dot >= 0) {
      places = end - dot - 1;
      if (places < 1 || places > scale) return false; // `1.`, or more places than the scale
      for (let i = dot + 1; i < end; i++) {
        const d = b[i] - ZERO;
        if (d < 0 || d > 9) return false;
        frac = frac * 10 + d;
      }
    }
    if (negative && intZero && frac === 0) return false; // negative zero is not canonical
    if (n + scale <= SAFE_DIGITS) {
      const v = ACC[0] * POW10[scale] + frac * POW10[scale - places];
      setWords(words, k, negative ? -v : v);
    } else {
      if (scale > 18) return false;
      const digits = Buffer.from(b.buffer, b.byteOffset + from, end - from).toString('latin1').replace('.', '');
      const v = BigInt(digits) * 10n ** BigInt(scale - places);
      const signed = negative ? -v : v;
      if (signed < INT64_MIN || signed > INT64_MAX) return false;
      setBigWords(words, k, signed);
    }
  }
  return true;
}

/** `YYYY-MM-DD` of a calendar date in 0001..9999 as days since 1970-01-01 (parseDateText accepts it as it is). */
function dates(b: Uint8Array, offs: Int32Array, lens: Int32Array, valid: Uint8Array | null, days: Int32Array): boolean {
  let lastO = -1;
  let lastDay = 0;
  for (let k = 0; k < offs.length; k++) {
    if (valid !== null && valid[k] === 0) continue;
    if (lens[k] !== 10) return false;
    const o = offs[k];
    if (b[o + 4] !== MINUS || b[o + 7] !== MINUS) return false;
    const y = digits(b, o, 4);
    const m = digits(b, o + 5, 2);
    const d = digits(b, o + 8, 2);
    if (y < 1 || m < 0 || d < 0 || !isCalendarDate(y, m, d)) return false;
    // Rows repeat dates often: the previous row's spelling again is the same day.
    if (lastO >= 0 && sameDate(b, o, lastO)) {
      days[k] = lastDay;
      continue;
    }
    lastO = o;
    lastDay = days[k] = daysFromCivil(y, m, d);
  }
  return true;
}

function sameDate(b: Uint8Array, o: number, p: number): boolean {
  for (let i = 0; i < 10; i++) if (b[o + i] !== b[p + i]) return false;
  return true;
}

/** The value of `n` ASCII digits at b[o], or -1 when one is not a digit. */
function digits(b: Uint8Array, o: number, n: number): number {
  let v = 0;
  for (let i = o; i < o + n; i++) {
    const d = b[i] - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
