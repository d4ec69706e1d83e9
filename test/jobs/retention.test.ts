/**
 * Retention (contract `retention`) through the real command line, on PGlite and on PostgreSQL: five
 * batch dates over two months with `keepLast: 2, keepMonthlyFirst: true`; each publish expires, in its
 * own transaction, exactly the batches outside the rule (audit rows 'expired', their history rows
 * deleted), and the run report says how many batches and rows. A retention that keeps nothing is exit 2.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { parseJson, type RunSummary } from '../support/json.ts';
import type { RunReport } from '../../jobs/report.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';

export const keeps = {
  name: 'keeps',
  description: 'a small dataset whose history keeps the last 2 batches and the first of each month',
  schema: 'assignment',
  stageTable: 'keeps_stage',
  historyTable: 'keeps_data',
  auditTable: 'load_audit',
  columns: [
    { name: 'k_id', type: { kind: 'bigint' }, nullable: false },
    { name: 'k_label', type: { kind: 'varchar', bytes: 20 }, nullable: true },
  ],
  loadTimestampColumn: 'load_ts',
  distKey: 'k_id',
  sortKey: { style: 'compound', columns: ['load_ts'] },
  key: ['k_id'],
  source: {
    prefix: '{dataset}/{yyyymmdd}/',
    formats: ['csv'],
    delimited: { delimiter: ',', header: true, quote: '"', nullMarker: '', trailingDelimiter: false },
  },
  checksums: { sum: [], minMax: ['k_id'] },
  drift: { policy: 'freeze' },
  quality: [{ type: 'unique', column: 'k_id', severity: 'error' }],
  retention: { keepLast: 2, keepMonthlyFirst: true },
};

/** Batch date -> rows in its file (each date its own count, so expired row counts name the batch). */
const BATCHES: Array<[string, number]> = [
  ['2026-10-30', 3],
  ['2026-10-31', 4],
  ['2026-11-02', 5],
  ['2026-11-03', 6],
  ['2026-11-05', 7],
];

async function query(warehouse: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const wh = await openWarehouse(warehouse);
  try {
    return await wh.query(sql);
  } finally {
    await wh.close();
  }
}

/** Published batches with their history row counts, and every audit row's date and status. */
async function ledger(warehouse: string) {
  const history = await query(
    warehouse,
    `SELECT CAST(a.batch_date AS VARCHAR(10)) AS d, a.status, CAST(COUNT(h.k_id) AS VARCHAR(10)) AS n
     FROM assignment.load_audit a LEFT JOIN assignment.keeps_data h ON h.load_ts = a.load_ts
     WHERE a.dataset = 'keeps' GROUP BY a.batch_date, a.status ORDER BY 1, 2`,
  );
  const orphans = await query(
    warehouse,
    `SELECT COUNT(*) AS n FROM assignment.keeps_data h WHERE NOT EXISTS
       (SELECT 1 FROM assignment.load_audit a WHERE a.dataset = 'keeps' AND a.status = 'published' AND a.load_ts = h.load_ts)`,
  );
  return { rows: history.map((r) => `${String(r.d)} ${String(r.status)} ${String(r.n)}`), orphans: Number(orphans[0].n) };
}

