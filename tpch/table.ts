/**
 * What the generator needs to know of a TPC-H table, as data: its name, how many rows a scale factor
 * gives, its columns (each with its Parquet type and its dbgen text, see column-types.ts) and a row
 * generator keyed by (seed, row key). The file writers (parquet-file.ts, tbl.ts, write-file.ts, the worker
 * threads) take any TpchTable; adding NATION or LINEITEM is one module like supplier.ts plus one line in
 * tables.ts.
 */
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';

/**
 * A run of consecutive rows, column by column: row i has key firstKey + i — or, for a table with
 * rowsPerKey, the rows of consecutive keys from firstKey (numRows counts rows, not keys).
 */
export interface TpchBatch {
  firstKey: number;
  numRows: number;
}

/** The rows of one table at one (scale, seed): any key range alone gives the same values. */
export interface TpchRowGenerator<B extends TpchBatch = TpchBatch> {
  /** Keys in the table, which run from 1 to rows: its rows, unless the table has rowsPerKey. */
  readonly rows: number;
  /** The rows of `count` consecutive keys from `firstKey`. */
  batch(firstKey: number, count: number): B;
  /**
   * Keys firstKey … lastKey (default: all) in batches of at most batchSize rows (of about batchSize rows
   * for a table with rowsPerKey: whole keys), built as they are asked for.
   */
  batches(options?: { firstKey?: number; lastKey?: number; batchSize?: number }): Generator<B>;
}

/** One column of a table, bound to where its values live in the table's batch (see column-types.ts). */
export interface TpchColumn<B extends TpchBatch = TpchBatch> {
  readonly name: string;
  /** The Parquet schema element, without the name and repetition (the writer adds them). */
  readonly parquet: Omit<SchemaElement, 'name' | 'repetition_type' | 'num_children'>;
  /** The most bytes one value takes in dbgen's .tbl text (ASCII). */
  readonly maxTblBytes: number;
  /** The batch's values as hyparquet-writer takes them (data, and the encoding when not the default). */
  parquetData(batch: B): Omit<ColumnSource, 'name'>;
  /** The batch's values as dbgen writes them: text of row i (0-based within the batch). */
  tblText(batch: B): (row: number) => string;
}

export interface TpchTable<B extends TpchBatch = TpchBatch> {
  /** The table's name, lower case, as `--dataset` takes it: "supplier". */
  readonly name: string;
  /** Rows per unit of scale factor (SUPPLIER 10,000); dbgen truncates SF × this, and writes at least one. */
  readonly rowsPerScaleFactor: number;
  /**
   * Rows per key when not one (PARTSUPP 4 per part, LINEITEM 1–7 per order): the key is then the parent's
   * (a file's key range is a range of parts or orders) and rowsPerScaleFactor counts keys, not rows.
   */
  readonly rowsPerKey?: { readonly min: number; readonly max: number };
  /** Rows whatever the scale factor (NATION 25, REGION 5); rowsPerScaleFactor is then not used. */
  readonly fixedRows?: number;
  /** The columns, in table order. */
  readonly columns: readonly TpchColumn<B>[];
  /** The row generator for a scale factor and seed (0 ≤ seed < 2^64, already checked). */
  generator(options: { scale: number; seed: bigint }): TpchRowGenerator<B>;
}
