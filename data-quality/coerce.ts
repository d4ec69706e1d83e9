/**
 * Value-level fit of source values to the contract's Redshift types: the checks Redshift would otherwise
 * make by rejecting, truncating or rounding a value during COPY. Each source value becomes a canonical
 * value (or a CoerceFailure that says why it cannot be loaded as is):
 *
 *   smallint/integer -> number        bigint  -> bigint
 *   decimal(p,s)     -> bigint, the value scaled by 10^s (exact, never a double)
 *   real/double      -> number        boolean -> boolean (text: true/false/t/f/1/0, core/boolean-text.ts)
 *   varchar          -> string (width checked in UTF-8 BYTES, as Redshift counts)
 *   char             -> string as the source has it: single-byte characters, at most n bytes (core/fixed-char.ts)
 *   date/timestamp   -> string 'YYYY-MM-DD' / 'YYYY-MM-DD HH:MM:SS[.ffffff]', exact from every source
 *                       (core/temporal.ts: EpochDays/EpochNanos from Parquet, text from delimited files)
 */
import { typeText, VARCHAR_MAX_BYTES, type ColumnContract, type RedshiftType } from '../datasets/index.ts';
import { decimalText } from '../core/decimal-text.ts';
import { booleanRefusal, parseBooleanText } from '../core/boolean-text.ts';
import { charRefusal } from '../core/fixed-char.ts';
import { realText } from '../core/real-text.ts';
import {
  dateFromDays, EpochDays, EpochNanos, parseDateText, parseTimestampText, TemporalRefusal, timestampFromNanos,
} from '../core/temporal.ts';

export { typeText };

export type Canonical = string | number | bigint | boolean | null;

/** Why a value cannot be loaded as it is. `rule` is the quality rule type it breaks. */
export class CoerceFailure {
  constructor(
    readonly rule: 'not_null' | 'type' | 'max_bytes' | 'decimal_fit',
    readonly message: string,
  ) {}
}

export type Coercer = (v: unknown) => Canonical | CoerceFailure;

const INT_RANGE: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;


/** Shows a value in a message: quoted, truncated, control characters escaped. */
export function showValue(v: unknown, max = 40): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'bigint' || typeof v === 'number') return `${v}`;
  if (v instanceof EpochDays || v instanceof EpochNanos) return v.toString(); // full precision, as the file has it
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a source value of any type is shown as JavaScript prints it (readers yield no plain objects)
  const s = String(v);
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return JSON.stringify(cut);
}

function toInteger(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) && Number.isSafeInteger(v) ? BigInt(v) : undefined;
  if (typeof v === 'string' && INTEGER_TEXT.test(v)) return BigInt(v);
  if (typeof v === 'boolean') return undefined;
  return undefined;
}

/**
 * Parses decimal text (or a number's shortest round-trip text) into digits and exponent.
 * Returns sign, all significant digits as a bigint and the power of ten they are scaled by.
 */
function parseDecimal(v: unknown): { unscaled: bigint; scale: number } | undefined {
  let text: string;
  if (typeof v === 'string') text = v;
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    text = String(v); // shortest text that round-trips: 5755.94, never 5755.9399999…
  } else if (typeof v === 'bigint') return { unscaled: v, scale: 0 };
  else return undefined;
  const m = DECIMAL_TEXT.exec(text);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return undefined;
  const [, sign, intPart, fracPart = '', exp] = m;
  let digits = `${intPart}${fracPart}`.replace(/^0+(?=\d)/, '');
  let scale = fracPart.length - (exp ? Number(exp) : 0);
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  const unscaled = BigInt(digits === '' ? '0' : digits);
  return { unscaled: sign === '-' ? -unscaled : unscaled, scale };
}

const POW10: bigint[] = Array.from({ length: 80 }, (_, i) => 10n ** BigInt(i));

function decimalCoercer(precision: number, scale: number): Coercer {
  const limit = POW10[precision];
  const factor = 10 ** scale;
  // Up to 15 significant digits a double's cents are exact: when round(v * 10^s) / 10^s gives v back,
  // that integer is the one decimal of at most `scale` places that reads as v (its shortest text).
  const fastDoubles = precision <= 15;
  const maxUnscaled = 10 ** precision;
  return (v) => {
    if (fastDoubles && typeof v === 'number') {
      const r = Math.round(v * factor);
      if (r / factor === v && Math.abs(r) < maxUnscaled) return BigInt(r);
    }
    const d = parseDecimal(v);
    if (!d) return new CoerceFailure('type', `${showValue(v)} is not a number`);
    let { unscaled } = d;
    if (d.scale > scale) {
      const drop = POW10[d.scale - scale];
      if (unscaled % drop !== 0n) {
        return new CoerceFailure(
          'decimal_fit',
          `${showValue(v)} has more than ${scale} decimal places (Redshift would truncate them, PostgreSQL round)`,
        );
      }
      unscaled /= drop;
    } else if (d.scale < scale) {
      unscaled *= POW10[scale - d.scale];
    }
    if (unscaled >= limit || unscaled <= -limit) {
      return new CoerceFailure('decimal_fit', `${showValue(v)} does not fit decimal(${precision},${scale})`);
    }
    return unscaled;
  };
}

