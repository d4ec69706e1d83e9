import type { DatasetContract } from './contract.ts';
import { supplier } from './supplier.ts';

export * from './contract.ts';
export { supplier } from './supplier.ts';

/** Every dataset the loader knows, by name. A new dataset is a new contract here, not new code. */
export const datasets: Readonly<Record<string, DatasetContract>> = { supplier };
