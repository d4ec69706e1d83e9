/**
 * SQL literals and identifiers whose text means the same on Redshift and PostgreSQL, for SQL built below
 * the sql/ floor (the rule registry's SQL forms, data-quality/rules/*.ts: data-quality/ and sql/ are
 * siblings and cannot import each other). Nothing is translated per engine, so every literal avoids what
 * the two read differently:
 * - a backslash: Redshift's string literals treat it as an escape, PostgreSQL's (standard_conforming_strings)
 *   do not; it is written as `CHR(92)` concatenated in, which both read as one backslash;
 * - dates and timestamps: `CAST('…' AS DATE|TIMESTAMP)` of the canonical text (core/temporal.ts);
 * - decimals: the exact text at the column's scale (never through a double), integers as digits.
 */
import { ConfigError } from './errors.ts';
import { decimalText } from './decimal-text.ts';
import type { ColumnContract } from '../datasets/index.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A table or column name as the DDL writes it (unquoted lower case); ConfigError for anything else. */
export function sqlIdent(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new ConfigError(`invalid identifier ${JSON.stringify(name)}`, {}, 'identifiers must be lower case letters, digits and underscores');
  }
  return name;
}

/** `schema.table`, each part checked. */
export function sqlTable(schema: string, table: string): string {
  return `${sqlIdent(schema)}.${sqlIdent(table)}`;
}

/** A string literal: quotes doubled, backslashes as CHR(92); a NUL (which neither engine stores) is refused. */
export function sqlString(text: string): string {
  if (text.includes('\0')) throw new ConfigError(`a SQL text literal cannot hold a NUL character: ${JSON.stringify(text)}`);
  const parts = text.split('\\').map((p) => `'${p.replace(/'/g, "''")}'`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' || CHR(92) || ')})`;
}

/**
 * A canonical value of a column (data-quality/coerce.ts: numbers, unscaled bigints for decimals, canonical
 * text for dates and timestamps, text, booleans) as a literal the column compares with exactly.
 */
export function sqlValue(column: ColumnContract, v: string | number | bigint | boolean): string {
  const t = column.type;
  if (typeof v === 'bigint') return t.kind === 'decimal' ? decimalText(v, t.scale) : v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ConfigError(`${column.name}: ${v} has no SQL literal`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (t.kind === 'date') return `CAST(${sqlString(v)} AS DATE)`;
  if (t.kind === 'timestamp') return `CAST(${sqlString(v)} AS TIMESTAMP)`;
  return sqlString(v);
}