function stringCoercer(maxBytes: number): Coercer {
  return (v) => {
    let s: string;
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') s = String(v);
    // a date or timestamp into varchar: its full text, nanoseconds included (what "load it as varchar" keeps)
    else if (v instanceof EpochDays || v instanceof EpochNanos) s = v.toString();
    else if (v instanceof Uint8Array) return new CoerceFailure('type', 'binary value where text is expected');
    else return new CoerceFailure('type', `${showValue(v)} is not text`);
    // Bytes, not characters: 3 bytes per char is the worst case below U+10000, 4 above (surrogate pairs = 2 units).
    if (s.length * 3 > maxBytes) {
      const bytes = Buffer.byteLength(s, 'utf8');
      if (bytes > maxBytes) {
        return new CoerceFailure(
          'max_bytes',
          `${showValue(v)} is ${bytes} bytes in UTF-8 (${[...s].length} characters); the column holds ${maxBytes} bytes`,
        );
      }
    }
    if (s.includes('\u0000')) return new CoerceFailure('type', `${showValue(v)} contains a NUL character`);
    return s;
  };
}

/** The coercer for one contract column, NULL handling included. */
export function coercerFor(column: ColumnContract): Coercer {
  const inner = typeCoercer(column.type);
  const nullable = column.nullable;
  return (v) => {
    if (v === null || v === undefined) {
      return nullable ? null : new CoerceFailure('not_null', 'NULL in a NOT NULL column');
    }
    return inner(v);
  };
}

function typeCoercer(t: RedshiftType): Coercer {
  switch (t.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint': {
      const [lo, hi] = INT_RANGE[t.kind];
      const asNumber = t.kind !== 'bigint';
      return (v) => {
        const n = toInteger(v);
        if (n === undefined) return new CoerceFailure('type', `${showValue(v)} is not an integer`);
        if (n < lo || n > hi) return new CoerceFailure('type', `${showValue(v)} is out of range for ${t.kind}`);
        return asNumber ? Number(n) : n;
      };
    }
    case 'decimal':
      return decimalCoercer(t.precision, t.scale);
    case 'real':
    case 'double precision':
      return (v) => {
        const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
        if (!Number.isFinite(n)) return new CoerceFailure('type', `${showValue(v)} is not a finite number`);
        return n;
      };
    case 'boolean':
      return (v) => {
        if (typeof v === 'boolean') return v;
        if (v === 0 || v === 0n || v === 1 || v === 1n) return v === 1 || v === 1n;
        if (typeof v === 'string') return parseBooleanText(v) ?? new CoerceFailure('type', booleanRefusal(v));
        return new CoerceFailure('type', `${showValue(v)} is not a boolean`);
      };
    case 'varchar':
      return stringCoercer(t.bytes === 'max' ? VARCHAR_MAX_BYTES : t.bytes);
    case 'char':
      return charCoercer(t.bytes);
    case 'date':
      return (v) => {
        if (v instanceof EpochDays) return temporal(dateFromDays(v.days));
        if (typeof v === 'string') return temporal(parseDateText(v));
        if (v instanceof EpochNanos) return new CoerceFailure('type', `${showValue(v)} is a timestamp where a date is expected`);
        return new CoerceFailure('type', `${showValue(v)} is not a date (YYYY-MM-DD)`);
      };
    case 'timestamp':
      return (v) => {
        if (v instanceof EpochNanos) return temporal(timestampFromNanos(v.nanos));
        if (v instanceof EpochDays) return temporal(timestampFromNanos(BigInt(v.days) * 86_400_000_000_000n)); // midnight: exact
        if (typeof v === 'string') return temporal(parseTimestampText(v));
        return new CoerceFailure('type', `${showValue(v)} is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])`);
      };
  }
}

function temporal(r: string | TemporalRefusal): string | CoerceFailure {
  return typeof r === 'string' ? r : new CoerceFailure('type', r.message);
}

function charCoercer(bytes: number): Coercer {
  return (v) => {
    let s: string;
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') s = String(v);
    else if (v instanceof Uint8Array) return new CoerceFailure('type', 'binary value where text is expected');
    else return new CoerceFailure('type', `${showValue(v)} is not text`);
    const refused = charRefusal(s, bytes);
    return refused ? new CoerceFailure(refused.rule, refused.message) : s;
  };
}

/** Text of a canonical value as COPY reads it (NULL is the caller's business). */
export function canonicalText(t: RedshiftType, v: Exclude<Canonical, null>): string {
  if (t.kind === 'decimal') return decimalText(v as bigint, t.scale);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (t.kind === 'real' && typeof v === 'number') return realText(v);
  return typeof v === 'string' ? v : String(v);
}

/** One batch after coercion: canonical values per CONTRACT column, in contract order. */
export interface CanonicalBatch {
  file: string;
  /** 1-based row number inside `file` of the batch's first row. */
  firstRow: number;
  numRows: number;
  /** columns[i][r]: contract column i, row r. A cell whose value failed coercion holds null. */
  columns: Canonical[][];
  /** How many cells failed coercion in this batch (details go to the quality evaluator). */
  failedCells: number;
}
