/**
 * Policy rules for CloudWatch (issue 15.5): a dashboard per environment and alarms to the alert topic
 * on the metrics the jobs log in Embedded Metric Format (namespace redshift-loader/<env>, dimension
 * Dataset). Names and numbers are written out here, not imported from stacks/ or core/.
 */
import type { CheckOptions, Rule } from './rules.ts';
import { num, obj, parsePolicy, refersTo, resources, text, type Attrs, type Resource, type TfJson } from './tf.ts';

const named = (r: Resource) => `${r.type}.${r.id}`;

/** CloudWatch: Period × EvaluationPeriods at most 7 days, and at most 1 day for periods under an hour. */
export function evaluationRangeAllowed(period: number, evaluationPeriods: number): boolean {
  const range = period * evaluationPeriods;
  return period >= 3600 ? range <= 604_800 : range <= 86_400;
}

function topicOf(tf: TfJson): Resource | undefined {
  return resources(tf, 'aws_sns_topic')[0];
}

function alarmsOn(tf: TfJson, metric: string, dataset: string, namespace: string): Resource[] {
  return resources(tf, 'aws_cloudwatch_metric_alarm').filter((a) => {
    const direct = a.attrs.metric_name === metric && a.attrs.namespace === namespace && obj(a.attrs.dimensions)?.Dataset === dataset;
    const viaQuery = (Array.isArray(a.attrs.metric_query) ? (a.attrs.metric_query as Attrs[]) : []).some((q) => {
      const m = obj(q.metric);
      return m?.metric_name === metric && m.namespace === namespace && obj(m.dimensions)?.Dataset === dataset;
    });
    return direct || viaQuery;
  });
}

function notifiesTopic(a: Resource, topic: Resource): boolean {
  const actions = Array.isArray(a.attrs.alarm_actions) ? (a.attrs.alarm_actions as unknown[]) : [];
  return a.attrs.actions_enabled !== false && actions.length > 0 && actions.every((x) => refersTo(x, topic));
}

