/**
 * TPC-H NATION (clause 4.2.3): 25 rows whatever the scale factor.
 *
 *   n_nationkey  INT32  0 … 24
 *   n_name       UTF8   the spec's nation list (ALGERIA … UNITED STATES)
 *   n_regionkey  INT32  the nation's region, per the same list
 *   n_comment    UTF8   text string of 31–114 characters
 *
 * Key k (1 … 25) is the row of n_nationkey k - 1. Nation and region keys are INT32 like s_nationkey.
 */
import { int32Column, textColumn } from './column-types.ts';
import { KeyedRows, poolText } from './keyed-rows.ts';
import { RowRandom, seedWords } from './prng.ts';
import type { TpchBatch, TpchTable } from './table.ts';
import { textPool } from './text-pool.ts';
import { NATIONS } from './vocabulary.ts';

export interface NationBatch extends TpchBatch {
  nationkey: Int32Array;
  name: string[];
  regionkey: Int32Array;
  comment: string[];
}

const DOMAIN = 0x4e415449; // "NATI"

class NationRows extends KeyedRows<NationBatch> {
  private readonly rng: RowRandom;
  private readonly pool: string;

  constructor(seed: bigint) {
    super(NATIONS.length, 1, 'nation');
    const words = seedWords(seed);
    this.rng = new RowRandom(words, DOMAIN);
    this.pool = textPool(words);
  }

  batch(firstKey: number, count: number): NationBatch {
    this.checkRange(firstKey, firstKey + count - 1);
    const out: NationBatch = { firstKey, numRows: count, nationkey: new Int32Array(count), name: [], regionkey: new Int32Array(count), comment: [] };
    for (let i = 0; i < count; i++) {
      const key = firstKey + i;
      const [name, region] = NATIONS[key - 1];
      this.rng.reset(key);
      out.nationkey[i] = key - 1;
      out.name.push(name);
      out.regionkey[i] = region;
      out.comment.push(poolText(this.pool, this.rng, 31, 114));
    }
    return out;
  }
}

export const nationTable: TpchTable<NationBatch> = {
  name: 'nation',
  rowsPerScaleFactor: 0,
  fixedRows: NATIONS.length,
  columns: [
    int32Column('n_nationkey', 2, (b) => b.nationkey),
    textColumn('n_name', 25, (b) => b.name),
    int32Column('n_regionkey', 1, (b) => b.regionkey),
    textColumn('n_comment', 152, (b) => b.comment),
  ],
  generator: ({ seed }) => new NationRows(seed),
};
