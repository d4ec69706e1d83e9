/**
 * run.html: one run on one page, next to run.md — the hand-off ledger and the step timings as charts,
 * every column's profile (widest value against the declared width as a chart, the rest as a table), every
 * quality rule with its counts and samples, the drift diff, and the storage advice when the run has it.
 * Self-contained: styles inline, charts as inline SVG, the data inline as JSON; no script, no URL.
 */
import type { QualityReport } from '../../data-quality/index.ts';
import type { DriftReport } from '../../crawler/drift.ts';
import type { StorageAdvice } from '../advice/advice.ts';
import type { RunReport } from '../report.ts';
import { describeIdentity } from '../store/identity.ts';
import { categoryAxis, chartFigure } from './charts.ts';
import { esc } from './escape.ts';
import { num, page, section, table } from './page.ts';

/** The run report as run.json holds it; `advice` once the run carries storage advice (issue 15, point 4). */
export type RunReportWithAdvice = RunReport & { advice?: StorageAdvice };

export interface RunPageInput {
  report: RunReportWithAdvice;
  /** The history table, `schema.table`. */
  table: string;
  quality?: QualityReport;
  drift?: DriftReport;
}

export const HAND_OFFS = ['source', 'read', 'parts', 'manifest', 'staged', 'published'] as const;

export function renderRunHtml(input: RunPageInput): string {
  const { report: r, quality, drift } = input;
  const body = [
    header(input),
    ledger(r),
    timings(r),
    quality ? columns(quality) : section('columns', 'Columns', '<p>No column profile: the run stopped before the data was read.</p>'),
    quality ? rules(quality) : section('quality', 'Quality rules', '<p>No quality report: the run stopped before the rules ran.</p>'),
    drift ? driftDiff(drift) : section('drift', 'Drift', '<p>No drift report: the run stopped before the drift check.</p>'),
    r.advice ? advice(r.advice) : '',
    files(r),
  ].join('\n');
  return page({ title: `${r.dataset} ${r.batchDate} — ${r.status}`, body, data: { run: r, quality, drift } });
}

function header({ report: r, table: history }: RunPageInput): string {
  const outcome =
    r.status === 'published'
      ? `<p>Published <strong>${num(r.rows.published)}</strong> rows into <code>${esc(history)}</code> with load_ts <code>${esc(r.loadTs)}</code>.</p>`
      : `<p class="error">Nothing was published.${r.error ? ` ${esc(r.error)}` : ''}${r.exitCode !== undefined ? ` (exit ${esc(r.exitCode)})` : ''}</p>`;
  return `<h1>${esc(r.dataset)} · batch ${esc(r.batchDate)} <span class="status ${esc(r.status)}">${esc(r.status.toUpperCase())}</span></h1>
<p>Run <code>${esc(r.runId)}</code>, started ${esc(r.startedAt)}${r.finishedAt ? `, finished ${esc(r.finishedAt)}` : ''}; warehouse <code>${esc(r.locations.warehouse || '—')}</code>.</p>
${outcome}`;
}

function ledger(r: RunReport): string {
  const values = HAND_OFFS.map((k) => r.rows[k] ?? '-');
  const chart = chartFigure({
    id: 'ledger',
    caption: 'Rows at each hand-off (a missing bar: the run stopped before that step)',
    option: {
      grid: { left: 64, right: 16, top: 28, bottom: 40 },
      xAxis: categoryAxis([...HAND_OFFS]),
      // No count at all (stopped before the source was read): the axes still show, empty.
      yAxis: { type: 'value', minInterval: 1, ...(values.every((v) => v === '-') ? { min: 0, max: 1 } : {}) },
      series: [{ type: 'bar', data: values, label: { show: true, position: 'top' }, itemStyle: { color: '#3b6fd8' } }],
    },
  });
  const rows = HAND_OFFS.map((k) => [esc(k), num(r.rows[k])]);
  return section('ledger', 'Hand-off ledger', `${chart}\n${table(['hand-off', 'rows'], rows, [1])}`);
}

