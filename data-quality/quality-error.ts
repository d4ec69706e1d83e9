/**
 * The one line a blocked run ends with: the first failing error rule, its column(s), the first
 * offending file and row (in QualityError.where), the value (truncated), and how many rows failed.
 */
import { QualityError } from '../core/errors.ts';
import type { QualityReport } from './report.ts';

export function qualityErrorFrom(report: QualityReport): QualityError | undefined {
  const failing = report.rules.filter((r) => r.status === 'fail');
  if (failing.length === 0) return undefined;
  const rule = failing[0];
  const others = failing.slice(1).map((r) => r.id);
  const more = others.length
    ? `; ${others.length} more rule${others.length === 1 ? '' : 's'} failed (${others.slice(0, 4).join(', ')}${others.length > 4 ? ', …' : ''})`
    : '';
  const hint = `the quality report lists every failing rule with samples${more}`;
  const first = rule.samples[0];
  const column = rule.column ?? rule.columns?.join(', ');
  if (column === undefined || first === undefined) {
    return new QualityError(`rule ${rule.type} failed: ${rule.detail ?? rule.description}`,
      { file: report.batchFolder, rule: rule.id }, hint);
  }
  const rows = rule.failed === 1 ? 'in 1 row' : `in ${rule.failed} rows, first`;
  return new QualityError(
    `rule ${rule.type} failed on ${rule.column === undefined ? 'columns' : 'column'} ${column} ${rows}: ${first.message}`,
    // Row 0: checked in the warehouse (the sample names the stage table; its message says the row is unknown).
    { file: first.file, ...(first.row === 0 ? {} : { row: first.row }), column, rule: rule.id },
    hint,
  );
}
