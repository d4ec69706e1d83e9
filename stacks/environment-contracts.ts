/**
 * The contracts one environment's stack is synthesized from: the built-in ones (datasets/*.json) plus
 * the environment's `contractFiles` (paths in this repository), read and checked at synth time like any
 * contract file. Each extra contract gets what a built-in one gets (crawler, classifier, schedule,
 * crawler rule, the roles' dataset prefixes) and is uploaded to the environment's `contractsPrefix`
 * (stacks/contract-objects.ts), where the jobs read it through RL_CONTRACTS.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseContract, type DatasetContract } from '../datasets/index.ts';
import type { EnvironmentSettings } from './environments.ts';

/** `contractFiles` are relative to the repository root, whatever the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** An extra contract and the exact text the jobs will read. */
export interface ContractFile {
  contract: DatasetContract;
  /** The repository path, as the environment names it. */
  path: string;
  text: string;
}

/** Reads and checks the environment's `contractFiles`; throws (naming file and JSON path) on a bad one. */
export function readEnvironmentContracts(settings: Pick<EnvironmentSettings, 'name' | 'contractFiles' | 'contractsPrefix'>, root = REPO_ROOT): ContractFile[] {
  const files = settings.contractFiles ?? [];
  if (files.length && settings.contractsPrefix === undefined) {
    throw new Error(`environment ${settings.name}: contractFiles need a contractsPrefix (the jobs read them from there)`);
  }
  const seen = new Map<string, string>();
  return files.map((path) => {
    let text: string;
    try {
      text = readFileSync(isAbsolute(path) ? path : resolve(root, path), 'utf8');
    } catch (e) {
      throw new Error(`environment ${settings.name}: contract file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const contract = parseContract(text, path);
    const earlier = seen.get(contract.name);
    if (earlier) throw new Error(`environment ${settings.name}: contract files ${earlier} and ${path} both name dataset ${contract.name}`);
    seen.set(contract.name, path);
    return { contract, path, text };
  });
}

/** Built-in contracts overlaid by the extra ones, by dataset name (as the jobs overlay RL_CONTRACTS). */
export function withExtraContracts(builtIn: DatasetContract[], extra: ContractFile[]): DatasetContract[] {
  const byName = new Map(builtIn.map((d) => [d.name, d]));
  for (const f of extra) byName.set(f.contract.name, f.contract);
  return [...byName.values()];
}
