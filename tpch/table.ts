/**
 * What the generator needs to know of a TPC-H table, as data: its name, how many rows a scale factor
 * gives, its columns (each with its Parquet type and its dbgen text, see column-types.ts) and a row
 * generator keyed by (seed, row key). The file writers (parquet-file.ts, tbl.ts, write-file.ts, the worker
 * threads) take any TpchTable; adding NATION or LINEITEM is one module like supplier.ts plus one line in
 * tables.ts.
 */
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';

/** A run of consecutive rows, column by column: row i has key firstKey + i. */
export interface TpchBatch {
  firstKey: number;
  numRows: number;
}

/** The rows of one table at one (scale, seed): any key range alone gives the same values. */
export interface TpchRowGenerator<B extends TpchBatch = TpchBatch> {
  /** Rows in the table: keys run from 1 to rows. */
  readonly rows: number;
  /** `count` consecutive rows from `firstKey`. */
  batch(firstKey: number, count: number): B;
  /** Keys firstKey … lastKey (default: all) in batches of at most batchSize rows, built as they are asked for. */
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
  /** Rows whatever the scale factor (NATION 25, REGION 5); rowsPerScaleFactor is then not used. */
  readonly fixedRows?: number;
  /** The columns, in table order. */
  readonly columns: readonly TpchColumn<B>[];
  /** The row generator for a scale factor and seed (0 ≤ seed < 2^64, already checked). */
  generator(options: { scale: number; seed: bigint }): TpchRowGenerator<B>;
}
