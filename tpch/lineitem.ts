/**
 * TPC-H LINEITEM (clause 4.2.3): 1 … 7 rows per order, keyed by the order's index (key k: the lines of
 * the k-th order), generated with their order (order-lines.ts).
 *
 *   l_orderkey INT64, l_partkey INT64, l_suppkey INT64, l_linenumber INT32, l_quantity DECIMAL(15,2),
 *   l_extendedprice DECIMAL(15,2), l_discount DECIMAL(15,2), l_tax DECIMAL(15,2), l_returnflag UTF8,
 *   l_linestatus UTF8, l_shipdate DATE, l_commitdate DATE, l_receiptdate DATE, l_shipinstruct UTF8,
 *   l_shipmode UTF8, l_comment UTF8
 */
import { centsColumn, int32Column, textColumn } from './column-types.ts';
import { MAX_LINES_PER_ORDER, ORDER_ROWS_PER_SF, OrderLinesRows, type OrderLinesBatch } from './order-lines.ts';
import type { TpchTable } from './table.ts';
import { dateColumn, int64Column } from './value-columns.ts';

export const lineitemTable: TpchTable<OrderLinesBatch> = {
  name: 'lineitem',
  rowsPerScaleFactor: ORDER_ROWS_PER_SF,
  rowsPerKey: { min: 1, max: MAX_LINES_PER_ORDER },
  columns: [
    int64Column('l_orderkey', 12, (b) => b.data.lOrderkey),
    int64Column('l_partkey', 11, (b) => b.data.partkey),
    int64Column('l_suppkey', 10, (b) => b.data.suppkey),
    int32Column('l_linenumber', 1, (b) => b.data.linenumber),
    centsColumn('l_quantity', 15, 5, (b) => b.data.quantityCents),
    centsColumn('l_extendedprice', 15, 9, (b) => b.data.extendedCents),
    centsColumn('l_discount', 15, 4, (b) => b.data.discountCents),
    centsColumn('l_tax', 15, 4, (b) => b.data.taxCents),
    textColumn('l_returnflag', 1, (b) => b.data.returnflag),
    textColumn('l_linestatus', 1, (b) => b.data.linestatus),
    dateColumn('l_shipdate', (b) => b.data.shipdate),
    dateColumn('l_commitdate', (b) => b.data.commitdate),
    dateColumn('l_receiptdate', (b) => b.data.receiptdate),
    textColumn('l_shipinstruct', 25, (b) => b.data.shipinstruct),
    textColumn('l_shipmode', 10, (b) => b.data.shipmode),
    textColumn('l_comment', 44, (b) => b.data.lcomment),
  ],
  generator: ({ scale, seed }) => new OrderLinesRows(scale, seed, 'lineitem'),
};
