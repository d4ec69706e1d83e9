/**
 * TPC-H REGION (clause 4.2.3): 5 rows whatever the scale factor.
 *
 *   r_regionkey  INT32  0 … 4
 *   r_name       UTF8   AFRICA, AMERICA, ASIA, EUROPE, MIDDLE EAST
 *   r_comment    UTF8   text string of 31–115 characters
 *
 * Key k (1 … 5) is the row of r_regionkey k - 1.
 */
import { int32Column, textColumn } from './column-types.ts';
import { KeyedRows, poolText } from './keyed-rows.ts';
import { RowRandom, seedWords } from './prng.ts';
import type { TpchBatch, TpchTable } from './table.ts';
import { textPool } from './text-pool.ts';
import { REGIONS } from './vocabulary.ts';

export interface RegionBatch extends TpchBatch {
  regionkey: Int32Array;
  name: string[];
  comment: string[];
}

const DOMAIN = 0x52454749; // "REGI"

class RegionRows extends KeyedRows<RegionBatch> {
  private readonly rng: RowRandom;
  private readonly pool: string;

  constructor(seed: bigint) {
    super(REGIONS.length, 1, 'region');
    const words = seedWords(seed);
    this.rng = new RowRandom(words, DOMAIN);
    this.pool = textPool(words);
  }

  batch(firstKey: number, count: number): RegionBatch {
    this.checkRange(firstKey, firstKey + count - 1);
    const out: RegionBatch = { firstKey, numRows: count, regionkey: new Int32Array(count), name: [], comment: [] };
    for (let i = 0; i < count; i++) {
      const key = firstKey + i;
      this.rng.reset(key);
      out.regionkey[i] = key - 1;
      out.name.push(REGIONS[key - 1]);
      out.comment.push(poolText(this.pool, this.rng, 31, 115));
    }
    return out;
  }
}

export const regionTable: TpchTable<RegionBatch> = {
  name: 'region',
  rowsPerScaleFactor: 0,
  fixedRows: REGIONS.length,
  columns: [
    int32Column('r_regionkey', 1, (b) => b.regionkey),
    textColumn('r_name', 25, (b) => b.name),
    textColumn('r_comment', 152, (b) => b.comment),
  ],
  generator: ({ seed }) => new RegionRows(seed),
};