function timings(r: RunReport): string {
  const steps = Object.entries(r.timings).filter(([k]) => k !== 'total');
  const chart = chartFigure({
    id: 'timings',
    caption: `Milliseconds per step (total ${r.timings.total ?? '—'} ms)`,
    height: 60 + 28 * Math.max(steps.length, 1),
    option: {
      grid: { left: 80, right: 56, top: 12, bottom: 28 },
      yAxis: { type: 'category', data: steps.map(([k]) => k), inverse: true },
      xAxis: { type: 'value' },
      series: [{ type: 'bar', data: steps.map(([, v]) => v), label: { show: true, position: 'right', formatter: '{c} ms' }, itemStyle: { color: '#7a5cc7' } }],
    },
  });
  const rows = Object.entries(r.timings).map(([k, v]) => [esc(k), `${num(v)} ms`]);
  return section('timings', 'Step timings', `${chart}\n${table(['step', 'time'], rows, [1])}`);
}

function columns(q: QualityReport): string {
  const text = q.columns.filter((c) => c.declaredBytes !== null && c.declaredBytes > 0);
  const chart = text.length
    ? chartFigure({
        id: 'widths',
        caption: 'Widest value as a share of the declared width (UTF-8 bytes; label: widest / declared)',
        height: 50 + 26 * text.length,
        option: {
          grid: { left: 110, right: 80, top: 12, bottom: 28 },
          yAxis: { type: 'category', data: text.map((c) => c.column), inverse: true },
          xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value} %' } },
          series: [
            {
              type: 'bar',
              data: text.map((c) => ({
                value: Math.round((10000 * (c.maxBytes ?? 0)) / (c.declaredBytes ?? 1)) / 100,
                label: { show: true, position: 'right', formatter: `${c.maxBytes ?? 0} / ${c.declaredBytes}` },
              })),
              itemStyle: { color: '#2f9e6e' },
            },
          ],
        },
      })
    : '<p>No text columns.</p>';
  const rows = q.columns.map((c) => [
    `<code>${esc(c.column)}</code>`,
    esc(c.type),
    num(c.nulls),
    num(c.distinctEstimate),
    esc(c.min ?? '—'),
    esc(c.max ?? '—'),
    c.declaredBytes === null ? '—' : `${num(c.maxBytes)} / ${num(c.declaredBytes)}`,
    num(c.failedCells),
  ]);
  const tbl = table(['column', 'type', 'nulls', 'distinct ≈', 'min', 'max', 'widest / declared bytes', 'failed cells'], rows, [2, 3, 6, 7]);
  return section('columns', `Columns (${q.rowCount.toLocaleString('en-US')} rows)`, `${chart}\n${tbl}`);
}

function rules(q: QualityReport): string {
  const s = q.summary;
  const head = `<p>Decision <span class="status ${q.decision === 'pass' ? 'pass' : 'fail'}">${esc(q.decision)}</span>: ${s.rules} rules, ${s.passed} passed, ${s.warned} warned, ${s.failed} failed.</p>`;
  const rows = q.rules.map((rule) => [
    `<code>${esc(rule.id)}</code>${rule.implicit ? ' <small>(implicit)</small>' : ''}<br><small>${esc(rule.description)}</small>`,
    `<span class="status ${esc(rule.status)}">${esc(rule.status)}</span>`,
    esc(rule.severity),
    num(rule.checked),
    num(rule.failed),
    samples(rule.samples, rule.detail),
  ]);
  return section('quality', 'Quality rules', `${head}\n${table(['rule', 'status', 'severity', 'checked', 'failed', 'samples'], rows, [3, 4])}`);
}

function samples(list: QualityReport['rules'][number]['samples'], detail?: string): string {
  const items = list.map((x) => `<li><code>${esc(x.value)}</code> — ${esc(x.file)}${x.row ? `, row ${esc(x.row)}` : ''}: ${esc(x.message)}</li>`);
  if (detail) items.unshift(`<li>${esc(detail)}</li>`);
  return items.length ? `<ul>${items.join('')}</ul>` : '—';
}

