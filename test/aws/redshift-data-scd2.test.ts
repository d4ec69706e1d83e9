/**
 * supplier_dim (scd2) through the Redshift Data API adapter, every statement executed on PostgreSQL by
 * the stand-in (test/aws/data-api-on-postgres.ts), as the least-privilege ETL user `setup` creates:
 * the publish is ONE BatchExecuteStatement of at most 40 statements without TRUNCATE; day 1, day 2
 * with changed, deleted and new suppliers, day 2 again and day 3 identical (nothing changes), an older
 * day refused with exit 2, --rebuild-from.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { datasets } from '../../datasets/index.ts';
import { ConfigError } from '../../core/errors.ts';
import type { Locations } from '../../jobs/locations.ts';
import { runBatch } from '../../jobs/run.ts';
import { S3Store } from '../../jobs/store/s3-store.ts';
import { RedshiftDataWarehouse } from '../../jobs/warehouse/redshift-data.ts';
import { applySetup } from '../../sql/setup.ts';
import { freshDatabase, motoEndpoint, pgUrl, requireMoto, requirePostgres } from '../support/services.ts';
import { DataApiOnPostgres } from './data-api-on-postgres.ts';
import { createBucket, motoOptions, TEST_CREDENTIALS, TEST_KMS_KEY } from './moto.ts';

const dim = datasets.supplier_dim;
const COPY_ROLE = 'arn:aws:iam::123456789012:role/copy';
const CLUSTER = 'test-cluster';
const DATABASE = 'dev';
const MASTER = 'awsuser';
const ETL_USER = `etl_scd2_${process.pid}`;
const ENV = {
  AWS_ENDPOINT_URL: motoEndpoint(),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  RL_KMS_KEY_ARN: TEST_KMS_KEY,
  RL_COPY_ROLE_ARN: COPY_ROLE,
  RL_SECRET_ARN: undefined,
};

const line = (k: number, name: string, bal: string, comment: string | null): string => `${k}|${name}|addr ${k}|${k}|11-111-111-1111|${bal}|${comment ?? ''}|\n`;
const DAY1 = [line(1, 'Supplier#1', '100.00', 'one'), line(2, 'Supplier#2', '200.00', 'two'), line(3, 'Supplier#3', '300.00', 'three')].join('');
// 1 unchanged, 2 changed, 3 deleted, 4 new.
const DAY2 = [line(1, 'Supplier#1', '100.00', 'one'), line(2, 'Supplier#2', '250.00', null), line(4, 'Supplier#4', '400.00', 'four')].join('');
// A corrected day 2: 3 was not deleted.
const DAY2_FIXED = [line(1, 'Supplier#1', '100.00', 'one'), line(2, 'Supplier#2', '250.00', null), line(3, 'Supplier#3', '300.00', 'three'), line(4, 'Supplier#4', '400.00', 'four')].join('');

describe('supplier_dim (scd2) through the Redshift Data API adapter, executed on PostgreSQL', () => {
  let skip = false;
  let landing: string;
  let staging: string;
  let reports: string;
  let catalogDir: string;
  let s3: S3Client;
  let db: { url: string; drop: () => Promise<void> } | undefined;
  let api: DataApiOnPostgres | undefined;
  const savedEnv: Record<string, string | undefined> = {};

  const land = (date: string, text: string) =>
    s3.send(new PutObjectCommand({ Bucket: landing, Key: `supplier/${date.replaceAll('-', '')}/supplier.tbl`, Body: text }));

  const locations = (date: string): Locations => ({
    landing: `s3://${landing}`,
    source: `s3://${landing}/supplier/${date.replaceAll('-', '')}/`,
    staging: `s3://${staging}/supplier_dim/`,
    reports: `s3://${reports}`,
    warehouse: `redshift-data:cluster/${CLUSTER}/${DATABASE}?user=${ETL_USER}`,
    catalog: `local:${catalogDir}`,
  });

  /** One run; the publish batch it sent (the BatchExecuteStatement that starts with LOCK). */
  async function run(date: string, rebuildFrom?: string) {
    const from = api!.sent.length;
    const report = await runBatch({ contract: dim, batchDate: date, locations: locations(date), rebuildFrom });
    const publish = api!.sent.slice(from).filter((r) => r.api === 'BatchExecuteStatement' && r.sqls.some((s) => s.startsWith('LOCK assignment.supplier_dim,')));
    return { report, publish };
  }

  async function versions(): Promise<string[]> {
    const c = new pg.Client({ connectionString: db!.url });
    await c.connect();
    try {
      const r = await c.query<{ v: string }>(
        `SELECT s_suppkey || ' ' || s_acctbal || ' ' || valid_from || ' ' || COALESCE(CAST(valid_to AS TEXT), '-') || ' ' || is_current || ' ' || load_ts AS v
         FROM assignment.supplier_dim ORDER BY s_suppkey, valid_from`,
      );
      return r.rows.map((x) => x.v);
    } finally {
      await c.end();
    }
  }
  /** The versions without their load_ts (which run opened them is checked where it matters). */
  const strip = (vs: string[]) => vs.map((v) => v.split(' ').slice(0, 5).join(' '));

  before(async (t) => {
    if (!(await requireMoto(t as never)) || !(await requirePostgres(t as never))) {
      skip = true;
      return;
    }
    for (const [k, v] of Object.entries(ENV)) {
      savedEnv[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    s3 = new S3Client({ ...motoOptions(), forcePathStyle: true });
    landing = await createBucket(s3, 'landing');
    staging = await createBucket(s3, 'staging');
    reports = await createBucket(s3, 'reports');
    await land('2026-11-01', DAY1);
    await land('2026-11-02', DAY2);
    await land('2026-11-03', DAY2);
    catalogDir = mkdtempSync(join(tmpdir(), 'rl-scd2-catalog-'));
    db = await freshDatabase('rl_data_api_scd2');
    api = await DataApiOnPostgres.start({
      databaseUrl: db.url,
      s3: new S3Store({ clientOptions: motoOptions() }),
      clusterIdentifier: CLUSTER,
      database: DATABASE,
      masterUser: MASTER,
      copyRoles: [COPY_ROLE],
      pageRows: 100,
      slices: 2,
    });
    const admin = new RedshiftDataWarehouse(`redshift-data:cluster/${CLUSTER}/${DATABASE}?user=${MASTER}`);
    try {
      await applySetup(admin, dim, { etlUser: ETL_USER });
    } finally {
      await admin.close();
    }
  });

  after(async () => {
    await api?.stop();
    await db?.drop();
    s3?.destroy();
    if (!skip) {
      const c = new pg.Client({ connectionString: pgUrl() });
      await c.connect();
      await c.query(`DROP ROLE IF EXISTS ${ETL_USER}`).catch(() => undefined);
      await c.end();
    }
    if (catalogDir) rmSync(catalogDir, { recursive: true, force: true });
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  let afterDay2: string[] = [];

  it('day 1 and day 2: each publish is one batch of at most 40 statements, no TRUNCATE; versions as a dimension keeps them', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    const d1 = await run('2026-11-01');
    assert.equal(d1.report.rows.published, 3);
    const d2 = await run('2026-11-02');
    assert.equal(d2.report.rows.published, 3);
    for (const { publish } of [d1, d2]) {
      assert.equal(publish.length, 1, 'one BatchExecuteStatement: one transaction');
      assert.ok(publish[0].sqls.length <= 40, `${publish[0].sqls.length} statements`);
      for (const s of publish[0].sqls) assert.doesNotMatch(s, /^\s*TRUNCATE\b/i);
      assert.ok(publish[0].sqls.some((s) => s.includes('guard: the current versions hold exactly the manifest rows')));
    }
    afterDay2 = await versions();
    assert.deepEqual(strip(afterDay2), [
      '1 100.00 2026-11-01 - true',
      '2 200.00 2026-11-01 2026-11-02 false',
      '2 250.00 2026-11-02 - true',
      '3 300.00 2026-11-01 2026-11-02 false',
      '4 400.00 2026-11-02 - true',
    ]);
  });

  it('day 2 again and day 3 identical to day 2 change nothing', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    await run('2026-11-02');
    assert.deepEqual(await versions(), afterDay2);
    await run('2026-11-03');
    assert.deepEqual(await versions(), afterDay2);
  });

  it('an older day is refused with exit 2 before any data moves', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    const from = api!.sent.length;
    await assert.rejects(run('2026-11-01'), (e: unknown) => e instanceof ConfigError && e.exitCode === 2 && /older than the latest batch applied .*\(2026-11-03\)/.test(e.message));
    assert.ok(!api!.sent.slice(from).some((r) => r.sqls.some((s) => s.startsWith('COPY '))), 'no COPY');
    assert.deepEqual(await versions(), afterDay2);
  });

  it('--rebuild-from replays a corrected day 2, then day 3', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    await land('2026-11-02', DAY2_FIXED);
    await run('2026-11-02', '2026-11-02');
    const rebuilt = await versions();
    assert.deepEqual(strip(rebuilt), [
      '1 100.00 2026-11-01 - true',
      '2 200.00 2026-11-01 2026-11-02 false',
      '2 250.00 2026-11-02 - true',
      '3 300.00 2026-11-01 - true',
      '4 400.00 2026-11-02 - true',
    ]);
    assert.deepEqual(rebuilt.filter((v) => !v.startsWith('3 ')), afterDay2.filter((v) => !v.startsWith('3 ')), 'identical versions kept as they were');
    await run('2026-11-03');
    assert.deepEqual(strip(await versions()), [
      '1 100.00 2026-11-01 - true',
      '2 200.00 2026-11-01 2026-11-02 false',
      '2 250.00 2026-11-02 - true',
      '3 300.00 2026-11-01 2026-11-03 false',
      '4 400.00 2026-11-02 - true',
    ]);
  });
});
