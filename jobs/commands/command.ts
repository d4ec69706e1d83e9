import type { ParseArgsConfig } from 'node:util';
import type { DatasetContract } from '../../datasets/index.ts';
import { contractsLocation, loadContracts } from '../contracts.ts';
import { ConfigError } from '../../core/errors.ts';
import { jobEnv } from '../../core/env.ts';
import { checkPartBound } from '../partition/part-count.ts';
import type { Logger } from '../log.ts';

export interface CommandContext {
  values: Record<string, string | boolean | undefined>;
  /** Words after the command, for commands that declare `positionals` (e.g. `contract check FILE`). */
  positionals?: string[];
  log: Logger;
  json: boolean;
  /** Writes the command's result to stdout (a plain function: commands destructure it). */
  print: (text: string) => void;
  /** Aborted on SIGTERM/SIGINT (reason: a TerminatedError), for commands that declare stopsOnSignal. */
  signal?: AbortSignal;
}

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext): Promise<number>;
  /** Stops cleanly on ctx.signal (rolls back, records the failure); otherwise a signal exits at once. */
  stopsOnSignal?: boolean;
  /** Takes words after the command (`contract check FILE`); every other command refuses them. */
  positionals?: boolean;
}

/** The contract --dataset names, among the built-in ones and those of --contracts (or RL_CONTRACTS). */
export async function contractFor(name: string | boolean | undefined, contracts?: string | boolean): Promise<DatasetContract> {
  const all = await loadContracts(contractsLocation(contracts));
  if (typeof name !== 'string' || name === '') {
    throw new ConfigError('--dataset is required', {}, `one of: ${Object.keys(all).join(', ')}`);
  }
  const c = Object.hasOwn(all, name) ? all[name] : undefined;
  if (!c) throw new ConfigError(`unknown dataset "${name}"`, {}, `one of: ${Object.keys(all).join(', ')}`);
  return c;
}

export function str(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A positive integer flag, or undefined when absent. */
export function intFlag(name: string, v: string | boolean | undefined, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`--${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

/** --slices (or RL_SLICES) and --parts-per-slice, each in range and their product within MAX_PARTS. */
export function partFlags(values: CommandContext['values']): { slices?: number; partsPerSlice?: number } {
  const slices = intFlag('slices', values.slices ?? jobEnv('RL_SLICES'), 1, 10000);
  const partsPerSlice = intFlag('parts-per-slice', values['parts-per-slice'], 1, 1000);
  checkPartBound(slices, partsPerSlice);
  return { slices, partsPerSlice };
}

export const LOCATION_OPTIONS = {
  dataset: { type: 'string' },
  contracts: { type: 'string' },
  date: { type: 'string' },
  source: { type: 'string' },
  staging: { type: 'string' },
  reports: { type: 'string' },
  warehouse: { type: 'string' },
  catalog: { type: 'string' },
} as const;