function driftDiff(d: DriftReport): string {
  const s = d.summary;
  const head = `<p>Decision <span class="status ${esc(d.decision)}">${esc(d.decision)}</span> under policy <code>${esc(d.policy)}</code>: ${s.breaking} breaking, ${s.warn} warn, ${s.info} info.</p>`;
  const findings = d.findings.length
    ? table(
        ['severity', 'kind', 'column', 'expected', 'found', 'source', 'what to do'],
        d.findings.map((f) => [
          `<span class="status ${esc(f.severity)}">${esc(f.severity)}</span>`,
          esc(f.kind),
          `<code>${esc(f.column)}</code>`,
          esc(f.expected ?? ''),
          esc(f.renamedTo ? `${f.renamedTo} ${f.found ?? ''}`.trim() : (f.found ?? '')),
          esc(f.sources.length > 1 ? `${f.source} (+${f.sources.length - 1} more)` : f.source),
          esc(f.hint ?? ''),
        ]),
      )
    : '<p>No differences between the contract, the catalog, the files and the warehouse.</p>';
  const notes = d.notes.length ? `<ul>${d.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  const added = d.addColumns.length ? `<p>Columns added (policy evolve): ${d.addColumns.map((c) => `<code>${esc(c.name)}</code>`).join(', ')}</p>` : '';
  const ignored = d.ignored.length ? `<p>Columns ignored (policy discard): ${d.ignored.map((c) => `<code>${esc(c)}</code>`).join(', ')}</p>` : '';
  return section('drift', 'Drift', `${head}\n${findings}\n${added}${ignored}${notes}`);
}

function advice(a: StorageAdvice): string {
  const head = `<p>Table <code>${esc(a.table)}</code>: <strong>${num(a.bytesSavedPerMillionRows)}</strong> bytes saved per million rows (figures from ${a.source === 'sample' ? `a sample of ${num(a.sampleRows)} rows` : 'ANALYZE COMPRESSION'}).</p>`;
  const cols = table(
    ['column', 'type now → suggested', 'encoding now → suggested', 'bytes / M rows now', 'suggested', 'why'],
    a.columns.map((c) => [
      `<code>${esc(c.column)}</code>`,
      `${esc(c.declaredType)} → ${esc(c.suggestedType)}`,
      `${esc(c.currentEncoding)} → ${esc(c.suggestedEncoding)}`,
      num(c.bytesPerMillionNow),
      num(c.bytesPerMillionSuggested),
      esc(c.reason),
    ]),
    [3, 4],
  );
  const changes = a.tableChanges.length ? `<ul>${a.tableChanges.map((t) => `<li>${esc(t.kind)}: ${esc(t.now)} → ${esc(t.suggested)} — ${esc(t.reason)}</li>`).join('')}</ul>` : '';
  const ddl = a.ddl.length ? `<h3>DDL</h3><pre>${esc(a.ddl.join('\n'))}</pre>` : '<p>Nothing to change.</p>';
  return section('advice', 'Storage advice', `${head}\n${cols}\n${changes}${ddl}`);
}

function files(r: RunReport): string {
  const listed = r.files.length
    ? table(['file', 'identity when listed'], r.files.map((f) => [`<code>${esc(f.uri)}</code>`, esc(f.identity ? describeIdentity(f.identity) : `size ${f.size}`)]))
    : '<p>No file was listed.</p>';
  const ignored = r.ignored.length ? table(['ignored entry', 'why'], r.ignored.map((i) => [`<code>${esc(i.uri)}</code>`, esc(i.reason)])) : '<p>Ignored entries of the batch folder: none.</p>';
  return section('files', `Files (${r.files.length}; ${r.parts} parts)`, `${listed}\n${ignored}${r.manifest ? `<p>Manifest <code>${esc(r.manifest)}</code></p>` : ''}`);
}
