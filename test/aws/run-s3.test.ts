/**
 * The whole run over real HTTP: today's batch from a moto landing bucket, drift against a moto Glue
 * table, parts and manifest into a moto staging bucket (SSE-KMS), loaded into a real PostgreSQL.
 * Every published row is compared with dbgen's reference text.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateDatabaseCommand, CreateTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { freshDatabase, motoEndpoint, requireMoto, requirePostgres } from '../support/services.ts';
import { published, referenceRows } from '../support/supplier.ts';
import { createBucket, motoEnv, TEST_CREDENTIALS, TEST_KMS_KEY, uniqueName } from './moto.ts';
import { lastJson, type RunSummary } from '../support/json.ts';

const env = (): NodeJS.ProcessEnv => motoEnv({ RL_KMS_KEY_ARN: TEST_KMS_KEY });

describe('run against S3 and Glue (moto) into PostgreSQL', () => {
  let skip = false;
  let landing: string;
  let staging: string;
  let reports: string;
  let database: string;
  let warehouse: string;
  let drop: (() => Promise<void>) | undefined;
  let s3: S3Client;

  before(async (t) => {
    if (!(await requireMoto(t as never)) || !(await requirePostgres(t as never))) {
      skip = true;
      return;
    }
    const opts = { endpoint: motoEndpoint(), region: 'us-east-1', credentials: TEST_CREDENTIALS, forcePathStyle: true };
    s3 = new S3Client(opts);
    landing = await createBucket(s3, 'landing');
    staging = await createBucket(s3, 'staging');
    reports = await createBucket(s3, 'reports');
    const dir = join(SHARED_TPCH, 'duckdb-snappy');
    for (const name of readdirSync(dir)) {
      await s3.send(new PutObjectCommand({ Bucket: landing, Key: `supplier/20261125/${name}`, Body: readFileSync(join(dir, name)) }));
    }
    // Not part of the batch (a batch is the objects directly under its prefix): ignored and named.
    const first = readdirSync(dir)[0];
    await s3.send(new PutObjectCommand({ Bucket: landing, Key: `supplier/20261125/backup/${first}`, Body: readFileSync(join(dir, first)) }));
    await s3.send(new PutObjectCommand({ Bucket: landing, Key: 'supplier/20261125/_SUCCESS', Body: '' }));
    const glue = new GlueClient(opts);
    database = uniqueName('landing').replace(/-/g, '_');
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));
    await glue.send(
      new CreateTableCommand({
        DatabaseName: database,
        TableInput: {
          Name: 'supplier',
          StorageDescriptor: {
            Location: `s3://${landing}/supplier/`,
            Columns: [
              { Name: 's_suppkey', Type: 'bigint' },
              { Name: 's_name', Type: 'string' },
              { Name: 's_address', Type: 'string' },
              { Name: 's_nationkey', Type: 'bigint' },
              { Name: 's_phone', Type: 'string' },
              { Name: 's_acctbal', Type: 'double' },
              { Name: 's_comment', Type: 'string' },
            ],
          },
          PartitionKeys: [{ Name: 'partition_0', Type: 'string' }],
          Parameters: { classification: 'parquet' },
        },
      }),
    );
    const db = await freshDatabase('rl_s3');
    warehouse = db.url;
    drop = db.drop;
  });
  after(async () => {
    await drop?.();
  });

  it('publishes every row exactly once and leaves encrypted gzip parts in the staging bucket', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    const args = [
      'run', '--dataset', 'supplier', '--date', '2026-11-25',
      '--source', `s3://${landing}/supplier/20261125/`, '--staging', `s3://${staging}/supplier/`,
      '--reports', `s3://${reports}`, '--catalog', `glue:${database}`, '--warehouse', warehouse, '--json',
    ];
    const r = await runCli(args, { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const summary = lastJson<RunSummary>(r.stdout);
    assert.equal(summary.rows.published, 10_000);
    const p = await published(warehouse);
    assert.deepEqual(p.rows, referenceRows());
    assert.deepEqual(
      summary.ignored.map((i: { uri: string; reason: string }) => [i.uri, i.reason.split(' ')[0]]),
      [[`s3://${landing}/supplier/20261125/_SUCCESS`, 'marker'], [`s3://${landing}/supplier/20261125/backup/`, 'subfolder:']],
    );
    for (const f of summary.files) assert.match(f.identity?.etag ?? '(no identity)', /^"[0-9a-f]{32}"$/, 'each file is listed with its ETag');

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: staging, Prefix: 'supplier/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    const parts = keys.filter((k) => k.endsWith('.csv.gz'));
    assert.equal(parts.length, summary.parts);
    assert.ok(keys.some((k) => k.endsWith('/manifest.json')));
    for (const k of parts) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: staging, Key: k }));
      assert.equal(head.ServerSideEncryption, 'aws:kms');
      assert.equal(head.SSEKMSKeyId, TEST_KMS_KEY);
    }
    const rep = await s3.send(new ListObjectsV2Command({ Bucket: reports }));
    assert.ok((rep.Contents ?? []).some((o) => o.Key!.endsWith('run.md')), 'reports land in the reports bucket');

    // A second run of the same batch leaves one copy.
    const again = await runCli(args, { env: env() });
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await published(warehouse)).rows.length, 10_000);
  });

  it('an empty landing prefix ends with exit 4 and one line naming it', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    const r = await runCli(
      ['run', '--dataset', 'supplier', '--date', '2026-11-26', '--source', `s3://${landing}/supplier/20261126/`,
        '--staging', `s3://${staging}/supplier/`, '--reports', `s3://${reports}`, '--warehouse', warehouse],
      { env: env() },
    );
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /20261126/);
  });

  it('a missing bucket is one clear line, exit 2', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    const r = await runCli(
      ['partition', '--dataset', 'supplier', '--source', 's3://no-such-bucket-rl/supplier/', '--out', `s3://${staging}/x/`],
      { env: env() },
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no-such-bucket-rl/);
    assert.equal(r.stderr.trim().split('\n').filter((l) => !l.includes('"level"')).length, 1, r.stderr);
  });
});
