/**
 * CloudWatch Embedded Metric Format (EMF) for one run of one dataset: at the end of every run and load,
 * published or failed, one JSON log line carries the run's metrics as top-level numbers and an `_aws`
 * directive naming them, so CloudWatch Logs turns the line into metrics with no agent and no API call.
 * Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * The names are core/metric-names.ts, which the stacks' dashboard and alarms read too.
 */
import { jobEnv } from '../core/env.ts';
import { DATASET_DIMENSION, DEFAULT_METRICS_NAMESPACE, RUN_METRICS, STEP_METRICS, type RunMetricName } from '../core/metric-names.ts';
import type { QualityReport } from '../data-quality/index.ts';
import type { DriftOutcome } from './drift-check.ts';
import type { Logger } from './log.ts';
import type { Manifest } from '../core/manifest.ts';
import type { RunReport } from './report.ts';

export interface RunFacts {
  report: RunReport;
  quality?: QualityReport;
  drift?: DriftOutcome;
  manifest?: Manifest;
  /** Rows of the previous published batch of the dataset, when the run read it (null: none). */
  previousRowCount?: number | null;
}

export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }>;
  };
  [field: string]: unknown;
}

/** The metric values a run has: a metric the run did not reach (no manifest, no drift check) is absent, never 0. */
export function runMetricValues(f: RunFacts): Record<string, number> {
  const { report, quality, drift, manifest } = f;
  const v: Partial<Record<RunMetricName, number>> & Record<string, number> = {};
  // A run that found its batch already published (same source files) did its job: not a failure, and no rows published again.
  v.RunFailed = report.status === 'published' || report.status === 'already-published' ? 0 : 1;
  if (report.status === 'published' && report.rows.published !== undefined) v.RowsPublished = report.rows.published;
  if (manifest) v.BytesStaged = manifest.entries.reduce((s, e) => s + e.meta.content_length, 0);
  if (quality) {
    v.QualityFailures = quality.summary.failed;
    v.QualityWarnings = quality.summary.warned;
  }
  if (drift) {
    v.DriftFindings = drift.report.findings.length;
    v.BreakingDrift = drift.report.summary.breaking;
  }
  if (report.status === 'published' && report.rows.published !== undefined && f.previousRowCount) {
    v.RowCountChangePercent = round2(((report.rows.published - f.previousRowCount) / f.previousRowCount) * 100);
  }
  for (const [step, name] of Object.entries(STEP_METRICS)) {
    const ms = report.timings[step];
    if (typeof ms === 'number') v[name] = round2(ms / 1000);
  }
  return v;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function unitOf(name: string): string {
  return (RUN_METRICS as Record<string, string>)[name] ?? 'Seconds';
}

/** The EMF document of one run: every metric named in the directive is a top-level number beside it. */
export function runMetricsDocument(f: RunFacts, at: Date, namespace = jobEnv('RL_METRICS_NAMESPACE') ?? DEFAULT_METRICS_NAMESPACE): EmfDocument {
  return emfDocument({ dataset: f.report.dataset, fields: { batchDate: f.report.batchDate, runId: f.report.runId }, values: runMetricValues(f), unitOf, at, namespace });
}

/** An EMF document of one dataset (dimension Dataset): `values` named in the directive and set beside it, then `fields` as plain properties. */
export function emfDocument(d: { dataset: string; fields: Record<string, string>; values: Record<string, number>; unitOf: (name: string) => string; at: Date; namespace: string }): EmfDocument {
  return {
    _aws: {
      Timestamp: d.at.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: d.namespace,
          Dimensions: [[DATASET_DIMENSION]],
          Metrics: Object.keys(d.values).map((Name) => ({ Name, Unit: d.unitOf(Name) })),
        },
      ],
    },
    [DATASET_DIMENSION]: d.dataset,
    ...d.fields,
    ...d.values,
  };
}

/** Logs the run's EMF line (JSON logs only: a terminal gets the run's own summary instead). */
export function emitRunMetrics(log: Logger, f: RunFacts, at: Date = new Date()): void {
  try {
    log.metrics?.(runMetricsDocument(f, at));
  } catch (e) {
    // The run's outcome stands whatever happens here; the missing line is said, not hidden.
    log.warn(`could not log the run's metrics: ${(e as Error).message}`);
  }
}
