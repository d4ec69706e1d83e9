/**
 * The whole run through the Redshift Data API adapter, with every statement it sends EXECUTED on a real
 * PostgreSQL through the local translation (test/aws/data-api-on-postgres.ts: aws-sdk-client-mock on the
 * RedshiftDataClient class, handlers that run the SQL). The COPY … MANIFEST is emulated faithfully: the
 * manifest is read from moto S3 and its gzip parts loaded by a PostgresWarehouse, with the delimiter,
 * quote and NULL marker the COPY text names.
 *
 * Shows: `setup` and `run` send valid SQL, in the expected order, with TRUNCATE never in a batch and no
 * batch over 40 statements; the run, as the least-privilege ETL user, publishes exactly dbgen's rows;
 * a rerun leaves one copy; a failing publish guard is a LoadError naming the sub-statement and rolls the
 * whole publish back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeStatementCommand, GetStatementResultCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { supplier } from '../../datasets/supplier.ts';
import { LoadError } from '../../core/errors.ts';
import type { Locations } from '../../jobs/locations.ts';
import type { Manifest } from '../../core/manifest.ts';
import type { RunReport } from '../../jobs/report.ts';
import { runBatch } from '../../jobs/run.ts';
import { S3Store } from '../../jobs/store/s3-store.ts';
import { RedshiftDataWarehouse } from '../../jobs/warehouse/redshift-data.ts';
import { warehouseColumnsQuery } from '../../sql/catalog.ts';
import { emptyStage, historyChecksQuery, previousPublishedRowsQuery, PUBLISH_STEPS, stageChecksQuery } from '../../sql/load.ts';
import { holderQuery } from '../../sql/load-lock.ts';
import { applySetup, setupPlan } from '../../sql/setup.ts';
import { auditColumnsQuery } from '../../sql/audit-migration.ts';
import { publishedCopyQuery } from '../../sql/published-copy.ts';
import { expiredByRunQuery, RETENTION_STEPS } from '../../sql/retention.ts';
import { SHARED_TPCH } from '../support/cli.ts';
import { freshDatabase, motoEndpoint, pgUrl, requireMoto, requirePostgres } from '../support/services.ts';
import { COLUMNS, published, referenceRows, type Published } from '../support/supplier.ts';
import { DataApiOnPostgres, parseCopy } from './data-api-on-postgres.ts';
import { createBucket, motoOptions, TEST_CREDENTIALS, TEST_KMS_KEY } from './moto.ts';

const COPY_ROLE = 'arn:aws:iam::123456789012:role/copy';
const CLUSTER = 'test-cluster';
const DATABASE = 'dev';
const MASTER = 'awsuser';
const BATCH = '2026-11-25';
const PAGE_ROWS = 3;
const SLICES = 4;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Roles are server-wide on PostgreSQL: one per test process, dropped at the end. */
const ETL_USER = `etl_loader_${process.pid}`;
const ENV = {
  AWS_ENDPOINT_URL: motoEndpoint(),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  RL_KMS_KEY_ARN: TEST_KMS_KEY,
  RL_COPY_ROLE_ARN: COPY_ROLE,
  RL_SECRET_ARN: undefined,
};

/** One sent SQL statement, compactly: `E` ExecuteStatement, `B<k>/<n>` member k of an n-statement batch. */
interface Line {
  at: string;
  sql: string;
  id: string;
}

type Expect = [at: string, sql: string | RegExp];

function assertLines(lines: Line[], expected: Expect[], what: string): void {
  const show = (l: Line[]) => l.map((x) => `${x.at}: ${x.sql.replace(/\s+/g, ' ').slice(0, 110)}`).join('\n');
  assert.equal(lines.length, expected.length, `${what}: ${lines.length} statements sent, ${expected.length} expected:\n${show(lines)}`);
  expected.forEach(([at, sql], k) => {
    const l = lines[k];
    assert.equal(l.at, at, `${what}, statement ${k + 1}: sent as ${l.at}, expected ${at}:\n${show(lines)}`);
    if (typeof sql === 'string') assert.equal(l.sql, sql, `${what}, statement ${k + 1}`);
    else assert.match(l.sql, sql, `${what}, statement ${k + 1}`);
  });
}

