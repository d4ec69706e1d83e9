/**
 * One column of a storage sample as Redshift stores its values: integers (SMALLINT, INTEGER, BIGINT,
 * DECIMAL as its unscaled integer, DATE as days, TIMESTAMP as microseconds) with their width in bytes,
 * or byte strings (VARCHAR, CHAR, REAL/DOUBLE/BOOLEAN as their fixed-width bytes). Built from the parts'
 * canonical text (the same text COPY loads), so the figures are of exactly the values the table holds.
 *
 * Widths are Redshift's documented storage sizes ("Data types"): SMALLINT 2, INTEGER 4, BIGINT 8,
 * DECIMAL 8 up to precision 18 and 16 above, REAL 4, DOUBLE PRECISION 8, BOOLEAN 1, DATE 4,
 * TIMESTAMP 8, CHAR(n) n, VARCHAR 4 bytes of length plus its UTF-8 bytes.
 */
import type { RedshiftType } from '../../datasets/contract.ts';
import { daysFromCivil } from '../../core/temporal.ts';

/**
 * Only the non-null values are kept (every encoding is sized on them; `nulls` counts the rest). Byte strings
 * sit in one buffer with their end offsets, not one typed array each: 100,000 rows of SUPPLIER cost 85 MB of
 * heap as separate arrays.
 */
export type SampleColumn =
  | { kind: 'int'; width: number; values: bigint[]; nulls: number }
  | {
      kind: 'bytes';
      /** Fixed width (CHAR, REAL, DOUBLE, BOOLEAN), or null for VARCHAR. */
      width: number | null;
      /** Declared width of a CHAR/VARCHAR (a dictionary entry's size). */
      declared: number;
      data: Buffer;
      /** End offset of each value in `data` (value i is data[ends[i-1] .. ends[i]]). */
      ends: Uint32Array;
      nulls: number;
    };

/** How many non-null values a sample column holds. */
export function valueCount(col: SampleColumn): number {
  return col.kind === 'int' ? col.values.length : col.ends.length;
}

/** Value i of a byte column, as a view. */
export function bytesAt(col: Extract<SampleColumn, { kind: 'bytes' }>, i: number): Buffer {
  return col.data.subarray(i === 0 ? 0 : col.ends[i - 1], col.ends[i]);
}

/** A byte column from separate values (tests and small inputs). */
export function bytesColumn(width: number | null, declared: number, values: ReadonlyArray<Uint8Array | null>): SampleColumn {
  const present = values.filter((v): v is Uint8Array => v !== null);
  const ends = new Uint32Array(present.length);
  let at = 0;
  present.forEach((v, i) => (ends[i] = at += v.length));
  return { kind: 'bytes', width, declared, data: Buffer.concat(present), ends, nulls: values.length - present.length };
}

/** A VARCHAR value's length prefix, in bytes. */
export const VARCHAR_LENGTH_BYTES = 4;

/** The raw (uncompressed) size of value i. */
export function rawWidth(col: SampleColumn, i: number): number {
  if (col.kind === 'int') return col.width;
  return col.width ?? VARCHAR_LENGTH_BYTES + col.ends[i] - (i === 0 ? 0 : col.ends[i - 1]);
}

export function integerWidth(type: RedshiftType): number | undefined {
  switch (type.kind) {
    case 'smallint':
      return 2;
    case 'integer':
    case 'date':
      return 4;
    case 'bigint':
    case 'timestamp':
      return 8;
    case 'decimal':
      return type.precision <= 18 ? 8 : 16;
    default:
      return undefined;
  }
}

/** The unscaled integer of a decimal's canonical text ("-12.30" at scale 2 → -1230n). */
export function unscaled(text: string, scale: number): bigint {
  const neg = text.startsWith('-');
  const body = neg || text.startsWith('+') ? text.slice(1) : text;
  const [whole, frac = ''] = body.split('.');
  const v = BigInt(`${whole || '0'}${frac.padEnd(scale, '0').slice(0, scale)}`);
  return neg ? -v : v;
}

/** Canonical DATE text (YYYY-MM-DD) as days since 1970-01-01. */
export function dateDays(text: string): bigint {
  return BigInt(daysFromCivil(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))));
}

/** Canonical TIMESTAMP text (YYYY-MM-DD HH:MM:SS[.ffffff]) as microseconds since 1970-01-01. */
export function timestampMicros(text: string): bigint {
  const secs = Number(text.slice(11, 13)) * 3600 + Number(text.slice(14, 16)) * 60 + Number(text.slice(17, 19));
  const frac = text.length > 20 ? BigInt(text.slice(20).padEnd(6, '0').slice(0, 6)) : 0n;
  return (dateDays(text) * 86_400n + BigInt(secs)) * 1_000_000n + frac;
}

function integerOf(type: RedshiftType, text: string): bigint {
  if (type.kind === 'decimal') return unscaled(text, type.scale);
  if (type.kind === 'date') return dateDays(text);
  if (type.kind === 'timestamp') return timestampMicros(text);
  return BigInt(text);
}

function fixedBytes(type: RedshiftType, text: string): Uint8Array {
  if (type.kind === 'boolean') return Uint8Array.of(text === 'true' ? 1 : 0);
  const b = new Uint8Array(type.kind === 'real' ? 4 : 8);
  const view = new DataView(b.buffer);
  if (type.kind === 'real') view.setFloat32(0, Number(text), true);
  else view.setFloat64(0, Number(text), true);
  return b;
}

/** A column of canonical texts (null for NULL) as the values Redshift stores. */
export function sampleColumnOf(type: RedshiftType, texts: ReadonlyArray<string | null>): SampleColumn {
  const present = texts.filter((t): t is string => t !== null);
  const nulls = texts.length - present.length;
  const width = integerWidth(type);
  if (width !== undefined) return { kind: 'int', width, values: present.map((t) => integerOf(type, t)), nulls };
  if (type.kind === 'varchar' || type.kind === 'char') {
    const declared = type.bytes === 'max' ? 65535 : type.bytes;
    const ends = new Uint32Array(present.length);
    let at = 0;
    present.forEach((t, i) => (ends[i] = at += Buffer.byteLength(t)));
    const data = Buffer.allocUnsafe(at);
    let w = 0;
    for (const t of present) w += data.write(t, w, 'utf8');
    return { kind: 'bytes', width: type.kind === 'char' ? declared : null, declared, data, ends, nulls };
  }
  return bytesColumn(type.kind === 'boolean' ? 1 : type.kind === 'real' ? 4 : 8, type.kind === 'boolean' ? 1 : type.kind === 'real' ? 4 : 8, texts.map((t) => (t === null ? null : fixedBytes(type, t))));
}
