/**
 * TPC-H orders with their line items (clause 4.2.3), generated together because an order's status and
 * total price come from its lines. ORDERS (orders.ts) and LINEITEM (lineitem.ts) are two views of the same
 * batches, keyed by the order's index k (1 … SF × 1,500,000): each order draws from its own random stream
 * (seed, k), so both tables agree row for row and any range of orders alone gives the same rows.
 *
 * Orders:  o_orderkey   sparse: index k → the (k−1 mod 8)+1-th key of group (k−1)/8 of 32 keys
 *          o_custkey    uniform over the customers whose key is not divisible by 3
 *          o_orderdate  uniform STARTDATE … ENDDATE − 151 days
 *          o_orderstatus F when every line is F, O when every line is O, P otherwise
 *          o_totalprice Σ trunc(trunc(extendedprice × (100 − discount) / 100) × (100 + tax) / 100), in
 *                       cents (discount and tax in hundredths), as dbgen sums it
 *          o_orderpriority, o_clerk "Clerk#" + 1 … SF × 1,000 (9 digits), o_shippriority 0, o_comment 19–78
 * Lines:   1 … 7 per order; l_partkey uniform over the parts; l_suppkey supplier j (0 … 3, uniform) of the part
 *          (part-formulas.ts); l_quantity 1 … 50; l_extendedprice quantity × p_retailprice; l_discount
 *          0.00 … 0.10; l_tax 0.00 … 0.08; l_shipdate orderdate + 1 … 121; l_commitdate orderdate + 30 …
 *          90; l_receiptdate shipdate + 1 … 30; l_returnflag R or A when receiptdate ≤ CURRENTDATE, else N;
 *          l_linestatus O when shipdate > CURRENTDATE, else F; l_shipinstruct, l_shipmode, l_comment 10–43
 */
import { CURRENTDATE, ENDDATE, STARTDATE } from './calendar.ts';
import { KeyedRows, poolText } from './keyed-rows.ts';
import { SUPPLIER_ROWS_PER_SF } from './options.ts';
import { PART_ROWS_PER_SF } from './part.ts';
import { partSupplier, retailPriceCents } from './part-formulas.ts';
import { RowRandom, seedWords } from './prng.ts';
import { scaledCount } from './scaled-count.ts';
import type { TpchBatch } from './table.ts';
import { textPool } from './text-pool.ts';
import { PRIORITIES, SHIP_INSTRUCTIONS, SHIP_MODES } from './vocabulary.ts';
import { CUSTOMER_ROWS_PER_SF } from './customer.ts';

export const ORDER_ROWS_PER_SF = 1_500_000;
export const MAX_LINES_PER_ORDER = 7;

/** o_orderkey of the k-th order (1-based): only the first 8 of every 32 keys are used. */
export function sparseOrderKey(index: number): number {
  const i = index - 1;
  return Math.floor(i / 8) * 32 + (i % 8) + 1;
}

/** The m-th (0-based) customer key not divisible by 3: 1, 2, 4, 5, 7, … */
export function orderableCustomer(m: number): number {
  return Math.floor(m / 2) * 3 + (m % 2) + 1;
}

/** A run of consecutive orders and all their lines, column by column. */
export interface OrderLines {
  firstKey: number;
  orders: number;
  orderkey: Float64Array;
  custkey: Float64Array;
  orderstatus: string[];
  totalCents: Int32Array;
  orderdate: Int32Array;
  priority: string[];
  clerk: string[];
  shippriority: Int32Array;
  ocomment: string[];
  lines: number;
  lOrderkey: Float64Array;
  partkey: Float64Array;
  suppkey: Float64Array;
  linenumber: Int32Array;
  quantityCents: Int32Array;
  extendedCents: Int32Array;
  discountCents: Int32Array;
  taxCents: Int32Array;
  returnflag: string[];
  linestatus: string[];
  shipdate: Int32Array;
  commitdate: Int32Array;
  receiptdate: Int32Array;
  shipinstruct: string[];
  shipmode: string[];
  lcomment: string[];
}

/** A batch of one of the two views: numRows is the orders (ORDERS) or the lines (LINEITEM). */
export interface OrderLinesBatch extends TpchBatch {
  data: OrderLines;
}

const DOMAIN = 0x4f524445; // "ORDE"
const LAST_ORDER_DATE = ENDDATE - 151;

/** ORDERS' or LINEITEM's rows: `view` says which count a batch's numRows is. */
export class OrderLinesRows extends KeyedRows<OrderLinesBatch> {
  private readonly rng: RowRandom;
  private readonly pool: string;
  private readonly parts: number;
  private readonly suppliers: number;
  /** Customers whose key is not divisible by 3. */
  private readonly orderable: number;
  private readonly clerks: number;

  constructor(
    scale: number,
    seed: bigint,
    private readonly view: 'orders' | 'lineitem',
  ) {
    super(scaledCount(ORDER_ROWS_PER_SF, scale), view === 'orders' ? 1 : 4, view);
    this.parts = scaledCount(PART_ROWS_PER_SF, scale);
    this.suppliers = scaledCount(SUPPLIER_ROWS_PER_SF, scale);
    const customers = scaledCount(CUSTOMER_ROWS_PER_SF, scale);
    this.orderable = customers - Math.floor(customers / 3);
    this.clerks = Math.max(1, Math.floor(Math.round(scale * 1000 * 1e6) / 1e6));
    const words = seedWords(seed);
    this.rng = new RowRandom(words, DOMAIN);
    this.pool = textPool(words);
  }

