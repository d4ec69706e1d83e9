/**
 * A text batch that fails quality on the first run into a staging root that does not exist yet: the part
 * streams are given up (PartSet.abort) while the store is still making the folder. The store owns each
 * part's body from its first moment, so the run ends as a quality refusal — exit 4, one line, a failed
 * audit row, the reports — and no `.partial` file is left anywhere (it crashed with exit 1 before:
 * "Unhandled 'error' event … partitioning aborted").
 *
 * The staging root is 300 folders deep and none of them exists: making it takes hundreds of filesystem
 * round trips, longer than the one-row pass (as a first run on a slow network filesystem does), so the
 * parts are always given up before their folder exists. No stub: the real store on the real filesystem.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunReport } from '../../jobs/report.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { auditRows, filesUnder, oneErrorLine } from '../support/hostile.ts';
import { readJson } from '../support/json.ts';

// SUPPLIER, 7 fields and the trailing '|', with s_nationkey " 5" (not an integer).
const BAD_ROW = '1|Supplier#000000001| N kD4on9OM Ipw3,gf0JBoQDd7tgrzrddZ| 5|27-918-335-1736|5755.94|each slyly above the careful|\n';

for (const engine of ENGINES) {
  describe(`quality failure on a first run into a missing staging root, on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'abort', (dir) => {
      mkdirSync(join(dir, 'landing'));
      writeFileSync(join(dir, 'landing', 'supplier.tbl'), BAD_ROW);
    });

    it('exits 4 with one line, records the failure, writes the reports and leaves no partial file', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const staging = join(fx.dir, 'staging-not-yet', ...Array.from({ length: 300 }, () => 'd'));
      const reports = join(fx.dir, 'reports');
      assert.equal(existsSync(staging), false);
      const r = await runCli(
        ['run', '--dataset', 'supplier', '--date', '2026-11-20', '--source', join(fx.dir, 'landing'), '--staging', staging, '--reports', reports, '--warehouse', fx.warehouse],
        { cwd: fx.dir },
      );
      assert.equal(r.code, 4, r.stderr);
      assert.match(oneErrorLine(r), /^QualityError: .*s_nationkey.*supplier\.tbl, row 1, column s_nationkey/);
      const audit = await auditRows(fx.warehouse, '2026-11-20');
      assert.deepEqual(audit.map((a) => a.status), ['failed']);
      assert.match(audit[0].message ?? '', /s_nationkey/);
      const written = filesUnder(reports);
      for (const name of ['run.json', 'run.md', 'quality.json', 'quality.md', 'drift.json']) {
        assert.ok(written.some((f) => f.endsWith(`/${name}`)), `${name} in ${written.join(', ')}`);
      }
      const run = readJson<RunReport>(written.find((f) => f.endsWith('/run.json'))!);
      assert.equal(run.status, 'failed');
      assert.equal(run.exitCode, 4);
      assert.deepEqual(filesUnder(fx.dir).filter((f) => f.endsWith('.partial')), [], 'no partial file anywhere');
      assert.deepEqual(filesUnder(join(fx.dir, 'staging-not-yet')), [], 'no part and no manifest in staging');
    });
  });
}