/** A timestamp's text without trailing zeros in its fraction (PostgreSQL prints '…:05.12', the run '…:05.120000'). */
const sameTs = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** First statement of every batch: the server-side bound (jobs/warehouse/limits.ts, default 1 h). */
const SET_TIMEOUT = 'SET statement_timeout TO 3600000';
/** The last statement of every run: the load lock given back. */
const RELEASE: Expect = ['E', /^DELETE FROM assignment\.load_lock WHERE dataset = 'supplier' AND run_id = '[^']+'$/];

describe('runBatch through the Redshift Data API adapter, every statement executed on PostgreSQL', () => {
  let skip = false;
  let landing: string;
  let staging: string;
  let reports: string;
  let catalogDir: string;
  let db: { url: string; drop: () => Promise<void> } | undefined;
  let api: DataApiOnPostgres | undefined;
  const savedEnv: Record<string, string | undefined> = {};
  /** The statements the setup sent, then each run's, by position in api.sent. */
  let mark = 0;

  function linesSince(from: number): Line[] {
    return api!.sent.slice(from).flatMap((r) =>
      r.sqls.map((sql, k) => ({ at: r.api === 'ExecuteStatement' ? 'E' : `B${k + 1}/${r.sqls.length}`, sql, id: r.api === 'ExecuteStatement' ? r.id : `${r.id}:${k + 1}` })),
    );
  }

  function locations(): Locations {
    return {
      landing: `s3://${landing}`,
      source: `s3://${landing}/supplier/20261125/`,
      staging: `s3://${staging}/supplier/`,
      reports: `s3://${reports}`,
      warehouse: `redshift-data:cluster/${CLUSTER}/${DATABASE}?user=${ETL_USER}`,
      catalog: `local:${catalogDir}`,
    };
  }

  /** One runBatch; returns its report (or its error) and the statements it sent. */
  async function run(limits?: { lockTimeoutMs: number; statementTimeoutMs: number }, force = true): Promise<{ report?: RunReport; error?: unknown; lines: Line[] }> {
    const from = api!.sent.length;
    try {
      // force: every run after the first loads the same files again on purpose (--force); one test leaves it off.
      const report = await runBatch({ contract: supplier, batchDate: BATCH, locations: locations(), limits, force });
      return { report, lines: linesSince(from) };
    } catch (error) {
      return { error, lines: linesSince(from) };
    }
  }

  /** The statements one successful or failing run sends, up to (not including) the publish batch. */
  function loadPrefix(manifestUri: string): Expect[] {
    const cols = COLUMNS.join(', ');
    return [
      // Never do a batch twice (jobs/already-published.ts): the audit table's columns, then its published copy.
      ['E', auditColumnsQuery(supplier)],
      ['E', publishedCopyQuery(supplier, BATCH)],
      ['E', 'SELECT COUNT(*) AS slices FROM stv_slices'],
      ['E', warehouseColumnsQuery('assignment', 'supplier_data')],
      ['E', previousPublishedRowsQuery(supplier, BATCH)],
      // The dataset's load lock (sql/load-lock.ts): claimed in one batch, then whose claim stands.
      ['B1/4', SET_TIMEOUT],
      ['B2/4', 'LOCK assignment.load_lock'],
      ['B3/4', /^DELETE FROM assignment\.load_lock WHERE dataset = 'supplier' AND \(lease_until < CAST\('[0-9 :.-]+' AS TIMESTAMP\) OR run_id = '[^']+'\)$/],
      ['B4/4', /^INSERT INTO assignment\.load_lock \(dataset, run_id, batch_date, claimed_at, lease_until\)\nSELECT 'supplier', '[^']+', CAST\('2026-11-25' AS DATE\), .*\nWHERE NOT EXISTS/],
      ['E', holderQuery('assignment', 'supplier')],
      ['E', emptyStage(supplier)],
      ['B1/3', SET_TIMEOUT],
      ['B2/3', new RegExp(`^COPY assignment\\.supplier_stage \\(${cols}\\) FROM '${esc(manifestUri)}' IAM_ROLE '${esc(COPY_ROLE)}' MANIFEST CSV`)],
      ['B3/3', 'SELECT pg_last_copy_count() AS loaded'],
      ['E', stageChecksQuery(supplier)],
    ];
  }

  /** The publish batch: LOCK first, then its guards and writes, in PUBLISH_STEPS order. */
  function publishBatch(loadTs: string): Expect[] {
    const ts = esc(`CAST('${loadTs}' AS TIMESTAMP)`);
    return [
      ['B1/12', SET_TIMEOUT],
      ['B2/12', 'LOCK assignment.supplier_data, assignment.load_audit, assignment.supplier_stage'],
      ['B3/12', new RegExp(`^/\\* ${esc(PUBLISH_STEPS[1])} \\*/ SELECT 1 / \\(CASE WHEN COUNT\\(\\*\\) = 10000 AND SUM\\(s_acctbal\\) = [0-9.]+ AND MIN\\(s_suppkey\\) = 1 AND MAX\\(s_suppkey\\) = 10000 AND COUNT\\(s_suppkey\\) = 10000 .* AND SUM\\(OCTET_LENGTH\\(s_comment\\)\\) = [0-9]+ THEN 1 ELSE 0 END\\) AS stage_ok FROM assignment\\.supplier_stage$`)],
      ['B4/12', new RegExp(`^/\\* ${esc(PUBLISH_STEPS[2])} \\*/ SELECT .* FROM assignment\\.load_audit WHERE dataset = 'supplier' AND load_ts = ${ts} AND batch_date <> `)],
      ['B5/12', /^UPDATE assignment\.load_audit SET status = 'replaced' WHERE dataset = 'supplier' AND batch_date = CAST\('2026-11-25' AS DATE\) AND status = 'published'$/],
      ['B6/12', new RegExp(`^INSERT INTO assignment\\.load_audit \\(run_id, .*\\)\\nSELECT '[^']+', 'supplier', CAST\\('2026-11-25' AS DATE\\), 'published', ${ts}, `)],
      ['B7/12', /^DELETE FROM assignment\.supplier_data WHERE load_ts IN \(SELECT load_ts FROM assignment\.load_audit WHERE .* AND status = 'replaced'\)$/],
      ['B8/12', new RegExp(`^INSERT INTO assignment\\.supplier_data \\(${COLUMNS.join(', ')}, load_ts\\)\\nSELECT ${COLUMNS.join(', ')}, ${ts} FROM assignment\\.supplier_stage$`)],
      ['B9/12', new RegExp(`^/\\* ${esc(PUBLISH_STEPS[7])} \\*/ SELECT 1 / \\(CASE WHEN COUNT\\(\\*\\) = 10000 .* AS history_ok FROM assignment\\.supplier_data WHERE load_ts = ${ts}$`)],
      // supplier's retention (keep the last 7 batches and the first of each month: sql/retention.ts).
      ['B10/12', new RegExp(`^/\\* ${esc(RETENTION_STEPS[0])} \\*/ UPDATE assignment\\.load_audit SET status = 'expired', expired_by = '[^']+' WHERE dataset = 'supplier' AND status = 'published' AND batch_date <> CAST\\('2026-11-25' AS DATE\\) AND batch_date NOT IN \\(SELECT batch_date FROM .* WHERE newest <= 7 OR in_month = 1\\)$`)],
      ['B11/12', new RegExp(`^/\\* ${esc(RETENTION_STEPS[1])} \\*/ SELECT 1 / \\(CASE WHEN \\(SELECT COUNT\\(\\*\\) FROM assignment\\.supplier_data WHERE load_ts IN .*\\) = \\(SELECT COALESCE\\(SUM\\(published_rows\\), 0\\) FROM assignment\\.load_audit WHERE .*\\) THEN 1 ELSE 0 END\\) AS expired_ok$`)],
      ['B12/12', new RegExp(`^/\\* ${esc(RETENTION_STEPS[2])} \\*/ DELETE FROM assignment\\.supplier_data WHERE load_ts IN \\(SELECT load_ts FROM assignment\\.load_audit WHERE dataset = 'supplier' AND status = 'expired' AND expired_by = '[^']+'\\)$`)],
    ];
  }

  function assertBatchesLegal(): void {
    for (const r of api!.sent) {
      if (r.api !== 'BatchExecuteStatement') continue;
      assert.ok(r.sqls.length <= 40, `a batch of ${r.sqls.length} statements`);
      for (const s of r.sqls) assert.doesNotMatch(s, /^\s*TRUNCATE\b/i, 'TRUNCATE commits on Redshift: never inside a batch');
    }
  }

  async function describeStatement(id: string) {
    const client = new RedshiftDataClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
    try {
      return await client.send(new DescribeStatementCommand({ Id: id }));
    } finally {
      client.destroy();
    }
  }

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
    const s3 = new S3Client({ ...motoOptions(), forcePathStyle: true });
    landing = await createBucket(s3, 'landing');
    staging = await createBucket(s3, 'staging');
    reports = await createBucket(s3, 'reports');
    const dir = join(SHARED_TPCH, 'duckdb-snappy');
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.parquet'))) {
      await s3.send(new PutObjectCommand({ Bucket: landing, Key: `supplier/20261125/${name}`, Body: readFileSync(join(dir, name)) }));
    }
    s3.destroy();
    catalogDir = mkdtempSync(join(tmpdir(), 'rl-data-api-catalog-'));
    db = await freshDatabase('rl_data_api');
    api = await DataApiOnPostgres.start({
      databaseUrl: db.url,
      s3: new S3Store({ clientOptions: motoOptions() }),
      clusterIdentifier: CLUSTER,
      database: DATABASE,
      masterUser: MASTER,
      copyRoles: [COPY_ROLE],
      pageRows: PAGE_ROWS,
      slices: SLICES,
    });

    // `setup`, as the cluster's master user, through the same adapter and stand-in.
    const admin = new RedshiftDataWarehouse(`redshift-data:cluster/${CLUSTER}/${DATABASE}?user=${MASTER}`);
    try {
      const { userCreated } = await applySetup(admin, supplier, { etlUser: ETL_USER });
      assert.equal(userCreated, true);
    } finally {
      await admin.close();
    }
    const plan = setupPlan(supplier, { etlUser: ETL_USER });
    assertLines(
      linesSince(0),
      [...plan.ddl, auditColumnsQuery(supplier), plan.userExistsQuery, plan.createUser, ...plan.grants].map((sql): Expect => ['E', sql]),
      'setup',
    );
    assert.ok(api.sent.every((r) => r.input.DbUser === MASTER));
    mark = api.sent.length;
  });

  after(async () => {
    await api?.stop();
    await db?.drop();
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

  let first: RunReport;
  let firstRows: Published;

  it('publishes dbgen\'s 10,000 rows; every statement ran on PostgreSQL, in order, as the ETL user', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    const { report, error, lines } = await run();
    assert.equal(error, undefined, (error as Error)?.stack);
    first = report!;
    assert.equal(first.status, 'published');
    assert.equal(first.rows.published, 10_000);
    assert.equal(first.rows.staged, 10_000);
    assert.equal(first.parts % SLICES, 0, `${first.parts} parts for ${SLICES} slices (read from STV_SLICES)`);

    firstRows = await published(db!.url);
    assert.deepEqual(firstRows.rows, referenceRows(), 'every published row equals supplier_sf1.tbl');
    assert.deepEqual(firstRows.loadTs.map(sameTs), [sameTs(first.loadTs)], 'one load timestamp: the run\'s');

    // The statement stream, in order.
    assertLines(lines, [...loadPrefix(first.manifest!), ...publishBatch(first.loadTs), ['E', historyChecksQuery(supplier, first.loadTs)], ['E', expiredByRunQuery(supplier, first.runId)], RELEASE], 'run 1');
    assertBatchesLegal();
    assert.equal(api!.sent.slice(mark).filter((r) => r.sqls.some((s) => /^TRUNCATE/.test(s))).map((r) => r.api).join(), 'ExecuteStatement');

    // Every call: the cluster, the database, the ETL user's temporary credentials, an idempotency token.
    for (const r of api!.sent.slice(mark)) {
      const { ClusterIdentifier, Database, DbUser, SecretArn, WorkgroupName, StatementName, ClientToken } = r.input;
      assert.deepEqual({ ClusterIdentifier, Database, DbUser, SecretArn, WorkgroupName, StatementName }, {
        ClusterIdentifier: CLUSTER, Database: DATABASE, DbUser: ETL_USER, SecretArn: undefined, WorkgroupName: undefined, StatementName: 'redshift-loader',
      });
      assert.match(ClientToken ?? '', UUID);
    }

    // The COPY text: what Redshift needs, nothing that bends bad data.
    const copy = lines.find((l) => l.sql.startsWith('COPY'))!.sql;
    for (const must of ['MANIFEST', 'GZIP', 'CSV', `NULL AS '\\\\N'`, 'COMPUPDATE OFF', 'STATUPDATE OFF', `IAM_ROLE '${COPY_ROLE}'`, `(${COLUMNS.join(', ')})`]) {
      assert.ok(copy.includes(must), `COPY lacks ${must}: ${copy}`);
    }
    assert.doesNotMatch(copy, /TRUNCATECOLUMNS|EMPTYASNULL|BLANKSASNULL|ACCEPTINVCHARS/i);
    // …and the stand-in read it the way Redshift would: the manifest's own CSV layout, from the COPY text.
    const emulated = api!.copies.at(-1)!.parsed!;
    const manifest = JSON.parse((await new S3Store({ clientOptions: motoOptions() }).readAll(first.manifest!)).toString('utf8')) as Manifest;
    assert.deepEqual(
      { delimiter: emulated.delimiter, quote: emulated.quote, nullMarker: emulated.nullAs, columns: emulated.columns, table: emulated.table },
      { delimiter: manifest.package.csv!.delimiter, quote: manifest.package.csv!.quote, nullMarker: manifest.package.csv!.nullMarker, columns: COLUMNS, table: 'assignment.supplier_stage' },
    );
    assert.deepEqual(emulated.options, ['IAM_ROLE', 'MANIFEST', 'CSV', 'DELIMITER', 'QUOTE', 'GZIP', 'NULL', 'COMPUPDATE', 'STATUPDATE']);
    assert.deepEqual([emulated.compupdate, emulated.statupdate, emulated.iamRole, emulated.from], ['OFF', 'OFF', COPY_ROLE, first.manifest]);
    assert.equal(api!.copies.at(-1)!.count, 10_000, 'COPY loaded every row; pg_last_copy_count() in the same batch said so');
    assert.equal(manifest.entries.length, first.parts);
    assert.ok(manifest.entries.every((e) => e.mandatory === true && e.url.startsWith(`s3://${staging}/`)));

    // Results came back page by page: the drift query's 8 columns in pages of 3.
    const drift = lines[3];
    const pages = api!.stub.commandCalls(GetStatementResultCommand).filter((c) => c.args[0].input.Id === drift.id);
    assert.deepEqual(pages.map((c) => c.args[0].input.NextToken), [undefined, '3', '6']);
  });

  it('a second run of the same batch leaves one copy, the first marked replaced', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    assert.ok(first, 'needs the first run');
    const { report, error, lines } = await run();
    assert.equal(error, undefined, (error as Error)?.stack);
    assert.equal(report!.rows.published, 10_000);
    const p = await published(db!.url);
    assert.equal(p.rows.length, 10_000);
    assert.deepEqual(p.rows, referenceRows());
    assert.equal(p.loadTs.length, 1, 'one copy of the batch');
    assert.notEqual(p.loadTs[0], firstRows.loadTs[0]);
    assert.deepEqual(p.audit.map((a) => [a.run_id, a.status, a.published_rows, a.replaced_rows]), [
      [first.runId, 'replaced', '10000', '0'],
      [report!.runId, 'published', '10000', '10000'],
    ]);
    assertLines(lines, [...loadPrefix(report!.manifest!), ...publishBatch(report!.loadTs), ['E', historyChecksQuery(supplier, report!.loadTs)], ['E', expiredByRunQuery(supplier, report!.runId)], RELEASE], 'run 2');
    assertBatchesLegal();
  });

  it('the stand-in is no softer than Redshift: an unassociated COPY role and options it cannot emulate fail', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    assert.ok(first, 'needs the first run');
    const manifest = JSON.parse((await new S3Store({ clientOptions: motoOptions() }).readAll(first.manifest!)).toString('utf8')) as Manifest;
    const other = new RedshiftDataWarehouse(locations().warehouse, { copyRoleArn: 'arn:aws:iam::123456789012:role/other' });
    try {
      await assert.rejects(
        other.copyManifest({ table: 'assignment.supplier_stage', columns: COLUMNS, manifestUri: first.manifest!, manifest }),
        (e: unknown) => e instanceof LoadError && /is not authorized to assume IAM Role arn:aws:iam::123456789012:role\/other/.test(e.message),
      );
    } finally {
      await other.close();
    }
    const copy = api!.copies.find((c) => c.parsed?.from === first.manifest)!.sql;
    for (const bent of ['TRUNCATECOLUMNS', 'EMPTYASNULL', 'BLANKSASNULL', 'ACCEPTINVCHARS', 'MAXERROR 10']) {
      assert.throws(() => parseCopy(`${copy} ${bent}`), new RegExp(`does not emulate the COPY option ${bent.split(' ')[0]}`));
    }
  });

  it('a stage rewritten between the checks and the publish: LoadError (exit 5) naming the stage guard; history unchanged', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    const before = await published(db!.url);
    assert.equal(before.rows.length, 10_000);
    let tampered = 0;
    api!.beforeBatch = async (sqls, admin) => {
      if (!sqls.some((q) => q.startsWith('LOCK assignment.supplier_data'))) return;
      // Another writer changes one balance after this run checked the stage.
      const r = await admin('UPDATE assignment.supplier_stage SET s_acctbal = s_acctbal + 0.01 WHERE s_suppkey = 1');
      tampered += r.rowCount ?? 0;
    };
    let outcome;
    try {
      outcome = await run();
    } finally {
      api!.beforeBatch = undefined;
    }
    const { error, lines } = outcome;
    assert.equal(tampered, 1);
    assert.ok(error instanceof LoadError, `expected a LoadError, got ${(error as Error)?.stack ?? String(error)}`);
    assert.equal(error.exitCode, 5);
    assert.match(error.message, new RegExp(`^statement 2 of 11 failed: ERROR: division by zero — /\\* ${esc(PUBLISH_STEPS[1])} \\*/ SELECT 1`));

    // The publish batch failed at sub-statement 2 on the API too: 1 finished, 2 failed, the rest aborted.
    const publishId = lines.find((l) => l.at === 'B2/12')!.id.replace(/:2$/, '');
    const d = await describeStatement(publishId);
    assert.equal(d.Status, 'FAILED');
    assert.match(d.Error ?? '', /^Query #3 failed with ERROR: division by zero/, 'the API counts the SET; our message does not');
    assert.deepEqual(d.SubStatements!.map((s) => s.Status), ['FINISHED', 'FINISHED', 'FAILED', 'ABORTED', 'ABORTED', 'ABORTED', 'ABORTED', 'ABORTED', 'ABORTED', 'ABORTED', 'ABORTED', 'ABORTED']);

    // Sent in order; after the failed publish, one batch writes the failed audit row; no history check.
    const failedAudit = lines.at(-2)!;
    const loadTs = /CAST\('([0-9 :.-]+)' AS TIMESTAMP\)/.exec(lines.find((l) => l.at === 'B8/12')!.sql)![1];
    const manifestUri = /FROM '([^']+)'/.exec(lines.find((l) => l.at === 'B2/3')!.sql)![1];
    assertLines(lines.slice(0, -3), [...loadPrefix(manifestUri), ...publishBatch(loadTs)], 'the failing run');
    assertLines(lines.slice(-3), [['B1/2', SET_TIMEOUT], ['B2/2', /^INSERT INTO assignment\.load_audit /], RELEASE], 'the failed audit row, then the load lock released');
    assert.equal(failedAudit.at, 'B2/2');
    assert.match(failedAudit.sql, /^INSERT INTO assignment\.load_audit \(run_id, .*\)\nVALUES \('[^']+', 'supplier', CAST\('2026-11-25' AS DATE\), 'failed', /);
    assert.ok(failedAudit.sql.includes('statement 2 of 11 failed: ERROR: division by zero'), 'the audit row carries the one-line error');
    assertBatchesLegal();

    const after = await published(db!.url);
    assert.deepEqual(after.rows, before.rows, 'history untouched');
    assert.deepEqual(after.loadTs, before.loadTs);
    assert.deepEqual(after.audit.filter((a) => a.status !== 'failed'), before.audit, 'the published copy is still the published one');
    assert.deepEqual(after.audit.filter((a) => a.status === 'failed').length, 1);
  });

  it('a history guard failing after the delete and the insert rolls the whole publish back', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    const before = await published(db!.url);
    // A trigger (installed behind the API) skews one inserted balance: only the last guard can see it.
    await api!.admin(`CREATE FUNCTION public.rl_skew() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.s_suppkey = 1 THEN NEW.s_acctbal := NEW.s_acctbal + 0.01; END IF; RETURN NEW; END $$`);
    await api!.admin('CREATE TRIGGER rl_skew BEFORE INSERT ON assignment.supplier_data FOR EACH ROW EXECUTE FUNCTION public.rl_skew()');
    let outcome;
    try {
      outcome = await run();
    } finally {
      await api!.admin('DROP TRIGGER rl_skew ON assignment.supplier_data');
      await api!.admin('DROP FUNCTION public.rl_skew()');
    }
    const { error, lines } = outcome;
    assert.ok(error instanceof LoadError, `expected a LoadError, got ${(error as Error)?.stack ?? String(error)}`);
    assert.equal(error.exitCode, 5);
    assert.match(error.message, new RegExp(`^statement 8 of 11 failed: ERROR: division by zero — /\\* ${esc(PUBLISH_STEPS[7])} \\*/`));
    const publishId = lines.find((l) => l.at === 'B2/12')!.id.replace(/:2$/, '');
    const d = await describeStatement(publishId);
    assert.deepEqual(d.SubStatements!.map((s) => s.Status), ['FINISHED', 'FINISHED', 'FINISHED', 'FINISHED', 'FINISHED', 'FINISHED', 'FINISHED', 'FINISHED', 'FAILED', 'ABORTED', 'ABORTED', 'ABORTED']);
    assert.equal(d.SubStatements![7].ResultRows, 10_000, 'the insert ran…');
    const after = await published(db!.url);
    assert.deepEqual(after.rows, before.rows, '…and was rolled back with the delete of the published copy');
    assert.deepEqual(after.loadTs, before.loadTs);
    assert.deepEqual(after.audit.filter((a) => a.status !== 'failed'), before.audit.filter((a) => a.status !== 'failed'), 'the replaced mark rolled back');
    assert.equal(after.audit.filter((a) => a.status === 'failed').length, 2);
    assertBatchesLegal();
  });

  it('the load lock ledger: a live claim of another run stops this one (exit 5, naming it, nothing touched); an expired one is cleared', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    const before = await published(db!.url);
    const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    await api!.admin(`INSERT INTO assignment.load_lock VALUES ('supplier', 'other-run', '2026-11-24', '${iso(Date.now())}', '${iso(Date.now() + 3_600_000)}')`);
    const { error, lines } = await run({ lockTimeoutMs: 3_000, statementTimeoutMs: 60_000 });
    assert.ok(error instanceof LoadError, `expected a LoadError, got ${(error as Error)?.stack ?? String(error)}`);
    assert.match(error.oneLine(), /^LoadError: another run of supplier 2026-11-24 \(run id other-run, lease until [0-9 :.-]+ UTC\) is loading into redshift-data:cluster\/test-cluster\/dev; gave up after waiting 3 s/);
    assert.ok(!lines.some((l) => /^TRUNCATE|^COPY/.test(l.sql)), 'the stage was never touched');
    assert.deepEqual((await api!.admin('SELECT run_id FROM assignment.load_lock')).rows, [{ run_id: 'other-run' }], 'its claim stands');
    const after = await published(db!.url);
    assert.deepEqual(after.rows, before.rows);
    assert.deepEqual(after.audit.filter((a) => a.status === 'failed').length, before.audit.filter((a) => a.status === 'failed').length + 1, 'the failure is audited');

    // A killed run's claim: its lease has expired, so the next run clears it, publishes, and lets go.
    await api!.admin(`UPDATE assignment.load_lock SET lease_until = '${iso(Date.now() - 1000)}'`);
    const next = await run({ lockTimeoutMs: 3_000, statementTimeoutMs: 60_000 });
    assert.equal(next.error, undefined, (next.error as Error)?.stack);
    assert.equal(next.report!.status, 'published');
    assert.deepEqual((await api!.admin('SELECT run_id FROM assignment.load_lock')).rows, [], 'released at the end');
  });

  it('a rerun of the same S3 objects (same ETags) is "already published": only the two reads are sent, nothing written', async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    const before = await published(db!.url);
    const { report, error, lines } = await run(undefined, false);
    assert.equal(error, undefined, (error as Error)?.stack);
    assert.equal(report!.status, 'already-published');
    const copy = before.audit.filter((a) => a.status === 'published');
    assert.equal(copy.length, 1);
    assert.equal(report!.previous!.runId, copy[0].run_id);
    assertLines(lines, [['E', auditColumnsQuery(supplier)], ['E', publishedCopyQuery(supplier, BATCH)]], 'already published');
    assert.ok(lines.every((l) => /^SELECT\b/.test(l.sql)), 'reads only: no stage, no lock, no publish, no audit row');
    const after = await published(db!.url);
    assert.deepEqual(after, before, 'history and audit untouched');
  });

  it("retention in the publish batch: older batches outside 'last 7 + first of each month' expire, the rest stay", async (t) => {
    if (skip) return t.skip('no moto or PostgreSQL');
    // Older published batches, as earlier runs would have left them: k history rows each, k = position + 1.
    const older = ['2026-09-15', '2026-10-01', '2026-10-20', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-14', '2026-11-16', '2026-11-18', '2026-11-20', '2026-11-22'];
    for (const [i, date] of older.entries()) {
      const ts = `${date} 01:00:00`;
      await api!.admin(
        `INSERT INTO assignment.supplier_data SELECT ${COLUMNS.join(', ')}, CAST('${ts}' AS TIMESTAMP) FROM assignment.supplier_data ` +
          `WHERE s_suppkey <= ${i + 1} AND load_ts = (SELECT load_ts FROM assignment.load_audit WHERE status = 'published' AND batch_date = '${BATCH}')`,
      );
      await api!.admin(`INSERT INTO assignment.load_audit (run_id, dataset, batch_date, status, load_ts, published_rows) VALUES ('old-${date}', 'supplier', '${date}', 'published', '${ts}', ${i + 1})`);
    }
    const { report, error, lines } = await run();
    assert.equal(error, undefined, (error as Error)?.stack);
    assert.equal(report!.status, 'published');
    // Last 7: 11-12 … 11-25; firsts of their months: 09-15, 10-01, 11-10. Out: 10-20 (3 rows) and 11-11 (5 rows).
    assert.deepEqual(report!.expired, { batches: 2, rows: 8, batchDates: ['2026-10-20', '2026-11-11'] });
    const publishBatchSize = lines.filter((l) => l.at.endsWith('/12')).length;
    assert.equal(publishBatchSize, 12, 'the publish with retention is one batch of 12 statements (≤ 40)');
    assertBatchesLegal();
    const left = await api!.admin(
      `SELECT CAST(a.batch_date AS VARCHAR(10)) AS d, a.status, COUNT(h.s_suppkey) AS n FROM assignment.load_audit a
       LEFT JOIN assignment.supplier_data h ON h.load_ts = a.load_ts
       WHERE a.status IN ('published', 'expired') GROUP BY a.batch_date, a.status ORDER BY 1`,
    );
    assert.deepEqual(
      left.rows.map((r: Record<string, unknown>) => `${String(r.d)} ${String(r.status)} ${String(r.n)}`),
      [
        '2026-09-15 published 1', '2026-10-01 published 2', '2026-10-20 expired 0', '2026-11-10 published 4', '2026-11-11 expired 0',
        '2026-11-12 published 6', '2026-11-14 published 7', '2026-11-16 published 8', '2026-11-18 published 9', '2026-11-20 published 10',
        '2026-11-22 published 11', '2026-11-25 published 10000',
      ],
    );
  });
});
