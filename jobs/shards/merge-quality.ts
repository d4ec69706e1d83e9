/**
 * The batch's quality report from its shards' reports: rows, checks and failures add up, samples are
 * kept in shard order, column profiles combine (NULLs and failed cells add, min of mins, max of maxes,
 * the widest value; the distinct estimate is the largest shard's, a lower bound). The row-count rule is
 * judged here on the whole batch against the previous published batch (shards leave it to load); an
 * error-severity breach throws QualityError (exit 4).
 */
import type { DatasetContract } from '../../datasets/index.ts';
import { summaryOf, type ColumnProfile, type QualityReport, type RuleResult, type RuleStatus } from '../../data-quality/index.ts';
import { changePercent } from '../../data-quality/rules/row-count-change.ts';
import { QualityError } from '../../core/errors.ts';
import { compareDecimal, isDecimalText, pick, textOrder } from './exact-decimal.ts';

const WORST: RuleStatus[] = ['pass', 'warn', 'fail'];
const worst = (a: RuleStatus, b: RuleStatus): RuleStatus => (WORST.indexOf(a) >= WORST.indexOf(b) ? a : b);

export function mergeQuality(contract: DatasetContract, shards: QualityReport[], previousRowCount: number | null, files: number): QualityReport {
  const rowCount = shards.reduce((s, q) => s + q.rowCount, 0);
  const rules: RuleResult[] = shards[0].rules.map((r, i) => {
    const all = shards.map((q) => q.rules[i]);
    const keep = Math.max(...all.map((x) => x.samples.length));
    return {
      ...r,
      checked: all.reduce((s, x) => s + x.checked, 0),
      failed: all.reduce((s, x) => s + x.failed, 0),
      samples: all.flatMap((x) => x.samples).slice(0, keep),
      status: all.map((x) => x.status).reduce(worst),
    };
  });
  const declared = contract.quality.find((q) => q.type === 'row_count_change');
  let rowCountChange = { current: rowCount, previous: previousRowCount, changePercent: null as number | null, maxChangePercent: null as number | null, status: 'pass' as RuleStatus };
  if (declared && declared.type === 'row_count_change') {
    const change = previousRowCount === null ? null : changePercent(previousRowCount, rowCount);
    const exceeded = previousRowCount !== null && (change === null ? rowCount !== previousRowCount : Math.abs(change) > declared.maxChangePercent);
    const status: RuleStatus = exceeded ? (declared.severity === 'error' ? 'fail' : 'warn') : 'pass';
    rowCountChange = { current: rowCount, previous: previousRowCount, changePercent: change, maxChangePercent: declared.maxChangePercent, status };
    const rule = rules.find((r) => r.type === 'row_count_change');
    if (rule) Object.assign(rule, { checked: previousRowCount === null ? 0 : 1, failed: exceeded ? 1 : 0, status, detail: `${rowCount} rows against ${previousRowCount ?? 'no'} previous published rows (all shards)` });
  }
  const columns: ColumnProfile[] = shards[0].columns.map((_c, i) => shards.map((q) => q.columns[i]).reduce(mergeProfile));
  const summary = summaryOf(rules);
  const report: QualityReport = {
    ...shards[0],
    files,
    rowCount,
    previousRowCount,
    rowCountChange,
    freshness: { files, rowCount, status: files > 0 && rowCount > 0 ? 'pass' : 'fail' },
    failedCells: shards.reduce((s, q) => s + q.failedCells, 0),
    rules,
    columns,
    storageNotes: shards.flatMap((q) => q.storageNotes).filter((n, i, all) => all.findIndex((m) => m.column === n.column && m.widestBytes >= n.widestBytes) === i),
    summary,
    decision: summary.failed > 0 ? 'blocked' : 'pass',
  };
  delete report.fallbacks;
  const fallbacks = shards.flatMap((q) => (q.fallbacks ? [q.fallbacks] : []));
  if (fallbacks.length) {
    const reasons = new Map<string, number>();
    for (const f of fallbacks) for (const r of f.reasons) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + r.units);
    report.fallbacks = { units: fallbacks.reduce((s, f) => s + f.units, 0), reasons: [...reasons].map(([reason, units]) => ({ reason, units })) };
  }
  if (rowCountChange.status === 'fail') {
    throw Object.assign(new QualityError(`the batch has ${rowCount} rows against ${previousRowCount} in the previous published batch (limit ±${rowCountChange.maxChangePercent}%)`, {}, 'check the export is complete; rerun when it is'), { report });
  }
  return report;
}

function mergeProfile(a: ColumnProfile, b: ColumnProfile): ColumnProfile {
  const order = (x: string, y: string) => (isDecimalText(x) && isDecimalText(y) ? compareDecimal(x, y) : textOrder(x, y));
  return {
    ...a,
    nulls: a.nulls + b.nulls,
    failedCells: a.failedCells + b.failedCells,
    min: pick(a.min, b.min, 'min', order),
    max: pick(a.max, b.max, 'max', order),
    maxBytes: a.maxBytes === null ? b.maxBytes : b.maxBytes === null ? a.maxBytes : Math.max(a.maxBytes, b.maxBytes),
    distinctEstimate: Math.max(a.distinctEstimate, b.distinctEstimate),
  };
}
