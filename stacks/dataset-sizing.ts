/**
 * Per-dataset sizing of the nightly run, from the environment data (`batch.datasets`): how many shards
 * `plan --shards` cuts the batch into, and the vCPU and memory of each shard's `partition` job (the
 * nightly machine sets them as the array job's ResourceRequirements override). A dataset the settings
 * do not name gets one shard of the environment's `run` size — today's single job.
 */
import type { EnvironmentSettings } from './environments.ts';
import { fargateMemoryFits, fargateSizesText } from './fargate-sizes.ts';

export interface DatasetSizing {
  /** Shards `plan` cuts the batch into (at most; a small batch gets fewer). 1..10,000 (Batch's array limit). */
  shards: number;
  /** Fargate vCPU of each shard's partition job. */
  vcpu: number;
  /** MiB; a Fargate pair with vcpu. */
  memoryMiB: number;
}

/** What an environment may say about one dataset; vcpu and memoryMiB go together. */
export type DatasetSizingSettings = Partial<DatasetSizing>;

/** Most shards: an AWS Batch array job has at most 10,000 children (and plan --shards the same bound). */
export const MAX_SHARDS = 10_000;

export function defaultSizing(e: Pick<EnvironmentSettings, 'batch'>): DatasetSizing {
  return { shards: 1, vcpu: e.batch.run.vcpu, memoryMiB: e.batch.run.memoryMiB };
}

export function datasetSizing(e: Pick<EnvironmentSettings, 'batch'>, dataset: string): DatasetSizing {
  const own = e.batch.datasets?.[dataset] ?? {};
  return { ...defaultSizing(e), ...own };
}

/** Every named dataset's sizing, by name (what the nightly machine looks the dataset up in). */
export function sizingTable(e: Pick<EnvironmentSettings, 'batch'>, datasets: string[]): Record<string, DatasetSizing> {
  return Object.fromEntries(datasets.map((d) => [d, datasetSizing(e, d)]));
}

/** Throws, naming the environment and dataset, on sizing AWS Batch would refuse or a dataset the stack does not have. */
export function validateDatasetSizing(e: Pick<EnvironmentSettings, 'name' | 'batch'>, datasets: string[]): void {
  for (const [dataset, own] of Object.entries(e.batch.datasets ?? {})) {
    const where = `environment ${e.name}, dataset ${dataset}`;
    if (!datasets.includes(dataset)) throw new Error(`${where}: batch.datasets names no dataset of this stack (known: ${datasets.join(', ')})`);
    if ((own.vcpu === undefined) !== (own.memoryMiB === undefined)) throw new Error(`${where}: set vcpu and memoryMiB together`);
    const s = datasetSizing(e, dataset);
    if (!Number.isInteger(s.shards) || s.shards < 1 || s.shards > MAX_SHARDS) throw new Error(`${where}: shards must be an integer from 1 to ${MAX_SHARDS}, got ${s.shards}`);
    if (!fargateMemoryFits(s.vcpu, s.memoryMiB)) {
      throw new Error(`${where}: ${s.vcpu} vCPU with ${s.memoryMiB} MiB is not a Fargate size — allowed: ${fargateSizesText()}`);
    }
  }
}
