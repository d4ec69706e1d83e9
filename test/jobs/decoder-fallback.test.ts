/**
 * Units the byte-level decoder does not cover go through hyparquet, and the quality report counts
 * them by reason; a bug in the decoder is not such a unit: it fails the run (exit 1) instead of
 * quietly making it slower. Through the real command line, on PGlite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { SchemaElement } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { SUPPLIER_PARQUET_SCHEMA } from '../../tpch/index.ts';
import { runCli, type CliResult } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { published } from '../support/supplier.ts';
import { lastJson, readJson, type RunSummary } from '../support/json.ts';
import type { QualityReport } from '../../data-quality/report.ts';

const ROWS = 500;
const FAULT = fileURLToPath(new URL('../support/decoder-fault.ts', import.meta.url));

function writeSupplier(dir: string, encodings: Record<string, string> = {}, schema: SchemaElement[] = SUPPLIER_PARQUET_SCHEMA): void {
  const data: Record<string, unknown[]> = { s_suppkey: [], s_name: [], s_address: [], s_nationkey: [], s_phone: [], s_acctbal: [], s_comment: [] };
  for (let k = 1; k <= ROWS; k++) {
    data.s_suppkey.push(BigInt(k));
    data.s_name.push(`Supplier#${String(k).padStart(9, '0')}`);
    data.s_address.push(`address ${k}`);
    data.s_nationkey.push(k % 25);
    data.s_phone.push(`${10 + (k % 25)}-${100 + (k % 900)}-${100 + (k % 877)}-${1000 + (k % 9000)}`);
    data.s_acctbal.push(BigInt((k * 7919) % 1099999) - 99999n);
    data.s_comment.push(`comment ${k}`);
  }
  const columnData = Object.entries(data).map(([name, values]) => ({ name, data: values, ...(encodings[name] ? { encoding: encodings[name] } : {}) }));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'part-0.parquet'), new Uint8Array(parquetWriteBuffer({ schema, columnData } as never)));
}

/** The CLI with a module preloaded after tsx (the decoder fault). */
function runCliWith(preload: string, args: string[], cwd: string): Promise<CliResult> {
  return runCli(args, { cwd, preload: [preload] });
}

function humanLines(stderr: string): string[] {
  return stderr.trim().split('\n').filter((l) => l !== '' && !l.startsWith('{'));
}

for (const engine of ENGINES) {
  describe(`decoder fallbacks on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'fallback', (dir) => {
      writeSupplier(join(dir, 'clean'));
      // s_nationkey as INT32 UINT_32 (unsigned): a column type the byte-level path leaves to hyparquet (every
      // encoding real writers use is decoded now, so the fallback left to count is a type's).
      const unsigned = SUPPLIER_PARQUET_SCHEMA.map((e): SchemaElement => (e.name === 's_nationkey' ? { ...e, converted_type: 'UINT_32', logical_type: undefined } : e));
      writeSupplier(join(dir, 'split'), {}, unsigned);
    });
    const flags = (source: string, date: string, extra: string[] = []): string[] => [
      'run', '--dataset', 'supplier', '--date', date, '--source', join(fx.dir, source),
      '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse, '--json', ...extra,
    ];

    it('counts a unit the decoder does not cover (an INT32 UINT_32 column) in quality.json and quality.md, and publishes every row', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(flags('split', '2026-11-20'), { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJson<RunSummary>(r.stdout);
      assert.equal(summary.rows.published, ROWS);
      const q = readJson<QualityReport>(summary.reports.qualityJson!);
      assert.equal(q.fallbacks?.units, 1);
      assert.equal(q.fallbacks?.reasons.length, 1);
      assert.equal(q.fallbacks?.reasons[0].reason, 'column s_nationkey (INT32 UINT_32) is not read by the byte-level decoder');
      assert.equal(q.fallbacks?.reasons[0].units, 1);
      assert.match(readFileSync(summary.reports.qualityMarkdown!, 'utf8'),
        /## Decoder fallbacks\n\n1 unit read through hyparquet \(Parquet\) or the whole-range parser \(text\) instead of the byte-level decoder: column s_nationkey \(INT32 UINT_32\) is not read by the byte-level decoder \(1 unit\)\./);
    });

    it('leaves the report as it was when every unit takes the byte-level path (no fallbacks field)', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(flags('clean', '2026-11-21'), { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJson<RunSummary>(r.stdout);
      const q = readJson<QualityReport>(summary.reports.qualityJson!);
      assert.equal('fallbacks' in q, false);
      assert.doesNotMatch(readFileSync(summary.reports.qualityMarkdown!, 'utf8'), /Decoder fallbacks/);
    });

    it('fails with exit 1 and one line when the decoder has a bug, instead of falling back quietly; nothing is published', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const before = await published(fx.warehouse);
      // On the calling thread: the preload reaches this thread's decoder (worker threads run the same UnitProcessor.run).
      const r = await runCliWith(FAULT, flags('clean', '2026-11-22', ['--workers', '0']), fx.dir);
      assert.equal(r.code, 1, r.stderr);
      const lines = humanLines(r.stderr);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^unexpected error: injected decoder bug/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace without --debug');
      assert.deepEqual((await published(fx.warehouse)).rows, before.rows);
    });
  });
}
