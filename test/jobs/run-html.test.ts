/**
 * run.html, written next to run.md by every run through the real command line, on PGlite and PostgreSQL:
 * one self-contained file (no script but its inline JSON, no URL, no external anything), the ledger,
 * timings and widths charts as inline SVG, the sections of the issue, every value from the data escaped
 * (a file name and a value that are HTML); and the storage advice section drawn from a hand-built
 * StorageAdvice (the shape `advise` fills in).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { readJson } from '../support/json.ts';
import type { RunReport } from '../../jobs/report.ts';
import type { StorageAdvice } from '../../jobs/advice/advice.ts';
import { renderRunHtml } from '../../jobs/report-html/run-html.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';
const LINES = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, 10);

/** Everything in the page that could make a browser fetch or run something. */
function assertSelfContained(html: string): void {
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
  assert.deepEqual(scripts, ['<script type="application/json" id="report-data">'], 'only the inline data block');
  // Every `<` from the data is escaped, so each `<name …>` is a tag the page itself wrote.
  for (const [tag] of html.matchAll(/<[a-z][^>]*>/gi)) {
    assert.doesNotMatch(tag, /\s(src|href|srcset|action|formaction|poster|background|on[a-z]+)\s*=/i, `no attribute that loads, links or runs anything: ${tag}`);
  }
  assert.doesNotMatch(html, /url\(|@import|<link\b|<iframe|<object|<embed/i);
  // The only URLs are SVG's namespace names, which nothing fetches.
  const urls = [...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
  for (const u of urls) assert.ok(u === 'http://www.w3.org/2000/svg' || u === 'http://www.w3.org/1999/xlink', `no URL in the page: ${u}`);
}

function charts(html: string): string[] {
  return [...html.matchAll(/<svg width="100%"[^>]* data-chart="([^"]+)" [^>]*viewBox="0 0 \d+ \d+"/g)].map((m) => m[1]);
}

/** The run report the only run of `date` left under `reports`. */
function runOf(reports: string, date: string): RunReport {
  const batch = join(reports, 'supplier', `batch=${date}`);
  const runs = readdirSync(batch);
  assert.equal(runs.length, 1);
  return readJson<RunReport>(join(batch, runs[0], 'run.json'));
}

for (const engine of ENGINES) {
  describe(`run.html on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'runhtml');

    async function run(date: string, files: Record<string, string>): Promise<{ code: number | null; report: RunReport; html: string }> {
      const src = join(fx.dir, 'landing', date.replaceAll('-', ''));
      mkdirSync(src, { recursive: true });
      for (const [f, text] of Object.entries(files)) writeFileSync(join(src, f), text);
      const reports = join(fx.dir, 'reports');
      const r = await runCli(['run', '--dataset', 'supplier', '--date', date, '--source', src, '--staging', join(fx.dir, 'staging'), '--reports', reports, '--warehouse', fx.warehouse], { cwd: fx.dir });
      const report = runOf(reports, date);
      assert.ok(report.reports.runHtml, `run.json names run.html: ${r.stderr}`);
      assert.equal(dirname(report.reports.runHtml), dirname(report.reports.runMarkdown!), 'next to run.md');
      return { code: r.code, report, html: readFileSync(report.reports.runHtml, 'utf8') };
    }

    it('a published run: self-contained page with the ledger, timings and widths charts and every section', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const { code, report, html } = await run('2026-09-01', { 'a.tbl': `${LINES.join('\n')}\n` });
      assert.equal(code, 0);
      assertSelfContained(html);
      assert.deepEqual(charts(html), ['ledger', 'timings', 'widths']);
      for (const id of ['ledger', 'timings', 'columns', 'quality', 'drift', 'files']) assert.match(html, new RegExp(`<section id="${id}">`));
      // Every published run carries its storage advice (jobs/advice): the page shows it.
      assert.match(html, /<section id="advice">/, 'the storage advice of the run');
      assert.match(html, /<td data-label="hand-off">published<\/td><td class="n" data-label="rows">10<\/td>/);
      assert.match(html, /<code>s_name<\/code><\/td><td data-label="type">varchar\(100\)<\/td><td class="n" data-label="nulls">0<\/td>/, 'the column profile');
      assert.match(html, /<code>unique:s_suppkey<\/code>/);
      // The data block is run.json's report itself.
      const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1];
      const inline = JSON.parse(data) as { run: RunReport; quality: { rowCount: number } };
      assert.deepEqual(inline.run, report);
      assert.equal(inline.quality.rowCount, 10);
    });

    it('a run quality refused: still a page, and HTML in a file name and a value is text, never markup', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const { code, html } = await run('2026-09-02', { [`${HOSTILE}.tbl`]: `999999|${HOSTILE}|addr|1|${HOSTILE} and more text|1.00|c|\n` });
      assert.equal(code, 4);
      assertSelfContained(html);
      assert.deepEqual(charts(html), ['ledger', 'timings', 'widths']);
      assert.ok(!html.includes('<img'), 'no <img in the page');
      assert.ok(!html.includes('onerror=alert(1)>'), 'no raw hostile text');
      assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;.tbl'), 'the file name, escaped');
      assert.ok(html.includes('<code>&quot;&lt;img src=x onerror=alert(1)&gt; and more te'), 'the failing value (the sample, quoted and cut), escaped');
      assert.match(html, /Nothing was published\. QualityError/);
    });
  });
}

describe('run.html storage advice', () => {
  const report: RunReport & { advice?: StorageAdvice } = {
    runId: 'r1', dataset: 'supplier', batchDate: '2026-09-03', status: 'published', startedAt: '2026-09-03T01:00:00.000Z',
    loadTs: '2026-09-03 01:00:00.000000', locations: { landing: 'l', source: 's', staging: 'st', reports: 'rp', warehouse: 'pglite:x', catalog: 'c' },
    rows: { source: 5, read: 5, parts: 5, manifest: 5, staged: 5, published: 5 }, files: [], ignored: [], parts: 1,
    timings: { list: 1, total: 10 }, reports: {},
  };
  const advice: StorageAdvice = {
    dataset: 'supplier', table: 'assignment.supplier_data', sampleRows: 1000, source: 'sample',
    columns: [{ column: 's_name', declaredType: 'varchar(100)', currentEncoding: 'lzo', suggestedType: 'varchar(32)', suggestedEncoding: 'zstd',
      bytesPerMillionNow: 9_000_000, bytesPerMillionSuggested: 4_000_000, reason: `widest value 18 bytes ${HOSTILE}` }],
    tableChanges: [{ kind: 'sortkey', now: '(none)', suggested: 's_suppkey', reason: 'keys arrive in order' }],
    ddl: ["ALTER TABLE assignment.supplier_data ALTER COLUMN s_name TYPE varchar(32) -- '<b>'"],
    bytesSavedPerMillionRows: 5_000_000,
  };

  it('shows the advice when run.json has it: columns, table changes, DDL, bytes saved per million rows, escaped', () => {
    const html = renderRunHtml({ report: { ...report, advice }, table: 'assignment.supplier_data' });
    assertSelfContained(html);
    const section = /<section id="advice">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    assert.match(section, /<strong>5,000,000<\/strong> bytes saved per million rows \(figures from a sample of 1,000 rows\)/);
    assert.match(section, /varchar\(100\) → varchar\(32\)/);
    assert.match(section, /lzo → zstd/);
    assert.match(section, /<td class="n" data-label="bytes \/ M rows now">9,000,000<\/td><td class="n" data-label="suggested">4,000,000<\/td>/);
    assert.match(section, /sortkey: \(none\) → s_suppkey/);
    assert.ok(section.includes('<pre>ALTER TABLE assignment.supplier_data ALTER COLUMN s_name TYPE varchar(32) -- &#39;&lt;b&gt;&#39;</pre>'));
    assert.ok(section.includes('&lt;img src=x onerror=alert(1)&gt;') && !html.includes('<img'));
  });

  it('has no advice section when run.json has none', () => {
    assert.doesNotMatch(renderRunHtml({ report, table: 'assignment.supplier_data' }), /id="advice"/);
  });
});

// The page is written for a run that never read its batch, too (an empty folder: exit 4 before any data).
describe('run.html of a run stopped at the listing', () => {
  const fx = warehouseFixture('pglite', 'runhtml-empty');
  it('an empty batch folder: the page says why and draws the empty ledger', async () => {
    const src = join(fx.dir, 'landing', '20260904');
    mkdirSync(src, { recursive: true });
    const reports = join(fx.dir, 'reports');
    const r = await runCli(['run', '--dataset', 'supplier', '--date', '2026-09-04', '--source', src, '--staging', join(fx.dir, 'staging'), '--reports', reports, '--warehouse', fx.warehouse], { cwd: fx.dir });
    assert.equal(r.code, 4, r.stderr);
    const report = runOf(reports, '2026-09-04');
    assert.ok(report.reports.runHtml && existsSync(report.reports.runHtml));
    const html = readFileSync(report.reports.runHtml, 'utf8');
    assertSelfContained(html);
    assert.deepEqual(charts(html), ['ledger', 'timings']);
    assert.match(html, /No column profile: the run stopped before the data was read\./);
  });
});
