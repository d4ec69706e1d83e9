import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { DATASET_DIMENSION, metricsNamespace, STEP_METRICS } from '../core/metric-names.ts';
import type { DatasetContract } from '../datasets/index.ts';
import { NAME_LIMITS } from './bounded-name.ts';
import type { StackContext } from './context.ts';

/** Hours without a successful publish before a dataset's alarm fires (issue 15.5). */
export const NO_PUBLISH_HOURS = 26;

/** The threshold of a dataset's row-count alarm: its contract's `row_count_change` rule, or none (no alarm). */
export function rowCountAlarmPercent(c: Pick<DatasetContract, 'quality'>): number | undefined {
  const rule = c.quality.find((r) => r.type === 'row_count_change');
  return rule && rule.type === 'row_count_change' ? rule.maxChangePercent : undefined;
}

export interface MonitoringInputs {
  topicArn: string;
  stateMachineArn: string;
  datasets: DatasetContract[];
}

/**
 * The environment's CloudWatch dashboard and alarms, on the metrics the jobs log in Embedded Metric
 * Format (jobs/metrics.ts, namespace `redshift-loader/<env>`, dimension Dataset) and on the nightly
 * state machine's own AWS/States metrics. Every alarm notifies the alert topic when it fires and when
 * it clears. Per dataset:
 *   no-publish   — no RowsPublished sample in 26 hours. Period 1 hour × 26 evaluation periods, all 26
 *                  breaching, missing data = breaching (no run at all is exactly what it is for).
 *                  CloudWatch allows Period × EvaluationPeriods up to 7 days for periods of an hour or
 *                  more (1 day below an hour), so 26 × 3600 s = 93,600 s is accepted; a shorter
 *                  period could not see 26 hours. It fires between 26 and 27 hours after the last
 *                  publish (hourly granularity), and at once for a dataset never published.
 *   run-failed   — RunFailed ≥ 1 in a 5-minute period (the job's own EMF line, published or failed).
 *   breaking-drift — BreakingDrift ≥ 1 in a 5-minute period, from a run or from the drift job (jobs/drift-metrics.ts).
 *                  The drift job's DriftFailed has no alarm of its own: a failed drift job is a failed Batch job,
 *                  which the job-failed rule (stacks/alerts.ts) already sends to the topic.
 *   row-count    — |RowCountChangePercent| above the contract's row_count_change maxChangePercent, for
 *                  the datasets whose contract has that rule (metric math: the larger of |max| and |min|
 *                  of the hour, so a drop alarms like a rise).
 * And one for the environment: the nightly state machine's ExecutionsFailed ≥ 1 (a failed shard, a
 * job that could not be submitted, a refused marker key: failures before any run wrote its EMF line).
 */
export class Monitoring extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, ctx: StackContext, i: MonitoringInputs) {
    super(scope, id);
    const { names, settings } = ctx;
    const ns = metricsNamespace(settings.name);
    const actions = { alarmActions: [i.topicArn], okActions: [i.topicArn], actionsEnabled: true };
    const dim = (dataset: string) => ({ [DATASET_DIMENSION]: dataset });
    const alarm = (idPart: string, config: Omit<ConstructorParameters<typeof CloudwatchMetricAlarm>[2], 'alarmActions' | 'okActions'>) => {
      const a = new CloudwatchMetricAlarm(this, idPart, { ...config, ...actions, tags: ctx.tags });
      this.alarms.push(a);
      return a;
    };

