/**
 * A dataset's history, read back from its reports location (local or S3): every run's run.json under
 * <reports>/<dataset>/batch=…/run=…/, the drift summary beside it, and the drift checks the `drift`
 * command wrote under <reports>/<dataset>/drift/…/. Links are relative to <reports>/<dataset>/, where
 * index.html goes, so the folder can be copied or served anywhere.
 */
import { sep } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import type { DriftReport } from '../../crawler/drift.ts';
import type { RunReport } from '../report.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { hrefSegment } from './escape.ts';

export interface RunEntry {
  report: RunReport;
  /** Relative link to the run's page (run.html, or run.md for runs from before run.html). */
  href: string;
  drift?: DriftReport['summary'];
}

export interface DriftCheckEntry {
  generatedAt: string;
  summary: DriftReport['summary'];
  href: string;
}

export interface History {
  /** <reports>/<dataset>: where the index goes. */
  root: string;
  runs: RunEntry[];
  driftChecks: DriftCheckEntry[];
}

const RUN_JSON = /^batch=[^/]+\/run=[^/]+\/run\.json$/;
const DRIFT_JSON = /^drift\/[^/]+\/drift\.json$/;

export async function readHistory(store: ObjectStore, reports: string, dataset: string): Promise<History> {
  const root = store.join(reports, dataset);
  const listed = await store.list(root);
  const rel = new Map<string, string>();
  for (const o of listed) {
    if (!o.uri.startsWith(root)) continue;
    const r = o.uri.slice(root.length).split(sep).join('/').replace(/^\/+/, '');
    rel.set(r, o.uri);
  }
  const runs: RunEntry[] = [];
  const driftChecks: DriftCheckEntry[] = [];
  for (const [path, uri] of rel) {
    if (RUN_JSON.test(path)) {
      const report = runReportFrom(await readJson(store, uri), uri);
      const folder = path.slice(0, -'run.json'.length);
      const page = rel.has(`${folder}run.html`) ? 'run.html' : 'run.md';
      const driftUri = rel.get(`${folder}drift.json`);
      const drift = driftUri ? driftSummaryFrom(await readJson(store, driftUri), driftUri).summary : undefined;
      runs.push({ report, href: link(`${folder}${page}`), drift });
    } else if (DRIFT_JSON.test(path)) {
      const d = driftSummaryFrom(await readJson(store, uri), uri);
      driftChecks.push({ generatedAt: d.generatedAt, summary: d.summary, href: link(path.replace(/\.json$/, '.md')) });
    }
  }
  if (runs.length === 0) {
    throw new ConfigError(
      `no run reports for dataset ${dataset} under ${root} (no batch=…/run=…/run.json)`,
      {},
      'run the dataset first, or name the reports location where its runs wrote with --reports (or RL_REPORTS)',
    );
  }
  runs.sort((a, b) => a.report.startedAt.localeCompare(b.report.startedAt) || a.report.runId.localeCompare(b.report.runId));
  driftChecks.sort((a, b) => a.generatedAt.localeCompare(b.generatedAt));
  return { root, runs, driftChecks };
}

function link(path: string): string {
  return path.split('/').map(hrefSegment).join('/');
}

async function readJson(store: ObjectStore, uri: string): Promise<unknown> {
  const text = (await store.readAll(uri)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${uri} is not valid JSON (${(e as Error).message})`, {}, 'remove or restore the file: every report the loader writes is complete JSON');
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The fields the index reads, checked: a file that lacks them is named, never skipped. */
function runReportFrom(v: unknown, uri: string): RunReport {
  const ok =
    isObject(v) &&
    typeof v.runId === 'string' &&
    typeof v.batchDate === 'string' &&
    typeof v.startedAt === 'string' &&
    (v.status === 'published' || v.status === 'failed' || v.status === 'running') &&
    isObject(v.rows) &&
    isObject(v.timings);
  if (!ok) throw new ConfigError(`${uri} is not a run report (runId, batchDate, startedAt, status, rows and timings expected)`, {}, 'remove the file or put the run report back');
  return v as unknown as RunReport;
}

function driftSummaryFrom(v: unknown, uri: string): Pick<DriftReport, 'generatedAt' | 'summary'> {
  const s = isObject(v) ? v.summary : undefined;
  if (!isObject(v) || typeof v.generatedAt !== 'string' || !isObject(s) || typeof s.breaking !== 'number' || typeof s.warn !== 'number' || typeof s.info !== 'number') {
    throw new ConfigError(`${uri} is not a drift report (generatedAt and summary expected)`, {}, 'remove the file or put the drift report back');
  }
  return v as unknown as DriftReport;
}
