/**
 * The local crawler: infers one catalog table from a batch's file schemas, the way a Glue crawler
 * does — column names lower-cased, the union of every file's columns in first-seen order, and when
 * files disagree on a column's type, the wider type:
 *   tinyint < smallint < int < bigint;  int + decimal → a decimal that holds both;
 *   decimal + decimal → decimal(max integer digits + max scale, max scale) (38 at most, else double);
 *   float + double, any number + float/double → double;  date + timestamp → timestamp;
 *   varchar(n) + varchar(m) → varchar(max(n,m));  anything else that disagrees (number + string,
 *   boolean + int, …) → string.
 * The text columns of CSV files (every field a `string`, nothing inferred from values) do not widen
 * the typed columns of Parquet files in the same batch; a column only CSV files have stays string.
 * Nested or unknown types are kept as written: drift refuses them with a clear error.
 */
import type { FileSchema } from '../core/values.ts';
import { ConfigError } from '../core/errors.ts';
import type { CatalogColumn, CatalogTable } from './catalog.ts';
import type { NormalizedType } from './glue-types.ts';
import { MAX_DECIMAL_PRECISION, formatGlueType, parseGlueType, sameType } from './glue-types.ts';

export type InferredTable = Omit<CatalogTable, 'versionId' | 'updatedAt'>;

export interface InferInput {
  database: string;
  table: string;
  /** Where the files were found (the dataset's landing prefix). */
  location: string;
  /** One schema per file, in the order the crawler listed them. */
  schemas: FileSchema[];
}

const INT_DIGITS: Record<8 | 16 | 32 | 64, number> = { 8: 3, 16: 5, 32: 10, 64: 19 };

function tryParse(text: string): NormalizedType | undefined {
  try {
    return parseGlueType(text);
  } catch {
    return undefined;
  }
}

function decimalHolding(intDigits: number, scale: number): NormalizedType {
  if (intDigits + scale > MAX_DECIMAL_PRECISION) return { kind: 'float', bits: 64 };
  return { kind: 'decimal', precision: intDigits + scale, scale };
}

/** The wider of two types in the type model (see the module comment). */
export function widerType(a: NormalizedType, b: NormalizedType): NormalizedType {
  if (sameType(a, b)) return a;
  const num = (t: NormalizedType) => t.kind === 'integer' || t.kind === 'decimal' || t.kind === 'float';
  if (a.kind === 'integer' && b.kind === 'integer') return a.bits >= b.bits ? a : b;
  if (a.kind === 'float' && b.kind === 'float') return a.bits >= b.bits ? a : b;
  if (num(a) && num(b)) {
    if (a.kind === 'float' || b.kind === 'float') return { kind: 'float', bits: 64 };
    const digits = (t: NormalizedType) =>
      t.kind === 'integer' ? INT_DIGITS[t.bits] : t.kind === 'decimal' ? (t.precision ?? 38) - (t.scale ?? 0) : 0;
    const scale = (t: NormalizedType) => (t.kind === 'decimal' ? (t.scale ?? 0) : 0);
    return decimalHolding(Math.max(digits(a), digits(b)), Math.max(scale(a), scale(b)));
  }
  if (a.kind === 'string' && b.kind === 'string') {
    if (a.length === undefined || b.length === undefined || a.fixed || b.fixed) return { kind: 'string' };
    return { kind: 'string', length: Math.max(a.length, b.length) };
  }
  if ((a.kind === 'date' && b.kind === 'timestamp') || (a.kind === 'timestamp' && b.kind === 'date')) {
    return { kind: 'timestamp' };
  }
  return { kind: 'string' };
}

/** The wider of two Glue type names; a nested or unknown type wins, so drift sees (and refuses) it. */
export function widerGlueType(a: string, b: string): string {
  if (a === b) return a;
  const ta = tryParse(a);
  const tb = tryParse(b);
  if (!ta) return a;
  if (!tb) return b;
  return formatGlueType(widerType(ta, tb));
}

/** A Glue type name in canonical spelling (`integer` → `int`, `DECIMAL(12, 2)` → `decimal(12,2)`). */
export function canonicalGlueType(text: string): string {
  const t = tryParse(text);
  return t ? formatGlueType(t) : text.trim().toLowerCase();
}

interface Seen {
  name: string;
  type?: string;
  /** Only CSV text has been seen for it so far. */
  textOnly: boolean;
  nullable: boolean;
  files: number;
}

/** Infers the catalog table a crawler would write for these files (see the module comment). */
export function inferCatalogTable(input: InferInput): InferredTable {
  const { schemas } = input;
  if (schemas.length === 0) {
    throw new ConfigError(`no files to crawl at ${input.location}`, {}, 'check the dataset, the batch date and --source');
  }
  const seen = new Map<string, Seen>();
  for (const schema of schemas) {
    const inFile = new Set<string>();
    for (const col of schema.columns) {
      const name = col.name.toLowerCase();
      if (inFile.has(name)) continue; // Glue keeps the first of two columns that differ only in case
      inFile.add(name);
      const text = schema.format === 'csv' && tryParse(col.type)?.kind === 'string';
      let s = seen.get(name);
      if (!s) {
        s = { name, textOnly: true, nullable: false, files: 0 };
        seen.set(name, s);
      }
      s.files++;
      s.nullable ||= col.nullable;
      const type = canonicalGlueType(col.type);
      if (text) {
        if (s.textOnly) s.type = s.type === undefined ? type : widerGlueType(s.type, type);
      } else if (s.textOnly) {
        s.type = type;
        s.textOnly = false;
      } else {
        s.type = widerGlueType(s.type!, type);
      }
    }
  }
  const columns: CatalogColumn[] = [...seen.values()].map((s) => ({
    name: s.name,
    type: s.type ?? 'string',
    // a column some files lack is NULL in their rows
    nullable: s.nullable || s.files < schemas.length,
  }));
  const formats = new Set(schemas.map((s) => s.format));
  return {
    database: input.database,
    name: input.table,
    location: input.location,
    classification: formats.size === 1 ? [...formats][0] : 'mixed',
    columns,
    partitionKeys: [],
  };
}
