/**
 * Parquet source reader on hyparquet: the footer gives the schema, then the file is decoded
 * ONE ROW GROUP AT A TIME (a row group is the unit Parquet writers buffer, so it bounds memory).
 *
 * DECIMAL columns never go through a double: hyparquet is handed a copy of the footer whose
 * DECIMAL elements have no annotation, so it returns the raw unscaled integers (INT32, INT64, or
 * big-endian two's-complement bytes), and `decimalText` scales them exactly with BigInt.
 */
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData, ParquetParsers, SchemaElement, SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DriftError, QualityError } from '../../core/errors.ts';
import { decimalText } from '../../core/decimal-text.ts';
import { EpochDays, EpochNanos } from '../../core/temporal.ts';
import type { RandomAccess } from '../store/index.ts';
import { verifyChunkCrcs } from './page-crc.ts';
import { refuseEncryptedColumns } from './encrypted-columns.ts';
import type { ColumnBatch, FileColumn, FileSchema, Value } from '../../core/values.ts';

export interface ParquetReadOptions {
  /** Row groups larger than this are handed on in several batches (default 65536). */
  maxBatchRows?: number;
}

interface ParquetColumn extends FileColumn {
  /** Turns one non-null decoded value (hyparquet types it `any`) into the Value the pass sees; absent = as decoded. */
  convert?: (v: unknown, row: number) => Value;
}

/** What hyparquet decodes a physical INT32 or INT64 value to (annotations removed: see readMetadata). */
type DecodedInteger = number | bigint;

export interface OpenParquet {
  metadata: FileMetaData;
  /** The footer as hyparquet must see it: DECIMAL/JSON/ENUM annotations removed. */
  readMetadata: FileMetaData;
  columns: ParquetColumn[];
  rowCount: number;
}

const PAR1 = 0x31524150; // "PAR1" little-endian
const PARE = 0x45524150; // "PARE": Parquet modular encryption with an encrypted footer

/** Parquet modular encryption with an encrypted footer (PARE magic): refused, exit 4. */
function encrypted(file: string): QualityError {
  return new QualityError('an encrypted Parquet file (PARE): the loader cannot read encrypted Parquet', { file },
    'export it without Parquet modular encryption (S3 SSE-KMS already encrypts it at rest)');
}
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/**
 * Strings decode strictly: Redshift rejects invalid UTF-8, so it is caught here, at the file. Dates and
 * timestamps stay exact (hyparquet's defaults make a JS Date, which cuts MICROS and NANOS to milliseconds):
 * DATE as its day number, every TIMESTAMP unit and INT96 as nanoseconds since 1970-01-01 (isAdjustedToUTC or
 * not, the stored number is the wall time the column writes).
 */
const parsers: Partial<ParquetParsers> = {
  stringFromBytes: (b: Uint8Array) => b && utf8.decode(b),
  dateFromDays: (days: number) => new EpochDays(days),
  timestampFromMilliseconds: (millis: bigint) => new EpochNanos(BigInt(millis) * 1_000_000n),
  timestampFromMicroseconds: (micros: bigint) => new EpochNanos(BigInt(micros) * 1000n),
  timestampFromNanoseconds: (nanos: bigint) => new EpochNanos(BigInt(nanos)),
};

