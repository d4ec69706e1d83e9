import { civilFromDays, daysFromCivil } from '../../core/temporal.ts';

/**
 * Dates and timestamps written straight into bytes, in the loader's canonical text: `YYYY-MM-DD`, and
 * `YYYY-MM-DD HH:MM:SS` plus `.ffffff` (exactly 6 digits) when the sub-second part is not zero. Days
 * count from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's civil_from_days); 64-bit
 * source values stay two 32-bit words and are divided exactly (never through a Date, never a double
 * beyond 2^53). Each writer returns the end position, or -1 for a value the canonical text cannot hold
 * exactly: a year outside 0001..9999, or nanoseconds that are not whole microseconds. The caller then
 * sends the column to the per-value path, which refuses the value with its message.
 */

/** The first and last day the loader writes: 0001-01-01 and 9999-12-31. */
export const MIN_DAY = daysFromCivil(1, 1, 1);
export const MAX_DAY = daysFromCivil(9999, 12, 31);

/** Julian day number of 1970-01-01 (INT96 timestamps count Julian days). */
export const JULIAN_EPOCH = 2440588;

const ZERO = 0x30;
const DASH = 0x2d;
const COLON = 0x3a;
const SPACE = 0x20;
const DOT = 0x2e;

function two(buf: Uint8Array, pos: number, v: number): void {
  buf[pos] = ZERO + ((v / 10) | 0);
  buf[pos + 1] = ZERO + (v % 10);
}

/** Writes `YYYY-MM-DD` for a day in MIN_DAY..MAX_DAY (the caller checks); returns the end. */
export function writeDate(buf: Uint8Array, pos: number, days: number): number {
  const [y, m, d] = civilFromDays(days);
  two(buf, pos, (y / 100) | 0);
  two(buf, pos + 2, y % 100);
  buf[pos + 4] = DASH;
  two(buf, pos + 5, m);
  buf[pos + 7] = DASH;
  two(buf, pos + 8, d);
  return pos + 10;
}

/** The time unit of a timestamp's INT64 value: the power of two and the odd factor of one day in it. */
export interface DayDivisor {
  /** One day = oddPart * 2^shift units. */
  shift: number;
  oddPart: number;
  /** Units per microsecond (1000 for nanoseconds), or 0 for milliseconds (1000 microseconds each). */
  perMicro: number;
}

export const MILLIS: DayDivisor = { shift: 10, oddPart: 84375, perMicro: 0 }; // 86,400,000 = 84,375 * 2^10
export const MICROS: DayDivisor = { shift: 11, oddPart: 42187500, perMicro: 1 }; // 86,400,000,000 = 42,187,500 * 2^11
export const NANOS: DayDivisor = { shift: 14, oddPart: 5273437500, perMicro: 1000 }; // 86,400,000,000,000

const MICROS_PER_DAY = 86400000000;

/** Writes `HH:MM:SS[.ffffff]` for the microseconds of a day; returns the end. */
function writeTime(buf: Uint8Array, pos: number, micros: number): number {
  const secs = Math.floor(micros / 1000000);
  const frac = micros - secs * 1000000;
  const h = (secs / 3600) | 0;
  const mi = ((secs - h * 3600) / 60) | 0;
  two(buf, pos, h);
  buf[pos + 2] = COLON;
  two(buf, pos + 3, mi);
  buf[pos + 5] = COLON;
  two(buf, pos + 6, secs - h * 3600 - mi * 60);
  if (frac === 0) return pos + 8;
  buf[pos + 8] = DOT;
  two(buf, pos + 9, (frac / 10000) | 0);
  two(buf, pos + 11, ((frac / 100) | 0) % 100);
  two(buf, pos + 13, frac % 100);
  return pos + 15;
}

/** Writes a date and time of day (microseconds) as `YYYY-MM-DD HH:MM:SS[.ffffff]`, or -1 outside 0001..9999. */
function writeDayAndTime(buf: Uint8Array, pos: number, days: number, micros: number): number {
  if (days < MIN_DAY || days > MAX_DAY) return -1;
  pos = writeDate(buf, pos, days);
  buf[pos++] = SPACE;
  return writeTime(buf, pos, micros);
}

/**
 * Writes the timestamp of an INT64 count of `unit`s since 1970-01-01 00:00:00 (low word `lo`, signed high
 * word `hi`); -1 when the canonical text cannot hold it exactly.
 */
export function writeTimestamp64(buf: Uint8Array, pos: number, lo: number, hi: number, unit: DayDivisor): number {
  const { shift, oddPart, perMicro } = unit;
  // v >> shift is below 2^53 in magnitude: exact in a double; floor-divide it by the odd part.
  const w = hi * 2 ** (32 - shift) + ((lo >>> shift) >>> 0);
  let q = Math.floor(w / oddPart);
  let r = w - q * oddPart;
  if (r < 0) {
    q--;
    r += oddPart;
  } else if (r >= oddPart) {
    q++;
    r -= oddPart;
  }
  const units = r * 2 ** shift + (lo & ((1 << shift) - 1)); // of the day, 0 <= units < one day
  let micros: number;
  if (perMicro === 0) micros = units * 1000;
  else if (perMicro === 1) micros = units;
  else {
    micros = Math.floor(units / perMicro);
    if (micros * perMicro !== units) return -1; // nanoseconds: never rounded, never truncated
  }
  return writeDayAndTime(buf, pos, q, micros);
}

/** Writes an INT96 timestamp (nanoseconds of the day as two words, Julian day); -1 when it cannot be exact. */
export function writeTimestamp96(buf: Uint8Array, pos: number, nanosLo: number, nanosHi: number, julianDay: number): number {
  const nanos = (nanosHi >>> 0) * 4294967296 + (nanosLo >>> 0);
  const micros = Math.floor(nanos / 1000);
  if (micros * 1000 !== nanos || micros >= MICROS_PER_DAY) return -1;
  return writeDayAndTime(buf, pos, julianDay - JULIAN_EPOCH, micros);
}
