// The job definitions set exactly the variables jobs/ reads (JOB_ENV), with locations and ARNs only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JOB_ENV } from '../../jobs/config/env.ts';
import { jobEnvironment } from '../../stacks/job-environment.ts';
import { resources } from './policy/tf.ts';
import { synthesizedEnvironments } from './support.ts';

const expected = Object.keys(JOB_ENV).sort();

describe('job environment', () => {
  it('jobEnvironment() produces exactly the names of JOB_ENV', () => {
    const env = jobEnvironment({
      landingBucket: 'l',
      stagingBucket: 's',
      reportsBucket: 'r',
      warehouseUri: 'redshift-data:cluster/c/db',
      catalogDatabase: 'g',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:x',
      copyRoleArn: 'arn:aws:iam::1:role/x',
      keyArn: 'arn:aws:kms:eu-west-1:1:key/x',
      slices: 4,
    });
    assert.deepEqual(Object.keys(env).sort(), expected);
    assert.equal(env.RL_LANDING, 's3://l');
    assert.equal(env.RL_CATALOG, 'glue:g');
    assert.equal(env.RL_SLICES, '4');
  });

  for (const [name, tf] of synthesizedEnvironments()) {
    describe(name, () => {
      const defs = resources(tf, 'aws_batch_job_definition').map((r) => ({ name: r.attrs.name as string, props: JSON.parse(r.attrs.container_properties) }));

      it('sets exactly the variables jobs/ reads, in both job definitions', () => {
        assert.equal(defs.length, 2);
        for (const d of defs) {
          assert.deepEqual(d.props.environment.map((e: { name: string }) => e.name).sort(), expected, d.name);
          assert.equal(d.props.secrets, undefined, `${d.name} injects no secret values`);
        }
      });

      it('carries locations and ARNs in the forms jobs/ parses', () => {
        const env = Object.fromEntries(defs[0]!.props.environment.map((e: { name: string; value: string }) => [e.name, e.value]));
        for (const k of ['RL_LANDING', 'RL_STAGING', 'RL_REPORTS']) assert.match(env[k], new RegExp(`^s3://\\$\\{aws_s3_bucket\\.storage_${k.slice(3).toLowerCase()}_[A-Z0-9]+\\.bucket\\}$`), k);
        assert.match(env.RL_WAREHOUSE, new RegExp(`^redshift-data:(cluster|workgroup)/redshift-loader-${name}-warehouse/supply_chain$`));
        assert.equal(env.RL_CATALOG, `glue:redshift_loader_${name}_landing`);
        assert.match(env.RL_SECRET_ARN, /^\$\{aws_secretsmanager_secret\.[^.]+\.arn\}$/);
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
