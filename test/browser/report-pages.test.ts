/**
 * The report pages in a real browser (headless Chromium through puppeteer-core): run.html of a published
 * run, of a run quality refused (a file name and a value that are HTML) and of a run drift blocked, and
 * the dataset's index.html that `report` builds from them. Each page: no console error, no request at
 * all besides the file itself, every expected chart drawn (an SVG of non-zero size with marks of non-zero
 * size), nothing wider than a 390-pixel phone, and the hostile text shown as text (no <img>, no dialog).
 * Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { artifactPath, launchChromium } from '../support/browser.ts';
import { lastJson, readJson } from '../support/json.ts';
import type { RunReport } from '../../jobs/report.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';
const LINES = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, 10);

/** What the page shows: its charts (ECharts marks every data item it draws with its series index), width, elements, text. */
const IN_PAGE = `(() => {
  const size = (el) => { const b = el.getBBox(); return b; };
  const charts = [...document.querySelectorAll('svg[data-chart]')].map((svg) => {
    const box = svg.getBoundingClientRect();
    return {
      id: svg.getAttribute('data-chart') || '',
      width: box.width,
      height: box.height,
      marks: [...svg.querySelectorAll('[ecmeta_series_index]')].filter((el) => { const b = size(el); return b.width > 0 && b.height > 0; }).length,
      paths: [...svg.querySelectorAll('path, rect')].filter((el) => { const b = size(el); return b.width > 0 || b.height > 0; }).length,
    };
  });
  return {
    charts,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    images: document.querySelectorAll('img').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => s.type !== 'application/json').length,
    text: document.body.innerText,
  };
})()`;

interface PageFacts {
  consoleErrors: string[];
  otherRequests: string[];
  dialogs: string[];
  charts: Array<{ id: string; width: number; height: number; marks: number; paths: number }>;
  scrollWidth: number;
  innerWidth: number;
  images: number;
  scripts: number;
  text: string;
}

