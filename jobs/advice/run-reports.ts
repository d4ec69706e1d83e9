/**
 * The run reports `advise` reads: every run.json of a dataset under the reports location, the run the
 * advice is based on (the latest published run of --date, or of the latest batch), and the widest value
 * of each text column over every run that left a quality report — published or not, so a narrower width
 * is never below any value a batch has held.
 */
import type { QualityReport } from '../../data-quality/index.ts';
import { ConfigError } from '../../core/errors.ts';
import type { RunReport } from '../report.ts';
import type { ObjectStore } from '../store/index.ts';
import { widestOf } from './batch-advice.ts';

export interface DatasetRuns {
  chosen: RunReport;
  widest: Map<string, number>;
  batches: string[];
}

async function readJson<T>(store: ObjectStore, uri: string): Promise<T> {
  return JSON.parse((await store.readAll(uri)).toString('utf8')) as T;
}

export async function datasetRuns(store: ObjectStore, reports: string, dataset: string, batchDate?: string): Promise<DatasetRuns> {
  const prefix = store.join(reports.replace(/\/+$/, ''), dataset);
  const found = (await store.list(prefix)).filter((o) => o.uri.endsWith('/run.json'));
  const runs: RunReport[] = [];
  for (const o of found) runs.push(await readJson<RunReport>(store, o.uri));
  const published = runs.filter((r) => r.status === 'published' && r.manifest && (batchDate === undefined || r.batchDate === batchDate));
  published.sort((a, b) => (a.batchDate === b.batchDate ? a.runId.localeCompare(b.runId) : a.batchDate.localeCompare(b.batchDate)));
  const chosen = published.at(-1);
  if (!chosen) {
    throw new ConfigError(
      `no published run of dataset ${dataset}${batchDate ? ` for batch ${batchDate}` : ''} under ${prefix}`,
      {},
      `run the batch first (redshift-loader run --dataset ${dataset}${batchDate ? ` --date ${batchDate}` : ''}), or name the reports location with --reports`,
    );
  }
  const widest = new Map<string, number>();
  const batches = new Set<string>();
  for (const r of runs) {
    if (!r.reports.qualityJson) continue;
    const q = await readJson<QualityReport>(store, r.reports.qualityJson);
    for (const [c, w] of widestOf(q)) widest.set(c, Math.max(w, widest.get(c) ?? 0));
    batches.add(r.batchDate);
  }
  return { chosen, widest, batches: [...batches].sort() };
}

/** How many earlier run reports the run reads back looking for the last advice (newest first). */
export const PREVIOUS_ADVICE_READS = 10;

/**
 * The widest values the run's advice must respect without reading every report: the newest earlier run
 * report that carries advice already holds the widest value of every batch before it (`widestBytes`,
 * the maximum over its own `widestFromBatches`), so one listing and a read or two carry it forward.
 */
export async function previousWidest(store: ObjectStore, reports: string, dataset: string, runId: string): Promise<{ widest: Map<string, number>; batches: string[] }> {
  const prefix = store.join(reports.replace(/\/+$/, ''), dataset);
  const found = (await store.list(prefix)).filter((o) => o.uri.endsWith('/run.json') && !o.uri.includes(`/run=${runId}/`));
  // <dataset>/batch=<date>/run=<id>/run.json: the path sorts as (batch date, run id).
  found.sort((a, b) => b.uri.localeCompare(a.uri));
  for (const o of found.slice(0, PREVIOUS_ADVICE_READS)) {
    const r = await readJson<RunReport>(store, o.uri);
    if (!r.advice) continue;
    const widest = new Map<string, number>();
    for (const c of r.advice.columns) if (c.widestBytes !== undefined) widest.set(c.column, c.widestBytes);
    return { widest, batches: r.advice.basedOn?.widestFromBatches ?? [r.batchDate] };
  }
  return { widest: new Map(), batches: [] };
}
