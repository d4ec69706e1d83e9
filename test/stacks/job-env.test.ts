// The job definitions set exactly the variables jobs/ reads (JOB_ENV) less the ones they deliberately
// leave unset (UNSET_JOB_ENV: RL_SECRET_ARN — the jobs log in through IAM), with locations and ARNs only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JOB_ENV } from '../../core/env.ts';
import { parseRedshiftDataUri } from '../../jobs/warehouse/redshift-data.ts';
import { jobEnvironment, OPTIONAL_JOB_ENV, UNSET_JOB_ENV } from '../../stacks/job-environment.ts';
import { resources, strAt, text, type ContainerProperties } from './policy/tf.ts';
import { synthesizedEnvironments } from './support.ts';

const unset: readonly string[] = [...UNSET_JOB_ENV, ...OPTIONAL_JOB_ENV];
const expected = Object.keys(JOB_ENV).filter((k) => !unset.includes(k)).sort();

describe('job environment', () => {
  it('leaves unset only names jobs/ reads, and never sets RL_SECRET_ARN', () => {
    assert.deepEqual(UNSET_JOB_ENV.filter((k) => !(k in JOB_ENV)), []);
    assert.ok(unset.includes('RL_SECRET_ARN'));
    assert.ok(expected.length > 0 && expected.every((k) => k in JOB_ENV));
  });

  it('jobEnvironment() produces exactly the names of JOB_ENV', () => {
    const env = jobEnvironment({
      landingBucket: 'l',
      stagingBucket: 's',
      reportsBucket: 'r',
      warehouseUri: 'redshift-data:cluster/c/db?user=etl_loader',
      catalogDatabase: 'g',
      copyRoleArn: 'arn:aws:iam::1:role/x',
      keyArn: 'arn:aws:kms:eu-west-1:1:key/x',
      slices: 4,
      metricsNamespace: 'redshift-loader/dev',
    });
    assert.deepEqual(Object.keys(env).sort(), expected);
    assert.equal(env.RL_METRICS_NAMESPACE, 'redshift-loader/dev');
    assert.equal(env.RL_LANDING, 's3://l');
    assert.equal(env.RL_CATALOG, 'glue:g');
    assert.equal(env.RL_SLICES, '4');
  });

  for (const [name, tf] of synthesizedEnvironments()) {
    describe(name, () => {
      const defs = resources(tf, 'aws_batch_job_definition').map((r) => ({ name: text(r.attrs.name), props: JSON.parse(strAt(r.attrs, 'container_properties')) as ContainerProperties }));

      it('sets exactly the variables jobs/ reads less UNSET_JOB_ENV, in every job definition', () => {
        assert.deepEqual(defs.map((d) => d.name.replace(`redshift-loader-${name}-`, '')).sort(), ['drift', 'load', 'partition', 'plan', 'run']);
        for (const d of defs) {
          const names: string[] = (d.props.environment ?? []).map((e) => e.name).sort();
          assert.deepEqual(names, expected, d.name);
          assert.deepEqual(names.filter((k) => !(k in JOB_ENV)), [], `${d.name}: only names jobs/ reads`);
          assert.ok(!names.includes('RL_SECRET_ARN'), `${d.name}: no RL_SECRET_ARN`);
          assert.equal(d.props.secrets, undefined, `${d.name} injects no secret values`);
          for (const e of d.props.environment ?? []) {
            assert.doesNotMatch(e.value, /secret|password/i, `${d.name}: ${e.name} refers to no secret`);
          }
        }
      });

      it('carries locations and ARNs in the forms jobs/ parses', () => {
        const env = Object.fromEntries((defs[0].props.environment ?? []).map((e) => [e.name, e.value]));
        for (const k of ['RL_LANDING', 'RL_STAGING', 'RL_REPORTS']) assert.match(env[k], new RegExp(`^s3://\\$\\{aws_s3_bucket\\.storage_${k.slice(3).toLowerCase()}_[A-Z0-9]+\\.bucket\\}$`), k);
        // The ETL user through IAM (temporary credentials), not the admin through its secret.
        assert.equal(env.RL_WAREHOUSE, `redshift-data:cluster/redshift-loader-${name}-warehouse/supply_chain?user=etl_loader`);
        assert.equal(env.RL_CATALOG, `glue:redshift_loader_${name}_landing`);
        assert.equal(env.RL_SECRET_ARN, undefined);
        // …and that is how jobs/ reads it: DbUser etl_loader, no secret (in the job's environment).
        assert.deepEqual(parseRedshiftDataUri(env.RL_WAREHOUSE, env), {
          kind: 'cluster',
          clusterIdentifier: `redshift-loader-${name}-warehouse`,
          database: 'supply_chain',
          dbUser: 'etl_loader',
        });
        assert.match(env.RL_COPY_ROLE_ARN, /^\$\{aws_iam_role\.warehouse_copy-role_[A-Z0-9]+\.arn\}$/);
        assert.match(env.RL_KMS_KEY_ARN, /^\$\{aws_kms_key\.[^.]+\.arn\}$/);
        assert.match(env.RL_SLICES, /^[1-9]\d*$/);
      });

      it('runs the CLI with the dataset and the batch date', () => {
        const run = defs.find((d) => d.name.endsWith('-run'))!;
        const drift = defs.find((d) => d.name.endsWith('-drift'))!;
        assert.deepEqual(run.props.command, ['run', '--dataset', 'Ref::dataset', '--date', 'Ref::date']);
        assert.deepEqual(drift.props.command, ['drift', '--dataset', 'Ref::dataset']);
      });
    });
  }
});