for (const engine of ENGINES) {
  describe(`retention on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'retention', (dir) => {
      mkdirSync(join(dir, 'contracts'));
      writeFileSync(join(dir, 'contracts', 'keeps.json'), JSON.stringify(keeps));
      for (const [date, n] of BATCHES) {
        const folder = join(dir, 'landing', 'keeps', date.replace(/-/g, ''));
        mkdirSync(folder, { recursive: true });
        const lines = Array.from({ length: n }, (_, i) => `${i + 1},${date}#${i + 1}`);
        writeFileSync(join(folder, 'keeps.csv'), `k_id,k_label\n${lines.join('\n')}\n`);
      }
      for (const [name, retention] of [['empty', {}], ['zero', { keepLast: 0 }], ['nothing', { keepMonthlyFirst: false }]] as const) {
        mkdirSync(join(dir, `bad-${name}`));
        writeFileSync(join(dir, `bad-${name}`, 'keeps.json'), JSON.stringify({ ...keeps, retention }));
      }
      return Promise.resolve();
    });
    const flags = (date: string, extra: string[] = []): string[] => [
      'run', '--dataset', 'keeps', '--contracts', join(fx.dir, 'contracts'), '--date', date,
      '--source', join(fx.dir, 'landing', 'keeps', date.replace(/-/g, '')),
      '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse, '--json', ...extra,
    ];

    it('keeps the last 2 batches and the first of each month; expires exactly the others, in the publish', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const reports: Record<string, RunReport> = {};
      for (const [date] of BATCHES) {
        const r = await runCli(flags(date), { cwd: fx.dir });
        assert.equal(r.code, 0, r.stderr);
        const summary = parseJson<RunSummary>(r.stdout.trim().split('\n').at(-1)!);
        reports[date] = parseJson<RunReport>(readFileSync(summary.reports.runJson!, 'utf8'));
      }
      // Before 11-03 nothing is outside the rule: 10-30 and 11-02 are their months' firsts, the rest the last two.
      for (const date of ['2026-10-30', '2026-10-31', '2026-11-02', '2026-11-05']) {
        assert.deepEqual(reports[date].expired, { batches: 0, rows: 0, batchDates: [] }, date);
      }
      // 11-03 leaves 10-31 neither among the last two nor first of October: its 4 rows go.
      assert.deepEqual(reports['2026-11-03'].expired, { batches: 1, rows: 4, batchDates: ['2026-10-31'] });
      const md = readFileSync(reports['2026-11-03'].reports.runMarkdown!, 'utf8');
      assert.match(md, /retention expired \*\*1\*\* batch\(es\) \(2026-10-31\): \*\*4\*\* rows deleted from history/);

      const l = await ledger(fx.warehouse);
      assert.deepEqual(l.rows, [
        '2026-10-30 published 3',
        '2026-10-31 expired 0',
        '2026-11-02 published 5',
        '2026-11-03 published 6',
        '2026-11-05 published 7',
      ]);
      assert.equal(l.orphans, 0, 'every history row belongs to a published batch');
      const by = await query(fx.warehouse, `SELECT expired_by FROM assignment.load_audit WHERE dataset = 'keeps' AND status = 'expired'`);
      assert.deepEqual(by.map((b) => b.expired_by), [reports['2026-11-03'].runId], 'the audit row names the run that expired it');
    });

    it('a rerun of an older batch outside the window keeps it until the next publish', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(flags('2026-10-31'), { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((await ledger(fx.warehouse)).rows, [
        '2026-10-30 published 3',
        '2026-10-31 expired 0',
        '2026-10-31 published 4',
        '2026-11-02 published 5',
        '2026-11-03 published 6',
        '2026-11-05 published 7',
      ]);
      const again = await runCli(flags('2026-11-05', ['--force']), { cwd: fx.dir });
      assert.equal(again.code, 0, again.stderr);
      const summary = parseJson<RunSummary & { expired?: unknown }>(again.stdout.trim().split('\n').at(-1)!);
      assert.deepEqual(summary.expired, { batches: 1, rows: 4, batchDates: ['2026-10-31'] });
      assert.deepEqual((await ledger(fx.warehouse)).rows, [
        '2026-10-30 published 3',
        '2026-10-31 expired 0',
        '2026-11-02 published 5',
        '2026-11-03 published 6',
        '2026-11-05 published 7',
        '2026-11-05 replaced 0',
      ]);
    });

    it('a retention that keeps nothing is exit 2, one line naming the field, before any work', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      for (const name of ['empty', 'zero', 'nothing']) {
        const args = flags('2026-11-05').filter((a) => a !== '--json').map((a) => (a === join(fx.dir, 'contracts') ? join(fx.dir, `bad-${name}`) : a));
        const r = await runCli(args, { cwd: fx.dir });
        assert.equal(r.code, 2, `${name}: ${r.stderr}`);
        const lines = r.stderr.trim().split('\n').filter((x) => !x.startsWith('{'));
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0], /keeps\.json.*\$\.retention/, name);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
      }
    });
  });
}
