/**
 * The CloudWatch Embedded Metric Format documents among a command's JSON log lines, each checked against
 * the specification (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * an integer epoch-ms Timestamp within the command's run, 1–255-character namespaces, 1–30 dimension keys
 * per set each a top-level string, 1–100 metrics each a top-level finite number with a CloudWatch unit.
 */
import assert from 'node:assert/strict';

/** CloudWatch's units (PutMetricData's StandardUnit). */
export const UNITS = new Set([
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits',
  'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second',
  'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
]);

export interface Emf {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit?: string }> }> };
  [k: string]: unknown;
}

export function emfDocuments(stderr: string, startedMs: number): Emf[] {
  const docs: Emf[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const o = JSON.parse(line) as Record<string, unknown>;
    if (!('_aws' in o)) continue;
    const d = o as Emf;
    assert.ok(Number.isInteger(d._aws.Timestamp), 'Timestamp is an integer');
    assert.ok(d._aws.Timestamp >= startedMs && d._aws.Timestamp <= Date.now(), `Timestamp ${d._aws.Timestamp} is epoch milliseconds of the run`);
    assert.ok(Array.isArray(d._aws.CloudWatchMetrics) && d._aws.CloudWatchMetrics.length > 0);
    for (const directive of d._aws.CloudWatchMetrics) {
      assert.equal(typeof directive.Namespace, 'string');
      assert.ok(directive.Namespace.length > 0 && directive.Namespace.length <= 255);
      assert.ok(directive.Dimensions.length > 0);
      for (const set of directive.Dimensions) {
        assert.ok(set.length >= 1 && set.length <= 30);
        for (const key of set) assert.equal(typeof d[key], 'string', `dimension ${key} is a top-level string`);
      }
      assert.ok(directive.Metrics.length > 0 && directive.Metrics.length <= 100);
      for (const m of directive.Metrics) {
        assert.ok(typeof d[m.Name] === 'number' && Number.isFinite(d[m.Name]), `metric ${m.Name} is a top-level number`);
        if (m.Unit !== undefined) assert.ok(UNITS.has(m.Unit), `unit ${m.Unit}`);
      }
    }
    docs.push(d);
  }
  return docs;
}

/** The metric names a document's (first) directive declares, sorted. */
export const metricNames = (d: Emf): string[] => d._aws.CloudWatchMetrics[0].Metrics.map((m) => m.Name).sort();
