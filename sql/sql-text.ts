/**
 * Identifiers and literals in Redshift's dialect. Everything that ends up inside SQL text goes
 * through here: identifiers are validated (never quoted), literals are escaped the way Redshift
 * reads them.
 *
 * Redshift (PostgreSQL 8.0 lineage) reads a backslash in an ordinary string literal as an escape
 * character (`'\\'` is one backslash, `'\''` is a quote). So a literal doubles both `'` and `\`;
 * doubling only the quotes would let `\'` close the literal early. sql/local.ts turns such literals
 * into PostgreSQL's E'…' form, which reads backslashes the same way.
 *
 * sql/ imports only datasets/ and core/: a bad identifier reaches the terminal as the same typed
 * ConfigError (core/errors.ts, exit 2) everywhere.
 */
import { ConfigError, LoadError } from '../core/errors.ts';
import { isCalendarDate } from '../core/temporal.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Redshift's maximum identifier length in bytes. */
export const MAX_IDENTIFIER_BYTES = 127;

/**
 * Redshift's reserved words (docs: "Reserved words"). An unquoted identifier may not be one of them,
 * and we never quote identifiers.
 */
export const REDSHIFT_RESERVED_WORDS: ReadonlySet<string> = new Set(
  `aes128 aes256 all allowoverwrite analyse analyze and any array as asc authorization az64 backup between
  binary blanksasnull both bytedict bzip2 case cast check collate column constraint create credentials cross
  current_date current_time current_timestamp current_user current_user_id datetime default deferrable deflate
  defrag delta delta32k desc disable distinct do else emptyasnull enable encode encrypt encryption end except
  explicit false for foreign freeze from full globaldict256 globaldict64k grant group gzip having identity ignore
  ilike in initially inner intersect interval into is isnull join language leading left like limit localtime
  localtimestamp lun luns lzo lzop minus mostly16 mostly32 mostly8 natural new not notnull null nulls off offline
  offset oid old on only open or order outer overlaps parallel partition percent permissions pivot placing primary
  raw readratio recover references rejectlog resort respect restore right select session_user similar snapshot
  some sysdate system table tag tdes text255 text32k then timestamp to top trailing true truncatecolumns union
  unique unnest unpivot user using verbose wallet when where with without`
    .split(/\s+/)
    .filter(Boolean),
);

/** A validated, unquoted identifier (lower-case `[a-z_][a-z0-9_]*`, not reserved, ≤ 127 bytes). */
export function ident(name: string, what = 'identifier'): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new ConfigError(
      `invalid ${what} ${JSON.stringify(name)}`,
      {},
      'identifiers must be lower case letters, digits and underscores, starting with a letter or underscore',
    );
  }
  if (name.length > MAX_IDENTIFIER_BYTES) {
    throw new ConfigError(`${what} ${name} is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
  }
  if (REDSHIFT_RESERVED_WORDS.has(name)) {
    throw new ConfigError(`${what} ${name} is a Redshift reserved word`, {}, 'rename it in the contract');
  }
  return name;
}

/**
 * A database user: a plain identifier, or the IAM identity Redshift Serverless logs a role or user in
 * as (`IAMR:<role-name>`, `IAM:<user-name>`), which only works double-quoted.
 */
export function userIdent(name: string): string {
  if (typeof name === 'string' && /^IAMR?:[A-Za-z0-9_+=,.@-]{1,64}$/.test(name)) return `"${name}"`;
  return ident(name, 'user name');
}

/** `schema.table`, both parts validated. */
export function qualified(schema: string, table: string): string {
  return `${ident(schema, 'schema name')}.${ident(table, 'table name')}`;
}

/** Validates a `table` or `schema.table` name handed in as one string. */
export function qualifiedName(name: string): string {
  const parts = typeof name === 'string' ? name.split('.') : [];
  if (parts.length < 1 || parts.length > 2) throw new ConfigError(`invalid table name ${JSON.stringify(name)}`);
  return parts.map((p) => ident(p, 'table name')).join('.');
}

/** A Redshift string literal: quotes and backslashes doubled; NUL and broken UTF-16 rejected. */
export function literal(value: string): string {
  if (typeof value !== 'string') throw new ConfigError(`not a string: ${String(value)}`);
  if (value.includes('\0')) throw new ConfigError('a SQL literal may not contain a NUL character');
  if (!isWellFormed(value)) throw new ConfigError('a SQL literal may not contain unpaired surrogates');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function isWellFormed(s: string): boolean {
  // String.prototype.isWellFormed is Node 20+, but typed only in newer lib files.
  const f = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  if (f) return f.call(s);
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** Byte length in UTF-8 (Redshift widths are bytes). */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const DECIMAL_TEXT = /^[+-]?\d+(\.\d+)?$/;

/** An exact decimal number written into SQL unquoted: validated strictly, since it is not escaped. */
export function decimalLiteral(value: string | number | bigint, what: string): string {
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new LoadError(`${what} must be an exact integer or decimal text, got the number ${value}`);
  }
  if (!DECIMAL_TEXT.test(text)) throw new LoadError(`${what} is not a decimal number: ${JSON.stringify(value)}`);
  return text.startsWith('+') ? text.slice(1) : text;
}

/** A non-negative integer count written into SQL. */
export function countLiteral(value: number | bigint, what: string): string {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new LoadError(`${what} must not be negative, got ${value}`);
    return value.toString();
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new LoadError(`${what} must be a non-negative integer, got ${String(value)}`);
  }
  return String(value);
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/;

/** Validates 'YYYY-MM-DD' (a real calendar date). */
export function checkDate(value: string, what: string): string {
  const m = typeof value === 'string' ? DATE_TEXT.exec(value) : null;
  if (!m || !realDate(+m[1], +m[2], +m[3])) {
    throw new ConfigError(`${what} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Validates 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC, as the run's clock writes it). */
export function checkTimestamp(value: string, what: string): string {
  const m = typeof value === 'string' ? TIMESTAMP_TEXT.exec(value) : null;
  if (!m || !realDate(+m[1], +m[2], +m[3]) || +m[4] > 23 || +m[5] > 59 || +m[6] > 59) {
    throw new ConfigError(`${what} must be a timestamp 'YYYY-MM-DD HH:MM:SS.ffffff', got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A real calendar date in years 0001..9999 (not via Date.UTC, which reads years 0–99 as 1900–1999). */
function realDate(y: number, mo: number, d: number): boolean {
  return y >= 1 && isCalendarDate(y, mo, d);
}

/** `CAST('YYYY-MM-DD' AS DATE)` — explicit, so it types the same on Redshift and PostgreSQL. */
export function dateLiteral(value: string, what = 'date'): string {
  return `CAST(${literal(checkDate(value, what))} AS DATE)`;
}

/** `CAST('YYYY-MM-DD HH:MM:SS.ffffff' AS TIMESTAMP)`. */
export function timestampLiteral(value: string, what = 'timestamp'): string {
  return `CAST(${literal(checkTimestamp(value, what))} AS TIMESTAMP)`;
}

/** A UTC timestamp as Redshift's TIMESTAMP text with microseconds: '2024-05-01 02:03:04.567000'. */
export function formatTimestamp(d: Date): string {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new ConfigError('not a valid Date');
  const iso = d.toISOString(); // 2024-05-01T02:03:04.567Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

/** Text cut to at most `max` characters, the cut marked with "…" (for messages). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A statement on one line, shortened, for messages. */
export function head(sql: string | undefined, max = 120): string {
  return clip((sql ?? '').replace(/\s+/g, ' ').trim(), max);
}
