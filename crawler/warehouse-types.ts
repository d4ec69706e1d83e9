/**
 * The warehouse's column types, as information_schema.columns spells them on Redshift and PostgreSQL
 * (sql/catalog.ts builds the text: `bigint`, `integer`, `numeric(12,2)`, `character varying(100)`,
 * `timestamp without time zone`, …), in the type model of glue-types.ts.
 */
import type { NormalizedType } from './glue-types.ts';
import { unmappableType } from './glue-types.ts';

const NAMED: Record<string, NormalizedType> = {
  smallint: { kind: 'integer', bits: 16 },
  int2: { kind: 'integer', bits: 16 },
  integer: { kind: 'integer', bits: 32 },
  int: { kind: 'integer', bits: 32 },
  int4: { kind: 'integer', bits: 32 },
  bigint: { kind: 'integer', bits: 64 },
  int8: { kind: 'integer', bits: 64 },
  real: { kind: 'float', bits: 32 },
  float4: { kind: 'float', bits: 32 },
  'double precision': { kind: 'float', bits: 64 },
  float8: { kind: 'float', bits: 64 },
  float: { kind: 'float', bits: 64 },
  boolean: { kind: 'boolean' },
  bool: { kind: 'boolean' },
  date: { kind: 'date' },
  timestamp: { kind: 'timestamp' },
  'timestamp without time zone': { kind: 'timestamp' },
  'timestamp with time zone': { kind: 'timestamp', tz: true },
  timestamptz: { kind: 'timestamp', tz: true },
  // PostgreSQL: unbounded text. (Redshift turns TEXT into varchar(256) at CREATE TABLE, so it never shows here.)
  text: { kind: 'string' },
  'character varying': { kind: 'string' },
  varchar: { kind: 'string' },
  // bare numeric: PostgreSQL's unconstrained numeric (Redshift always reports precision and scale)
  numeric: { kind: 'decimal' },
  decimal: { kind: 'decimal' },
};

/** Parses a warehouse column type; unknown types throw a DriftError naming the column. */
export function parseWarehouseType(text: string, column?: string): NormalizedType {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const named = NAMED[t];
  if (named) return named;
  const dec = /^(?:numeric|decimal) ?\( ?(\d+) ?(?:, ?(\d+) ?)?\)$/.exec(t);
  if (dec) return { kind: 'decimal', precision: Number(dec[1]), scale: Number(dec[2] ?? 0) };
  const str = /^(character varying|varchar|nvarchar|character|char|nchar|bpchar) ?\( ?(\d+) ?\)$/.exec(t);
  if (str) {
    const fixed = !/var/.test(str[1]);
    return { kind: 'string', length: Number(str[2]), ...(fixed ? { fixed: true } : {}) };
  }
  if (t === 'character' || t === 'char' || t === 'bpchar') return { kind: 'string', length: 1, fixed: true };
  throw unmappableType(text.trim(), column);
}

/** A warehouse type in Redshift's spelling, for reports: integer, numeric(12,2), character varying(50). */
export function formatWarehouseType(t: NormalizedType): string {
  switch (t.kind) {
    case 'integer':
      return t.bits === 64 ? 'bigint' : t.bits === 32 ? 'integer' : 'smallint';
    case 'float':
      return t.bits === 64 ? 'double precision' : 'real';
    case 'decimal':
      return t.precision === undefined ? 'numeric' : `numeric(${t.precision},${t.scale ?? 0})`;
    case 'string':
      if (t.length === undefined) return 'text';
      return `${t.fixed ? 'character' : 'character varying'}(${t.length})`;
    case 'timestamp':
      return t.tz ? 'timestamp with time zone' : 'timestamp without time zone';
    default:
      return t.kind;
  }
}
