/**
 * writeMode "append" (orders, lineitem): each batch's rows are appended once, beside the earlier
 * batches' rows; a rerun of a batch replaces that batch's rows only. Through the command line, on
 * PGlite and PostgreSQL, with the built-in orders contract.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { datasets } from '../../datasets/index.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';

const order = (key: number, price: string, date: string): string =>
  `${key}|${100 + key}|O|${price}|${date}|1-URGENT|Clerk#000000001|0|order ${key}|\n`;

for (const engine of ENGINES) {
  describe(`append mode (orders) on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'append');
    const landing = (): string => join(fx.dir, 'landing');

    function land(date: string, text: string): void {
      const folder = join(landing(), 'orders', date.replaceAll('-', ''));
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'orders.tbl'), text);
    }

    async function run(date: string): Promise<void> {
      const r = await runCli(
        ['run', '--dataset', 'orders', '--date', date, '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse],
        { cwd: fx.dir, env: { RL_LANDING: landing() } },
      );
      assert.equal(r.code, 0, r.stderr);
    }

    /** `key price batch` per row, and the load_ts of each batch's rows (via the audit ledger). */
    async function rows(): Promise<{ rows: string[]; loadTs: Record<string, string> }> {
      const wh = await openWarehouse(fx.warehouse);
      try {
        const r = await wh.query(
          `SELECT CAST(o.o_orderkey AS VARCHAR(20)) AS k, CAST(o.o_totalprice AS VARCHAR(20)) AS p, CAST(a.batch_date AS VARCHAR(10)) AS d,
                  CAST(o.load_ts AS VARCHAR(40)) AS ts
           FROM assignment.orders_data o JOIN assignment.load_audit a ON a.load_ts = o.load_ts AND a.dataset = 'orders' AND a.status = 'published'
           ORDER BY o.o_orderkey`,
        );
        const total = await wh.query('SELECT CAST(COUNT(*) AS VARCHAR(20)) AS n FROM assignment.orders_data');
        assert.equal(Number(total[0].n), r.length, 'every row belongs to a published batch');
        return { rows: r.map((x) => `${String(x.k)} ${String(x.p)} ${String(x.d)}`), loadTs: Object.fromEntries(r.map((x) => [String(x.d), String(x.ts)])) };
      } finally {
        await wh.close();
      }
    }

    it('the orders contract declares append', () => {
      assert.equal(datasets.orders.writeMode, 'append');
      assert.equal(datasets.lineitem.writeMode, 'append');
    });

    it('day 2 appends beside day 1; a rerun of day 1 replaces day 1 rows only', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      land('2026-11-01', order(1, '10.00', '2026-10-31') + order(2, '20.00', '2026-10-31'));
      land('2026-11-02', order(3, '30.00', '2026-11-01') + order(4, '40.00', '2026-11-01'));
      await run('2026-11-01');
      await run('2026-11-02');
      const both = await rows();
      assert.deepEqual(both.rows, ['1 10.00 2026-11-01', '2 20.00 2026-11-01', '3 30.00 2026-11-02', '4 40.00 2026-11-02']);

      // Day 1 corrected: order 2 withdrawn, order 5 added, order 1 repriced.
      land('2026-11-01', order(1, '11.00', '2026-10-31') + order(5, '50.00', '2026-10-31'));
      await run('2026-11-01');
      const after = await rows();
      assert.deepEqual(after.rows, ['1 11.00 2026-11-01', '3 30.00 2026-11-02', '4 40.00 2026-11-02', '5 50.00 2026-11-01']);
      assert.equal(after.loadTs['2026-11-02'], both.loadTs['2026-11-02'], "day 2's rows untouched");
      assert.notEqual(after.loadTs['2026-11-01'], both.loadTs['2026-11-01'], "day 1's rows are the rerun's");
    });
  });
}
