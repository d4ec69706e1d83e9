/**
 * The contracts a command can use: the built-in ones (datasets/*.json) and the user's own, from
 * `--contracts DIR` or RL_CONTRACTS — a folder or an s3:// prefix, read through the object-store port.
 * Every `*.json` file directly in it is a contract named by its file name; one named like a built-in
 * replaces it. A bad file is a ConfigError naming the file and the JSON path of the bad field.
 */
import { stat } from 'node:fs/promises';
import { ContractFileError, datasets, parseContract, type DatasetContract } from '../datasets/index.ts';
import { ConfigError } from '../core/errors.ts';
import { jobEnv } from '../core/env.ts';
import { localPath, storeFor } from './store/index.ts';

/** The schema file users may keep next to their contracts for their editor: not a contract. */
const SCHEMA_FILE = 'contract.schema.json';

/** The contracts location: --contracts wins over RL_CONTRACTS; undefined when neither is set. */
export function contractsLocation(flag: string | boolean | undefined): string | undefined {
  return typeof flag === 'string' && flag !== '' ? flag : jobEnv('RL_CONTRACTS');
}

/** Built-in contracts overlaid with those of `location` (when given), by dataset name. */
export async function loadContracts(location: string | undefined): Promise<Record<string, DatasetContract>> {
  const all: Record<string, DatasetContract> = { ...datasets };
  if (location === undefined) return all;
  const store = await storeFor(location);
  if (!location.startsWith('s3://')) {
    const dir = localPath(location);
    const s = await stat(dir).catch(() => undefined);
    if (!s?.isDirectory()) throw new ConfigError(`contracts folder ${dir} does not exist or is not a folder`, {}, 'pass --contracts DIR (or RL_CONTRACTS) naming a folder of <dataset>.json files');
  }
  const entries = await store.listFolder(location);
  for (const e of entries) {
    if (e.kind !== 'file' || !e.name.endsWith('.json') || e.name === SCHEMA_FILE) continue;
    const contract = contractFromText((await store.readAll(e.uri)).toString('utf8'), e.uri);
    all[contract.name] = contract;
  }
  return all;
}

/** Parses and checks one contract's text; a fault is a ConfigError (exit 2) naming file and JSON path. */
export function contractFromText(text: string, file: string): DatasetContract {
  try {
    return parseContract(text, file);
  } catch (e) {
    throw asConfigError(e);
  }
}

/** A ContractFileError as the one-line ConfigError the CLI prints; anything else unchanged. */
export function asConfigError(e: unknown): unknown {
  if (!(e instanceof ContractFileError)) return e;
  return new ConfigError(e.message, {}, 'fix the contract file (its fields: datasets/contract.schema.json)');
}
