/**
 * The CloudWatch metrics the jobs publish (Embedded Metric Format in their JSON log lines,
 * jobs/metrics.ts) and the stacks chart and alarm on (stacks/monitoring.ts): one list, so the two
 * cannot drift apart. Every metric has the one dimension `Dataset`.
 */

/** The namespace when RL_METRICS_NAMESPACE is unset; the stacks set `redshift-loader/<environment>`. */
export const DEFAULT_METRICS_NAMESPACE = 'redshift-loader';

/** The namespace of one environment's metrics (what the stacks give the jobs as RL_METRICS_NAMESPACE). */
export function metricsNamespace(environment: string): string {
  return `${DEFAULT_METRICS_NAMESPACE}/${environment}`;
}

export const DATASET_DIMENSION = 'Dataset';

/** The steps of a run whose wall time is a metric `<Step>Seconds` (the run report's `timings`). */
export const STEP_METRICS = {
  list: 'ListSeconds',
  connect: 'ConnectSeconds',
  drift: 'DriftSeconds',
  partition: 'PartitionSeconds',
  stage: 'StageSeconds',
  quality: 'QualitySeconds',
  publish: 'PublishSeconds',
  total: 'TotalSeconds',
} as const;

/** Every metric of a run, with its CloudWatch unit. Step seconds are in STEP_METRICS. */
export const RUN_METRICS = {
  /** Rows the run published; present only when it published (the "no publish in 26 hours" alarm counts its samples). */
  RowsPublished: 'Count',
  /** Compressed bytes of the load package's parts (gzip CSV, or the Parquet files COPY reads). */
  BytesStaged: 'Bytes',
  /** Quality rules that failed with severity error (the run stopped, exit 4). */
  QualityFailures: 'Count',
  /** Quality rules that failed with severity warn (the run went on). */
  QualityWarnings: 'Count',
  /** Every finding of the drift check (breaking, warn, info). */
  DriftFindings: 'Count',
  /** Breaking findings (the run stopped, exit 3). */
  BreakingDrift: 'Count',
  /** 1 when the run failed, 0 when it published. */
  RunFailed: 'Count',
  /** (published − previous published batch's rows) / previous × 100; absent without a previous batch. */
  RowCountChangePercent: 'Percent',
} as const;

export type RunMetricName = keyof typeof RUN_METRICS;

/** The metrics of the `drift` job (what a crawl triggers; jobs/drift-metrics.ts), with their units. */
export const DRIFT_METRICS = {
  /** Every finding of the check (breaking, warn, info); absent when the check could not run. */
  DriftFindings: 'Count',
  /** Breaking findings (the job stopped, exit 3): the same metric a run logs, so the breaking-drift alarm sees both. */
  BreakingDrift: 'Count',
  /** 1 when the drift job failed (breaking drift, or the check could not run), 0 when it allowed loading. */
  DriftFailed: 'Count',
} as const;
export type StepMetricName = (typeof STEP_METRICS)[keyof typeof STEP_METRICS];
