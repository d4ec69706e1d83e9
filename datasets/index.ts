import type { DatasetContract } from './contract.ts';
import { supplier } from './supplier.ts';
import { builtInContract } from './built-in.ts';

export * from './contract.ts';
export { ContractFileError, contractSchema, datasetNameOfFile, parseContract, readContractFile } from './contract-file.ts';

export { supplier } from './supplier.ts';
export { builtInContract } from './built-in.ts';

/** Every built-in dataset, by name. A new dataset is a new contract file here, not new code. */
export const datasets: Readonly<Record<string, DatasetContract>> = {
  region: builtInContract('region'),
  nation: builtInContract('nation'),
  supplier,
  supplier_dim: builtInContract('supplier_dim'),
  customer: builtInContract('customer'),
  part: builtInContract('part'),
  partsupp: builtInContract('partsupp'),
  orders: builtInContract('orders'),
  lineitem: builtInContract('lineitem'),
};

/**
 * The contract named `name`, or undefined. Only the datasets' own names count: `__proto__`,
 * `constructor`, `toString` and the rest of Object.prototype are not datasets.
 */
export function datasetNamed(name: string): DatasetContract | undefined {
  return Object.hasOwn(datasets, name) ? datasets[name] : undefined;
}
export * from './scd2-contract.ts';
