/**
 * A text range (delimited-ranges.ts: whole lines of a dialect without quotes, dbgen's `.tbl`) decoded at the
 * byte level into the typed columns the Parquet page decoder yields (parquet-pages.ts DecodedColumn), so the
 * partition pass checks and writes it with no JS value per cell:
 *
 *   int      `-?(0|[1-9][0-9]*)`, not `-0`, at most 19 digits and within INT64  -> INT64 words
 *   decimal  `-?(0|[1-9][0-9]*)(\.[0-9]{1,s})?`, not negative zero, at most p - s digits before the point,
 *            within INT64 once scaled                         -> the unscaled integer at the contract's scale s, INT64 words
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
import { DEFAULT_MAX_FIELD_CHARS } from './delimited.ts';

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

/** Buffers reused from range to range (a worker decodes many ranges of the same file). */
export class TextColumnScratch {
  offsets: Int32Array[] = [];
  lengths: Int32Array[] = [];
  valid: Uint8Array[] = [];
  words: Int32Array[] = [];
  days: Int32Array[] = [];
  cuts = new Int32Array(0);
  capacity = 0;

  cutsFor(n: number): Int32Array {
    if (this.cuts.length < n) this.cuts = new Int32Array(Math.max(n, Math.ceil(this.cuts.length * 1.25)));
    return this.cuts;
  }

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

/**
 * Pass 1: the fields of every line, as RecordParser splits them (no quotes: every LF ends a record). Per
 * line, `cuts` gets its start and then the end of each field (stride cols + 1). Returns the rows, or why the
 * range is declined.
 */
function splitLines(b: Uint8Array, D: number, cols: number, trailing: boolean, cuts: Int32Array, maxRows: number): number | string {
  const end = b.length;
  const stride = cols + 1;
  const tooMany = (): never => {
    throw new Error(`text range of more lines than the ${maxRows} it declares`); // a bug: never a silent cut
  };
  const delimiters = trailing ? cols : cols - 1; // per line
  let row = 0;
  let at = 0; // row * stride
  let col = 0;
  cuts[0] = 0;
  for (let i = 0; i < end; i++) {
    const c = b[i];
    if (c > CR && c !== D) continue;
    if (c === D) {
      if (col === delimiters) return 'text: a line with more fields than the file has columns';
      cuts[at + 1 + col++] = i;
      continue;
    }
    if (c !== LF && c !== CR) continue;
    // RecordParser drops a CR right before the line end (CR LF, or the file's last line); any other stays in a field.
    if (c === CR && i + 1 < end && b[i + 1] !== LF) return 'text: a CR that does not end a line';
    if (col !== delimiters || (trailing && cuts[at + cols] !== i - 1)) return LINE_SHAPE;
    if (!trailing) cuts[at + cols] = i;
    if (++row > maxRows) tooMany();
    at += stride;
    col = 0;
    if (c === CR && i + 1 < end) i++; // the LF after it
    cuts[at] = i + 1;
  }
  // The file's last line, without its line end.
  const last = cuts[at];
  if (last < end || col > 0) {
    if (col !== delimiters || (trailing && cuts[at + cols] !== end - 1)) return LINE_SHAPE;
    if (!trailing) cuts[at + cols] = end;
    if (++row > maxRows) tooMany();
  }
  return row;
}

const LINE_SHAPE = 'text: a line with another number of fields, or without its trailing delimiter';

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
  const cols = r.names.length;
  const trailing = o.trailingDelimiter;
  const maxField = o.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS; // a field of more bytes may still be fewer characters: declined
  const lines = r.lines ?? countLines(b);
  scratch.ensure(cols, lines);
  const stride = cols + 1;
  const cuts = scratch.cutsFor(stride * (lines + 1));
  const split = splitLines(b, delimiter[0], cols, trailing, cuts, lines);
  if (typeof split === 'string') return { declined: split };
  const rows = split;
  // Pass 2: each column as its plan says.
  const columns: DecodedColumn[] = [];
  const fields: BytesColumn[] = [];
  const { offsets, lengths } = scratch;
  const ml = marker.length;
  for (let j = 0; j < cols; j++) {
    const offs = offsets[j].subarray(0, rows);
    const lens = lengths[j].subarray(0, rows);
    let valid: Uint8Array | null = null;
    let nulls = 0;
    let longest = 0;
    for (let k = 0, at = 0; k < rows; k++, at += stride) {
      const from = j === 0 ? cuts[at] : cuts[at + j] + 1;
      const len = cuts[at + j + 1] - from;
      offs[k] = from;
      lens[k] = len;
      if (len > longest) longest = len;
      if (len === ml && (ml === 0 || sameBytes(b, from, marker))) {
        if (valid === null) valid = grown(scratch.valid, j, rows, (n) => new Uint8Array(n)).subarray(0, rows).fill(1);
        valid[k] = 0;
        nulls++;
      }
    }
    if (longest > maxField) return { declined: 'text: a field longer than the reader takes' };
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

/** Day number of the first of each month of 0001..9999 (index year * 12 + month - 1), filled as met; NaN: not yet. */
const MONTH_START = new Float64Array(10000 * 12).fill(NaN);

/** `YYYY-MM-DD` of a calendar date in 0001..9999 as days since 1970-01-01 (parseDateText accepts it as it is). */
function dates(b: Uint8Array, offs: Int32Array, lens: Int32Array, valid: Uint8Array | null, days: Int32Array): boolean {
  for (let k = 0; k < offs.length; k++) {
    if (valid !== null && valid[k] === 0) continue;
    if (lens[k] !== 10) return false;
    const o = offs[k];
    if (b[o + 4] !== MINUS || b[o + 7] !== MINUS) return false;
    const y = digits(b, o, 4);
    const m = digits(b, o + 5, 2);
    const d = digits(b, o + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    if (d > 28 && !isCalendarDate(y, m, d)) return false;
    const at = y * 12 + m - 1;
    let first = MONTH_START[at];
    if (first !== first) first = MONTH_START[at] = daysFromCivil(y, m, 1);
    days[k] = first + d - 1;
  }
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
