/**
 * The `partition --plan URI --shard I` step: quality and partition for one shard's files and row groups,
 * with the plan's contract, reading exactly the versions the plan listed. Its parts and manifest go to the
 * shard's own folder under deterministic names, the manifest last (an object appears only when whole), and
 * the manifest's createdAt is the plan's: a retry overwrites the same names with the same bytes and never
 * touches another shard's folder. The shard's quality report is written after the manifest; load requires
 * both, so a shard killed between the two is rerun, not loaded.
 */
import { ConfigError } from '../../core/errors.ts';
import { renderQualityMarkdown } from '../../data-quality/index.ts';
import type { Logger } from '../log.ts';
import { partition, type PartitionResult } from '../partition/partition.ts';
import { withFallbacks } from '../partition/fallback.ts';
import { storeFor } from '../store/index.ts';
import { pinListed } from '../store/pinned-store.ts';
import { readPlan, shardFolder, shardRunId, type Plan } from './plan-file.ts';

export interface ShardOptions {
  planUri: string;
  shard: number;
  workers?: number;
  log?: Logger;
  signal?: AbortSignal;
}

export async function runShard(opts: ShardOptions): Promise<{ plan: Plan; result: PartitionResult }> {
  const staging = await storeFor(opts.planUri);
  const plan = await readPlan(staging, opts.planUri);
  const share = plan.cut[opts.shard];
  if (!share) throw new ConfigError(`shard ${opts.shard} is not in the plan: it has shards 0 to ${plan.shards - 1}`, { file: opts.planUri }, 'pass --shard (or AWS_BATCH_JOB_ARRAY_INDEX) within the plan');
  const files = share.slices.map((s) => plan.files[s.file]);
  const landing = await storeFor(plan.source);
  const outUri = shardFolder(staging, opts.planUri, opts.shard);
  const result = await partition({
    contract: plan.contract,
    sourceStore: pinListed(landing, files),
    sourceUri: plan.source,
    files,
    rowGroups: share.slices.map((s) => s.rowGroups),
    inputBytes: share.bytes,
    outStore: staging,
    outUri,
    batchDate: plan.batchDate,
    runId: shardRunId(plan.planId, opts.shard),
    createdAt: plan.createdAt,
    slices: plan.options.slices,
    partsPerSlice: plan.options.partsPerSlice,
    gzipLevel: plan.options.gzipLevel,
    workers: opts.workers,
    // The row-count rule is judged on the whole batch by `load`.
    previousRowCount: null,
    log: opts.log,
    signal: opts.signal,
  });
  return { plan, result };
}

/** The shard's quality report, beside its parts (load merges them into the batch's). */
export async function writeShardQuality(planUri: string, shard: number, result: PartitionResult): Promise<void> {
  const store = await storeFor(planUri);
  const q = withFallbacks(result.quality, result.fallbacks);
  const folder = shardFolder(store, planUri, shard);
  await store.write(store.join(folder, 'quality.json'), `${JSON.stringify(q, null, 2)}\n`, 'application/json');
  await store.write(store.join(folder, 'quality.md'), renderQualityMarkdown(q), 'text/markdown');
}
