/**
 * plan.json: what `plan` decided for one batch, read by every `partition --shard I` and by `load`.
 * Where it lives and where each shard writes: <staging>/<dataset>/batch=<date>/plan=<id>/plan.json,
 * …/shard=<I>/part-NNNNN.csv.gz and …/shard=<I>/manifest.json (written last). The id is a hash of
 * everything that changes the output, so the same batch planned again is the same plan and the same names.
 */
import { createHash } from 'node:crypto';
import type { DatasetContract } from '../../datasets/index.ts';
import type { SourceIdentity } from '../../core/manifest.ts';
import { ConfigError } from '../../core/errors.ts';
import type { ObjectStore } from '../store/object-store.ts';

/** One source file of the plan, with the identity it was listed with and its row groups' row counts (Parquet). */
export interface PlannedFile {
  uri: string;
  size: number;
  identity?: SourceIdentity;
  /** Parquet: rows of each row group; text files are cut only at whole files (absent). */
  rowGroups?: number[];
}

/** One shard's share: whole files, or a range [from, to) of a Parquet file's row groups. */
export interface ShardSlice {
  file: number;
  rowGroups?: [number, number];
}

export interface ShardPlan {
  index: number;
  slices: ShardSlice[];
  /** Rows (Parquet) plus bytes of text files: what the cut evened out. */
  weight: number;
  /** Compressed source bytes the shard reads (sizes its part count). */
  bytes: number;
}

/** The options that change a shard's output bytes. */
export interface PlanOptions {
  slices: number;
  partsPerSlice?: number;
  gzipLevel?: number;
}

export interface Plan {
  planId: string;
  dataset: string;
  batchDate: string;
  source: string;
  createdAt: string;
  /** The contract after drift (evolved columns included): every shard checks and writes with it. */
  contract: DatasetContract;
  files: PlannedFile[];
  options: PlanOptions;
  /** Shard count: the size of the Batch array job. */
  shards: number;
  cut: ShardPlan[];
}

export function planIdOf(p: Omit<Plan, 'planId' | 'createdAt' | 'source'>): string {
  const basis = JSON.stringify([p.dataset, p.batchDate, p.contract, p.files, p.options, p.shards, p.cut]);
  return createHash('sha256').update(basis).digest('hex').slice(0, 16);
}

export function planFolder(staging: string, dataset: string, batchDate: string, planId: string): string {
  return `${staging.replace(/\/+$/, '')}/${dataset}/batch=${batchDate}/plan=${planId}`;
}

/** The folder of a plan.json URI. */
export function folderOfPlan(planUri: string): string {
  return planUri.replace(/\/plan\.json$/, '');
}

export function shardFolder(store: ObjectStore, planUri: string, shard: number): string {
  return store.join(folderOfPlan(planUri), `shard=${String(shard).padStart(5, '0')}`);
}

/** The runId a shard's manifest carries: ties it to its plan and shard. */
export function shardRunId(planId: string, shard: number): string {
  return `plan-${planId}-shard-${shard}`;
}

export async function writePlan(store: ObjectStore, staging: string, plan: Plan): Promise<string> {
  const uri = store.join(planFolder(staging, plan.dataset, plan.batchDate, plan.planId), 'plan.json');
  await store.write(uri, `${JSON.stringify(plan, null, 2)}\n`, 'application/json');
  return uri;
}

export async function readPlan(store: ObjectStore, planUri: string): Promise<Plan> {
  if (!/\/plan\.json$/.test(planUri)) throw new ConfigError(`--plan must name a plan.json, got ${planUri}`, {}, 'pass the URI `plan` printed');
  if (!(await store.exists(planUri))) throw new ConfigError(`no plan at ${planUri}`, { file: planUri }, 'run `redshift-loader plan` first and pass the URI it printed');
  let plan: Plan;
  try {
    plan = JSON.parse((await store.readAll(planUri)).toString('utf8')) as Plan;
  } catch {
    throw new ConfigError(`${planUri} is not a plan (not JSON)`, { file: planUri }, 'run `redshift-loader plan` again');
  }
  if (typeof plan.planId !== 'string' || !Array.isArray(plan.cut) || plan.cut.length !== plan.shards) {
    throw new ConfigError(`${planUri} is not a plan of this version`, { file: planUri }, 'run `redshift-loader plan` again');
  }
  return plan;
}
