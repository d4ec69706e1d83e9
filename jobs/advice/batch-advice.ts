/**
 * Storage advice for one run's load package: the quality report's profile, a sample of the parts and
 * the widest values of this batch (the run sees only its own; `advise` also reads every earlier report).
 */
import type { DatasetContract } from '../../datasets/index.ts';
import type { QualityReport } from '../../data-quality/index.ts';
import type { Manifest } from '../../core/manifest.ts';
import type { ObjectStore } from '../store/index.ts';
import type { StorageAdvice } from './advice.ts';
import { storageAdvice } from './advisor.ts';
import { DEFAULT_SAMPLE_ROWS, samplePackage } from './part-sample.ts';

export interface BatchAdviceInput {
  contract: DatasetContract;
  batchDate: string;
  runId: string;
  quality: QualityReport;
  manifest: Manifest;
  staging: ObjectStore;
  sampleRows?: number;
  /** Widest values of earlier batches (advise), merged with this batch's. */
  earlier?: { widest: ReadonlyMap<string, number>; batches: string[] };
}

/** The widest value per text column of a quality report's profile. */
export function widestOf(q: QualityReport): Map<string, number> {
  return new Map(q.columns.filter((c) => c.maxBytes !== null).map((c) => [c.column, c.maxBytes!]));
}

export async function batchAdvice(i: BatchAdviceInput): Promise<StorageAdvice> {
  const sample = await samplePackage(i.staging, i.manifest, i.sampleRows ?? DEFAULT_SAMPLE_ROWS);
  const widest = widestOf(i.quality);
  for (const [c, w] of i.earlier?.widest ?? []) widest.set(c, Math.max(w, widest.get(c) ?? 0));
  const batches = [...new Set([...(i.earlier?.batches ?? []), i.batchDate])].sort();
  return storageAdvice({
    contract: i.contract,
    batchDate: i.batchDate,
    runId: i.runId,
    rowCount: i.quality.rowCount,
    profile: i.quality.columns,
    sample,
    widest,
    widestFromBatches: batches,
  });
}
