/**
 * The byte-level path for `.tbl` text through the real command line: a whole run (PGlite) over text with
 * many edge spellings, in two files and past the first range, writes the same parts (decompressed text),
 * the same manifest figures and checksums and the same quality report as the whole-file reader (the same
 * contract with a quote character, which parses per value as every text file did before). The one
 * difference is the report's `fallbacks`: the range with a spelling outside the canonical subset is
 * counted there, by reason. TPC-H's own dbgen SUPPLIER `.tbl` takes the byte-level path for every range
 * (no fallbacks) with the same parts as the whole-file reader.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import type { Manifest } from '../../core/manifest.ts';
import type { QualityReport } from '../../data-quality/report.ts';
import { runCli } from '../support/cli.ts';
import { warehouseFixture } from '../support/engines.ts';
import { lastJson, readJson, type RunSummary } from '../support/json.ts';

const SUPPLIER_TBL = '/work/shared/data/tpch/supplier_sf1.tbl';

const edges = {
  name: 'edges', description: 'text edge spellings', schema: 'assignment', stageTable: 'edges_stage', historyTable: 'edges_data', auditTable: 'load_audit',
  columns: [
    { name: 'id', type: { kind: 'bigint' }, nullable: false },
    { name: 'qty', type: { kind: 'integer' }, nullable: true },
    { name: 'price', type: { kind: 'decimal', precision: 15, scale: 2 }, nullable: true },
    { name: 'day', type: { kind: 'date' }, nullable: true },
    { name: 'ts', type: { kind: 'timestamp' }, nullable: true },
    { name: 'code', type: { kind: 'char', bytes: 4 }, nullable: true },
    { name: 'note', type: { kind: 'varchar', bytes: 40 }, nullable: true },
  ],
  loadTimestampColumn: 'load_ts', distKey: 'id', sortKey: { style: 'compound', columns: ['load_ts'] }, key: ['id'], writeMode: 'append',
  source: { prefix: '{dataset}/{yyyymmdd}/', formats: ['csv'], delimited: { delimiter: '|', header: false, quote: null as string | null, nullMarker: '', trailingDelimiter: true } },
  checksums: { sum: ['price'], minMax: ['id', 'qty'] }, drift: { policy: 'freeze' },
  quality: [{ type: 'range', column: 'qty', min: '-100', max: '100', severity: 'warn' }, { type: 'max_bytes', column: 'note', severity: 'error' }],
};

const NOTES = ['plain', 'quote " inside', '\\N', 'é 日本 😀', '  blanks  ', '', 'comma, tab\t', 'x'.repeat(40)];
const DAYS = ['1992-01-01', '0001-01-01', '9999-12-31', '2000-02-29', '', '1998-12-01'];
const PRICES = ['5755.94', '-0.05', '0', '0.5', '12', '9999999999999.99', '', '-999.99'];

function edgeLine(k: number): string {
  const qty = k % 11 === 0 ? '' : String((k % 300) - 150); // some out of the (warn) range
  const ts = k % 5 === 0 ? '' : `1996-03-${String(1 + (k % 28)).padStart(2, '0')} 10:11:${String(k % 60).padStart(2, '0')}${k % 3 === 0 ? '.25' : ''}`;
  const code = ['AB', 'a"b', '', 'WXYZ'][k % 4];
  return [k, qty, PRICES[k % PRICES.length], DAYS[k % DAYS.length], ts, code, NOTES[k % NOTES.length]].join('|') + '|';
}

const ROWS_A = 70_000; // past the first range
const fx = warehouseFixture('pglite', 'text-byte-level', (dir) => {
  for (const [name, quote] of [['ranges', null], ['whole', '"']] as const) {
    mkdirSync(join(dir, `contracts-${name}`));
    writeFileSync(join(dir, `contracts-${name}`, 'edges.json'), JSON.stringify({ ...edges, source: { ...edges.source, delimited: { ...edges.source.delimited, quote } } }));
    const supplier = JSON.parse(readFileSync(new URL('../../datasets/supplier.json', import.meta.url), 'utf8')) as { source: { delimited: { quote: string | null } } };
    supplier.source.delimited.quote = quote;
    writeFileSync(join(dir, `contracts-${name}`, 'supplier.json'), JSON.stringify(supplier));
  }
  const batch = join(dir, 'edges');
  mkdirSync(batch);
  writeFileSync(join(batch, 'a.tbl'), Array.from({ length: ROWS_A }, (_, i) => edgeLine(i + 1)).join('\n') + '\n');
  // CR LF line ends, no line end after the last line, and one spelling outside the canonical subset (+5)
  const b = Array.from({ length: 500 }, (_, i) => edgeLine(ROWS_A + 1 + i));
  b[250] = b[250].replace(/^(\d+)\|[^|]*\|/, '$1|+5|');
  writeFileSync(join(batch, 'b.tbl'), b.join('\r\n'));
  const sup = join(dir, 'supplier');
  mkdirSync(sup);
  writeFileSync(join(sup, 'supplier.tbl'), readFileSync(SUPPLIER_TBL));
});

async function run(dataset: string, source: string, contracts: string) {
  const tag = `${dataset}-${contracts}`;
  const r = await runCli([
    'run', '--dataset', dataset, '--contracts', join(fx.dir, `contracts-${contracts}`), '--date', '2026-11-25', '--source', join(fx.dir, source),
    '--staging', join(fx.dir, `staging-${tag}`), '--reports', join(fx.dir, `reports-${tag}`), '--warehouse', `pglite:${join(fx.dir, `wh-${tag}`)}`, '--json',
  ], { cwd: fx.dir });
  assert.equal(r.code, 0, r.stderr);
  const summary = lastJson<RunSummary>(r.stdout);
  const manifest = readJson<Manifest>(summary.manifest!);
  const text = manifest.entries.map((e) => gunzipSync(readFileSync(e.url.replace(/^file:\/\//, ''))).toString('utf8')).join('');
  const quality = readJson<QualityReport>(summary.reports.qualityJson!);
  return { summary, manifest, text, quality };
}

/** What must be the same whatever path read the text: the report without run-specific fields and fallbacks. */
function comparable(q: QualityReport): unknown {
  const { fallbacks: _fallbacks, ...rest } = q;
  return JSON.parse(JSON.stringify(rest, (k, v: unknown) => (['runId', 'generatedAt', 'startedAt', 'finishedAt'].includes(k) ? undefined : v), 0)) as unknown;
}

