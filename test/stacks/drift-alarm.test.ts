// The drift job's EMF line (jobs/drift-metrics.ts) reaches the per-dataset breaking-drift alarm: the alarm
// watches a metric the drift job logs, in the namespace the stacks give every job, with the dimension
// Dataset; so a breaking change found after a crawl alarms the dataset, not only the run that meets it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATASET_DIMENSION, DRIFT_METRICS, metricsNamespace } from '../../core/metric-names.ts';
import { dev } from '../../stacks/environments.ts';
import { DATASETS, synthStack } from './support.ts';
import { obj, resources, str } from './policy/tf.ts';

describe("the drift job's metrics and the alarms", () => {
  const { tf } = synthStack(dev);

  it('every dataset has a breaking-drift alarm on a metric of the drift job, in the jobs\' namespace, by Dataset', () => {
    const alarms = resources(tf, 'aws_cloudwatch_metric_alarm');
    for (const d of DATASETS) {
      const a = alarms.find((x) => x.attrs.alarm_name === `redshift-loader-dev-${d.name}-breaking-drift`);
      assert.ok(a, `${d.name}: no breaking-drift alarm`);
      assert.ok(Object.keys(DRIFT_METRICS).includes(str(a.attrs.metric_name) ?? ''), `${d.name}: ${String(a.attrs.metric_name)} is not a drift job metric`);
      assert.equal(a.attrs.namespace, metricsNamespace(dev.name));
      assert.deepEqual(obj(a.attrs.dimensions), { [DATASET_DIMENSION]: d.name });
      assert.match(str(a.attrs.alarm_description) ?? '', /drift job/);
    }
  });

  it('the drift job definition gives its jobs that namespace (RL_METRICS_NAMESPACE)', () => {
    const defs = resources(tf, 'aws_batch_job_definition').filter((j) => String(j.attrs.name).endsWith('-drift'));
    assert.equal(defs.length, 1);
    const props = JSON.parse(String(defs[0].attrs.container_properties ?? defs[0].attrs.ecs_properties)) as { environment?: Array<{ name: string; value: string }> };
    const env = props.environment ?? [];
    assert.equal(env.find((e) => e.name === 'RL_METRICS_NAMESPACE')?.value, metricsNamespace(dev.name));
  });
});