    for (const d of i.datasets) {
      alarm(`${d.name}-no-publish`, {
        alarmName: names.ofDataset(NAME_LIMITS.alarm, d.name, 'no-publish'),
        alarmDescription: `${d.name}: no successful publish in ${NO_PUBLISH_HOURS} hours (nightly run missing, failing or late). Runbook: docs/deploy.md#alarms`,
        namespace: ns,
        metricName: 'RowsPublished',
        dimensions: dim(d.name),
        statistic: 'SampleCount',
        period: 3600,
        evaluationPeriods: NO_PUBLISH_HOURS,
        datapointsToAlarm: NO_PUBLISH_HOURS,
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        treatMissingData: 'breaching',
      });
      alarm(`${d.name}-run-failed`, {
        alarmName: names.ofDataset(NAME_LIMITS.alarm, d.name, 'run-failed'),
        alarmDescription: `${d.name}: a run or load failed (RunFailed). The run report and the job's log stream say why.`,
        namespace: ns,
        metricName: 'RunFailed',
        dimensions: dim(d.name),
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      });
      alarm(`${d.name}-breaking-drift`, {
        alarmName: names.ofDataset(NAME_LIMITS.alarm, d.name, 'breaking-drift'),
        alarmDescription: `${d.name}: a breaking schema change stopped a run or the drift job a crawl started (BreakingDrift). See drift.md under ${d.name}/batch=<date>/ (run) or ${d.name}/drift/ (drift job).`,
        namespace: ns,
        metricName: 'BreakingDrift',
        dimensions: dim(d.name),
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      });
      const limit = rowCountAlarmPercent(d);
      if (limit !== undefined) {
        const change = (stat: string) => ({ namespace: ns, metricName: 'RowCountChangePercent', dimensions: dim(d.name), period: 3600, stat });
        alarm(`${d.name}-row-count`, {
          alarmName: names.ofDataset(NAME_LIMITS.alarm, d.name, 'row-count-change'),
          alarmDescription: `${d.name}: the published row count changed by more than ${limit}% against the previous batch (the contract's row_count_change rule)`,
          metricQuery: [
            { id: 'rise', metric: change('Maximum'), returnData: false },
            { id: 'fall', metric: change('Minimum'), returnData: false },
            { id: 'change', expression: 'MAX([ABS(rise), ABS(fall)])', label: 'RowCountChangePercent, absolute', returnData: true },
          ],
          evaluationPeriods: 1,
          threshold: limit,
          comparisonOperator: 'GreaterThanThreshold',
          treatMissingData: 'notBreaching',
        });
      }
    }
    alarm('nightly-failed', {
      alarmName: names.of('nightly-failed'),
      alarmDescription: 'The nightly state machine failed an execution (a step, a shard, a submit, or a refused marker key). Its execution history says where.',
      namespace: 'AWS/States',
      metricName: 'ExecutionsFailed',
      dimensions: { StateMachineArn: i.stateMachineArn },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });

    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: names.of('loads'),
      dashboardBody: JSON.stringify(dashboardBody({ namespace: ns, region: ctx.region, datasets: i.datasets.map((d) => d.name), stateMachineArn: i.stateMachineArn, alarmArns: this.alarms.map((a) => a.arn) })),
    });
  }
}

export interface DashboardInputs {
  namespace: string;
  region: string;
  datasets: string[];
  stateMachineArn: string;
  alarmArns: string[];
}

type Widget = { type: string; x: number; y: number; width: number; height: number; properties: Record<string, unknown> };

/** The dashboard: alarm states, then rows published, failures, drift and row-count change per dataset, then each dataset's step seconds. */
export function dashboardBody(i: DashboardInputs): { widgets: Widget[] } {
  const perDataset = (metric: string, stat: string) => i.datasets.map((d) => [i.namespace, metric, DATASET_DIMENSION, d, { label: d, stat }]);
  const chart = (title: string, metrics: unknown[], extra: Record<string, unknown> = {}) => ({ view: 'timeSeries', region: i.region, period: 3600, title, metrics, ...extra });
  const widgets: Widget[] = [
    { type: 'alarm', x: 0, y: 0, width: 24, height: 4, properties: { title: 'Alarms', alarms: i.alarmArns } },
    { type: 'metric', x: 0, y: 4, width: 12, height: 6, properties: chart('Rows published', perDataset('RowsPublished', 'Sum')) },
    {
      type: 'metric', x: 12, y: 4, width: 12, height: 6,
      properties: chart('Failures', [...perDataset('RunFailed', 'Sum'), ['AWS/States', 'ExecutionsFailed', 'StateMachineArn', i.stateMachineArn, { label: 'nightly state machine', stat: 'Sum' }]]),
    },
    {
      type: 'metric', x: 0, y: 10, width: 12, height: 6,
      properties: chart('Drift findings (breaking stops the run)', [...perDataset('DriftFindings', 'Sum'), ...i.datasets.map((d) => [i.namespace, 'BreakingDrift', DATASET_DIMENSION, d, { label: `${d} breaking`, stat: 'Sum' }])]),
    },
    { type: 'metric', x: 12, y: 10, width: 12, height: 6, properties: chart('Row count change vs previous batch (%)', perDataset('RowCountChangePercent', 'Maximum')) },
  ];
  i.datasets.forEach((d, n) => {
    const steps = Object.values(STEP_METRICS).filter((s) => s !== 'TotalSeconds').map((s) => [i.namespace, s, DATASET_DIMENSION, d, { label: s.replace(/Seconds$/, ''), stat: 'Maximum' }]);
    widgets.push({ type: 'metric', x: (n % 3) * 8, y: 16 + Math.floor(n / 3) * 6, width: 8, height: 6, properties: chart(`${d}: seconds per step`, steps, { stacked: true }) });
  });
  return { widgets };
}
