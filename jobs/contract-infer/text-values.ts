/**
 * Types of text columns, from every value the scan sees. The rule: never pick a type that would change
 * a value. So a column is typed only when EVERY non-NULL value reads back exactly as written (or as the
 * same number, date or truth value), and is varchar otherwise:
 *
 * - boolean: `true` / `false` (any case). Not 0/1 (those are integers) nor t/f/yes/no.
 * - integer: `-?(0|[1-9][0-9]*)`: `007` keeps its leading zeros only as text, `-0` its sign only as text,
 *   `+1` its plus only as text. integer within int32, bigint within int64, decimal(p,0) up to 38 digits.
 * - decimal: integers and `-?(0|[1-9][0-9]*)\.[0-9]+` → decimal(p,s): s = the most fractional digits seen,
 *   p = the most integer digits seen + s (38 at most, else varchar). `.5`, `5.`, `00.5` and `-0.0` stay text.
 * - double precision: only when some value is not plain decimal text (`1e+21`, `1.5e-7`) and EVERY value is
 *   exactly the shortest text of its double (JavaScript's `String(Number(v)) === v`): `1e5` reads back as
 *   100000 and `1.50` as 1.5, so either keeps the column varchar; NaN and ±Infinity are text.
 * - date: exactly `YYYY-MM-DD`, a real calendar date in years 0001–9999.
 * - timestamp: exactly `YYYY-MM-DD HH:MM:SS[.f{1,6}]`, a real date and time. Dates and timestamps mixed
 *   are varchar (a date would gain a time of day).
 * - varchar: anything else, and any mix of the above that one type cannot hold exactly.
 * NULL (the null marker) is no value; an empty string is a value (text).
 */
import type { RedshiftType } from '../../datasets/contract.ts';

/** What one text value reads as. */
export type TextClass = 'boolean' | 'integer' | 'decimal' | 'double' | 'date' | 'timestamp' | 'text';

export interface Classified {
  cls: TextClass;
  /** Why a value that looks like a number, date or time is still text. */
  reason?: string;
}

const BOOL = /^(?:true|false)$/i;
const INT = /^-?(?:0|[1-9][0-9]*)$/;
const DEC = /^-?(?:0|[1-9][0-9]*)\.[0-9]+$/;
const LOOSE_NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/;
const NEG_ZERO = /^-0+(?:\.0+)?$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const TIMESTAMP = /^([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,6})?$/;
const LOOSE_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/;
const EXPONENT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+$/;

/** A real calendar date in years 0001–9999. */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}

/** The class of one non-NULL text value (see the module comment). */
export function classify(v: string): Classified {
  if (BOOL.test(v)) return { cls: 'boolean' };
  if (INT.test(v)) return v === '-0' ? { cls: 'text', reason: 'is a negative zero a number would drop the sign of' } : { cls: 'integer' };
  if (DEC.test(v)) return NEG_ZERO.test(v) ? { cls: 'text', reason: 'is a negative zero a number would drop the sign of' } : { cls: 'decimal' };
  if (LOOSE_NUMBER.test(v)) {
    if (/^[+]/.test(v)) return { cls: 'text', reason: 'has a plus sign a number would drop' };
    if (/^-?0[0-9]/.test(v)) return { cls: 'text', reason: 'has a leading zero a number would drop' };
    return { cls: 'text', reason: 'is not written the way a number reads back (digits on both sides of the point)' };
  }
  if (EXPONENT.test(v)) {
    const n = Number(v);
    if (Number.isFinite(n) && String(n) === v) return { cls: 'double' };
    return { cls: 'text', reason: `would read back as ${String(n)} from a double` };
  }
  if (/^[+-]?(?:NaN|Infinity|inf|nan)$/i.test(v)) return { cls: 'text', reason: 'is not a finite number' };
  let m = DATE.exec(v);
  if (m) return isCalendarDate(+m[1], +m[2], +m[3]) ? { cls: 'date' } : { cls: 'text', reason: 'is not a calendar date' };
  m = TIMESTAMP.exec(v);
  if (m) {
    const ok = isCalendarDate(+m[1], +m[2], +m[3]) && +m[4] <= 23 && +m[5] <= 59 && +m[6] <= 59;
    return ok ? { cls: 'timestamp' } : { cls: 'text', reason: 'is not a real date and time' };
  }
  if (LOOSE_DATE.test(v)) return { cls: 'text', reason: 'is not written YYYY-MM-DD or YYYY-MM-DD HH:MM:SS[.ffffff]' };
  return { cls: 'text' };
}

const INT32: [bigint, bigint] = [-(2n ** 31n), 2n ** 31n - 1n];
const INT64: [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];

