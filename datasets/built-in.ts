import { fileURLToPath } from 'node:url';
import type { DatasetContract } from './contract.ts';
import { readContractFile } from './contract-file.ts';

/**
 * A built-in contract: datasets/<name>.json, shipped next to this module (and copied into the Batch
 * image), checked like any user's contract file.
 */
export function builtInContract(name: string): DatasetContract {
  return readContractFile(fileURLToPath(new URL(`./${name}.json`, import.meta.url)), `datasets/${name}.json`);
}
