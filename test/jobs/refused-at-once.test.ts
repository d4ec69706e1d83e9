/**
 * Flags, dates, dataset names and warehouse URIs a run cannot use are refused at once: exit 2 (never
 * retried by AWS Batch), one line saying what to write, and nothing done — no staging written, no table
 * created in the warehouse. Before, some ran on for ever (10M parts), some failed only after connecting
 * (year 0000, `__proto__`), and bad URIs ended as "unexpected error: Invalid URL" (exit 1, retried).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { datasets } from '../../datasets/index.ts';
import { runCli, SHARED_TPCH, type CliResult } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { filesUnder, loaderTables, oneErrorLine } from '../support/hostile.ts';
import { pgUrl } from '../support/services.ts';
import { lastJson, type PartitionSummary, type RunSummary } from '../support/json.ts';

const THREE_ROWS = '1|Supplier#000000001| N kD4on9OM Ipw3,gf0JBoQDd7tgrzrddZ|17|27-918-335-1736|5755.94|each slyly above the careful|\n'
  + '2|Supplier#000000002|89eJ5ksX3ImxJQBvxObC,|5|15-679-861-2259|4032.68| slyly bold instructions. idle dependen|\n'
  + '3|Supplier#000000003|q1,G3Pj6OjIuUYfUoH18BFTKP5aU9bEV3|1|11-383-516-1199|4192.40|blithely silent requests after the express dependencies are sl|\n';

/** runCli, but a run still going after `ms` is killed (a flag that makes it run for ever fails, not hangs). */
function runCliWithin(args: string[], opts: { cwd?: string }, ms = 60_000): Promise<CliResult> {
  return runCli(args, { ...opts, killAfterMs: ms });
}

