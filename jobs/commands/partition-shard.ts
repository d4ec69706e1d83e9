/**
 * `partition --plan URI --shard I`: one shard of a plan (one AWS Batch array child). I comes from --shard
 * or from AWS_BATCH_JOB_ARRAY_INDEX, which AWS Batch sets in each child of an array job.
 */
import { ConfigError } from '../../core/errors.ts';
import { runShard, writeShardQuality } from '../shards/run-shard.ts';
import { intFlag, str, type CommandContext } from './command.ts';
import { MAX_SHARDS } from './plan.ts';

/** The environment variable AWS Batch sets to a child's index in an array job. */
export const ARRAY_INDEX_ENV = 'AWS_BATCH_JOB_ARRAY_INDEX';

export function shardIndex(values: CommandContext['values'], env: NodeJS.ProcessEnv = process.env): number {
  if (values.shard !== undefined) return intFlag('shard', values.shard, 0, MAX_SHARDS - 1)!;
  const v = env[ARRAY_INDEX_ENV];
  if (v === undefined || v === '') throw new ConfigError('--shard is required', {}, `pass --shard I, or run as an AWS Batch array child (${ARRAY_INDEX_ENV})`);
  if (!/^\d+$/.test(v) || Number(v) >= MAX_SHARDS) throw new ConfigError(`${ARRAY_INDEX_ENV} must be a shard index from 0 to ${MAX_SHARDS - 1}, got "${v}"`);
  return Number(v);
}

export async function partitionShard({ values, log, json, print, signal }: CommandContext): Promise<number> {
  const planUri = str(values.plan);
  if (!planUri) throw new ConfigError('--plan is required with --shard', {}, 'the plan.json URI that `redshift-loader plan` printed');
  for (const flag of ['dataset', 'source', 'out', 'date', 'slices', 'parts-per-slice', 'gzip-level']) {
    if (values[flag] !== undefined) throw new ConfigError(`--${flag} cannot be used with --plan: the plan fixes it`, {}, 'drop the flag, or plan again with it');
  }
  const shard = shardIndex(values);
  const started = performance.now();
  const { plan, result } = await runShard({ planUri, shard, workers: intFlag('workers', values.workers, 0, 64), log, signal });
  await writeShardQuality(planUri, shard, result);
  const m = result.manifest;
  const seconds = (performance.now() - started) / 1000;
  const line = `shard ${shard} of ${plan.shards}: wrote ${result.readRows} rows into ${m.entries.length} parts in ${seconds.toFixed(1)} s — manifest: ${result.manifestUri}`;
  if (json) print(JSON.stringify({ status: 'ok', message: line, shard, shards: plan.shards, rows: result.readRows, parts: m.entries.length, manifest: result.manifestUri }));
  else log.info(line);
  return 0;
}
