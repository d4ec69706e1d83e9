/**
 * TPC-H ORDERS (clause 4.2.3): SF × 1,500,000 rows, one per order index; the values (see order-lines.ts)
 * are generated with the order's lines, so o_orderstatus and o_totalprice agree with LINEITEM.
 *
 *   o_orderkey INT64, o_custkey INT64, o_orderstatus UTF8, o_totalprice DECIMAL(15,2), o_orderdate DATE,
 *   o_orderpriority UTF8, o_clerk UTF8, o_shippriority INT32, o_comment UTF8
 */
import { centsColumn, int32Column, textColumn } from './column-types.ts';
import { ORDER_ROWS_PER_SF, OrderLinesRows, type OrderLinesBatch } from './order-lines.ts';
import type { TpchTable } from './table.ts';
import { dateColumn, int64Column } from './value-columns.ts';

export const ordersTable: TpchTable<OrderLinesBatch> = {
  name: 'orders',
  rowsPerScaleFactor: ORDER_ROWS_PER_SF,
  columns: [
    int64Column('o_orderkey', 12, (b) => b.data.orderkey),
    int64Column('o_custkey', 11, (b) => b.data.custkey),
    textColumn('o_orderstatus', 1, (b) => b.data.orderstatus),
    centsColumn('o_totalprice', 15, 10, (b) => b.data.totalCents),
    dateColumn('o_orderdate', (b) => b.data.orderdate),
    textColumn('o_orderpriority', 15, (b) => b.data.priority),
    textColumn('o_clerk', 15, (b) => b.data.clerk),
    int32Column('o_shippriority', 1, (b) => b.data.shippriority),
    textColumn('o_comment', 79, (b) => b.data.ocomment),
  ],
  generator: ({ scale, seed }) => new OrderLinesRows(scale, seed, 'orders'),
};
