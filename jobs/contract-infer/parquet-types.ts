/**
 * Contract types of Parquet columns, from the file's footer (logical type first, then the legacy
 * converted type, then the physical type):
 *
 *   INT(8|16, signed) / UINT(8) → smallint   INT(32, signed) / UINT(16) / plain INT32 → integer
 *   INT(64, signed) / UINT(32) / plain INT64 → bigint
 *   DECIMAL(p,s), p ≤ 38 → decimal(p,s)       FLOAT → real      DOUBLE → double precision
 *   STRING / UTF8 / ENUM / JSON → varchar (width from the scan)   BOOLEAN → boolean   DATE → date
 *   TIMESTAMP (MILLIS, MICROS, NANOS), TIMESTAMP_MILLIS/MICROS, INT96 → timestamp
 *
 * Refused (ConfigError, exit 2, naming the file, the column and what to do): UINT64 (up to 2^64-1, more
 * than bigint holds: the reader does not carry it either, so cast it to DECIMAL(20,0) or BIGINT in the
 * export), DECIMAL wider than 38 digits, TIME, INTERVAL, UUID, FLOAT16, BSON and the other annotations,
 * BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY without a string annotation (binary), and nested columns (LIST,
 * MAP, struct, repeated).
 */
import { parquetMetadataAsync, parquetSchema } from 'hyparquet';
import type { FileMetaData, SchemaElement } from 'hyparquet';
import { ConfigError, QualityError } from '../../core/errors.ts';
import type { RedshiftType } from '../../datasets/contract.ts';
import type { RandomAccess } from '../store/index.ts';
import { nestedKind } from '../readers/parquet.ts';

export interface ParquetColumnType {
  /** The column's name in the file. */
  sourceName: string;
  /** varchar's width is decided by the scan. */
  type: Exclude<RedshiftType, { kind: 'varchar' } | { kind: 'char' }> | { kind: 'varchar' };
  /** What the footer says, for messages: `INT64 TIMESTAMP(MICROS)`. */
  parquet: string;
}

function refuse(file: string, column: string, what: string, todo: string): never {
  throw new ConfigError(`column ${column} has no contract type: it is ${what}`, { file, column }, todo);
}

/** The footer's spelling of a column's type: physical type and annotation. */
function parquetText(e: SchemaElement): string {
  const lt = e.logical_type;
  let note: string | undefined;
  if (lt?.type === 'DECIMAL') note = `DECIMAL(${lt.precision},${lt.scale})`;
  else if (lt?.type === 'TIMESTAMP' || lt?.type === 'TIME') note = `${lt.type}(${lt.unit})`;
  else if (lt?.type === 'INTEGER') note = `INT(${lt.bitWidth}, ${lt.isSigned ? 'signed' : 'unsigned'})`;
  else if (lt) note = lt.type;
  else if (e.converted_type === 'DECIMAL') note = `DECIMAL(${e.precision ?? '?'},${e.scale ?? 0})`;
  else note = e.converted_type;
  return note ? `${e.type ?? 'group'} ${note}` : String(e.type ?? 'group');
}

