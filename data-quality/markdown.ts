/**
 * The quality report as Markdown for people: a summary line, the rules table, every failing or
 * warning rule with its samples, the column profile and the storage notes.
 */
import type { QualityReport, RuleResult, RuleStatus } from './report.ts';

const MARK: Record<RuleStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

function num(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

/** A table cell: no line breaks, pipes escaped. */
function cell(s: string | null | undefined): string {
  if (s === null || s === undefined || s === '') return '—';
  return s.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|');
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

function plural(n: number, word: string): string {
  return `${num(n)} ${word}${n === 1 ? '' : 's'}`;
}

function summaryLine(r: QualityReport): string {
  const verdict = r.decision === 'blocked'
    ? `**BLOCKED** — ${plural(r.summary.failed, 'error rule')} failed`
    : `**PASS**${r.summary.warned ? ` with ${plural(r.summary.warned, 'warning')}` : ''}`;
  const change = r.rowCountChange.previous === null
    ? 'no previous batch'
    : `previous batch ${num(r.rowCountChange.previous)} rows${r.rowCountChange.changePercent === null ? '' : ` (${r.rowCountChange.changePercent >= 0 ? '+' : ''}${r.rowCountChange.changePercent}%)`}`;
  return `${verdict}: ${plural(r.rowCount, 'row')} in ${plural(r.files, 'file')} from ${code(r.batchFolder)}; ${change}; `
    + `${plural(r.summary.rules, 'rule')}: ${r.summary.passed} passed, ${r.summary.warned} warned, ${r.summary.failed} failed`
    + (r.failedCells ? `; ${plural(r.failedCells, 'cell')} could not be loaded as is` : '')
    + '.';
}

function failureSection(rule: RuleResult): string[] {
  const head = `### ${MARK[rule.status]} ${code(rule.id)} (${rule.severity}${rule.implicit ? ', implicit' : ''})`;
  const lines = [head, ''];
  if (rule.detail) lines.push(rule.detail, '');
  if (rule.samples.length > 0) {
    lines.push(`${plural(rule.failed, 'row')} of ${num(rule.checked)} checked failed: ${rule.description}.`, '');
    lines.push('| file | row | value | why |', '|---|---:|---|---|');
    // Row 0: a sample from the stage table (--quality-in warehouse), which has no file rows.
    for (const s of rule.samples) lines.push(`| ${cell(s.file)} | ${s.row === 0 ? 'unknown' : num(s.row)} | ${cell(s.value)} | ${cell(s.message)} |`);
    const more = rule.failed - rule.samples.length;
    if (more > 0) lines.push('', `… and ${plural(more, 'more row')}.`);
    lines.push('');
  }
  return lines;
}

export function renderQualityMarkdown(r: QualityReport): string {
  const out: string[] = [`# Quality report: ${r.dataset}`, '', summaryLine(r), ''];

  out.push('## Rules', '', '| | rule | severity | checked | failed | demands |', '|---|---|---|---:|---:|---|');
  for (const rule of r.rules) {
    out.push(`| ${MARK[rule.status]} | ${code(rule.id)}${rule.implicit ? ' *(implicit)*' : ''} | ${rule.severity} | ${num(rule.checked)} | ${num(rule.failed)} | ${cell(rule.detail ?? rule.description)} |`);
  }
  out.push('');

  const flagged = r.rules.filter((x) => x.status !== 'pass');
  if (flagged.length > 0) {
    out.push('## Failures', '');
    for (const rule of [...flagged.filter((x) => x.status === 'fail'), ...flagged.filter((x) => x.status === 'warn')]) {
      out.push(...failureSection(rule));
    }
  }

  out.push('## Column profile', '',
    '| column | type | nulls | failed cells | min | max | widest bytes | declared bytes | distinct ≈ |',
    '|---|---|---:|---:|---|---|---:|---:|---:|');
  for (const c of r.columns) {
    out.push(`| ${c.column} | ${c.type} | ${num(c.nulls)} | ${num(c.failedCells)} | ${cell(c.min)} | ${cell(c.max)} | ${num(c.maxBytes)} | ${num(c.declaredBytes)} | ${num(c.distinctEstimate)} |`);
  }
  out.push('');

  if (r.fallbacks && r.fallbacks.units > 0) {
    const why = r.fallbacks.reasons.map((x) => `${x.reason} (${plural(x.units, 'unit')})`).join('; ');
    out.push('## Decoder fallbacks', '', `${plural(r.fallbacks.units, 'unit')} read through hyparquet (Parquet) or the whole-range parser (text) instead of the byte-level decoder: ${cell(why)}.`, '');
  }

  if (r.storageNotes.length > 0) {
    out.push('## Storage notes', '',
      'Redshift sizes query memory by the declared varchar width, so an oversized width costs memory in every sort, hash and join on the cluster.', '');
    for (const n of r.storageNotes) out.push(`- ${n.note}`);
    out.push('');
  }
  return out.join('\n');
}
