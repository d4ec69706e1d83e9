/**
 * The EMF metrics line of the `drift` job (what a crawl triggers in AWS), like a run's (jobs/metrics.ts):
 * one JSON log line per job, in JSON mode only, with DriftFindings, BreakingDrift and DriftFailed per
 * dataset. A check that could not run (no catalog table, an unreadable catalog) has no findings: its line
 * carries DriftFailed 1 alone, never a 0 it did not measure.
 */
import { jobEnv } from '../core/env.ts';
import { DEFAULT_METRICS_NAMESPACE, DRIFT_METRICS } from '../core/metric-names.ts';
import type { DriftReport } from '../crawler/drift.ts';
import type { Logger } from './log.ts';
import { emfDocument, type EmfDocument } from './metrics.ts';

export interface DriftFacts {
  dataset: string;
  /** The report, when the check ran. */
  report?: DriftReport;
  /** Whether the job failed (exit ≠ 0). */
  failed: boolean;
}

export function driftMetricValues(f: DriftFacts): Record<string, number> {
  const v: Partial<Record<keyof typeof DRIFT_METRICS, number>> = {};
  if (f.report) {
    v.DriftFindings = f.report.findings.length;
    v.BreakingDrift = f.report.summary.breaking;
  }
  v.DriftFailed = f.failed ? 1 : 0;
  return v;
}

export function driftMetricsDocument(f: DriftFacts, at: Date, namespace = jobEnv('RL_METRICS_NAMESPACE') ?? DEFAULT_METRICS_NAMESPACE): EmfDocument {
  const fields: Record<string, string> = { job: 'drift', ...(f.report ? { generatedAt: f.report.generatedAt } : {}) };
  return emfDocument({ dataset: f.dataset, fields, values: driftMetricValues(f), unitOf: (n) => (DRIFT_METRICS as Record<string, string>)[n], at, namespace });
}

/** Logs the drift job's EMF line (JSON logs only); a line that cannot be built is a warning, never the job's outcome. */
export function emitDriftMetrics(log: Logger, f: DriftFacts, at: Date = new Date()): void {
  try {
    log.metrics?.(driftMetricsDocument(f, at));
  } catch (e) {
    log.warn(`could not log the drift job's metrics: ${(e as Error).message}`);
  }
}