export const MONITORING_RULES: Rule[] = [
  {
    id: 'METRIC-ALARMS',
    source: 'issue 15.5: alarms to the SNS topic — no publish in 26 h, a failed run, a row-count change beyond the contract, a breaking drift',
    title: 'Per dataset: no RowsPublished sample in 26 h (missing = breaching), RunFailed ≥ 1, BreakingDrift ≥ 1, |RowCountChangePercent| > the contract\'s limit; the machine\'s ExecutionsFailed ≥ 1; every alarm notifies the topic, which (and whose key) lets CloudWatch publish',
    check(tf, o: CheckOptions) {
      const v: string[] = [];
      const topic = topicOf(tf);
      if (!topic) return ['no alert topic'];
      const ns = `redshift-loader/${o.environment}`;
      const alarms = resources(tf, 'aws_cloudwatch_metric_alarm');
      for (const a of alarms) if (!notifiesTopic(a, topic)) v.push(`${named(a)}: does not notify the alert topic`);
      for (const d of o.datasets) {
        const noPublish = alarmsOn(tf, 'RowsPublished', d, ns).find((a) => a.attrs.treat_missing_data === 'breaching');
        if (!noPublish) v.push(`${d}: no alarm on a missing publish (RowsPublished, missing data breaching)`);
        else {
          const a = noPublish.attrs;
          const period = num(a.period) ?? 0;
          const n = num(a.evaluation_periods) ?? 0;
          if (a.statistic !== 'SampleCount' || a.comparison_operator !== 'LessThanThreshold' || num(a.threshold) !== 1) v.push(`${named(noPublish)}: not "fewer than 1 publish"`);
          if (period * n < 26 * 3600 || period * n > 27 * 3600) v.push(`${named(noPublish)}: looks back ${(period * n) / 3600} h, not 26`);
          if ((num(a.datapoints_to_alarm) ?? n) !== n) v.push(`${named(noPublish)}: fires before every period of the 26 h is empty`);
          if (!evaluationRangeAllowed(period, n)) v.push(`${named(noPublish)}: ${period} s × ${n} is beyond what CloudWatch accepts`);
        }
        for (const metric of ['RunFailed', 'BreakingDrift']) {
          const a = alarmsOn(tf, metric, d, ns).find((x) => x.attrs.comparison_operator === 'GreaterThanOrEqualToThreshold' && num(x.attrs.threshold) === 1);
          if (!a) v.push(`${d}: no alarm on ${metric} ≥ 1`);
          else if (a.attrs.treat_missing_data !== 'notBreaching') v.push(`${named(a)}: a quiet night would fire it`);
        }
        const limit = o.rowCountLimits?.[d];
        if (limit !== undefined) {
          const a = alarmsOn(tf, 'RowCountChangePercent', d, ns)[0];
          if (!a) v.push(`${d}: no alarm on a row-count change beyond ${limit}%`);
          else {
            const q = (Array.isArray(a.attrs.metric_query) ? a.attrs.metric_query : []) as Attrs[];
            const stats = q.map((x) => obj(x.metric)?.stat).filter(Boolean).sort();
            const expr = q.find((x) => x.return_data === true)?.expression;
            if (num(a.attrs.threshold) !== limit || a.attrs.comparison_operator !== 'GreaterThanThreshold') v.push(`${named(a)}: threshold ${String(a.attrs.threshold)} is not the contract's ${limit}%`);
            if (JSON.stringify(stats) !== '["Maximum","Minimum"]' || typeof expr !== 'string' || !/ABS\(/.test(expr)) v.push(`${named(a)}: does not alarm on a drop as on a rise (|max|, |min|)`);
          }
        }
      }
      const machine = resources(tf, 'aws_sfn_state_machine')[0];
      const failed = alarms.find((a) => a.attrs.namespace === 'AWS/States' && a.attrs.metric_name === 'ExecutionsFailed' && machine && refersTo(obj(a.attrs.dimensions)?.StateMachineArn, machine));
      if (!failed || num(failed.attrs.threshold) !== 1 || failed.attrs.comparison_operator !== 'GreaterThanOrEqualToThreshold') v.push('no alarm on a failed execution of the nightly machine');
      const topicPolicy = resources(tf, 'aws_sns_topic_policy').find((p) => refersTo(p.attrs.arn, topic));
      const cw = topicPolicy ? parsePolicy(text(topicPolicy.attrs.policy)).find((s) => s.Effect === 'Allow' && JSON.stringify((s.Principal as Attrs | undefined)?.Service) === '"cloudwatch.amazonaws.com"') : undefined;
      if (!cw || !JSON.stringify(cw.Condition?.ArnLike?.['aws:SourceArn'] ?? '').includes(`:alarm:redshift-loader-${o.environment}-`)) v.push('the topic does not let this environment\'s alarms (only) publish');
      const key = resources(tf, 'aws_kms_key')[0];
      if (!key || !parsePolicy(text(key.attrs.policy)).some((s) => s.Effect === 'Allow' && JSON.stringify((s.Principal as Attrs | undefined)?.Service) === '"cloudwatch.amazonaws.com"' && JSON.stringify(s.Action).includes('kms:GenerateDataKey'))) {
        v.push('the key does not let CloudWatch alarms publish to the encrypted topic');
      }
      return v;
    },
  },
  {
    id: 'DASHBOARD',
    source: 'issue 15.5: a dashboard per environment',
    title: 'One dashboard: every alarm\'s state; rows published, failures, drift and row-count change per dataset; seconds per step per dataset',
    check(tf, o) {
      const dashboards = resources(tf, 'aws_cloudwatch_dashboard');
      if (dashboards.length !== 1) return [`expected one dashboard, found ${dashboards.length}`];
      const d = dashboards[0];
      const v: string[] = [];
      if (!text(d.attrs.dashboard_name).includes(o.environment)) v.push(`${named(d)}: name does not carry ${o.environment}`);
      const body = JSON.parse(text(d.attrs.dashboard_body)) as { widgets: Array<{ type: string; properties: Attrs }> };
      const ns = `redshift-loader/${o.environment}`;
      const lines = body.widgets.filter((w) => w.type === 'metric').flatMap((w) => (w.properties.metrics as unknown[][]).map((m) => ({ title: text(w.properties.title), m })));
      const charted = (metric: string, dataset: string) => lines.some(({ m }) => m[0] === ns && m[1] === metric && m[2] === 'Dataset' && m[3] === dataset);
      for (const ds of o.datasets) {
        for (const metric of ['RowsPublished', 'RunFailed', 'DriftFindings', 'BreakingDrift', 'RowCountChangePercent', 'PartitionSeconds', 'StageSeconds', 'PublishSeconds', 'DriftSeconds']) {
          if (!charted(metric, ds)) v.push(`${named(d)}: no ${metric} of ${ds}`);
        }
      }
      const alarmWidget = body.widgets.find((w) => w.type === 'alarm');
      const shown = (alarmWidget?.properties.alarms ?? []) as string[];
      for (const a of resources(tf, 'aws_cloudwatch_metric_alarm')) if (!shown.some((x) => refersTo(x, a))) v.push(`${named(d)}: does not show ${named(a)}`);
      if (shown.length > 100) v.push(`${named(d)}: an alarm widget holds at most 100 alarms`);
      return v;
    },
  },
];
