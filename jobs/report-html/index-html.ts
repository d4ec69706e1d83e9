/**
 * index.html: one dataset's history on one page — rows published per batch, run time, failures and drift
 * events over time (charts), and a table linking every run's page. Same shell as run.html: no script,
 * no URL but the relative links to the runs' own pages.
 */
import { categoryAxis, chartFigure } from './charts.ts';
import { esc } from './escape.ts';
import type { History, RunEntry } from './history.ts';
import { num, page, section, table } from './page.ts';

export function renderIndexHtml(dataset: string, h: History, generatedAt: string): string {
  const published = h.runs.filter((r) => r.report.status === 'published').length;
  const failed = h.runs.filter((r) => r.report.status === 'failed').length;
  const body = [
    `<h1>${esc(dataset)}: run history</h1>`,
    `<p>${h.runs.length} runs (${published} published, ${failed} failed) of ${batches(h).length} batches; generated ${esc(generatedAt)} from <code>${esc(h.root)}</code>.</p>`,
    section('rows', 'Rows per batch', rowsPerBatch(h)),
    section('runtime', 'Run time', runTime(h)),
    section('failures', 'Runs and failures per day', failuresPerDay(h)),
    section('drift', 'Drift events per day', driftPerDay(h)),
    section('runs', 'Runs', runsTable(h)),
  ].join('\n');
  const data = {
    dataset,
    generatedAt,
    runs: h.runs.map((r) => ({ runId: r.report.runId, batchDate: r.report.batchDate, status: r.report.status, startedAt: r.report.startedAt, rows: r.report.rows, totalMs: r.report.timings.total, drift: r.drift, href: r.href })),
    driftChecks: h.driftChecks,
  };
  return page({ title: `${dataset} — run history`, body, data });
}

function batches(h: History): string[] {
  return [...new Set(h.runs.map((r) => r.report.batchDate))].sort();
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** The rows the batch holds now: its last published run's (runs are in start order). */
function rowsPerBatch(h: History): string {
  const dates = batches(h);
  const rows = dates.map((d) => {
    const last = h.runs.filter((r) => r.report.batchDate === d && r.report.status === 'published').at(-1);
    return last?.report.rows.published ?? '-';
  });
  return chartFigure({
    id: 'rows-per-batch',
    caption: 'Rows published per batch (its latest published run; no bar: never published)',
    option: {
      grid: { left: 72, right: 16, top: 28, bottom: 56 },
      xAxis: categoryAxis(dates),
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: rows, itemStyle: { color: '#3b6fd8' }, label: { show: dates.length <= 12, position: 'top' } }],
    },
  });
}

function runTime(h: History): string {
  const point = (r: RunEntry): [string, number] => [r.report.startedAt, Math.round((r.report.timings.total ?? 0) / 100) / 10];
  return chartFigure({
    id: 'run-time',
    caption: 'Seconds per run, by start time (green: published, red: failed)',
    option: {
      grid: { left: 56, right: 24, top: 28, bottom: 40 },
      legend: { top: 0, data: ['published', 'failed'] },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: 's' },
      series: [
        { name: 'published', type: 'scatter', symbolSize: 9, itemStyle: { color: '#2f9e6e' }, data: h.runs.filter((r) => r.report.status === 'published').map(point) },
        { name: 'failed', type: 'scatter', symbolSize: 9, itemStyle: { color: '#c0392b' }, data: h.runs.filter((r) => r.report.status !== 'published').map(point) },
      ],
    },
  });
}

function failuresPerDay(h: History): string {
  const days = [...new Set(h.runs.map((r) => day(r.report.startedAt)))].sort();
  const count = (d: string, published: boolean): number => h.runs.filter((r) => day(r.report.startedAt) === d && (r.report.status === 'published') === published).length;
  return chartFigure({
    id: 'failures',
    caption: 'Runs per day by outcome (the day each run started, UTC)',
    option: {
      grid: { left: 48, right: 16, top: 28, bottom: 56 },
      legend: { top: 0, data: ['published', 'failed'] },
      xAxis: categoryAxis(days),
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: 'published', type: 'bar', stack: 'runs', itemStyle: { color: '#2f9e6e' }, data: days.map((d) => count(d, true)) },
        { name: 'failed', type: 'bar', stack: 'runs', itemStyle: { color: '#c0392b' }, data: days.map((d) => count(d, false)) },
      ],
    },
  });
}

/** Breaking and warn findings per day: the runs' drift reports and the `drift` command's checks. */
function driftPerDay(h: History): string {
  const events = [
    ...h.runs.filter((r) => r.drift).map((r) => ({ day: day(r.report.startedAt), breaking: r.drift!.breaking, warn: r.drift!.warn })),
    ...h.driftChecks.map((c) => ({ day: day(c.generatedAt), breaking: c.summary.breaking, warn: c.summary.warn })),
  ];
  const days = [...new Set([...events.map((e) => e.day), ...h.runs.map((r) => day(r.report.startedAt))])].sort();
  const sum = (d: string, k: 'breaking' | 'warn'): number => events.filter((e) => e.day === d).reduce((s, e) => s + e[k], 0);
  const chart = chartFigure({
    id: 'drift-events',
    caption: `Drift findings per day (${h.runs.filter((r) => r.drift).length} run reports, ${h.driftChecks.length} drift checks)`,
    option: {
      grid: { left: 48, right: 16, top: 28, bottom: 56 },
      legend: { top: 0, data: ['breaking', 'warn'] },
      xAxis: categoryAxis(days),
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: 'breaking', type: 'bar', stack: 'drift', itemStyle: { color: '#c0392b' }, data: days.map((d) => sum(d, 'breaking')) },
        { name: 'warn', type: 'bar', stack: 'drift', itemStyle: { color: '#d4a017' }, data: days.map((d) => sum(d, 'warn')) },
      ],
    },
  });
  const checks = h.driftChecks.length
    ? table(
        ['drift check', 'breaking', 'warn', 'info'],
        h.driftChecks.map((c) => [`<a href="${esc(c.href)}">${esc(c.generatedAt)}</a>`, num(c.summary.breaking), num(c.summary.warn), num(c.summary.info)]),
        [1, 2, 3],
      )
    : '';
  return `${chart}\n${checks}`;
}

function runsTable(h: History): string {
  const rows = [...h.runs].reverse().map((r) => {
    const x = r.report;
    const drift = r.drift ? `${r.drift.breaking} / ${r.drift.warn} / ${r.drift.info}` : '—';
    return [
      `<a href="${esc(r.href)}">${esc(x.startedAt)}</a>`,
      esc(x.batchDate),
      `<span class="status ${esc(x.status)}">${esc(x.status)}</span>`,
      num(x.rows.published),
      x.timings.total === undefined ? '—' : `${esc((x.timings.total / 1000).toFixed(1))} s`,
      esc(drift),
      x.error ? `${esc(x.error)}${x.exitCode !== undefined ? ` (exit ${esc(x.exitCode)})` : ''}` : '',
    ];
  });
  return table(['run (newest first)', 'batch', 'status', 'rows published', 'run time', 'drift breaking / warn / info', 'error'], rows, [3, 4]);
}
