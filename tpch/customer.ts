/**
 * TPC-H CUSTOMER (clause 4.2.3): SF × 150,000 rows.
 *
 *   c_custkey     INT64  1 … SF × 150,000
 *   c_name        UTF8   "Customer#" + c_custkey zero-padded to 9 digits
 *   c_address     UTF8   v-string of 10–40 characters (SUPPLIER's alphabet)
 *   c_nationkey   INT32  uniform 0 … 24
 *   c_phone       UTF8   (c_nationkey + 10) "-" 100–999 "-" 100–999 "-" 1000–9999
 *   c_acctbal     DECIMAL(15,2)  uniform −999.99 … 9,999.99
 *   c_mktsegment  UTF8   AUTOMOBILE, BUILDING, FURNITURE, MACHINERY or HOUSEHOLD
 *   c_comment     UTF8   text string of 29–116 characters
 */
import { centsColumn, int32Column, rowKeyColumn, textColumn } from './column-types.ts';
import { KeyedRows, poolText } from './keyed-rows.ts';
import { scaledCount } from './scaled-count.ts';
import { RowRandom, seedWords } from './prng.ts';
import { ADDRESS_MAX, phoneNumber, randomAddress } from './supplier-rows.ts';
import type { TpchBatch, TpchTable } from './table.ts';
import { textPool } from './text-pool.ts';
import { SEGMENTS } from './vocabulary.ts';

export const CUSTOMER_ROWS_PER_SF = 150_000;

export interface CustomerBatch extends TpchBatch {
  name: string[];
  address: string[];
  nationkey: Int32Array;
  phone: string[];
  acctbalCents: Int32Array;
  segment: string[];
  comment: string[];
}

const DOMAIN = 0x43555354; // "CUST"

/** c_name for a key: "Customer#000000042". */
export function customerName(key: number): string {
  return `Customer#${String(key).padStart(9, '0')}`;
}

class CustomerRows extends KeyedRows<CustomerBatch> {
  private readonly rng: RowRandom;
  private readonly pool: string;
  private readonly bytes = Buffer.alloc(ADDRESS_MAX);

  constructor(scale: number, seed: bigint) {
    super(scaledCount(CUSTOMER_ROWS_PER_SF, scale), 1, 'customer');
    const words = seedWords(seed);
    this.rng = new RowRandom(words, DOMAIN);
    this.pool = textPool(words);
  }

  batch(firstKey: number, count: number): CustomerBatch {
    this.checkRange(firstKey, firstKey + count - 1);
    const out: CustomerBatch = {
      firstKey,
      numRows: count,
      name: new Array<string>(count),
      address: new Array<string>(count),
      nationkey: new Int32Array(count),
      phone: new Array<string>(count),
      acctbalCents: new Int32Array(count),
      segment: new Array<string>(count),
      comment: new Array<string>(count),
    };
    const rng = this.rng;
    for (let i = 0; i < count; i++) {
      const key = firstKey + i;
      rng.reset(key);
      out.name[i] = customerName(key);
      out.address[i] = randomAddress(rng, this.bytes);
      const nation = rng.int(0, 24);
      out.nationkey[i] = nation;
      out.phone[i] = phoneNumber(rng, nation);
      out.acctbalCents[i] = rng.int(-99_999, 999_999);
      out.segment[i] = SEGMENTS[rng.int(0, SEGMENTS.length - 1)]!;
      out.comment[i] = poolText(this.pool, rng, 29, 116);
    }
    return out;
  }
}

export const customerTable: TpchTable<CustomerBatch> = {
  name: 'customer',
  rowsPerScaleFactor: CUSTOMER_ROWS_PER_SF,
  columns: [
    rowKeyColumn('c_custkey', 11),
    textColumn('c_name', 20, (b) => b.name),
    textColumn('c_address', 40, (b) => b.address),
    int32Column('c_nationkey', 2, (b) => b.nationkey),
    textColumn('c_phone', 15, (b) => b.phone),
    centsColumn('c_acctbal', 15, 7, (b) => b.acctbalCents),
    textColumn('c_mktsegment', 10, (b) => b.segment),
    textColumn('c_comment', 117, (b) => b.comment),
  ],
  generator: ({ scale, seed }) => new CustomerRows(scale, seed),
};
