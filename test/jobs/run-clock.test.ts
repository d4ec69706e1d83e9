/**
 * A run reads one clock: with an injected `now`, its start, finish and total all come from it (the finish
 * used to come from the real clock while the start came from the injected one), on PGlite and PostgreSQL.
 * The clock is injected in-process: the CLI always runs on the real one.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { supplier } from '../../datasets/index.ts';
import type { RunReport } from '../../jobs/report.ts';
import { runBatch } from '../../jobs/run.ts';
import { generateSupplier } from '../../tpch/index.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { readJson } from '../support/json.ts';

/** 2031-01-02T03:04:05Z, then one minute and a half later at every reading. */
function steppingClock(): { now: () => Date; readings: Date[] } {
  const readings: Date[] = [];
  const now = (): Date => {
    const d = new Date(Date.UTC(2031, 0, 2, 3, 4, 5) + readings.length * 90_000);
    readings.push(d);
    return d;
  };
  return { now, readings };
}

for (const engine of ENGINES) {
  describe(`the run's clock on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'clock', async (dir) => {
      await generateSupplier({ scale: 0.01, files: 1, outDir: join(dir, 'landing/supplier/20260303') });
    });

    it('startedAt, finishedAt and the total all come from the injected clock, in the report and run.json', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const clock = steppingClock();
      const report = await runBatch({
        contract: supplier,
        batchDate: '2026-03-03',
        locations: {
          landing: join(fx.dir, 'landing'),
          source: join(fx.dir, 'landing/supplier/20260303'),
          staging: join(fx.dir, 'staging'),
          reports: join(fx.dir, 'reports'),
          warehouse: fx.warehouse,
          catalog: `local:${join(fx.dir, 'catalog')}`,
        },
        now: clock.now,
      });
      assert.equal(report.status, 'published');
      assert.ok(clock.readings.length >= 2, 'the clock is read at the start and at the finish');
      const [first, last] = [clock.readings[0], clock.readings.at(-1)!];
      assert.equal(report.startedAt, first.toISOString());
      assert.equal(report.finishedAt, last.toISOString());
      assert.equal(report.timings.total, last.getTime() - first.getTime());
      const written = readJson<RunReport>(report.reports.runJson!);
      assert.deepEqual([written.startedAt, written.finishedAt, written.timings.total], [report.startedAt, report.finishedAt, report.timings.total]);
    });
  });
}
