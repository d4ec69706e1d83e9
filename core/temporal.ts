/**
 * Exact dates and timestamps: the canonical text of DATE and TIMESTAMP as the CSV parts carry it, from every
 * source representation, and the refusals of what Redshift cannot keep. No JS Date anywhere (it holds
 * milliseconds): calendar arithmetic on integers (days since 1970-01-01, proleptic Gregorian) and BigInt
 * (nanoseconds since 1970-01-01 00:00:00, a wall time without time zone).
 *
 * Canonical text:
 *   DATE       YYYY-MM-DD, a real calendar date, years 0001..9999
 *   TIMESTAMP  YYYY-MM-DD HH:MM:SS, then .ffffff (exactly 6 digits) when the sub-second part is not zero
 *
 * Every converter returns the canonical text or a TemporalRefusal whose `message` names the value and what
 * to do; the caller adds where (file, row, column). Both paths of the pass (per-value and byte-level) call
 * these functions, so they write the same bytes and refuse the same values with the same words.
 */

/** Why a date or timestamp cannot be loaded as it is (message without the file, row and column). */
export class TemporalRefusal {
  constructor(readonly message: string) {}
}

/** A DATE from a binary source (Parquet INT32 DATE): days since 1970-01-01, proleptic Gregorian. */
export class EpochDays {
  constructor(readonly days: number) {}
  toString(): string {
    return civilText(this.days);
  }
}

/**
 * A TIMESTAMP from a binary source (Parquet INT64 TIMESTAMP of any unit, INT96): nanoseconds since
 * 1970-01-01 00:00:00 of a wall clock without time zone (isAdjustedToUTC=true: the UTC wall time).
 */
export class EpochNanos {
  constructor(readonly nanos: bigint) {}
  toString(): string {
    return wallTimeText(this.nanos);
  }
}

/** 0001-01-01 and 9999-12-31 as days since 1970-01-01. */
export const FIRST_DAY = -719162;
export const LAST_DAY = 2932896;
export const DATE_RANGE_TEXT = '0001-01-01..9999-12-31';

const NANOS_PER_DAY = 86_400_000_000_000n;
const JULIAN_DAY_OF_EPOCH = 2440588;

