/**
 * The nightly run end to end through the real command line, on PGlite and on a real PostgreSQL:
 * every published row equals its source row; reruns leave one copy; bad batches publish nothing.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { published, referenceRows } from '../support/supplier.ts';
import { renderDriftJson, type DriftReport } from '../../crawler/drift.ts';
import { parseJson, readJson, type RunSummary } from '../support/json.ts';
import type { RunReport } from '../../jobs/report.ts';

const reference = referenceRows();
const SOURCES: Record<string, string> = {
  'DuckDB snappy, 3 files, BIGINT nationkey, DOUBLE acctbal': join(SHARED_TPCH, 'duckdb-snappy'),
  'DuckDB zstd, DECIMAL(12,2)': join(SHARED_TPCH, 'duckdb-zstd-decimal.parquet'),
  'arrow-rs gzip, data page v2': join(SHARED_TPCH, 'arrow-rs-gzip-v2.parquet'),
  'dbgen text (.tbl)': join(SHARED_TPCH, 'supplier_sf1.tbl'),
};

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

for (const engine of ENGINES) {
  describe(`run on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'run');

    const flags = (source: string, extra: string[] = []): string[] => [
      'run', '--dataset', 'supplier', '--date', '2026-11-24', '--source', source,
      '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse,
      ...extra,
    ];

    for (const [label, source] of Object.entries(SOURCES)) {
      it(`publishes every row of ${label} exactly as dbgen wrote it, once`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const r = await runCli(flags(source), { cwd: fx.dir });
        assert.equal(r.code, 0, r.stderr);
        assert.match(lastLine(r.stderr), /published 10000 rows into assignment\.supplier_data/);
        const p = await published(fx.warehouse);
        assert.equal(p.rows.length, 10_000, 'one copy of the batch, whatever ran before');
        assert.equal(p.loadTs.length, 1);
        for (let i = 0; i < reference.length; i++) assert.deepEqual(p.rows[i], reference[i], `row ${i + 1}`);
      });
    }

    it('a rerun replaces the batch: one copy, audit says published once and replaced before', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      // The same files as an earlier test: --force loads them again (else "already published", jobs/already-published.ts).
      const r = await runCli(flags(SOURCES['DuckDB zstd, DECIMAL(12,2)'], ['--json', '--force']), { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      const summary = parseJson<RunSummary>(lastLine(r.stdout));
      assert.equal(summary.status, 'published');
      assert.deepEqual(
        [summary.rows.source, summary.rows.read, summary.rows.parts, summary.rows.manifest, summary.rows.staged, summary.rows.published],
        [10_000, 10_000, 10_000, 10_000, 10_000, 10_000],
      );
      assert.equal(summary.parts % 8, 0, 'parts are a multiple of the slices');
      const p = await published(fx.warehouse);
      assert.equal(p.rows.length, 10_000);
      const statuses = p.audit.filter((a) => a.batch_date === '2026-11-24').map((a) => a.status);
      assert.equal(statuses.filter((s) => s === 'published').length, 1);
      assert.equal(statuses.filter((s) => s === 'replaced').length, Object.keys(SOURCES).length);
      const run = readJson<RunReport>(summary.reports.runJson!);
      assert.equal(run.status, 'published');
      assert.ok(readFileSync(summary.reports.qualityMarkdown!, 'utf8').length > 0);
      assert.ok(readFileSync(summary.reports.driftMarkdown!, 'utf8').length > 0);
      const driftText = readFileSync(summary.reports.driftJson!, 'utf8');
      assert.equal(driftText, renderDriftJson(parseJson<DriftReport>(driftText)), 'the run writes drift.json as the drift command does');
    });

    it('an empty batch folder ends with one line, exit 4, and publishes nothing', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const empty = join(fx.dir, 'empty');
      mkdirSync(empty, { recursive: true });
      const before = await published(fx.warehouse);
      const r = await runCli(flags(empty, ['--date', '2026-11-23']), { cwd: fx.dir });
      assert.equal(r.code, 4, r.stderr);
      assert.equal(r.stderr.trim().split('\n').filter((l) => !l.startsWith('{')).length, 1, r.stderr);
      assert.match(r.stderr, /empty/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.deepEqual((await published(fx.warehouse)).rows, before.rows);
    });

    it('a truncated Parquet file ends with one line naming the file, exit 4, and publishes nothing', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const bad = join(fx.dir, 'truncated');
      mkdirSync(bad, { recursive: true });
      copyFileSync(join(SHARED_TPCH, 'duckdb-snappy', 'data_0.parquet'), join(bad, 'data_0.parquet'));
      const whole = readFileSync(join(SHARED_TPCH, 'duckdb-snappy', 'data_1.parquet'));
      writeFileSync(join(bad, 'data_1.parquet'), whole.subarray(0, Math.floor(whole.length / 2)));
      const before = await published(fx.warehouse);
      const r = await runCli(flags(bad, ['--date', '2026-11-24']), { cwd: fx.dir });
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /data_1\.parquet/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.deepEqual((await published(fx.warehouse)).rows, before.rows, 'the earlier copy of the batch is untouched');
    });
  });
}

describe('command line', () => {
  it('--help lists the commands and exit codes', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['run', 'start', 'partition', 'generate', 'ddl', 'setup', 'crawl', 'drift']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
    assert.match(r.stdout, /Exit codes/);
  });
  for (const [args, pattern] of [
    [['run', '--dataset', 'nope'], /unknown dataset "nope"/],
    [['run', '--dataset', 'supplier', '--date', '2026-02-30'], /--date must be a calendar date/],
    [['run', '--dataset', 'supplier', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['partition', '--dataset', 'supplier', '--source', '/tmp'], /--out is required/],
    [['run', '--dataset', 'supplier', '--slices', '0'], /--slices must be an integer/],
    [['run', '--dataset', 'supplier', '--warehouse', 'mysql://x'], /warehouse/i],
  ] as Array<[string[], RegExp]>) {
    it(`refuses ${args.join(' ')} with one line and exit 2`, async () => {
      const r = await runCli(args, { cwd: mkdtempSync(join(tmpdir(), 'rl-cli-')) });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }
  it('an ORC file is refused as not supported, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-orc-'));
    writeFileSync(join(dir, 'part-0.orc'), 'ORC');
    const r = await runCli(['partition', '--dataset', 'supplier', '--source', dir, '--out', join(dir, 'out')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /ORC is not supported/);
  });
});
