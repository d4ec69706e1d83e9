/**
 * A Parquet file with an INT96 timestamp column (what Spark and Hive write and DuckDB cannot): hyparquet-writer
 * writes the column as 12-byte FIXED_LEN_BYTE_ARRAY values (PLAIN, uncompressed, no statistics or indexes),
 * then the footer is written again with the column's physical type changed to INT96. The page bytes of a
 * FIXED_LEN_BYTE_ARRAY(12) and an INT96 column are the same PLAIN encoding: 12 bytes per value.
 */
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { ByteWriter, parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';

const NANOS_PER_DAY = 86_400_000_000_000n;
const JULIAN_EPOCH = 2440588n;

/** The 12 INT96 bytes of nanoseconds since 1970-01-01: nanoseconds of the day (8 bytes LE), Julian day (4 bytes LE). */
export function int96Bytes(nanos: bigint): Uint8Array {
  let days = nanos / NANOS_PER_DAY;
  let ofDay = nanos % NANOS_PER_DAY;
  if (ofDay < 0n) {
    ofDay += NANOS_PER_DAY;
    days -= 1n;
  }
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, ofDay, true);
  view.setUint32(8, Number(days + JULIAN_EPOCH), true);
  return out;
}

/**
 * A whole Parquet file: `columns` as hyparquet-writer takes them (with their schema), plus `int96` — a
 * nullable INT96 column of the given name whose values are nanoseconds since 1970-01-01 (null = NULL).
 */
export function parquetWithInt96(
  schema: NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>,
  columns: ColumnSource[],
  int96: { name: string; nanos: Array<bigint | null>; after: number },
): Uint8Array {
  const flba = { name: int96.name, type: 'FIXED_LEN_BYTE_ARRAY' as const, type_length: 12, repetition_type: 'OPTIONAL' as const };
  const fullSchema = [...schema];
  fullSchema.splice(int96.after + 1, 0, flba);
  fullSchema[0] = { ...fullSchema[0], num_children: fullSchema.length - 1 };
  const data = [...columns];
  data.splice(int96.after, 0, { name: int96.name, data: int96.nanos.map((n) => (n === null ? null : int96Bytes(n))), encoding: 'PLAIN' });
  const written = new Uint8Array(parquetWriteBuffer({
    schema: fullSchema,
    columnData: data.map((c) => ({ ...c, statistics: false, offsetIndex: false, columnIndex: false })),
    codec: 'UNCOMPRESSED',
    statistics: false,
  }));
  const footerLength = new DataView(written.buffer, written.byteOffset).getUint32(written.length - 8, true);
  const footerStart = written.length - 8 - footerLength;
  const meta: FileMetaData = parquetMetadata(written.buffer.slice(written.byteOffset, written.byteOffset + written.length));
  const patched: FileMetaData = {
    ...meta,
    schema: meta.schema.map((e) => (e.name === int96.name ? { ...e, type: 'INT96', type_length: undefined } : e)),
    row_groups: meta.row_groups.map((g) => ({
      ...g,
      columns: g.columns.map((c) => (c.meta_data?.path_in_schema[0] === int96.name ? { ...c, meta_data: { ...c.meta_data, type: 'INT96' } } : c)),
    })),
  };
  const footer = new ByteWriter();
  writeMetadata(footer, patched as unknown as Parameters<typeof writeMetadata>[1]); // hyparquet-writer types the footer with its own copy of hyparquet
  const footerBytes = new Uint8Array(footer.getBuffer());
  const out = new Uint8Array(footerStart + footerBytes.length + 8);
  out.set(written.subarray(0, footerStart));
  out.set(footerBytes, footerStart);
  const tail = new DataView(out.buffer, footerStart + footerBytes.length);
  tail.setUint32(0, footerBytes.length, true);
  out.set([0x50, 0x41, 0x52, 0x31], footerStart + footerBytes.length + 4);
  return out;
}
