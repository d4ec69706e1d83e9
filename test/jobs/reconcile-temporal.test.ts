/**
 * Dates and timestamps are reconciled by value, not only counted: the manifest records each date/timestamp
 * column's earliest and latest canonical text, and the stage check, the publish guard and the read-back
 * compare them with MIN/MAX in the warehouse. A COPY that cut a timestamp to milliseconds, or read a date
 * a day off, fails the run with exit 5 naming the column and both values; a CHAR value whose trailing blanks
 * the engine pads or drops is the same value (no false alarm). On PGlite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DatasetContract } from '../../datasets/index.ts';
import { LoadError } from '../../core/errors.ts';
import { runBatch } from '../../jobs/run.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { alteringWarehouse, type FieldAlteration } from '../support/altering-warehouse.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { momentsContract, writeCsvFile } from '../support/temporal-fixtures.ts';

const contract = momentsContract as unknown as DatasetContract;

const FAULTS: Array<{ what: string; figure: RegExp; alteration: FieldAlteration | undefined }> = [
  {
    what: 'the latest timestamp cut to milliseconds',
    figure: /staged column m_ts has the maximum 9999-12-31 23:59:59\.999, the manifest 9999-12-31 23:59:59\.999999/,
    alteration: { key: '65', field: 2, alter: (f) => f.slice(0, -3) },
  },
  {
    what: 'the earliest date read a day late',
    figure: /staged column m_day has the minimum 0001-01-02, the manifest 0001-01-01/,
    alteration: { key: '64', field: 1, alter: () => '0001-01-02' },
  },
  {
    what: "a CHAR value's trailing blanks dropped (the same CHAR value)",
    figure: /^$/,
    alteration: { key: '63', field: 3, alter: (f) => f.trimEnd() },
  },
];

for (const engine of ENGINES) {
  describe(`dates and timestamps reconciled by value on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'reconcile_temporal', (dir) => {
      mkdirSync(join(dir, 'csv'));
      writeCsvFile(join(dir, 'csv'));
    });
    for (const [i, fault] of FAULTS.entries()) {
      it(`${fault.what}: ${fault.figure.source === '^$' ? 'published' : 'exit 5 naming the column and both values'}`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        let wrapper: ReturnType<typeof alteringWarehouse> | undefined;
        const run = runBatch({
          contract,
          batchDate: `2026-11-2${i}`,
          locations: {
            landing: join(fx.dir, 'csv'), source: join(fx.dir, 'csv'), staging: join(fx.dir, 'staging'), reports: join(fx.dir, 'reports'),
            warehouse: fx.warehouse, catalog: `local:${join(fx.dir, 'catalog')}`,
          },
          openWarehouse: async (uri) => (wrapper = alteringWarehouse(await openWarehouse(uri), fault.alteration!)),
        });
        if (fault.figure.source === '^$') {
          await run;
        } else {
          await assert.rejects(run, (e: unknown) => {
            assert.ok(e instanceof LoadError, String(e));
            assert.equal(e.exitCode, 5);
            assert.match(e.message, fault.figure);
            return true;
          });
        }
        assert.ok(wrapper?.altered(), 'the wrapper changed a field');
      });
    }
  });
}
