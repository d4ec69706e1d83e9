/**
 * The whole load flow — setup DDL, stage (TRUNCATE + COPY), checks, publish, republish, guards,
 * failed audit rows — as Redshift SQL translated by sql/local.ts, on PGlite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { supplier } from '../../datasets/index.ts';
import { ConfigError, LoadError } from '../../core/errors.ts';
import { LocalStore } from '../../jobs/store/index.ts';
import { PostgresWarehouse } from '../../jobs/warehouse/postgres.ts';
import { StatementFailure } from '../../jobs/warehouse/statement-failure.ts';
import type { Warehouse } from '../../jobs/warehouse/warehouse.ts';
import { renderDdl } from '../../sql/ddl.ts';
import {
  batchAuditQuery,
  checksumMismatches,
  emptyStage,
  failedAuditStatement,
  previousPublishedRowsQuery,
  publishStatements,
  stageChecksQuery,
} from '../../sql/load.ts';
import { applySetup } from '../../sql/setup.ts';
import { dropRoles, ENGINES, openEngine } from './support/engines.ts';
import { supplierRows, writePackage, type TestPackage } from './support/parts.ts';
import { parseJson } from '../support/json.ts';
import type { Checksums } from '../../core/manifest.ts';

const store = new LocalStore();
const COLUMNS = supplier.columns.map((c) => c.name);

async function stage(wh: Warehouse, pkg: TestPackage): Promise<number> {
  await wh.query(emptyStage(supplier));
  const n = await wh.copyManifest({ table: 'assignment.supplier_stage', columns: COLUMNS, manifestUri: pkg.manifestUri, manifest: pkg.manifest, store });
  const [checks] = await wh.query(stageChecksQuery(supplier));
  assert.deepEqual(checksumMismatches(supplier, checks, pkg.manifest.package.checksums), []);
  return n;
}

function publish(wh: Warehouse, pkg: TestPackage, batchDate: string, loadTs: string, runId = `run-${loadTs.replace(/\D/g, '')}`): Promise<void> {
  const rows = pkg.manifest.package.checksums.rows;
  return wh.transaction(
    publishStatements({
      contract: supplier,
      runId,
      batchDate,
      loadTs,
      expected: pkg.manifest.package.checksums,
      audit: {
        started_at: '2024-01-02 00:00:00.000000',
        source_files: 1,
        source_rows: rows,
        part_rows: rows,
        manifest_rows: rows,
        staged_rows: rows,
        manifest_url: pkg.manifestUri,
        timings: { stage: 12 },
      },
    }),
  );
}

/** History as {load_ts: rows} and the whole audit table, to compare before/after. */
async function snapshot(wh: Warehouse): Promise<{ history: Record<string, string>; audit: Array<Record<string, unknown>> }> {
  const h = await wh.query(
    `SELECT CAST(load_ts AS VARCHAR(40)) AS ts, CAST(COUNT(*) AS VARCHAR(20)) AS n FROM assignment.supplier_data GROUP BY load_ts ORDER BY load_ts`,
  );
  const audit = await wh.query(
    `SELECT run_id, CAST(batch_date AS VARCHAR(10)) AS batch_date, status, CAST(load_ts AS VARCHAR(40)) AS load_ts,
            CAST(published_rows AS VARCHAR(20)) AS published_rows, CAST(replaced_rows AS VARCHAR(20)) AS replaced_rows, message
     FROM assignment.load_audit ORDER BY load_ts, status`,
  );
  return { history: Object.fromEntries(h.map((r) => [String(r.ts), String(r.n)])), audit };
}

