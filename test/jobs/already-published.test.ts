/**
 * Never doing a batch twice, through the real command line, on PGlite and on PostgreSQL: the audit row
 * records the batch's source fingerprint; a rerun of the same files exits 0 at once with one "already
 * published" line and writes nothing (history, audit and staging untouched); --force loads it again; a
 * changed batch is loaded again and its report names the files added, removed and changed. An audit
 * table of the older layout (no fingerprint column) is migrated by the run and by `setup`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { parseJson, type RunSummary } from '../support/json.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { AUDIT_COLUMNS, createTableStatement } from '../../sql/ddl.ts';

const fp = {
  name: 'fp',
  description: 'a small dataset for source fingerprints',
  schema: 'assignment',
  stageTable: 'fp_stage',
  historyTable: 'fp_data',
  auditTable: 'fp_audit',
  columns: [
    { name: 'f_id', type: { kind: 'bigint' }, nullable: false },
    { name: 'f_label', type: { kind: 'varchar', bytes: 20 }, nullable: true },
  ],
  loadTimestampColumn: 'load_ts',
  distKey: 'f_id',
  sortKey: { style: 'compound', columns: ['load_ts'] },
  key: ['f_id'],
  source: {
    prefix: '{dataset}/{yyyymmdd}/',
    formats: ['csv'],
    delimited: { delimiter: ',', header: true, quote: '"', nullMarker: '', trailingDelimiter: false },
  },
  checksums: { sum: [], minMax: ['f_id'] },
  drift: { policy: 'freeze' },
  quality: [{ type: 'unique', column: 'f_id', severity: 'error' }],
};

async function query(warehouse: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const wh = await openWarehouse(warehouse);
  try {
    return await wh.query(sql);
  } finally {
    await wh.close();
  }
}

/** Everything a run could have written: history rows with their load_ts, and every audit row. */
async function state(warehouse: string) {
  const history = await query(warehouse, 'SELECT CAST(f_id AS VARCHAR(20)) AS id, f_label, CAST(load_ts AS VARCHAR(40)) AS ts FROM assignment.fp_data ORDER BY f_id, load_ts');
  const audit = await query(
    warehouse,
    `SELECT run_id, status, CAST(load_ts AS VARCHAR(40)) AS ts, source_fingerprint FROM assignment.fp_audit WHERE dataset = 'fp' ORDER BY load_ts, status`,
  );
  return { history, audit };
}

const lastLine = (text: string): string => text.trim().split('\n').at(-1) ?? '';
/** The messages a run logged (one JSON object per line when stderr is not a terminal), without its metrics line (EMF, jobs/metrics.ts). */
const messages = (stderr: string): string[] =>
  stderr.trim().split('\n').filter(Boolean).map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg: string }).msg : l)).filter((m) => m !== 'metrics');

