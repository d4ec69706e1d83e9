/**
 * The TPC-H tables the generator writes, by name. A new table is a module like supplier.ts and one line
 * here; `generate --dataset NAME` and `start` find it through this map, worker threads too.
 */
import { ConfigError } from '../core/errors.ts';
import { customerTable } from './customer.ts';
import { lineitemTable } from './lineitem.ts';
import { nationTable } from './nation.ts';
import { ordersTable } from './orders.ts';
import { partTable } from './part.ts';
import { partsuppTable } from './partsupp.ts';
import { regionTable } from './region.ts';
import { supplierTable } from './supplier.ts';
import type { TpchTable } from './table.ts';

export const tpchTables: Readonly<Record<string, TpchTable>> = {
  region: regionTable,
  nation: nationTable,
  supplier: supplierTable,
  customer: customerTable,
  part: partTable,
  partsupp: partsuppTable,
  orders: ordersTable,
  lineitem: lineitemTable,
};

/** The names the generator knows, sorted. */
export function tpchTableNames(): string[] {
  return Object.keys(tpchTables).sort();
}

/** The table of that name, or undefined. */
export function findTpchTable(name: string): TpchTable | undefined {
  return Object.hasOwn(tpchTables, name) ? tpchTables[name] : undefined;
}

/** The table of that name, or a ConfigError listing the ones the generator knows. */
export function tpchTable(name: string): TpchTable {
  const table = findTpchTable(name);
  if (!table) throw new ConfigError(`the TPC-H generator has no table "${name}"`, {}, `it knows: ${tpchTableNames().join(', ')}`);
  return table;
}
