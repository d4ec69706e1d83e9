/**
 * The `load --plan URI` step: every shard manifest present and of this plan (else LoadError before the
 * warehouse is opened), then the nightly run's own stage, reconcile and publish (jobs/run.ts) with the
 * merged manifest as its load package: the batch is listed again and must be the plan's files, drift is
 * checked again against the warehouse and must give the plan's contract, the key is checked across
 * shards on the stage before the publish, and the audit row and reports are the run's.
 */
import type { QualityReport } from '../../data-quality/index.ts';
import { LoadError } from '../../core/errors.ts';
import { writeManifest } from '../manifest.ts';
import type { PartitionOptions, PartitionResult } from '../partition/partition.ts';
import { runBatch, type RunOptions } from '../run.ts';
import type { RunReport } from '../report.ts';
import { storeFor } from '../store/index.ts';
import { describeIdentity } from '../store/identity.ts';
import { checkKeysAcrossShards } from './keys-across-shards.ts';
import { mergeManifests, readShardManifests } from './merge-manifests.ts';
import { mergeQuality } from './merge-quality.ts';
import { readPlan, shardFolder, type Plan } from './plan-file.ts';

export type LoadPlanOptions = Omit<RunOptions, 'contract' | 'batchDate' | 'packageFrom' | 'afterStage' | 'strategy'> & { planUri: string };

export async function loadPlan(opts: LoadPlanOptions): Promise<RunReport> {
  const store = await storeFor(opts.planUri);
  const plan = await readPlan(store, opts.planUri);
  const shardManifests = await readShardManifests(store, opts.planUri, plan);
  const qualities: QualityReport[] = [];
  for (let i = 0; i < plan.shards; i++) {
    qualities.push(JSON.parse((await store.readAll(store.join(shardFolder(store, opts.planUri, i), 'quality.json'))).toString('utf8')) as QualityReport);
  }
  const again = `plan the batch again (redshift-loader plan --dataset ${plan.dataset} --date ${plan.batchDate}) and run its shards`;

  const packageFrom = async (pass: PartitionOptions): Promise<PartitionResult> => {
    const listed = pass.files ?? [];
    const same = listed.length === plan.files.length && listed.every((f, i) => f.uri === plan.files[i].uri && JSON.stringify(f.identity ?? null) === JSON.stringify(plan.files[i].identity ?? null));
    if (!same) {
      const changed = listed.find((f, i) => f.uri !== plan.files[i]?.uri || JSON.stringify(f.identity ?? null) !== JSON.stringify(plan.files[i]?.identity ?? null));
      const what = changed ? `${changed.uri} is now ${changed.identity ? describeIdentity(changed.identity) : `${changed.size} bytes`}` : `the batch now has ${listed.length} files, the plan ${plan.files.length}`;
      throw new LoadError(`the batch changed since it was planned: ${what}`, { file: changed?.uri }, again);
    }
    if (JSON.stringify(pass.contract) !== JSON.stringify(plan.contract)) {
      throw new LoadError(`the contract (after the warehouse drift check) is not the one ${plan.planId} was planned with`, { file: opts.planUri }, again);
    }
    const manifest = mergeManifests(plan, shardManifests, pass.runId);
    const quality = mergeQuality(plan.contract, qualities, pass.previousRowCount ?? null, plan.files.length);
    const manifestUri = await writeManifest(pass.outStore, pass.outUri, manifest);
    const readRows = manifest.package.checksums.rows;
    return { manifest, manifestUri, quality, fallbacks: quality.fallbacks, schemas: [], sourceRows: manifest.package.sourceRows, readRows };
  };

  return runBatch({
    ...opts,
    contract: plan.contract,
    batchDate: plan.batchDate,
    locations: { ...opts.locations, source: plan.source },
    packageFrom,
    afterStage: plan.shards > 1 ? (query) => checkKeysAcrossShards(plan.contract, query, plan.shards) : undefined,
  });
}

export type { Plan };
