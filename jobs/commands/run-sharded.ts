/**
 * `run --shards N` (N > 1): the three steps of a sharded night on one machine — plan (in this process),
 * N child processes `partition --plan URI --shard I`, then load (in this process).
 */
import { parseBatchDate, resolveLocations, todayUtc } from '../locations.ts';
import { makePlan } from '../shards/make-plan.ts';
import { spawnShards } from '../shards/spawn-shards.ts';
import { DEFAULT_SLICES } from '../partition/part-count.ts';
import { ConfigError } from '../../core/errors.ts';
import { contractFor, intFlag, str, type CommandContext } from './command.ts';
import { loadAndSummarize } from './load.ts';
import { runNumbers } from './run.ts';
import type { DatasetContract } from '../../datasets/index.ts';
import { alreadyPublishedLine, checkPublishedCopy } from '../already-published.ts';
import { sourceFingerprint, type FingerprintFile } from '../source-fingerprint.ts';
import { openWarehouse } from '../warehouse/index.ts';

export async function runSharded(ctx: CommandContext, shards: number): Promise<number> {
  const { values, log } = ctx;
  if ((str(values.strategy) ?? 'csv') !== 'csv') throw new ConfigError('--shards applies to --strategy csv only', {}, 'drop --shards, or use --strategy csv');
  const contract = await contractFor(values.dataset, values.contracts);
  const batchDate = parseBatchDate(str(values.date) ?? todayUtc());
  const locations = resolveLocations(contract, batchDate, { source: str(values.source), staging: str(values.staging), catalog: str(values.catalog), warehouse: str(values.warehouse) });
  const numbers = runNumbers(values);
  const options = {
    slices: numbers.slices ?? DEFAULT_SLICES,
    ...(numbers.partsPerSlice ? { partsPerSlice: numbers.partsPerSlice } : {}),
    ...(numbers.gzipLevel ? { gzipLevel: numbers.gzipLevel } : {}),
  };
  const { plan, planUri } = await makePlan({ contract, batchDate, locations, shards, options, log });
  log.info(`planned ${plan.shards} shard(s) (plan ${plan.planId}): ${planUri}`);
  // The batch already published from the same files: stop before the shards read a byte (load --plan checks again).
  if (values.force !== true) {
    const line = await alreadyPublished(contract, batchDate, locations.warehouse, plan.files);
    if (line) {
      if (ctx.json) ctx.print(JSON.stringify({ status: 'already-published', message: line }));
      else log.info(line);
      return 0;
    }
  }
  const workers = intFlag('workers', values.workers, 0, 64);
  await spawnShards(planUri, plan.shards, { signal: ctx.signal, extraArgs: workers === undefined ? [] : ['--workers', String(workers)] });
  return loadAndSummarize(ctx, planUri);
}

/** The "already published" line when the batch's published copy has these files' fingerprint (reads only). */
async function alreadyPublished(contract: DatasetContract, batchDate: string, warehouseUri: string, files: FingerprintFile[]): Promise<string | undefined> {
  const wh = await openWarehouse(warehouseUri);
  try {
    const fingerprint = sourceFingerprint(files);
    const source = await checkPublishedCopy({ wh, contract, batchDate, files, fingerprint });
    return source.kind === 'same' ? alreadyPublishedLine(contract.name, batchDate, `${contract.schema}.${contract.historyTable}`, source.copy, fingerprint) : undefined;
  } finally {
    await wh.close();
  }
}
