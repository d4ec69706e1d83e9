/**
 * TPC-H PARTSUPP (clause 4.2.3): four rows per part, keyed by the part (key k: the rows of p_partkey k).
 *
 *   ps_partkey     INT64  the part
 *   ps_suppkey     INT64  supplier i = 0 … 3 of the part (part-formulas.ts): four distinct suppliers
 *   ps_availqty    INT32  uniform 1 … 9,999
 *   ps_supplycost  DECIMAL(15,2)  uniform 1.00 … 1,000.00
 *   ps_comment     UTF8   text string of 49–198 characters
 */
import { centsColumn, int32Column, textColumn } from './column-types.ts';
import { KeyedRows, poolText } from './keyed-rows.ts';
import { PART_ROWS_PER_SF } from './part.ts';
import { partSupplier } from './part-formulas.ts';
import { RowRandom, seedWords } from './prng.ts';
import { scaledCount } from './scaled-count.ts';
import type { TpchBatch, TpchTable } from './table.ts';
import { textPool } from './text-pool.ts';
import { SUPPLIER_ROWS_PER_SF } from './options.ts';
import { int64Column } from './value-columns.ts';

export const SUPPLIERS_PER_PART = 4;

export interface PartsuppBatch extends TpchBatch {
  partkey: Float64Array;
  suppkey: Float64Array;
  availqty: Int32Array;
  supplycostCents: Int32Array;
  comment: string[];
}

const DOMAIN = 0x50535550; // "PSUP"

class PartsuppRows extends KeyedRows<PartsuppBatch> {
  private readonly rng: RowRandom;
  private readonly pool: string;
  private readonly suppliers: number;

  constructor(scale: number, seed: bigint) {
    super(scaledCount(PART_ROWS_PER_SF, scale), SUPPLIERS_PER_PART, 'partsupp');
    this.suppliers = scaledCount(SUPPLIER_ROWS_PER_SF, scale);
    const words = seedWords(seed);
    this.rng = new RowRandom(words, DOMAIN);
    this.pool = textPool(words);
  }

  /** The rows of parts firstKey … firstKey + count − 1: 4 × count rows. */
  batch(firstKey: number, count: number): PartsuppBatch {
    this.checkRange(firstKey, firstKey + count - 1);
    const n = count * SUPPLIERS_PER_PART;
    const out: PartsuppBatch = {
      firstKey,
      numRows: n,
      partkey: new Float64Array(n),
      suppkey: new Float64Array(n),
      availqty: new Int32Array(n),
      supplycostCents: new Int32Array(n),
      comment: new Array<string>(n),
    };
    const rng = this.rng;
    let row = 0;
    for (let p = 0; p < count; p++) {
      const part = firstKey + p;
      rng.reset(part);
      for (let i = 0; i < SUPPLIERS_PER_PART; i++, row++) {
        out.partkey[row] = part;
        out.suppkey[row] = partSupplier(part, i, this.suppliers);
        out.availqty[row] = rng.int(1, 9999);
        out.supplycostCents[row] = rng.int(100, 100_000);
        out.comment[row] = poolText(this.pool, rng, 49, 198);
      }
    }
    return out;
  }
}

export const partsuppTable: TpchTable<PartsuppBatch> = {
  name: 'partsupp',
  rowsPerScaleFactor: PART_ROWS_PER_SF,
  rowsPerKey: { min: SUPPLIERS_PER_PART, max: SUPPLIERS_PER_PART },
  columns: [
    int64Column('ps_partkey', 11, (b) => b.partkey),
    int64Column('ps_suppkey', 10, (b) => b.suppkey),
    int32Column('ps_availqty', 4, (b) => b.availqty),
    centsColumn('ps_supplycost', 15, 7, (b) => b.supplycostCents),
    textColumn('ps_comment', 199, (b) => b.comment),
  ],
  generator: ({ scale, seed }) => new PartsuppRows(scale, seed),
};
