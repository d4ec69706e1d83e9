import type { DatasetContract } from './contract.ts';
import { supplier } from './supplier.ts';

export * from './contract.ts';
export { ContractFileError, contractSchema, datasetNameOfFile, parseContract, readContractFile } from './contract-file.ts';

export { supplier } from './supplier.ts';
export { builtInContract } from './built-in.ts';

/** Every built-in dataset, by name. A new dataset is a new contract file here, not new code. */
export const datasets: Readonly<Record<string, DatasetContract>> = { supplier };

/**
 * The contract named `name`, or undefined. Only the datasets' own names count: `__proto__`,
 * `constructor`, `toString` and the rest of Object.prototype are not datasets.
 */
export function datasetNamed(name: string): DatasetContract | undefined {
  return Object.hasOwn(datasets, name) ? datasets[name] : undefined;
}
