/**
 * `--dataset all`: every contract (the built-in ones and those of --contracts / RL_CONTRACTS), in the
 * order a whole supply chain loads — dimensions before the facts that refer to them.
 */
import type { DatasetContract } from '../../datasets/index.ts';
import { contractsLocation, loadContracts } from '../contracts.ts';
import { contractFor } from './command.ts';

/** The --dataset value that means every contract. */
export const ALL_DATASETS = 'all';

/** TPC-H's tables, dimensions first: REGION, NATION, SUPPLIER (and its scd2 dimension, from the same files), CUSTOMER, PART, PARTSUPP, ORDERS, LINEITEM. */
export const LOAD_ORDER = ['region', 'nation', 'supplier', 'supplier_dim', 'customer', 'part', 'partsupp', 'orders', 'lineitem'] as const;

/** The names in load order: the TPC-H ones first, in LOAD_ORDER, then any other by name. */
export function inLoadOrder(names: readonly string[]): string[] {
  const rank = (n: string): number => {
    const i = (LOAD_ORDER as readonly string[]).indexOf(n);
    return i < 0 ? LOAD_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The contract --dataset names, or every contract in load order for `all`. */
export async function contractsFor(name: string | boolean | undefined, contracts?: string | boolean): Promise<DatasetContract[]> {
  if (name !== ALL_DATASETS) return [await contractFor(name, contracts)];
  const all = await loadContracts(contractsLocation(contracts));
  return inLoadOrder(Object.keys(all)).map((n) => all[n]);
}
