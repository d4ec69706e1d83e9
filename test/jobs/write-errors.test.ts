/**
 * Write errors of the stores, on real filesystems: a full disk under staging or reports is a retryable
 * LoadError (exit 5) naming the location, with the failure in the audit table and no partial file; a
 * read-only location is a ConfigError (exit 2). Before, both were "unexpected" (exit 1).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { auditRows, filesUnder, oneErrorLine } from '../support/hostile.ts';
import { canMount, mountTinyFs, type TinyFs } from '../support/tiny-fs.ts';
import { readJson } from '../support/json.ts';
import type { RunReport } from '../../jobs/report.ts';

const GOOD_ROWS = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, 3).join('\n') + '\n';

for (const engine of ENGINES) {
  describe(`write errors on ${engine}`, () => {
    const mounts: TinyFs[] = [];
    let mountable = true;
    const fx = warehouseFixture(engine, 'wrerr', (dir) => {
      mkdirSync(join(dir, 'landing'));
      writeFileSync(join(dir, 'landing', 'supplier.tbl'), GOOD_ROWS);
    });
    before((t) => {
      mountable = canMount(t as never, join(fx.dir, 'probe'));
      if (!mountable) return;
      mounts.push(mountTinyFs(join(fx.dir, 'full'), 'full'), mountTinyFs(join(fx.dir, 'readonly'), 'readonly'));
    });
    after(() => {
      for (const m of mounts) m.unmount();
    });

    const run = (date: string, staging: string, reports: string) =>
      runCli(
        ['run', '--dataset', 'supplier', '--date', date, '--source', join(fx.dir, 'landing'), '--staging', staging, '--reports', reports, '--warehouse', fx.warehouse],
        { cwd: fx.dir },
      );

    it('a full disk under staging: exit 5 naming the location, audited, reported, no partial file', async (t) => {
      if (fx.skip || !mountable) return t.skip('no PostgreSQL or no mount');
      const staging = join(fx.dir, 'full', 'staging');
      const r = await run('2026-11-21', staging, join(fx.dir, 'reports'));
      assert.equal(r.code, 5, r.stderr);
      const line = oneErrorLine(r);
      assert.match(line, /^LoadError: write failed: no space left on the device \(ENOSPC\)/);
      assert.ok(line.includes(join(staging, 'supplier', 'batch=2026-11-21')), line);
      const audit = await auditRows(fx.warehouse, '2026-11-21');
      assert.deepEqual(audit.map((a) => a.status), ['failed']);
      assert.match(audit[0].message ?? '', /ENOSPC/);
      const runJson = filesUnder(join(fx.dir, 'reports')).find((f) => f.includes('batch=2026-11-21') && f.endsWith('/run.json'));
      assert.ok(runJson, 'the run report is written');
      assert.equal(readJson<RunReport>(runJson).exitCode, 5);
      assert.deepEqual(filesUnder(join(fx.dir, 'full')).filter((f) => !f.endsWith('/filler')), [], 'no part, manifest or partial file');
    });

    it('a full disk under reports: exit 5 naming the location, audited, no partial file', async (t) => {
      if (fx.skip || !mountable) return t.skip('no PostgreSQL or no mount');
      const reports = join(fx.dir, 'full', 'reports');
      const r = await run('2026-11-22', join(fx.dir, 'staging'), reports);
      assert.equal(r.code, 5, r.stderr);
      const line = oneErrorLine(r);
      assert.match(line, /^LoadError: write failed: no space left on the device \(ENOSPC\)/);
      assert.ok(line.includes(join(reports, 'supplier', 'batch=2026-11-22')), line);
      assert.deepEqual((await auditRows(fx.warehouse, '2026-11-22')).map((a) => a.status), ['failed']);
      assert.deepEqual(filesUnder(join(fx.dir, 'full')).filter((f) => !f.endsWith('/filler')), [], 'no report or partial file');
    });

    it('a read-only staging location: exit 2 naming it', async (t) => {
      if (fx.skip || !mountable) return t.skip('no PostgreSQL or no mount');
      const staging = join(fx.dir, 'readonly', 'staging');
      const r = await run('2026-11-23', staging, join(fx.dir, 'reports'));
      assert.equal(r.code, 2, r.stderr);
      const line = oneErrorLine(r);
      assert.match(line, /^ConfigError: cannot write: read-only filesystem \(EROFS\)/);
      assert.ok(line.includes(staging), line);
    });
  });
}