describe('.tbl on the byte-level path, through the command line', () => {
  it('writes the same parts, manifest figures and quality report as the whole-file reader; the one declined range is counted', async () => {
    const fast = await run('edges', 'edges', 'ranges');
    const whole = await run('edges', 'edges', 'whole');
    assert.equal(fast.summary.rows.published, ROWS_A + 500);
    assert.equal(fast.text, whole.text);
    assert.match(fast.text, /\|5\|/); // +5 as the per-value path writes it
    assert.deepEqual(fast.manifest.package.checksums, whole.manifest.package.checksums);
    assert.deepEqual(fast.manifest.entries.map((e) => e.meta), whole.manifest.entries.map((e) => e.meta));
    assert.deepEqual(comparable(fast.quality), comparable(whole.quality));
    assert.deepEqual(fast.quality.fallbacks, { units: 1, reasons: [{ reason: 'text column qty: a spelling outside the byte level\'s canonical integers', units: 1 }] });
    assert.equal('fallbacks' in whole.quality, false);
    assert.match(readFileSync(fast.summary.reports.qualityMarkdown!, 'utf8'),
      /1 unit read through hyparquet \(Parquet\) or the whole-range parser \(text\) instead of the byte-level decoder: text column qty: a spelling outside the byte level's canonical integers \(1 unit\)\./);
  });

  it('takes every range of dbgen\'s SUPPLIER .tbl (no fallbacks) with the same parts as the whole-file reader', async () => {
    const fast = await run('supplier', 'supplier', 'ranges');
    const whole = await run('supplier', 'supplier', 'whole');
    assert.equal(fast.summary.rows.published, 10_000);
    assert.equal(fast.text, whole.text);
    assert.deepEqual(fast.manifest.package.checksums, whole.manifest.package.checksums);
    assert.deepEqual(comparable(fast.quality), comparable(whole.quality));
    assert.equal('fallbacks' in fast.quality, false);
  });
});