for (const engine of ENGINES) {
  describe(`source fingerprint on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'fingerprint', (dir) => {
      mkdirSync(join(dir, 'contracts'));
      writeFileSync(join(dir, 'contracts', 'fp.json'), JSON.stringify(fp));
      const batch = join(dir, 'landing', 'fp', '20261124');
      mkdirSync(batch, { recursive: true });
      writeFileSync(join(batch, 'a.csv'), 'f_id,f_label\n1,one\n2,two\n');
      writeFileSync(join(batch, 'b.csv'), 'f_id,f_label\n3,three\n');
      return Promise.resolve();
    });
    const batch = (): string => join(fx.dir, 'landing', 'fp', '20261124');
    const flags = (extra: string[] = []): string[] => [
      'run', '--dataset', 'fp', '--contracts', join(fx.dir, 'contracts'), '--date', '2026-11-24', '--source', batch(),
      '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse, ...extra,
    ];
    const stagedRuns = (): string[] => readdirSync(join(fx.dir, 'staging', 'fp', 'batch=2026-11-24'));
    let first: RunSummary;

    it('records the fingerprint; a rerun of the same files exits 0 at once, "already published", writing nothing', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r1 = await runCli(flags(['--json']), { cwd: fx.dir });
      assert.equal(r1.code, 0, r1.stderr);
      first = parseJson<RunSummary>(lastLine(r1.stdout));
      assert.equal(first.status, 'published');
      assert.match(first.sourceFingerprint ?? '', /^[0-9a-f]{64}$/);
      const before = await state(fx.warehouse);
      assert.deepEqual(before.audit.map((a) => [a.run_id, a.status, a.source_fingerprint]), [[first.runId, 'published', first.sourceFingerprint]]);
      const runsBefore = stagedRuns();

      const r2 = await runCli(flags(), { cwd: fx.dir });
      assert.equal(r2.code, 0, r2.stderr);
      const lines = messages(r2.stderr);
      assert.equal(lines.length, 2, r2.stderr);
      // Its metrics: not a failed run, and no rows published a second time (no false alarm, no double count).
      const metrics = r2.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; RunFailed?: number; RowsPublished?: number }).find((l) => l.msg === 'metrics');
      assert.ok(metrics, 'a metrics line');
      assert.equal(metrics.RunFailed, 0);
      assert.equal(metrics.RowsPublished, undefined);
      assert.match(lines[0], /^batch 2026-11-24: 2 file\(s\), 46 bytes$/, 'the listing, then the one result line');
      assert.match(
        lines[1],
        new RegExp(`^already published: fp batch 2026-11-24 is in assignment\\.fp_data with load_ts [0-9: .-]+ \\(run ${first.runId}, 3 rows\\) from the same source files \\(fingerprint ${first.sourceFingerprint!.slice(0, 12)}…\\); nothing written — --force loads it again$`),
      );
      assert.deepEqual(await state(fx.warehouse), before, 'history and audit untouched: no stage, no publish, no audit row');
      assert.deepEqual(stagedRuns(), runsBefore, 'no load package written');

      const r3 = await runCli(flags(['--json']), { cwd: fx.dir });
      assert.equal(r3.code, 0, r3.stderr);
      const s3 = parseJson<RunSummary>(lastLine(r3.stdout));
      assert.equal(s3.status, 'already-published');
      assert.deepEqual(s3.previous, { runId: first.runId, loadTs: first.previous?.loadTs ?? s3.previous!.loadTs, fingerprint: first.sourceFingerprint });
      assert.match(readFileSync(s3.reports.runMarkdown!, 'utf8'), new RegExp(`Already published by run \`${first.runId}\``));
    });

    it('--force loads the same files again: one copy, the earlier one replaced', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(flags(['--force', '--json']), { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      const s = parseJson<RunSummary>(lastLine(r.stdout));
      assert.equal(s.status, 'published');
      assert.equal(s.sourceFingerprint, first.sourceFingerprint);
      const after = await state(fx.warehouse);
      assert.deepEqual(after.audit.map((a) => [a.run_id, a.status]), [[first.runId, 'replaced'], [s.runId, 'published']]);
      assert.equal(after.history.length, 3);
      assert.equal(new Set(after.history.map((h) => h.ts)).size, 1);
    });

    it('a changed batch is loaded again and the report names the files added, removed and changed', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      writeFileSync(join(batch(), 'b.csv'), 'f_id,f_label\n3,THREE\n');
      writeFileSync(join(batch(), 'c.csv'), 'f_id,f_label\n4,four\n');
      const r = await runCli(flags(['--json']), { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      const s = parseJson<RunSummary>(lastLine(r.stdout));
      assert.equal(s.status, 'published');
      assert.equal(s.rows.published, 4);
      assert.notEqual(s.sourceFingerprint, first.sourceFingerprint);
      const uri = (n: string) => s.files.find((f) => f.uri.endsWith(`/${n}`))!.uri;
      assert.deepEqual(s.sourceChanges!.added, [uri('c.csv')]);
      assert.deepEqual(s.sourceChanges!.removed, []);
      assert.deepEqual(s.sourceChanges!.changed.map((c) => c.uri), [uri('b.csv')]);
      assert.match(s.sourceChanges!.changed[0].before, /^size 21, mtime /);
      const log = r.stderr.split('\n').filter((l) => l.includes('changed since run'));
      assert.equal(log.length, 1, r.stderr);
      assert.match(log[0], /source of batch 2026-11-24 changed since run [^ ]+ published it: 1 added \(c\.csv\), 0 removed, 1 changed \(b\.csv\); loading it again/);
      const md = readFileSync(s.reports.runMarkdown!, 'utf8');
      assert.match(md, /source files changed since then: 1 added, 0 removed, 1 changed/);
      assert.match(md, new RegExp(`\\| added \\| \`${uri('c.csv').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\` \\|`));

      rmSync(join(batch(), 'a.csv'));
      const r2 = await runCli(flags(['--json']), { cwd: fx.dir });
      assert.equal(r2.code, 0, r2.stderr);
      const s2 = parseJson<RunSummary>(lastLine(r2.stdout));
      assert.deepEqual([s2.sourceChanges!.added, s2.sourceChanges!.removed.map((u) => u.split('/').pop()), s2.sourceChanges!.changed], [[], ['a.csv'], []]);
      const rows = await query(fx.warehouse, 'SELECT CAST(f_id AS VARCHAR(20)) AS id, f_label FROM assignment.fp_data ORDER BY f_id');
      assert.deepEqual(rows.map((x) => [x.id, x.f_label]), [['3', 'THREE'], ['4', 'four']], 'one copy: the batch as it is now');
    });
  });

  describe(`an audit table of the older layout on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'audit_migration', (dir) => {
      mkdirSync(join(dir, 'contracts'));
      writeFileSync(join(dir, 'contracts', 'fp.json'), JSON.stringify(fp));
      const batch = join(dir, 'landing', 'fp', '20261124');
      mkdirSync(batch, { recursive: true });
      writeFileSync(join(batch, 'a.csv'), 'f_id,f_label\n1,one\n');
      return Promise.resolve();
    });
    const OLD = AUDIT_COLUMNS.filter((c) => c.name !== 'source_fingerprint' && c.name !== 'expired_by');

    async function createOldAudit(): Promise<void> {
      const wh = await openWarehouse(fx.warehouse);
      try {
        await wh.query('CREATE SCHEMA IF NOT EXISTS assignment');
        await wh.query(createTableStatement('assignment.fp_audit', OLD, { distStyle: 'all', sortKey: { style: 'compound', columns: ['dataset', 'batch_date'] } }));
        // A copy published by the older release: no fingerprint, no manifest to compare with.
        await wh.query(`INSERT INTO assignment.fp_audit (run_id, dataset, batch_date, status, load_ts, published_rows)
          VALUES ('old-run', 'fp', CAST('2026-11-24' AS DATE), 'published', CAST('2026-11-24 01:00:00' AS TIMESTAMP), 0)`);
      } finally {
        await wh.close();
      }
    }
    const columns = async (): Promise<string[]> =>
      (await query(fx.warehouse, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'assignment' AND table_name = 'fp_audit' ORDER BY ordinal_position"))
        .map((r) => String(r.column_name));

    it('the run adds the missing columns, reloads the batch it cannot compare, and then knows it', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      await createOldAudit();
      assert.deepEqual(await columns(), OLD.map((c) => c.name));
      const flags = (extra: string[] = []) => [
        'run', '--dataset', 'fp', '--contracts', join(fx.dir, 'contracts'), '--date', '2026-11-24', '--source', join(fx.dir, 'landing', 'fp', '20261124'),
        '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse, ...extra,
      ];
      const r = await runCli(flags(['--json']), { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await columns(), AUDIT_COLUMNS.map((c) => c.name), 'migrated: the new columns at the end');
      const s = parseJson<RunSummary>(lastLine(r.stdout));
      assert.equal(s.status, 'published');
      assert.deepEqual(s.previous, { runId: 'old-run', loadTs: s.previous!.loadTs, fingerprint: null });
      assert.equal(s.sourceChanges!.unknown, 'the published copy names no manifest');
      const audit = await query(fx.warehouse, "SELECT run_id, status, source_fingerprint FROM assignment.fp_audit ORDER BY load_ts");
      assert.deepEqual(audit.map((a) => [a.run_id, a.status, a.source_fingerprint]), [['old-run', 'replaced', null], [s.runId, 'published', s.sourceFingerprint]]);
      const again = await runCli(flags(), { cwd: fx.dir });
      assert.equal(again.code, 0, again.stderr);
      assert.match(messages(again.stderr).at(-1)!, /^already published: fp batch 2026-11-24 /);
    });

    // `setup` creates a server-wide role, so it runs on PGlite only (the PostgreSQL path of the migration is the run's, above).
    if (engine === 'pglite') it('`setup` migrates an old audit table too (and says so); a second setup has nothing to add', async (t) => {
      if (fx.skip) return t.skip('no warehouse');
      const wh = await openWarehouse(fx.warehouse);
      try {
        await wh.query('DROP TABLE assignment.fp_audit');
      } finally {
        await wh.close();
      }
      await createOldAudit();
      const setup = ['setup', '--dataset', 'fp', '--contracts', join(fx.dir, 'contracts'), '--warehouse', fx.warehouse, '--etl-user', 'etl_fp'];
      const r = await runCli(setup, { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(messages(r.stderr).at(-1)!, /audit table migrated \(added source_fingerprint, expired_by\)$/);
      assert.deepEqual(await columns(), AUDIT_COLUMNS.map((c) => c.name));
      const r2 = await runCli(setup, { cwd: fx.dir });
      assert.equal(r2.code, 0, r2.stderr);
      assert.doesNotMatch(messages(r2.stderr).at(-1)!, /migrated/);
    });
  });
}
