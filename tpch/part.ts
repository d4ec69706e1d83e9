/**
 * TPC-H PART (clause 4.2.3): SF × 200,000 rows.
 *
 *   p_partkey      INT64  1 … SF × 200,000
 *   p_name         UTF8   five distinct words of the 92 colours, separated by spaces
 *   p_mfgr         UTF8   "Manufacturer#M", M uniform 1 … 5
 *   p_brand        UTF8   "Brand#MN", N uniform 1 … 5
 *   p_type         UTF8   one syllable of each of TYPE_SYLLABLES ("PROMO BURNISHED COPPER")
 *   p_size         INT32  uniform 1 … 50
 *   p_container    UTF8   one syllable of each of CONTAINER_SYLLABLES ("JUMBO PKG")
 *   p_retailprice  DECIMAL(15,2)  the spec's formula of p_partkey (part-formulas.ts)
 *   p_comment      UTF8   text string of 5–22 characters
 */
import { centsColumn, int32Column, rowKeyColumn, textColumn } from './column-types.ts';
import { KeyedRows, poolText } from './keyed-rows.ts';
import { retailPriceCents } from './part-formulas.ts';
import { RowRandom, seedWords } from './prng.ts';
import { scaledCount } from './scaled-count.ts';
import type { TpchBatch, TpchTable } from './table.ts';
import { textPool } from './text-pool.ts';
import { COLORS, CONTAINER_SYLLABLES, TYPE_SYLLABLES } from './vocabulary.ts';

export const PART_ROWS_PER_SF = 200_000;

export interface PartBatch extends TpchBatch {
  name: string[];
  mfgr: string[];
  brand: string[];
  type: string[];
  size: Int32Array;
  container: string[];
  retailCents: Int32Array;
  comment: string[];
}

const DOMAIN = 0x50415254; // "PART"

/** One element of a list, uniformly. */
function pick(rng: RowRandom, list: readonly string[]): string {
  return list[rng.int(0, list.length - 1)];
}

class PartRows extends KeyedRows<PartBatch> {
  private readonly rng: RowRandom;
  private readonly pool: string;
  private readonly chosen = new Int32Array(5);

  constructor(scale: number, seed: bigint) {
    super(scaledCount(PART_ROWS_PER_SF, scale), 1, 'part');
    const words = seedWords(seed);
    this.rng = new RowRandom(words, DOMAIN);
    this.pool = textPool(words);
  }

  batch(firstKey: number, count: number): PartBatch {
    this.checkRange(firstKey, firstKey + count - 1);
    const out: PartBatch = {
      firstKey,
      numRows: count,
      name: new Array<string>(count),
      mfgr: new Array<string>(count),
      brand: new Array<string>(count),
      type: new Array<string>(count),
      size: new Int32Array(count),
      container: new Array<string>(count),
      retailCents: new Int32Array(count),
      comment: new Array<string>(count),
    };
    const rng = this.rng;
    for (let i = 0; i < count; i++) {
      const key = firstKey + i;
      rng.reset(key);
      out.name[i] = this.name(rng);
      const m = rng.int(1, 5);
      out.mfgr[i] = `Manufacturer#${m}`;
      out.brand[i] = `Brand#${m}${rng.int(1, 5)}`;
      out.type[i] = TYPE_SYLLABLES.map((s) => pick(rng, s)).join(' ');
      out.size[i] = rng.int(1, 50);
      out.container[i] = CONTAINER_SYLLABLES.map((s) => pick(rng, s)).join(' ');
      out.retailCents[i] = retailPriceCents(key);
      out.comment[i] = poolText(this.pool, rng, 5, 22);
    }
    return out;
  }

  /** Five distinct colours (a draw that repeats an earlier one is drawn again). */
  private name(rng: RowRandom): string {
    const chosen = this.chosen;
    for (let w = 0; w < 5; w++) {
      let c: number;
      do c = rng.int(0, COLORS.length - 1);
      while (chosen.subarray(0, w).includes(c));
      chosen[w] = c;
    }
    return `${COLORS[chosen[0]]} ${COLORS[chosen[1]]} ${COLORS[chosen[2]]} ${COLORS[chosen[3]]} ${COLORS[chosen[4]]}`;
  }
}

export const partTable: TpchTable<PartBatch> = {
  name: 'part',
  rowsPerScaleFactor: PART_ROWS_PER_SF,
  columns: [
    rowKeyColumn('p_partkey', 11),
    textColumn('p_name', 55, (b) => b.name),
    textColumn('p_mfgr', 25, (b) => b.mfgr),
    textColumn('p_brand', 10, (b) => b.brand),
    textColumn('p_type', 25, (b) => b.type),
    int32Column('p_size', 2, (b) => b.size),
    textColumn('p_container', 10, (b) => b.container),
    centsColumn('p_retailprice', 15, 7, (b) => b.retailCents),
    textColumn('p_comment', 23, (b) => b.comment),
  ],
  generator: ({ scale, seed }) => new PartRows(scale, seed),
};
