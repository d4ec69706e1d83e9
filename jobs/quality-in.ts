/**
 * Where the contract's rules run: `stream` (the default: every row through the evaluator in the pass that
 * reads the files) or `warehouse` (as SQL on the stage table after COPY; no process of ours reads a row).
 * --quality-in wins over RL_QUALITY_IN, which wins over the contract's `qualityIn`. `warehouse` needs
 * --strategy parquet: the CSV strategy reads every row to write its parts anyway.
 */
import type { DatasetContract } from '../datasets/index.ts';
import { ConfigError } from '../core/errors.ts';
import { jobEnv } from '../core/env.ts';

export type QualityIn = 'stream' | 'warehouse';

export function resolveQualityIn(flag: string | undefined, contract: DatasetContract, strategy: 'csv' | 'parquet'): QualityIn {
  const env = jobEnv('RL_QUALITY_IN');
  const [value, from] = flag !== undefined ? [flag, '--quality-in'] : env !== undefined ? [env, 'RL_QUALITY_IN'] : [contract.qualityIn ?? 'stream', `the ${contract.name} contract's qualityIn`];
  if (value !== 'stream' && value !== 'warehouse') throw new ConfigError(`${from} must be stream or warehouse, got "${value}"`);
  if (value === 'warehouse' && strategy !== 'parquet') {
    throw new ConfigError(`${from} is warehouse, which needs --strategy parquet (the rules run on the stage that COPY FORMAT AS PARQUET fills)`, {}, 'add --strategy parquet, or use --quality-in stream');
  }
  return value;
}
