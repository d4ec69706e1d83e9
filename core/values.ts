import type { EpochDays, EpochNanos } from './temporal.ts';

/**
 * What a reader hands the rest of the pass: column batches of plain JS values.
 * - strings are UTF-8 decoded text;
 * - integers are number (INT32) or bigint (INT64);
 * - DOUBLE/FLOAT are number; BOOLEAN is boolean;
 * - DECIMAL is the exact decimal text (e.g. "-283.84"), never a double;
 * - DATE is EpochDays (days since 1970-01-01), every TIMESTAMP (MILLIS, MICROS, NANOS, INT96) is EpochNanos
 *   (nanoseconds since 1970-01-01 00:00:00, exact: never a JS Date, which keeps milliseconds) — core/temporal.ts;
 * - delimited text gives every field as a string, NULL as null.
 */
export type Value = string | number | bigint | boolean | EpochDays | EpochNanos | null | undefined;

/** The physical/logical type a file declares for a column, for drift and for conversion. */
export interface FileColumn {
  name: string;
  /** Glue-style type name: bigint, int, smallint, string, double, float, decimal(p,s), boolean, date, timestamp, binary. */
  type: string;
  nullable: boolean;
}

export interface FileSchema {
  file: string;
  format: 'parquet' | 'csv';
  columns: FileColumn[];
  /** Row count from the file's own metadata, when the format has one (Parquet). */
  rowCount?: number;
}

export interface ColumnBatch {
  /** URI or path of the file the rows came from. */
  file: string;
  /** 1-based row number, inside `file`, of the batch's first row. */
  firstRow: number;
  numRows: number;
  /** Values by source column name; every array has `numRows` entries. */
  columns: Record<string, ArrayLike<Value>>;
}