async function flow(t: TestContext, wh: Warehouse, dir: string, etlUser: string): Promise<void> {
  const a1 = writePackage(join(dir, 'a1'), [supplierRows(30, 1), supplierRows(20, 31)]);
  const a2 = writePackage(join(dir, 'a2'), [supplierRows(25, 1, '-v2'), supplierRows(15, 26, '-v2')]);
  const b = writePackage(join(dir, 'b'), [supplierRows(30, 1000)], { batchDate: '2024-01-02' });

  await t.test('setup (DDL, user, grants) applies cleanly, and again', async () => {
    const first = await applySetup(wh, supplier, { etlUser });
    const second = await applySetup(wh, supplier, { etlUser });
    assert.deepEqual([first.userCreated, second.userCreated], [true, false]);
    for (const s of renderDdl(supplier)) await wh.query(s);
    const owner = await wh.query(`SELECT tableowner FROM pg_tables WHERE schemaname = 'assignment' AND tablename = 'supplier_stage'`);
    assert.equal(owner[0]?.tableowner, etlUser);
  });

  await t.test('stage + publish: one copy, one published audit row with its counts', async () => {
    assert.equal(await stage(wh, a1), 50);
    await publish(wh, a1, '2024-01-01', '2024-01-02 01:00:00.000001');
    const s = await snapshot(wh);
    assert.deepEqual(s.history, { '2024-01-02 01:00:00.000001': '50' });
    assert.equal(s.audit.length, 1);
    assert.deepEqual(
      { status: s.audit[0].status, published: s.audit[0].published_rows, replaced: s.audit[0].replaced_rows },
      { status: 'published', published: '50', replaced: '0' },
    );
    const [full] = await wh.query(batchAuditQuery(supplier, '2024-01-01'));
    assert.equal(parseJson<Checksums>(String(full.checksums)).sums.s_acctbal, a1.manifest.package.checksums.sums.s_acctbal);
    assert.deepEqual(JSON.parse(String(full.timings)), { stage: 12 });
    assert.equal(full.manifest_url, a1.manifestUri);
    assert.equal(full.staged_rows, '50');
  });

  await t.test('publishing the same batch date again replaces it: one copy, audit published + replaced', async () => {
    assert.equal(await stage(wh, a2), 40);
    await publish(wh, a2, '2024-01-01', '2024-01-02 02:00:00.000002');
    const s = await snapshot(wh);
    assert.deepEqual(s.history, { '2024-01-02 02:00:00.000002': '40' });
    assert.deepEqual(
      s.audit.map((r) => [r.load_ts, r.status, r.published_rows, r.replaced_rows]),
      [
        ['2024-01-02 01:00:00.000001', 'replaced', '50', '0'],
        ['2024-01-02 02:00:00.000002', 'published', '40', '50'],
      ],
    );
    const names = await wh.query(`SELECT DISTINCT s_name FROM assignment.supplier_data WHERE s_name NOT LIKE '%-v2'`);
    assert.equal(names.length, 0, 'no row of the first copy survives');
  });

  await t.test('another batch date is left alone; the previous published row count is found', async () => {
    await stage(wh, b);
    await publish(wh, b, '2024-01-02', '2024-01-03 01:00:00.000003');
    const s = await snapshot(wh);
    assert.deepEqual(s.history, { '2024-01-02 02:00:00.000002': '40', '2024-01-03 01:00:00.000003': '30' });
    assert.deepEqual(await wh.query(previousPublishedRowsQuery(supplier, '2024-01-02')), [{ published_rows: '40', batch_date: '2024-01-01' }]);
    assert.deepEqual(await wh.query(previousPublishedRowsQuery(supplier, '2024-01-01')), []);
    assert.deepEqual(await wh.query(previousPublishedRowsQuery(supplier, '2024-01-05')), [{ published_rows: '30', batch_date: '2024-01-02' }]);
  });

  await t.test('a retried publish that reuses its own load_ts still leaves exactly one copy', async () => {
    await stage(wh, a2);
    await publish(wh, a2, '2024-01-01', '2024-01-02 02:00:00.000002');
    const s = await snapshot(wh);
    assert.equal(s.history['2024-01-02 02:00:00.000002'], '40');
    const mine = s.audit.filter((r) => r.batch_date === '2024-01-01').map((r) => [r.load_ts, r.status, r.replaced_rows]);
    assert.deepEqual(mine, [
      ['2024-01-02 01:00:00.000001', 'replaced', '0'],
      ['2024-01-02 02:00:00.000002', 'published', '40'],
      ['2024-01-02 02:00:00.000002', 'replaced', '50'],
    ]);
  });

  await t.test('guard: a stage tampered with after the checks rolls the whole publish back', async () => {
    await stage(wh, a1);
    await wh.query(`UPDATE assignment.supplier_stage SET s_acctbal = s_acctbal + 0.01 WHERE s_suppkey = 7`);
    const before = await snapshot(wh);
    const err = await publish(wh, a1, '2024-01-01', '2024-01-04 00:00:00.000004').then(
      () => assert.fail('the publish should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StatementFailure, String(err));
    assert.ok(err instanceof LoadError);
    assert.equal(err.index, 1);
    assert.match(err.detail, /division by zero/);
    assert.match(err.message, /statement 2 of 11 failed: division by zero — \/\* guard: the stage holds exactly the manifest rows \*\//);
    assert.deepEqual(await snapshot(wh), before);
  });

  await t.test('guard: a load_ts another batch already used is refused, nothing changes', async () => {
    await stage(wh, a1);
    const before = await snapshot(wh);
    const err = (await publish(wh, a1, '2024-01-01', '2024-01-03 01:00:00.000003').catch((e: unknown) => e)) as StatementFailure;
    assert.ok(err instanceof StatementFailure);
    assert.equal(err.index, 2);
    assert.deepEqual(await snapshot(wh), before);
  });

  await t.test('guard: history not holding exactly the manifest rows afterwards rolls everything back', async () => {
    // A stray row already carries the load_ts this publish will use (and no audit row knows it).
    await wh.query(
      `INSERT INTO assignment.supplier_data (s_suppkey, s_name, load_ts) VALUES (999999, 'stray', CAST('2024-01-05 00:00:00.000005' AS TIMESTAMP))`,
    );
    const before = await snapshot(wh);
    const err = (await publish(wh, a1, '2024-01-01', '2024-01-05 00:00:00.000005').catch((e: unknown) => e)) as StatementFailure;
    assert.ok(err instanceof StatementFailure);
    assert.equal(err.index, 7);
    const after = await snapshot(wh);
    assert.deepEqual(after, before, 'the delete of the published copy, the insert and the audit rows all rolled back');
    assert.equal(after.history['2024-01-02 02:00:00.000002'], '40');
    await wh.query(`DELETE FROM assignment.supplier_data WHERE s_suppkey = 999999`);
  });

  await t.test('TRUNCATE inside the publish transaction is refused before anything runs', async () => {
    const before = await snapshot(wh);
    await assert.rejects(wh.transaction([`DELETE FROM assignment.supplier_data`, emptyStage(supplier)]), ConfigError);
    assert.deepEqual(await snapshot(wh), before);
  });

  await t.test('a failed attempt writes one failed audit row, its message intact', async () => {
    const message = `LoadError: part 3 of 4 (part-00002.csv.gz) failed at row 17, column s_acctbal: "it's \\N" | back\\slash`;
    await wh.transaction([
      failedAuditStatement({ contract: supplier, runId: 'run-failed', batchDate: '2024-01-06', loadTs: '2024-01-06 00:00:00.000006', message, staged_rows: 3 }),
    ]);
    const rows = await wh.query(batchAuditQuery(supplier, '2024-01-06'));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].status, 'failed');
    assert.equal(rows[0].message, message);
    assert.equal(rows[0].staged_rows, '3');
    assert.equal(rows[0].published_rows, null);
  });
}

for (const kind of ENGINES) {
  test(`the whole translated flow on ${kind}`, async (t) => {
    const engine = await openEngine(t, kind);
    if (!engine) return;
    const dir = mkdtempSync(join(tmpdir(), 'rl-flow-'));
    const etlUser = kind === 'postgres' ? `rl_etl_${process.pid}_${Date.now() % 100000}` : 'etl_loader';
    try {
      await flow(t, engine.wh, dir, etlUser);
    } finally {
      await engine.cleanup();
      rmSync(dir, { recursive: true, force: true });
      if (kind === 'postgres') await dropRoles(etlUser);
    }
  });
}

test('least privilege on PostgreSQL: the ETL role stages and publishes, and can do nothing more', async (t) => {
  const engine = await openEngine(t, 'postgres');
  if (!engine) return;
  const dir = mkdtempSync(join(tmpdir(), 'rl-grants-'));
  const etlUser = `rl_etl_${process.pid}_${Date.now() % 100000}_g`;
  try {
    const wh = engine.wh;
    await applySetup(wh, supplier, { etlUser });
    await wh.query(`SET ROLE ${etlUser}`);
    const pkg = writePackage(join(dir, 'p'), [supplierRows(10, 1)]);
    await stage(wh, pkg); // TRUNCATE (as owner of the stage) + COPY FROM STDIN
    await publish(wh, pkg, '2024-01-01', '2024-01-02 00:00:00.000001');
    await stage(wh, pkg);
    await publish(wh, pkg, '2024-01-01', '2024-01-02 00:00:00.000002');
    assert.deepEqual((await snapshot(wh)).history, { '2024-01-02 00:00:00.000002': '10' });
    for (const forbidden of [
      'TRUNCATE assignment.supplier_data',
      'DROP TABLE assignment.supplier_data',
      'UPDATE assignment.supplier_data SET s_name = NULL',
      'DELETE FROM assignment.load_audit',
      'CREATE TABLE assignment.x (a INTEGER)',
      'ALTER TABLE assignment.load_audit ADD COLUMN x INTEGER',
    ]) {
      await assert.rejects(wh.query(forbidden), /permission denied|must be owner/, forbidden);
    }
  } finally {
    await engine.cleanup();
    rmSync(dir, { recursive: true, force: true });
    await dropRoles(etlUser);
  }
});

test('two publishers of the same batch on PostgreSQL serialize on the LOCK: one copy survives', async (t) => {
  const engine = await openEngine(t, 'postgres');
  if (!engine) return;
  const dir = mkdtempSync(join(tmpdir(), 'rl-race-'));
  const other = await PostgresWarehouse.open(engine.uri);
  try {
    const wh = engine.wh;
    for (const s of renderDdl(supplier)) await wh.query(s);
    const pkg = writePackage(join(dir, 'p'), [supplierRows(200, 1)]);
    await stage(wh, pkg);
    await Promise.all([
      publish(wh, pkg, '2024-01-01', '2024-01-02 00:00:00.000001', 'run-a'),
      publish(other, pkg, '2024-01-01', '2024-01-02 00:00:00.000002', 'run-b'),
    ]);
    const s = await snapshot(wh);
    assert.equal(Object.keys(s.history).length, 1);
    assert.equal(Object.values(s.history)[0], '200');
    assert.deepEqual(s.audit.map((r) => r.status).sort(), ['published', 'replaced']);
    const published = s.audit.find((r) => r.status === 'published')!;
    assert.equal(published.replaced_rows, '200');
    assert.equal(s.history[String(published.load_ts)], '200');
  } finally {
    await other.close();
    await engine.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
