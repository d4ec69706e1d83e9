/**
 * One type model for every schema drift compares: Glue/Hive type names (the catalog, and the
 * Glue-style names readers give a file's columns), the contract's Redshift types, and (in
 * warehouse-types.ts) the warehouse's information_schema text.
 *
 * Compatibility of a SOURCE type with a TARGET type (the column its values go into):
 * - 'same'              the same type, or a difference that carries no risk (Glue `string` into
 *                       `varchar(n)`: Glue records no width; the max_bytes rule checks every value).
 * - 'widening'          every value of the source fits the target (int into bigint, decimal(10,2) into
 *                       decimal(12,2), float into double, date into timestamp).
 * - 'narrowing-checked' some values may not fit, and the streaming pass converts and checks every value
 *                       (exit 4 when one does not fit): a wider integer into a narrower one (TPC-H exports
 *                       write s_nationkey as BIGINT for an `integer` column), an integer or decimal into a
 *                       decimal with fewer digits, double/float into decimal (DuckDB writes s_acctbal as
 *                       DOUBLE for decimal(12,2)), a wider varchar into a narrower one, numbers/dates/
 *                       booleans written as text into a varchar, and the text of a CSV file into any type.
 * - 'breaking'          the values mean something else or would be cut silently: text where a number,
 *                       date, timestamp or boolean is expected (typed sources); a fraction type into an
 *                       integer; a double into real; an integer or decimal into a float type that cannot
 *                       hold it exactly; timestamp into date; binary anywhere but binary.
 */
import type { RedshiftType } from '../datasets/contract.ts';
import { isCharacterType, typeText, VARCHAR_MAX_BYTES } from '../datasets/contract.ts';
import { DriftError } from '../core/errors.ts';

export type NormalizedType =
  | { kind: 'integer'; bits: 8 | 16 | 32 | 64 }
  | { kind: 'float'; bits: 32 | 64 }
  /** precision/scale undefined: unconstrained (PostgreSQL's bare `numeric`). */
  | { kind: 'decimal'; precision?: number; scale?: number }
  /** length undefined: unbounded (Glue `string`, PostgreSQL `text`). Glue counts characters, Redshift bytes. */
  | { kind: 'string'; length?: number; fixed?: boolean }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'timestamp'; tz?: boolean }
  | { kind: 'binary' };

export type Compatibility = 'same' | 'widening' | 'narrowing-checked' | 'breaking';

/** Decimal digits every value of an integer type fits in (int32: 2147483647 → 10). */
const INT_DIGITS: Record<8 | 16 | 32 | 64, number> = { 8: 3, 16: 5, 32: 10, 64: 19 };
/** Exact significant decimal digits of a float type (real ~7.2, double ~15.9). */
const FLOAT_DIGITS: Record<32 | 64, number> = { 32: 6, 64: 15 };
/** Integer mantissa bits of a float type (real 24, double 53). */
const FLOAT_MANTISSA: Record<32 | 64, number> = { 32: 24, 64: 53 };
/** Redshift's maximum DECIMAL precision. */
export const MAX_DECIMAL_PRECISION = 38;

const COMPLEX = /^(array|struct|map|uniontype)\s*</i;

/** True for Glue's nested types (array<…>, struct<…>, map<…>, uniontype<…>). */
export function isComplexGlueType(text: string): boolean {
  return COMPLEX.test(text.trim());
}