/** Marks a failure of the store itself (network, permissions), which is not the file's fault. */
class ReadFailure extends Error {
  constructor(readonly original: unknown) {
    super('read failed');
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function bad(file: string, text: string, cause?: unknown, hint?: string): QualityError {
  const err = new QualityError(text, { file }, hint);
  if (cause !== undefined) err.cause = cause;
  return err;
}

function asyncBuffer(access: RandomAccess): AsyncBuffer {
  return {
    byteLength: access.size,
    slice: (start, end) =>
      access.read(start, end ?? access.size).catch((e: unknown) => {
        throw new ReadFailure(e);
      }),
  };
}

/**
 * Rethrows a store failure as it came; anything else from hyparquet becomes a QualityError saying what
 * was being read. hyparquet's own messages ("parquet …") are kept; a JS engine error (TypeError,
 * RangeError: "Invalid typed array length: 4") is the decoder tripping over damaged bytes, which says
 * nothing to a user: it is left out of the line (--debug shows it as the cause).
 */
function wrap(file: string, e: unknown, text: string): never {
  if (e instanceof ReadFailure) throw e.original;
  if (e instanceof QualityError) throw e;
  const internal = e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError || /\bundefined\b/.test(message(e));
  throw bad(file, internal ? `${text}: its bytes do not decode` : `${text} (${message(e)})`, e, 're-export it (the file was damaged, or cut off in transit)');
}

/** Big-endian two's-complement bytes as a bigint (an empty array is 0). */
function twosComplement(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return bytes.length && bytes[0] & 0x80 ? v - (1n << BigInt(bytes.length * 8)) : v;
}

/** What a non-leaf (or repeated) Parquet field is, in words (`a LIST`, `a MAP`, …), or undefined for a plain column. */
export function nestedKind(node: SchemaTree): string | undefined {
  const e = node.element;
  if (e.repetition_type === 'REPEATED') return 'a repeated field';
  if (!node.children.length) return undefined;
  const kind = e.logical_type?.type ?? e.converted_type;
  if (kind === 'LIST') return 'a LIST';
  if (kind === 'MAP' || kind === 'MAP_KEY_VALUE') return 'a MAP';
  return 'a struct (group)';
}

/** The Glue-style type of one flat column, and how its decoded values become Values. */
function describe(file: string, e: SchemaElement): ParquetColumn {
  const nullable = e.repetition_type !== 'REQUIRED';
  const col = (type: string, convert?: ParquetColumn['convert']): ParquetColumn => ({ name: e.name, type, nullable, convert });
  const unsupported = (what: string): never => {
    throw new DriftError(
      `column ${e.name} has Parquet type ${what}, which the loader cannot carry into Redshift`,
      { file, column: e.name },
      'cast it to a supported type (integer, decimal, double, string, boolean, date, timestamp) in the export',
    );
  };
  const lt = e.logical_type;
  const ct = e.converted_type;
  if (lt && !lt.type) {
    // hyparquet hands on a LogicalType it does not know as its raw thrift fields (field_N)
    const field = Object.keys(lt).find((k) => k.startsWith('field_'))?.slice(6) ?? '?';
    unsupported(`${e.type} with a logical type the loader does not know (LogicalType field ${field}, newer than this reader)`);
  }
  if (ct === 'DECIMAL' || lt?.type === 'DECIMAL') {
    const scale = (lt?.type === 'DECIMAL' ? lt.scale : e.scale) ?? 0;
    const precision = (lt?.type === 'DECIMAL' ? lt.precision : e.precision) ?? 0;
    return col(`decimal(${precision},${scale})`, (v) =>
      decimalText(v instanceof Uint8Array ? twosComplement(v) : BigInt(v as DecodedInteger), scale),
    );
  }
  const text = (v: unknown, row: number): string => {
    try {
      return utf8.decode(v as Uint8Array);
    } catch {
      throw new QualityError(`column ${e.name} holds bytes that are not UTF-8 text`, { file, row, column: e.name });
    }
  };
  switch (e.type) {
    case 'BOOLEAN':
      return col('boolean');
    case 'INT32': {
      if (ct === 'DATE' || lt?.type === 'DATE') return col('date');
      if (ct?.startsWith('TIME_') || lt?.type === 'TIME') return unsupported(`INT32 ${ct ?? 'TIME'}`);
      const bits = lt?.type === 'INTEGER' ? lt.bitWidth : Number(ct?.match(/^U?INT_(\d+)$/)?.[1] ?? 32);
      const unsigned = lt?.type === 'INTEGER' ? !lt.isSigned : ct?.startsWith('UINT_') === true;
      if (unsigned) return bits === 32 ? col('bigint', (v) => BigInt(v as DecodedInteger)) : col(bits === 16 ? 'int' : 'smallint');
      return col(bits === 8 ? 'tinyint' : bits === 16 ? 'smallint' : 'int');
    }
    case 'INT64':
      if (ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS' || lt?.type === 'TIMESTAMP') return col('timestamp');
      if (ct === 'UINT_64' || (lt?.type === 'INTEGER' && !lt.isSigned)) return unsupported('INT64 UINT_64');
      if (ct?.startsWith('TIME_') || lt?.type === 'TIME') return unsupported(`INT64 ${ct ?? 'TIME'}`);
      return col('bigint');
    case 'INT96':
      return col('timestamp');
    case 'FLOAT':
      return col('float');
    case 'DOUBLE':
      return col('double');
    case 'BYTE_ARRAY':
      if (ct === 'UTF8' || lt?.type === 'STRING') return col('string');
      if (ct === 'JSON' || ct === 'ENUM' || lt?.type === 'JSON' || lt?.type === 'ENUM') return col('string', text);
      if (!ct && !lt) return col('binary', text);
      return unsupported(`BYTE_ARRAY ${lt?.type ?? ct}`);
    case 'FIXED_LEN_BYTE_ARRAY':
      if (lt?.type === 'UUID') return col('string');
      if (lt?.type === 'FLOAT16') return col('float');
      if (!ct && !lt) return col('binary', text);
      return unsupported(`FIXED_LEN_BYTE_ARRAY ${lt?.type ?? ct}`);
    default:
      return unsupported(String(e.type));
  }
}

/** Reads and checks the footer: everything known about the file before any data is decoded. */
export async function openParquet(access: RandomAccess): Promise<OpenParquet> {
  const file = access.uri;
  const reupload = 'the upload may have been cut off: re-export or re-upload the file';
  if (access.size < 12) {
    throw bad(file, `not a readable Parquet file: it is only ${access.size} bytes (empty or truncated?)`, undefined, reupload);
  }
  const [head, tail] = (await Promise.all([access.read(0, 4), access.read(access.size - 8, access.size)])).map(
    (b) => new DataView(b),
  );
  if ((head.byteLength >= 4 && head.getUint32(0, true) === PARE) || (tail.byteLength >= 8 && tail.getUint32(4, true) === PARE)) {
    throw encrypted(file);
  }
  if (head.byteLength < 4 || head.getUint32(0, true) !== PAR1) {
    throw bad(file, 'not a Parquet file: it does not begin with the Parquet marker PAR1', undefined,
      'check the file extension: only real Parquet files may be named .parquet');
  }
  if (tail.byteLength < 8 || tail.getUint32(4, true) !== PAR1) {
    throw bad(file, 'not a readable Parquet file: footer is missing (file truncated?)', undefined, reupload);
  }
  const footerLength = tail.getUint32(0, true);
  if (footerLength > access.size - 12) {
    throw bad(file, `not a readable Parquet file: footer claims ${footerLength} bytes, more than the file holds (file truncated or damaged?)`, undefined, reupload);
  }
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(asyncBuffer(access), { initialFetchSize: footerLength + 8 });
  } catch (e) {
    wrap(file, e, 'not a readable Parquet file: footer is damaged');
  }
  refuseEncryptedColumns(file, metadata);
  return parquetLayout(file, metadata);
}

/** Everything the footer tells (columns, their conversions, the footer hyparquet must see), checked. */
export function parquetLayout(file: string, metadata: FileMetaData): OpenParquet {
  const reupload = 'the upload may have been cut off: re-export or re-upload the file';
  let root: SchemaTree;
  try {
    root = parquetSchema(metadata);
  } catch (e) {
    wrap(file, e, 'not a readable Parquet file: footer is damaged');
  }
  const columns = root.children.map((node) => {
    const kind = nestedKind(node);
    if (kind) {
      throw new DriftError(`column ${node.element.name} is ${kind}; the loader reads flat columns only`,
        { file, column: node.element.name }, 'flatten nested columns in the export');
    }
    return describe(file, node.element);
  });
  const rowCount = Number(metadata.num_rows);
  const inGroups = metadata.row_groups.reduce((n, g) => n + Number(g.num_rows), 0);
  if (inGroups !== rowCount) {
    throw bad(file, `damaged Parquet file: footer says ${rowCount} rows but its row groups hold ${inGroups}`, undefined, reupload);
  }
  const annotated = (e: SchemaElement) =>
    ['DECIMAL', 'JSON', 'ENUM'].includes(e.converted_type ?? e.logical_type?.type ?? '');
  const readMetadata: FileMetaData = {
    ...metadata,
    schema: metadata.schema.map((e) =>
      e.type && annotated(e) ? { ...e, converted_type: undefined, logical_type: undefined } : e,
    ),
  };
  return { metadata, readMetadata, columns, rowCount };
}

/** The file's schema from its footer, with Glue-style type names. */
export async function readParquetSchema(access: RandomAccess): Promise<FileSchema> {
  const { columns, rowCount } = await openParquet(access);
  return {
    file: access.uri,
    format: 'parquet',
    columns: columns.map(({ name, type, nullable }) => ({ name, type, nullable })),
    rowCount,
  };
}

/** Checks the page CRCs of every column chunk of a row group before hyparquet reads it (see ./page-crc.ts). */
async function verifyGroupCrcs(access: RandomAccess, open: OpenParquet, group: number): Promise<void> {
  const chunks = open.metadata.row_groups[group].columns.map((c, j) => {
    const meta = c.meta_data;
    const start = meta ? Number(meta.dictionary_page_offset || meta.data_page_offset) : NaN;
    return { column: open.columns[j]?.name ?? String(j + 1), start, end: start + Number(meta?.total_compressed_size) };
  }).filter((c) => c.start >= 0 && c.end <= access.size && c.start < c.end);
  if (!chunks.length) return;
  const from = Math.min(...chunks.map((c) => c.start));
  const to = Math.max(...chunks.map((c) => c.end));
  const bytes = new Uint8Array(await access.read(from, to)); // a store failure passes through as it came (retryable)
  for (const c of chunks) {
    if (c.end - from > bytes.length) continue; // a short read: hyparquet reports the damage
    verifyChunkCrcs(bytes, c.start - from, c.end - from, from, { file: access.uri, group, column: c.column });
  }
}

/** Decodes one row group into one Value array per column, checking every column holds `rows` values. */
export async function readRowGroup(
  access: RandomAccess,
  open: OpenParquet,
  group: number,
  firstRow: number,
  rows: number,
): Promise<Value[][]> {
  const file = access.uri;
  const byName = new Map(open.columns.map((c, i) => [c.name, i]));
  // onChunk must not throw (hyparquet calls it from a detached promise): collect here, convert after.
  const chunks: ArrayLike<unknown>[][] = open.columns.map(() => []);
  const where = `row group ${group + 1} of ${open.metadata.row_groups.length} (rows ${firstRow + 1}-${firstRow + rows})`;
  await verifyGroupCrcs(access, open, group);
  try {
    await parquetRead({
      file: asyncBuffer(access),
      metadata: open.readMetadata,
      rowStart: firstRow,
      rowEnd: firstRow + rows,
      compressors,
      parsers,
      utf8: false,
      onChunk: ({ columnName, columnData }) => chunks[byName.get(columnName)!].push(columnData),
    });
  } catch (e) {
    wrap(file, e, `damaged Parquet file: ${where} cannot be decoded`);
  }
  return open.columns.map((c, i) => {
    const values: Value[] = [];
    for (const chunk of chunks[i]) {
      for (let k = 0; k < chunk.length; k++) {
        const v = chunk[k];
        values.push(v === null || v === undefined ? null : c.convert ? c.convert(v, firstRow + values.length + 1) : (v as Value));
      }
    }
    if (values.length !== rows) {
      throw bad(file, `damaged Parquet file: ${where} should hold ${rows} rows but column ${c.name} decoded to ${values.length}`,
        undefined, 'the writer produced an inconsistent file: re-export it');
    }
    return values;
  });
}

/** The file's rows, one row group at a time, in batches of at most `maxBatchRows`. */
export async function* readParquetBatches(access: RandomAccess, opts: ParquetReadOptions = {}): AsyncGenerator<ColumnBatch> {
  const max = opts.maxBatchRows ?? 65536;
  if (!(max >= 1)) throw new RangeError(`maxBatchRows must be at least 1, got ${max}`);
  const open = await openParquet(access);
  let groupStart = 0;
  for (const [g, group] of open.metadata.row_groups.entries()) {
    const rows = Number(group.num_rows);
    if (rows === 0) continue;
    const values = await readRowGroup(access, open, g, groupStart, rows);
    for (let off = 0; off < rows; off += max) {
      const end = Math.min(rows, off + max);
      const columns: Record<string, Value[]> = {};
      open.columns.forEach((c, i) => {
        columns[c.name] = off === 0 && end === rows ? values[i] : values[i].slice(off, end);
      });
      yield { file: access.uri, firstRow: groupStart + off + 1, numRows: end - off, columns };
    }
    groupStart += rows;
  }
}
