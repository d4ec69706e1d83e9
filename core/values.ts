/**
 * What a reader hands the rest of the pass: column batches of plain JS values.
 * - strings are UTF-8 decoded text;
 * - integers are number (INT32) or bigint (INT64);
 * - DOUBLE/FLOAT are number;
 * - DECIMAL is the exact decimal text (e.g. "-283.84"), never a double;
 * - delimited text gives every field as a string, NULL as null.
 */
export type Value = string | number | bigint | boolean | Date | null | undefined;

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