async function open(browser: Browser, file: string, shot: string): Promise<PageFacts> {
  const page = await browser.newPage();
  const url = pathToFileURL(file).href;
  const facts: PageFacts = { consoleErrors: [], otherRequests: [], dialogs: [], charts: [], scrollWidth: 0, innerWidth: 0, images: 0, scripts: 0, text: '' };
  page.on('console', (m) => {
    if (m.type() === 'error') facts.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => facts.consoleErrors.push(String(e)));
  page.on('dialog', (d) => {
    facts.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    if (req.url() === url) return void req.continue();
    facts.otherRequests.push(req.url());
    void req.abort();
  });
  await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  await page.goto(url, { waitUntil: 'load' });
  // Plain JavaScript as text: tsx would wrap named functions in a helper the page does not have.
  const inPage = (await page.evaluate(IN_PAGE)) as Omit<PageFacts, 'consoleErrors' | 'otherRequests' | 'dialogs'>;
  Object.assign(facts, inPage);
  await page.screenshot({ path: artifactPath(shot), fullPage: true });
  await page.close();
  return facts;
}

function assertClean(f: PageFacts, charts: string[], withMarks: string[] = charts): void {
  assert.deepEqual(f.consoleErrors, [], 'no console errors');
  assert.deepEqual(f.otherRequests, [], 'no request besides the file');
  assert.deepEqual(f.dialogs, [], 'no dialog');
  assert.equal(f.images, 0, 'no <img> element');
  assert.equal(f.scripts, 0, 'no executable script');
  assert.deepEqual(f.charts.map((c) => c.id), charts);
  for (const c of f.charts) {
    assert.ok(c.width > 300 && c.width <= 390 && c.height > 50, `${c.id} is drawn at the phone's width: ${c.width}x${c.height}`);
    assert.ok(c.paths > 2, `${c.id} has axes: ${c.paths}`);
    if (withMarks.includes(c.id)) assert.ok(c.marks > 0, `${c.id} draws its data: ${c.marks} marks`);
  }
  assert.ok(f.scrollWidth <= f.innerWidth, `fits a 390 px phone: scrollWidth ${f.scrollWidth}, innerWidth ${f.innerWidth}`);
}

describe('report pages in headless Chromium', () => {
  let browser: Browser | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rl-browser-'));
  const reports = join(dir, 'reports');
  const runs: Record<'published' | 'quality' | 'drift', RunReport | undefined> = { published: undefined, quality: undefined, drift: undefined };
  let index = '';

  async function run(name: keyof typeof runs, date: string, files: Record<string, string>, code: number): Promise<void> {
    const src = join(dir, 'landing', name, date.replaceAll('-', ''));
    mkdirSync(src, { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(src, f), text);
    const r = await runCli(['run', '--dataset', 'supplier', '--date', date, '--source', src, '--staging', join(dir, 'staging'), '--reports', reports,
      '--warehouse', `pglite:${join(dir, 'warehouse')}`, '--json'], { cwd: dir });
    assert.equal(r.code, code, r.stderr);
    const batch = join(reports, 'supplier', `batch=${date}`);
    const [only] = readdirSync(batch);
    runs[name] = readJson<RunReport>(join(batch, only, 'run.json'));
  }

  before(async (t) => {
    browser = await launchChromium(t as never);
    if (!browser) return;
    await run('published', '2026-11-24', { 'a.tbl': `${LINES.join('\n')}\n` }, 0);
    // Quality refuses it: a phone of 43 bytes in varchar(40), in a file whose name is HTML too.
    await run('quality', '2026-11-25', { [`${HOSTILE}.tbl`]: `999999|${HOSTILE}|addr|1|${HOSTILE} and more text|1.00|c|\n` }, 4);
    // Drift blocks it: an eighth column the contract does not have (policy freeze).
    await run('drift', '2026-11-26', { 'a.tbl': `${LINES.slice(0, 3).map((l) => `${l}extra|`).join('\n')}\n` }, 3);
    const r = await runCli(['report', '--dataset', 'supplier', '--reports', reports, '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    index = lastJson<{ index: string }>(r.stdout).index;
  });

  after(async () => {
    await browser?.close();
  });

  it('run.html of a published run: ledger, timings and widths drawn, fits a phone, no request', async (t) => {
    if (!browser) return t.skip('no browser');
    const f = await open(browser, runs.published!.reports.runHtml!, 'run-published.png');
    assertClean(f, ['ledger', 'timings', 'widths']);
    assert.match(f.text, /Published 10 rows into assignment\.supplier_data/);
  });

  it('run.html of a run quality refused: the HTML in a file name and a value is shown as text', async (t) => {
    if (!browser) return t.skip('no browser');
    const f = await open(browser, runs.quality!.reports.runHtml!, 'run-quality-failed.png');
    // The pass refused the batch: no hand-off count was recorded, the ledger's axes are drawn empty.
    assertClean(f, ['ledger', 'timings', 'widths'], ['timings', 'widths']);
    assert.ok(f.text.includes(`${HOSTILE}.tbl`), 'the file name is shown as text');
    assert.ok(f.text.includes(`${HOSTILE} and more`), 'the failing value is shown as text');
    assert.match(f.text, /Nothing was published\. QualityError/);
  });

  it('run.html of a run drift blocked: the drift diff names the column, charts still drawn', async (t) => {
    if (!browser) return t.skip('no browser');
    const f = await open(browser, runs.drift!.reports.runHtml!, 'run-drift-blocked.png');
    // Stopped before the data was read: no rows past the source, no column profile to chart.
    assertClean(f, ['ledger', 'timings'], ['timings']);
    assert.match(f.text, /column_8/);
  });

  it('index.html: four charts drawn, links to every run page that exist, fits a phone', async (t) => {
    if (!browser) return t.skip('no browser');
    const f = await open(browser, index, 'index.png');
    assertClean(f, ['rows-per-batch', 'run-time', 'failures', 'drift-events']);
    const html = readFileSync(index, 'utf8');
    const hrefs = [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(hrefs.length, 3);
    for (const h of hrefs) {
      assert.ok(!/^[a-z]+:|^\//i.test(h), `relative link: ${h}`);
      assert.ok(existsSync(fileURLToPath(new URL(h, pathToFileURL(index)))), `${h} exists beside ${dirname(index)}`);
    }
    for (const r of Object.values(runs)) assert.ok(hrefs.some((h) => r!.reports.runHtml!.endsWith(decodeURIComponent(h))), `links ${r!.runId}`);
  });
});