function shorten(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The error for a type the loader cannot carry into Redshift. */
export function unmappableType(text: string, column?: string): DriftError {
  const what = column ? `column ${column} has type ${shorten(text)}` : `type ${shorten(text)}`;
  return new DriftError(
    `${what}, which the loader cannot map`,
    {},
    isComplexGlueType(text)
      ? 'flatten nested columns in the export'
      : 'cast it to a supported type (integer, decimal, double, string, boolean, date, timestamp) in the export',
  );
}

/**
 * Parses a Glue/Hive type name (as a catalog or a reader records it) into the type model. Case and
 * spaces are ignored. Nested types and unknown names throw a DriftError naming the column.
 */
export function parseGlueType(text: string, column?: string): NormalizedType {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (isComplexGlueType(t)) throw unmappableType(text.trim(), column);
  switch (t) {
    case 'tinyint':
    case 'byte':
      return { kind: 'integer', bits: 8 };
    case 'smallint':
    case 'short':
      return { kind: 'integer', bits: 16 };
    case 'int':
    case 'integer':
      return { kind: 'integer', bits: 32 };
    case 'bigint':
    case 'long':
      return { kind: 'integer', bits: 64 };
    case 'float':
    case 'real':
      return { kind: 'float', bits: 32 };
    case 'double':
    case 'double precision':
      return { kind: 'float', bits: 64 };
    case 'string':
    case 'varchar':
      return { kind: 'string' };
    case 'boolean':
    case 'bool':
      return { kind: 'boolean' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp':
      return { kind: 'timestamp' };
    case 'binary':
      return { kind: 'binary' };
    case 'decimal':
    case 'numeric':
      return { kind: 'decimal', precision: 10, scale: 0 }; // Hive's default
  }
  const dec = /^(?:decimal|numeric) ?\( ?(\d+) ?(?:, ?(\d+) ?)?\)$/.exec(t);
  if (dec) {
    const precision = Number(dec[1]);
    const scale = Number(dec[2] ?? 0);
    if (precision < 1 || scale > precision) throw unmappableType(text.trim(), column);
    return { kind: 'decimal', precision, scale };
  }
  const str = /^(varchar|char) ?\( ?(\d+) ?\)$/.exec(t);
  if (str) return { kind: 'string', length: Number(str[2]), ...(str[1] === 'char' ? { fixed: true } : {}) };
  throw unmappableType(text.trim(), column);
}

/** The Glue type name of a type (the inverse of parseGlueType, in canonical spelling). */
export function formatGlueType(t: NormalizedType): string {
  switch (t.kind) {
    case 'integer':
      return t.bits === 8 ? 'tinyint' : t.bits === 16 ? 'smallint' : t.bits === 32 ? 'int' : 'bigint';
    case 'float':
      return t.bits === 32 ? 'float' : 'double';
    case 'decimal':
      return t.precision === undefined ? 'decimal(38,10)' : `decimal(${t.precision},${t.scale ?? 0})`;
    case 'string':
      return t.length === undefined ? 'string' : `${t.fixed ? 'char' : 'varchar'}(${t.length})`;
    case 'timestamp':
      return 'timestamp';
    default:
      return t.kind;
  }
}

/** A contract type in the model (varchar widths in bytes, as the contract declares them). */
export function normalizeContractType(t: RedshiftType): NormalizedType {
  switch (t.kind) {
    case 'smallint':
      return { kind: 'integer', bits: 16 };
    case 'integer':
      return { kind: 'integer', bits: 32 };
    case 'bigint':
      return { kind: 'integer', bits: 64 };
    case 'decimal':
      return { kind: 'decimal', precision: t.precision, scale: t.scale };
    case 'real':
      return { kind: 'float', bits: 32 };
    case 'double precision':
      return { kind: 'float', bits: 64 };
    case 'boolean':
      return { kind: 'boolean' };
    case 'varchar':
      return { kind: 'string', length: t.bytes === 'max' ? VARCHAR_MAX_BYTES : t.bytes };
    case 'char':
      return { kind: 'string', length: t.bytes, fixed: true };
    case 'date':
      return { kind: 'date' };
    case 'timestamp':
      return { kind: 'timestamp' };
  }
}

/**
 * The Glue type a crawler records for files written in a contract's type: integer → int,
 * decimal(p,s) → decimal(p,s), varchar/char → string (Parquet and CSV carry no widths), …
 */
export function glueTypeOfContract(t: RedshiftType): string {
  if (isCharacterType(t)) return 'string';
  return formatGlueType(normalizeContractType(t));
}

/** A contract type as the contract and the Redshift DDL spell it (datasets/contract.ts typeText). */
export const formatContractType = typeText;

/**
 * The Redshift type a new column gets when policy 'evolve' adds it: int → integer, tinyint → smallint,
 * double → double precision, decimal(p,s) → decimal(p,s) (precision capped at 38), string →
 * varchar(max), varchar(n)/char(n) → varchar(4n) (Glue counts characters, Redshift bytes; UTF-8 needs
 * up to 4 bytes a character; pass bytesPerChar 1 for widths already in bytes, as the warehouse reports them).
 * Binary has no Redshift type the loader writes: undefined.
 */
export function contractTypeOfGlue(t: NormalizedType, bytesPerChar = 4): RedshiftType | undefined {
  switch (t.kind) {
    case 'integer':
      return t.bits === 64 ? { kind: 'bigint' } : t.bits === 32 ? { kind: 'integer' } : { kind: 'smallint' };
    case 'float':
      return t.bits === 32 ? { kind: 'real' } : { kind: 'double precision' };
    case 'decimal': {
      const precision = Math.min(t.precision ?? MAX_DECIMAL_PRECISION, MAX_DECIMAL_PRECISION);
      return { kind: 'decimal', precision, scale: Math.min(t.scale ?? 0, precision) };
    }
    case 'string':
      if (t.length === undefined || t.length * bytesPerChar >= VARCHAR_MAX_BYTES) return { kind: 'varchar', bytes: 'max' };
      return t.fixed && bytesPerChar === 1
        ? { kind: 'char', bytes: t.length }
        : { kind: 'varchar', bytes: t.length * bytesPerChar };
    case 'boolean':
      return { kind: 'boolean' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp':
      return { kind: 'timestamp' };
    case 'binary':
      return undefined;
  }
}

export function sameType(a: NormalizedType, b: NormalizedType): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(t: NormalizedType): NormalizedType {
  if (t.kind === 'string') return { kind: 'string', length: t.length, fixed: t.fixed || undefined };
  if (t.kind === 'timestamp') return { kind: 'timestamp', tz: t.tz || undefined };
  return t;
}

/** Digits left of the decimal point a decimal holds (undefined: unconstrained). */
function integerDigits(t: { precision?: number; scale?: number }): number | undefined {
  return t.precision === undefined ? undefined : t.precision - (t.scale ?? 0);
}

export interface CompatibilityOptions {
  /**
   * The source is untyped text (a CSV file, or a catalog table crawled from CSV): its `string` columns
   * hold text that the pass parses and checks value by value, so they are 'narrowing-checked' into any
   * type rather than 'breaking'.
   */
  sourceIsText?: boolean;
}

/**
 * How a source type's values go into a target type (see the module comment for the four classes).
 * Either side may be given as a type model, a Glue type name (source) or a contract type (target).
 */
export function classifyCompatibility(
  source: NormalizedType | string,
  target: NormalizedType | RedshiftType,
  opts: CompatibilityOptions = {},
): Compatibility {
  const s = typeof source === 'string' ? parseGlueType(source) : source;
  const t = toModel(target);
  if (sameType(s, t)) return 'same';
  if (s.kind === 'string' && t.kind !== 'string') return opts.sourceIsText ? 'narrowing-checked' : 'breaking';
  switch (t.kind) {
    case 'integer':
      if (s.kind === 'integer') return s.bits < t.bits ? 'widening' : 'narrowing-checked';
      if (s.kind === 'decimal') {
        if ((s.scale ?? 0) > 0 || s.precision === undefined) return 'breaking';
        return s.precision < INT_DIGITS[t.bits] ? 'widening' : 'narrowing-checked';
      }
      return 'breaking';
    case 'decimal': {
      const room = integerDigits(t);
      if (s.kind === 'integer') return room === undefined || INT_DIGITS[s.bits] <= room ? 'widening' : 'narrowing-checked';
      if (s.kind === 'decimal') {
        if (room === undefined) return 'widening';
        const sRoom = integerDigits(s);
        return sRoom !== undefined && sRoom <= room && (s.scale ?? 0) <= (t.scale ?? 0) ? 'widening' : 'narrowing-checked';
      }
      if (s.kind === 'float') return 'narrowing-checked';
      return 'breaking';
    }
    case 'float':
      if (s.kind === 'float') return s.bits < t.bits ? 'widening' : 'breaking';
      if (s.kind === 'integer') return s.bits < FLOAT_MANTISSA[t.bits] ? 'widening' : 'breaking';
      if (s.kind === 'decimal') {
        return s.precision !== undefined && s.precision <= FLOAT_DIGITS[t.bits] ? 'widening' : 'breaking';
      }
      return 'breaking';
    case 'string':
      if (s.kind === 'string') {
        if (t.length === undefined) return 'widening';
        if (s.length === undefined) return 'same';
        return s.length <= t.length ? 'widening' : 'narrowing-checked';
      }
      // numbers, dates and booleans written as text: the pass formats them; max_bytes checks the width
      return s.kind === 'binary' ? 'breaking' : 'narrowing-checked';
    case 'boolean':
      return 'breaking';
    case 'date':
      return 'breaking';
    case 'timestamp':
      if (s.kind === 'date') return 'widening';
      if (s.kind === 'timestamp') return 'narrowing-checked'; // with/without time zone: converted by the pass
      return 'breaking';
    case 'binary':
      return 'breaking';
  }
}

/** Either form of a target type as the model (contract types normalised; the model passed through). */
export function toModel(t: NormalizedType | RedshiftType): NormalizedType {
  switch (t.kind) {
    case 'integer':
      return 'bits' in t ? t : normalizeContractType(t);
    case 'decimal':
    case 'boolean':
    case 'date':
    case 'timestamp':
    case 'float':
    case 'string':
    case 'binary':
      return t;
    default:
      return normalizeContractType(t);
  }
}