/** [year, month 1-12, day 1-31] of a day number (Howard Hinnant's civil_from_days; any integer). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Day number of a civil date (Howard Hinnant's days_from_civil); the date is not checked. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether year-month-day is a real date of the proleptic Gregorian calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

const p2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

function yearText(y: number): string {
  if (y >= 0 && y <= 9999) return String(y).padStart(4, '0');
  return y < 0 ? `-${String(-y).padStart(4, '0')}` : `+${y}`; // outside the range: shown in ISO 8601's expanded form
}

/** YYYY-MM-DD of any day number (years outside 0001..9999 shown expanded, e.g. +10000-01-01). */
function civilText(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${yearText(y)}-${p2(m)}-${p2(d)}`;
}

/** The full text of a wall time: 6 fractional digits, 9 when the nanoseconds are not whole microseconds (for messages). */
export function wallTimeText(nanos: bigint): string {
  const { days, ofDay } = splitNanos(nanos);
  const frac = ofDay % 1_000_000_000n;
  const digits = frac === 0n ? '' : frac % 1000n === 0n ? `.${String(frac / 1000n).padStart(6, '0')}` : `.${String(frac).padStart(9, '0')}`;
  return `${civilText(days)} ${clockText(ofDay / 1_000_000_000n)}${digits}`;
}

function splitNanos(nanos: bigint): { days: number; ofDay: bigint } {
  let d = nanos / NANOS_PER_DAY;
  let ofDay = nanos % NANOS_PER_DAY;
  if (ofDay < 0n) {
    ofDay += NANOS_PER_DAY;
    d -= 1n;
  }
  return { days: Number(d), ofDay };
}

function clockText(secondsOfDay: bigint): string {
  const s = Number(secondsOfDay);
  return `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}`;
}

function outsideDates(shown: string): TemporalRefusal {
  return new TemporalRefusal(`${shown} is outside the dates this loader writes (${DATE_RANGE_TEXT})`);
}

/** Canonical DATE text of a day number, or its refusal (outside 0001-01-01..9999-12-31). */
export function dateFromDays(days: number): string | TemporalRefusal {
  if (!Number.isInteger(days) || days < FIRST_DAY || days > LAST_DAY) {
    return outsideDates(Number.isInteger(days) ? civilText(days) : String(days));
  }
  const [y, m, d] = civilFromDays(days);
  return `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}`;
}

/**
 * Canonical TIMESTAMP text of nanoseconds since 1970-01-01 00:00:00, or its refusal: a non-zero
 * sub-microsecond remainder (never rounded, never truncated), or a date outside 0001..9999.
 */
export function timestampFromNanos(nanos: bigint): string | TemporalRefusal {
  const { days, ofDay } = splitNanos(nanos);
  if (days < FIRST_DAY || days > LAST_DAY) return outsideDates(wallTimeText(nanos));
  if (ofDay % 1000n !== 0n) {
    return new TemporalRefusal(
      `${wallTimeText(nanos)} has nanoseconds; Redshift TIMESTAMP keeps microseconds — round it in the export or load it as varchar`,
    );
  }
  return timestampText(days, ofDay / 1000n);
}

/** Canonical TIMESTAMP text of microseconds since 1970-01-01 00:00:00 (Parquet TIMESTAMP(MICROS)). */
export function timestampFromMicros(micros: bigint): string | TemporalRefusal {
  return timestampFromNanos(micros * 1000n);
}

/** Canonical TIMESTAMP text of milliseconds since 1970-01-01 00:00:00 (Parquet TIMESTAMP(MILLIS)). */
export function timestampFromMillis(millis: bigint): string | TemporalRefusal {
  return timestampFromNanos(millis * 1_000_000n);
}

/**
 * Nanoseconds since 1970-01-01 of a Parquet INT96 value: 8 bytes little-endian nanoseconds of the day, then
 * 4 bytes little-endian Julian day (2440588 = 1970-01-01). Undefined when the nanoseconds of the day are not
 * within one day (a damaged value).
 */
export function int96Nanos(bytes: Uint8Array, offset = 0): bigint | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 12);
  const ofDay = view.getBigUint64(0, true);
  if (ofDay >= NANOS_PER_DAY) return undefined;
  const julian = view.getUint32(8, true);
  return BigInt(julian - JULIAN_DAY_OF_EPOCH) * NANOS_PER_DAY + ofDay;
}

/** Canonical TIMESTAMP text of a Parquet INT96 value (12 bytes at `offset`), or its refusal. */
export function timestampFromInt96(bytes: Uint8Array, offset = 0): string | TemporalRefusal {
  const nanos = int96Nanos(bytes, offset);
  if (nanos === undefined) return new TemporalRefusal('an INT96 timestamp whose time of day is more than 24 hours is damaged — re-export the file');
  return timestampFromNanos(nanos);
}

/** YYYY-MM-DD HH:MM:SS[.ffffff] of a day in range and the microseconds of that day. */
function timestampText(days: number, microsOfDay: bigint): string {
  const frac = microsOfDay % 1_000_000n;
  const date = dateFromDays(days) as string;
  return `${date} ${clockText(microsOfDay / 1_000_000n)}${frac === 0n ? '' : `.${String(frac).padStart(6, '0')}`}`;
}

/** A text value as messages show it: JSON-quoted, cut at 40 characters. */
function quoted(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Canonical DATE text of source text: exactly YYYY-MM-DD, a real calendar date in 0001..9999. */
export function parseDateText(s: string): string | TemporalRefusal {
  const m = DATE_TEXT.exec(s);
  if (!m) return new TemporalRefusal(`${quoted(s)} is not a date (YYYY-MM-DD)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(y, mo, d)) return new TemporalRefusal(`${quoted(s)} is not a calendar date`);
  if (y === 0) return outsideDates(quoted(s));
  return s;
}

const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const ZONE_SUFFIX = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?\s*(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * Canonical TIMESTAMP text of source text: YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}]; digits past the sixth only if
 * they are zeros. A trailing Z or offset is refused: a Redshift TIMESTAMP column has no time zone.
 */
export function parseTimestampText(s: string): string | TemporalRefusal {
  const m = TIMESTAMP_TEXT.exec(s);
  if (!m) {
    if (ZONE_SUFFIX.test(s)) {
      return new TemporalRefusal(
        `${quoted(s)} has a time zone; a Redshift TIMESTAMP column has none — export the wall time without Z or offset (or convert it to UTC first)`,
      );
    }
    return new TemporalRefusal(`${quoted(s)} is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])`);
  }
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  if (!isCalendarDate(y, mo, d)) return new TemporalRefusal(`${quoted(s)} is not a calendar date`);
  if (h > 23 || mi > 59 || sec > 59) return new TemporalRefusal(`${quoted(s)} is not a time of day (00:00:00..23:59:59)`);
  if (y === 0) return outsideDates(quoted(s));
  const frac = m[7] ?? '';
  if (frac.length > 6 && !/^0+$/.test(frac.slice(6))) {
    return new TemporalRefusal(
      `${quoted(s)} has nanoseconds; Redshift TIMESTAMP keeps microseconds — round it in the export or load it as varchar`,
    );
  }
  const micros = frac.slice(0, 6).padEnd(6, '0');
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}${micros === '000000' ? '' : `.${micros}`}`;
}