  batch(firstKey: number, count: number): OrderLinesBatch {
    const data = this.generate(firstKey, count);
    return { firstKey, numRows: this.view === 'orders' ? data.orders : data.lines, data };
  }

  /** Orders firstKey … firstKey + count − 1 and their lines. */
  generate(firstKey: number, count: number): OrderLines {
    this.checkRange(firstKey, firstKey + count - 1);
    const cap = count * MAX_LINES_PER_ORDER;
    const d: OrderLines = {
      firstKey,
      orders: count,
      orderkey: new Float64Array(count),
      custkey: new Float64Array(count),
      orderstatus: new Array<string>(count),
      totalCents: new Int32Array(count),
      orderdate: new Int32Array(count),
      priority: new Array<string>(count),
      clerk: new Array<string>(count),
      shippriority: new Int32Array(count),
      ocomment: new Array<string>(count),
      lines: 0,
      lOrderkey: new Float64Array(cap),
      partkey: new Float64Array(cap),
      suppkey: new Float64Array(cap),
      linenumber: new Int32Array(cap),
      quantityCents: new Int32Array(cap),
      extendedCents: new Int32Array(cap),
      discountCents: new Int32Array(cap),
      taxCents: new Int32Array(cap),
      returnflag: [],
      linestatus: [],
      shipdate: new Int32Array(cap),
      commitdate: new Int32Array(cap),
      receiptdate: new Int32Array(cap),
      shipinstruct: [],
      shipmode: [],
      lcomment: [],
    };
    const rng = this.rng;
    const pool = this.pool;
    let l = 0;
    for (let o = 0; o < count; o++) {
      const index = firstKey + o;
      rng.reset(index);
      const orderkey = sparseOrderKey(index);
      d.orderkey[o] = orderkey;
      d.custkey[o] = orderableCustomer(rng.int(0, this.orderable - 1));
      const orderdate = rng.int(STARTDATE, LAST_ORDER_DATE);
      d.orderdate[o] = orderdate;
      d.priority[o] = PRIORITIES[rng.int(0, PRIORITIES.length - 1)]!;
      d.clerk[o] = `Clerk#${String(rng.int(1, this.clerks)).padStart(9, '0')}`;
      d.ocomment[o] = poolText(pool, rng, 19, 78);
      const lines = rng.int(1, MAX_LINES_PER_ORDER);
      let total = 0;
      let shipped = 0;
      for (let n = 1; n <= lines; n++, l++) {
        const partkey = rng.int(1, this.parts);
        d.lOrderkey[l] = orderkey;
        d.partkey[l] = partkey;
        d.suppkey[l] = partSupplier(partkey, rng.int(0, 3), this.suppliers);
        d.linenumber[l] = n;
        const quantity = rng.int(1, 50);
        d.quantityCents[l] = quantity * 100;
        const extended = quantity * retailPriceCents(partkey);
        d.extendedCents[l] = extended;
        const discount = rng.int(0, 10);
        const tax = rng.int(0, 8);
        d.discountCents[l] = discount;
        d.taxCents[l] = tax;
        total += Math.floor((Math.floor((extended * (100 - discount)) / 100) * (100 + tax)) / 100);
        const shipdate = orderdate + rng.int(1, 121);
        const receiptdate = shipdate + rng.int(1, 30);
        d.shipdate[l] = shipdate;
        d.commitdate[l] = orderdate + rng.int(30, 90);
        d.receiptdate[l] = receiptdate;
        const returned = rng.int(0, 1) === 0 ? 'R' : 'A'; // drawn for every line: the stream stays aligned
        d.returnflag.push(receiptdate <= CURRENTDATE ? returned : 'N');
        const status = shipdate > CURRENTDATE ? 'O' : 'F';
        if (status === 'F') shipped++;
        d.linestatus.push(status);
        d.shipinstruct.push(SHIP_INSTRUCTIONS[rng.int(0, SHIP_INSTRUCTIONS.length - 1)]);
        d.shipmode.push(SHIP_MODES[rng.int(0, SHIP_MODES.length - 1)]);
        d.lcomment.push(poolText(pool, rng, 10, 43));
      }
      d.totalCents[o] = total;
      d.orderstatus[o] = shipped === lines ? 'F' : shipped === 0 ? 'O' : 'P';
    }
    d.lines = l;
    // The line columns were sized for 7 lines an order: keep only the lines made.
    for (const k of ['lOrderkey', 'partkey', 'suppkey'] as const) d[k] = d[k].subarray(0, l);
    for (const k of ['linenumber', 'quantityCents', 'extendedCents', 'discountCents', 'taxCents', 'shipdate', 'commitdate', 'receiptdate'] as const) {
      d[k] = d[k].subarray(0, l);
    }
    return d;
  }
}