/** The contract type of one flat column (see the module comment). */
export function columnType(file: string, e: SchemaElement): ParquetColumnType {
  const parquet = parquetText(e);
  const ok = (type: ParquetColumnType['type']): ParquetColumnType => ({ sourceName: e.name, type, parquet });
  const no = (todo: string): never => refuse(file, e.name, `Parquet ${parquet}`, todo);
  const lt = e.logical_type;
  const ct = e.converted_type;
  if (lt?.type === 'DECIMAL' || ct === 'DECIMAL') {
    const precision = (lt?.type === 'DECIMAL' ? lt.precision : e.precision) ?? 0;
    const scale = (lt?.type === 'DECIMAL' ? lt.scale : e.scale) ?? 0;
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      return no('Redshift DECIMAL holds at most 38 digits: cast it to DECIMAL(38,s) or less in the export (or to text, to keep every digit)');
    }
    return ok({ kind: 'decimal', precision, scale });
  }
  const castHint = 'cast it in the export to a type Redshift holds (integer, decimal, double, string, boolean, date, timestamp)';
  switch (e.type) {
    case 'BOOLEAN':
      return ok({ kind: 'boolean' });
    case 'INT32': {
      if (lt?.type === 'DATE' || ct === 'DATE') return ok({ kind: 'date' });
      if (lt?.type === 'TIME' || ct?.startsWith('TIME_')) return no(`a time of day, which Redshift's TIME the loader does not write: ${castHint}`);
      if (lt && lt.type !== 'INTEGER') return no(castHint);
      const bits = lt?.type === 'INTEGER' ? lt.bitWidth : Number(/^U?INT_(\d+)$/.exec(ct ?? '')?.[1] ?? 32);
      const unsigned = lt?.type === 'INTEGER' ? !lt.isSigned : ct?.startsWith('UINT_') === true;
      if (unsigned) return ok({ kind: bits <= 8 ? 'smallint' : bits <= 16 ? 'integer' : 'bigint' });
      return ok({ kind: bits <= 16 ? 'smallint' : 'integer' });
    }
    case 'INT64':
      if (lt?.type === 'TIMESTAMP' || ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS') return ok({ kind: 'timestamp' });
      if (lt?.type === 'TIME' || ct?.startsWith('TIME_')) return no(`a time of day, which Redshift's TIME the loader does not write: ${castHint}`);
      if (ct === 'UINT_64' || (lt?.type === 'INTEGER' && !lt.isSigned && lt.bitWidth === 64)) {
        return no('an unsigned 64-bit integer (up to 18446744073709551615), more than BIGINT holds: cast it to DECIMAL(20,0), or to BIGINT if every value is below 2^63, in the export');
      }
      if (lt && lt.type !== 'INTEGER') return no(castHint);
      return ok({ kind: 'bigint' });
    case 'INT96':
      return ok({ kind: 'timestamp' });
    case 'FLOAT':
      return ok({ kind: 'real' });
    case 'DOUBLE':
      return ok({ kind: 'double precision' });
    case 'BYTE_ARRAY':
      if (lt?.type === 'STRING' || lt?.type === 'ENUM' || lt?.type === 'JSON' || ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON') return ok({ kind: 'varchar' });
      if (!lt && !ct) return no('binary (BYTE_ARRAY without a STRING annotation): write it as a string column (UTF-8 text, e.g. hex or base64) in the export, or leave it out');
      return no(castHint);
    case 'FIXED_LEN_BYTE_ARRAY':
      if (!lt && !ct) return no('binary (FIXED_LEN_BYTE_ARRAY without an annotation): write it as a string column in the export, or leave it out');
      return no(castHint);
    default:
      return no(castHint);
  }
}

/** A failure of the store itself (network, permissions): passed on as it came, it is not the file's fault. */
class StoreFailure extends Error {
  constructor(readonly original: unknown) {
    super('store read failed');
  }
}

/** Reads the footer (only the footer: one or two range reads). A damaged file is a QualityError naming it. */
export async function readFooter(access: RandomAccess): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync({
      byteLength: access.size,
      slice: (start, end) => access.read(start, end ?? access.size).catch((e: unknown) => {
        throw new StoreFailure(e);
      }),
    });
  } catch (e) {
    if (e instanceof StoreFailure) throw e.original;
    throw new QualityError(`not a readable Parquet file (${(e as Error).message})`, { file: access.uri },
      'the upload may have been cut off: re-export or re-upload the file');
  }
}

/** Every column's contract type, in file order; the first column that has none stops with exit 2. */
export function parquetColumnTypes(file: string, metadata: FileMetaData): ParquetColumnType[] {
  return parquetSchema(metadata).children.map((node) => {
    const kind = nestedKind(node);
    if (kind) refuse(file, node.element.name, `${kind}, and a contract column is flat`, 'flatten it into one column per field in the export, or leave it out');
    return columnType(file, node.element);
  });
}