/** Where a value was seen: shown in descriptions and errors. */
export interface Place {
  file: string;
  row: number;
}

/** Everything the scan keeps of one text column: counts, extremes and the first value that kept it text. */
export class TextColumnProfile {
  readonly counts: Record<TextClass, number> = { boolean: 0, integer: 0, decimal: 0, double: 0, date: 0, timestamp: 0, text: 0 };
  /** Most digits before the point (integers and decimals; a lone 0 counts none). */
  intDigits = 0;
  /** Most digits after the point. */
  scale = 0;
  min: bigint | undefined;
  max: bigint | undefined;
  /** Every integer, decimal and double value is exactly the shortest text of its double. */
  allShortestDoubles = true;
  firstText: (Place & { value: string; reason?: string }) | undefined;

  add(v: string, at: () => Place): void {
    const { cls, reason } = classify(v);
    this.counts[cls]++;
    if (cls === 'text') {
      if (!this.firstText || (reason && !this.firstText.reason)) this.firstText = { ...at(), value: v, reason };
      return;
    }
    if (cls === 'integer' || cls === 'decimal') {
      const neg = v.startsWith('-') ? 1 : 0;
      const point = v.indexOf('.');
      const whole = point < 0 ? v.length - neg : point - neg;
      const digits = whole === 1 && v[neg] === '0' ? 0 : whole;
      if (digits > this.intDigits) this.intDigits = digits;
      if (point >= 0 && v.length - point - 1 > this.scale) this.scale = v.length - point - 1;
      if (cls === 'integer' && digits <= 19) {
        const n = BigInt(v);
        if (this.min === undefined || n < this.min) this.min = n;
        if (this.max === undefined || n > this.max) this.max = n;
      }
    }
    if ((cls === 'integer' || cls === 'decimal') && this.allShortestDoubles && String(Number(v)) !== v) this.allShortestDoubles = false;
  }
}

/** The type a text column gets, and (for varchar kept by a value) a sentence saying why. */
export interface TextColumnType {
  type: Exclude<RedshiftType, { kind: 'varchar' } | { kind: 'char' }> | { kind: 'varchar' };
  why?: string;
}

const show = (v: string): string => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/** Decides the column's type from its profile (see the module comment). */
export function textColumnType(p: TextColumnProfile): TextColumnType {
  const c = p.counts;
  const seen = (Object.keys(c) as TextClass[]).filter((k) => c[k] > 0);
  const only = (...classes: TextClass[]): boolean => seen.length > 0 && seen.every((k) => classes.includes(k));
  const varchar = (why: string): TextColumnType => ({ type: { kind: 'varchar' }, why });
  if (seen.length === 0) return varchar('no value but NULL was seen');
  if (c.text > 0) {
    const others = seen.filter((k) => k !== 'text');
    const t = p.firstText;
    if (!t || (others.length === 0 && !t.reason)) return { type: { kind: 'varchar' } };
    const typed = others.map((k) => `${c[k]} value(s) read as ${k}`).join(', ');
    return varchar(`${typed ? `${typed}, but ` : ''}${show(t.value)} (${t.file} row ${t.row}) ${t.reason ?? 'is text'}`);
  }
  if (only('boolean')) return { type: { kind: 'boolean' } };
  if (only('date')) return { type: { kind: 'date' } };
  if (only('timestamp')) return { type: { kind: 'timestamp' } };
  if (only('integer')) {
    if (p.min !== undefined && p.max !== undefined && p.intDigits <= 19) {
      if (p.min >= INT32[0] && p.max <= INT32[1]) return { type: { kind: 'integer' } };
      if (p.min >= INT64[0] && p.max <= INT64[1]) return { type: { kind: 'bigint' } };
    }
    if (p.intDigits <= 38) return { type: { kind: 'decimal', precision: p.intDigits, scale: 0 } };
    return varchar(`integers of ${p.intDigits} digits: more than decimal(38,0) holds`);
  }
  if (only('integer', 'decimal')) {
    const precision = Math.max(1, p.intDigits + p.scale);
    if (precision <= 38) return { type: { kind: 'decimal', precision, scale: p.scale } };
    return varchar(`numbers of up to ${p.intDigits} digits before the point and ${p.scale} after it: more than decimal(38,s) holds`);
  }
  if (only('integer', 'decimal', 'double')) {
    if (p.allShortestDoubles) return { type: { kind: 'double precision' } };
    return varchar(`${c.double} value(s) need a double, but some of the ${c.integer + c.decimal} decimal value(s) would not read back as written from one`);
  }
  return varchar(`its values mix ${seen.map((k) => `${k} (${c[k]})`).join(', ')}: no one type holds them all exactly`);
}