for (const engine of ENGINES) {
  describe(`refused before any work, on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'atonce', (dir) => {
      mkdirSync(join(dir, 'landing'));
      writeFileSync(join(dir, 'landing', 'supplier.tbl'), THREE_ROWS);
    });
    const run = (extra: string[], dataset = 'supplier') =>
      runCliWithin(
        ['run', '--dataset', dataset, '--date', '2026-11-19', '--source', join(fx.dir, 'landing'), '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse, ...extra],
        { cwd: fx.dir },
      );
    const nothingDone = async () => {
      assert.deepEqual(filesUnder(join(fx.dir, 'staging')), [], 'nothing staged');
      assert.deepEqual(await loaderTables(fx.warehouse), [], 'no table created in the warehouse');
    };

    it('--slices 10000 --parts-per-slice 1000: the part limit, named, at once', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await run(['--slices', '10000', '--parts-per-slice', '1000']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(oneErrorLine(r), /^ConfigError: --slices 10000 × --parts-per-slice 1000 asks for 10,000,000 parts; the limit is 10,000/);
      await nothingDone();
    });

    for (const date of ['0000-01-01', '2026-02-30', '2025-02-29', '0100-02-29', '10000-01-01', '2026-1-01']) {
      it(`--date ${date}`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const r = await runCli(
          ['run', '--dataset', 'supplier', '--date', date, '--source', join(fx.dir, 'landing'), '--staging', join(fx.dir, 'staging'), '--warehouse', fx.warehouse],
          { cwd: fx.dir },
        );
        assert.equal(r.code, 2, r.stderr);
        assert.match(oneErrorLine(r), /^ConfigError: --date must be a calendar date as YYYY-MM-DD \(years 0001–9999\)/);
        await nothingDone();
      });
    }

    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      it(`--dataset ${name} is an unknown dataset`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const r = await run([], name);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(oneErrorLine(r), `ConfigError: unknown dataset "${name}" — one of: ${Object.keys(datasets).join(', ')}`);
        await nothingDone();
      });
    }

    it('--slices 10000 on three rows publishes them from one part, not 10,000', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await run(['--slices', '10000', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJson<RunSummary>(r.stdout);
      assert.equal(summary.rows.published, 3);
      assert.equal(summary.parts, 1);
      assert.equal(filesUnder(join(fx.dir, 'staging')).filter((f) => f.endsWith('.csv.gz')).length, 1);
    });
  });
}

describe('numeric flags out of range, not integers, or not numbers', () => {
  const cases: Array<[string, string]> = [];
  for (const flag of ['slices', 'parts-per-slice', 'gzip-level', 'workers']) {
    for (const v of ['NaN', '-1', '1.5', '', '1e3']) cases.push([flag, v]);
  }
  cases.push(['slices', '0'], ['slices', '10001'], ['parts-per-slice', '0'], ['parts-per-slice', '1001'], ['gzip-level', '0'], ['gzip-level', '10'], ['workers', '65']);
  for (const [flag, v] of cases) {
    it(`run --${flag} "${v}": exit 2 naming the flag and its range`, async () => {
      const r = await runCli(['run', '--dataset', 'supplier', '--date', '2026-11-19', '--source', '/nonexistent', '--warehouse', 'pglite:/nonexistent/wh', `--${flag}=${v}`]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(oneErrorLine(r), new RegExp(`^ConfigError: --${flag} must be an integer from \\d+ to \\d+, got "${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
    });
  }
  it('RL_SLICES that is not a number: exit 2', async () => {
    const r = await runCli(['partition', '--dataset', 'supplier', '--source', '/nonexistent', '--out', '/nonexistent/out'], { env: { RL_SLICES: 'eight' } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(oneErrorLine(r), /--slices must be an integer/);
  });
  it('partition --slices 4000 --parts-per-slice 3: the part limit, exit 2', async () => {
    const r = await runCli(['partition', '--dataset', 'supplier', '--source', '/nonexistent', '--out', '/nonexistent/out', '--slices', '4000', '--parts-per-slice', '3']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(oneErrorLine(r), /asks for 12,000 parts; the limit is 10,000/);
  });
});

describe('part counts follow the input: a multiple of the slices when it can fill them, fewer parts when it cannot', () => {
  const tbl = join(SHARED_TPCH, 'supplier_sf1.tbl'); // 1,409,184 bytes: room for 21 parts of 64 KiB
  for (const [flags, parts] of [
    [['--slices', '8'], 8],
    [['--slices', '4', '--parts-per-slice', '1000'], 20],
    [['--slices', '64'], 21],
    [['--slices', '10000'], 21],
  ] as Array<[string[], number]>) {
    it(`${flags.join(' ')} on SF 1 text: ${parts} parts`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rl-parts-'));
      const r = await runCli(['partition', '--dataset', 'supplier', '--source', tbl, '--out', join(dir, 'out'), '--json', ...flags]);
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJson<PartitionSummary>(r.stdout);
      assert.equal(summary.rows, 10_000);
      assert.equal(summary.parts, parts);
      assert.equal(filesUnder(join(dir, 'out')).filter((f) => f.endsWith('.csv.gz')).length, parts);
    });
  }
});

describe('warehouse URIs that cannot be used: exit 2, what to write, the password never echoed', () => {
  const socket = new URL(pgUrl());
  socket.searchParams.set('sslcert', '/nonexistent/client.crt');
  for (const [uri, pattern] of [
    ['postgres://u:Hunter2Pw/x@host/db', /percent-encode it \(\/ as %2F/],
    ['postgres://u:Hunter2Pw@host:99999/db', /port 99999 is out of range \(1–65535\)/],
    ['postgres://u:Hunter2Pw@host:0/db', /port 0 is out of range/],
    ['postgres://u@[::1/db', /IPv6 host is not closed with "\]"/],
    ['postgresql://u:Hunter2Pw@[::1:5432/db', /IPv6 host is not closed/],
    [socket.toString(), /cannot read the sslcert file \/nonexistent\/client\.crt the warehouse URI names \(ENOENT\)/],
  ] as Array<[string, RegExp]>) {
    it(uri.replace('Hunter2Pw', '…'), async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rl-uri-'));
      const r = await runCli(['run', '--dataset', 'supplier', '--date', '2026-11-19', '--source', join(SHARED_TPCH, 'supplier_sf1.tbl'), '--staging', join(dir, 'staging'), '--warehouse', uri], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      const line = oneErrorLine(r);
      assert.match(line, /^ConfigError: /);
      assert.match(line, pattern);
      assert.match(line, /postgres:\/\/user:password@host:5432\/db|leave the parameter out/, 'says what to write');
      assert.ok(!r.stderr.includes('Hunter2'), 'the password is never echoed');
      assert.deepEqual(filesUnder(join(dir, 'staging')), []);
    });
  }
});
