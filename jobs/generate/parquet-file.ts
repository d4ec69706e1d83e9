/**
 * SUPPLIER as Parquet, streamed to an open file one row group at a time (hyparquet-writer's ParquetWriter).
 *
 * Physical schema, as DuckDB writes TPC-H SUPPLIER with its native types (the shape of
 * /work/shared/data/tpch/duckdb-zstd-decimal.parquet), every column OPTIONAL as DuckDB and Spark write them:
 *
 *   s_suppkey    INT64  (INT_64)
 *   s_name       BYTE_ARRAY (UTF8)
 *   s_address    BYTE_ARRAY (UTF8)
 *   s_nationkey  INT32  (INT_32)
 *   s_phone      BYTE_ARRAY (UTF8)
 *   s_acctbal    INT64  (DECIMAL(12,2): the unscaled cents, exact)
 *   s_comment    BYTE_ARRAY (UTF8)
 *
 * Snappy pages. Memory: the writer's buffer is written out after every row group, so a file of any size
 * holds at most one row group's encoded bytes (plus the footer's per-row-group metadata).
 */
import type { FileHandle } from 'node:fs/promises';
import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import type { SupplierBatch } from './supplier-rows.ts';

export const SUPPLIER_PARQUET_SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: 7, repetition_type: 'REQUIRED' },
  { name: 's_suppkey', type: 'INT64', converted_type: 'INT_64', repetition_type: 'OPTIONAL' },
  { name: 's_name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 's_address', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 's_nationkey', type: 'INT32', converted_type: 'INT_32', repetition_type: 'OPTIONAL' },
  { name: 's_phone', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  {
    name: 's_acctbal',
    type: 'INT64',
    converted_type: 'DECIMAL',
    precision: 12,
    scale: 2,
    logical_type: { type: 'DECIMAL', precision: 12, scale: 2 },
    repetition_type: 'OPTIONAL',
  },
  { name: 's_comment', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
];

/**
 * The strings' bytes, as views into one buffer: far fewer objects than a TextEncoder array per value.
 * Generated SUPPLIER text is ASCII (alphabet and vocabulary), where latin1 and UTF-8 bytes are the same.
 */
function asciiBytes(values: string[]): Uint8Array[] {
  let total = 0;
  for (const v of values) total += v.length;
  const buffer = Buffer.allocUnsafe(total);
  const out = new Array<Uint8Array>(values.length);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const n = buffer.write(values[i]!, at, 'latin1');
    out[i] = buffer.subarray(at, at + n);
    at += n;
  }
  return out;
}

/** hyparquet-writer's byte buffer, emptied into a file after every row group instead of growing. */
class FileByteWriter extends ByteWriter {
  constructor(private readonly handle: FileHandle) {
    super(1 << 20);
  }

  async flush(): Promise<void> {
    let done = 0;
    while (done < this.index) {
      const { bytesWritten } = await this.handle.write(new Uint8Array(this.buffer, done, this.index - done));
      done += bytesWritten;
    }
    this.index = 0;
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

export interface ParquetSinkOptions {
  /** Key/value pairs for the footer (provenance). */
  metadata?: Record<string, string>;
  createdBy?: string;
}

/** Writes SUPPLIER batches to an open file, one row group per batch. */
export class SupplierParquetSink {
  private readonly writer: ParquetWriter;

  constructor(handle: FileHandle, options: ParquetSinkOptions = {}) {
    this.writer = new ParquetWriter({
      writer: new FileByteWriter(handle),
      schema: SUPPLIER_PARQUET_SCHEMA,
      codec: 'SNAPPY',
      createdBy: options.createdBy ?? 'redshift-loader generate (hyparquet-writer)',
      kvMetadata: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    });
  }

  /** Encodes the batch as one row group and writes it out. */
  async write(batch: SupplierBatch): Promise<void> {
    const n = batch.numRows;
    const keys = new BigInt64Array(n);
    const cents = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      keys[i] = BigInt(batch.firstKey + i);
      cents[i] = BigInt(batch.acctbalCents[i]!);
    }
    // Text columns go in as UTF-8 bytes, PLAIN (nearly every value differs, as in DuckDB's files).
    const columnData: ColumnSource[] = [
      { name: 's_suppkey', data: keys },
      { name: 's_name', data: asciiBytes(batch.name), encoding: 'PLAIN' },
      { name: 's_address', data: asciiBytes(batch.address), encoding: 'PLAIN' },
      { name: 's_nationkey', data: batch.nationkey },
      { name: 's_phone', data: asciiBytes(batch.phone), encoding: 'PLAIN' },
      { name: 's_acctbal', data: cents },
      { name: 's_comment', data: asciiBytes(batch.comment), encoding: 'PLAIN' },
    ];
    await this.writer.write({ columnData, rowGroupSize: n });
    this.detachStatistics();
  }

  /**
   * The writer keeps every row group's min/max until it writes the footer; for text columns they are views
   * into that batch's byte buffer. Copy them, or each row group's whole buffer would live until the end
   * and memory would grow with the file (1.5 GB for 10M rows in one file).
   */
  private detachStatistics(): void {
    for (const column of this.writer.row_groups.at(-1)?.columns ?? []) {
      const stats = column.meta_data?.statistics;
      if (!stats) continue;
      if (stats.min_value instanceof Uint8Array) stats.min_value = new Uint8Array(stats.min_value);
      if (stats.max_value instanceof Uint8Array) stats.max_value = new Uint8Array(stats.max_value);
      if (stats.min instanceof Uint8Array) stats.min = new Uint8Array(stats.min);
      if (stats.max instanceof Uint8Array) stats.max = new Uint8Array(stats.max);
    }
  }

  /** Writes the footer. */
  async finish(): Promise<void> {
    await this.writer.finish();
  }
}
