/**
 * row_count_change: the batch's row count within ±maxChangePercent of the previous published batch.
 * Judged at the end; without a previous batch it passes and says so. It owns the report's
 * `rowCountChange` header.
 */
import type { QualityRule } from '../../datasets/index.ts';
import type { BatchRuleModule } from './rule-module.ts';

/** The declaration, as the contract types it (datasets/contract.ts). */
export type RowCountChangeDeclaration = Extract<QualityRule, { type: 'row_count_change' }>;

/** Signed change in percent, two decimals; null when the previous count is 0. */
export function changePercent(prev: number, now: number): number | null {
  if (prev === 0) return now === 0 ? 0 : null;
  return Math.round(((now - prev) / prev) * 10000) / 100;
}

export const rowCountChange: BatchRuleModule<number> = {
  type: 'row_count_change',
  scope: 'batch',
  compile(decl, bad) {
    const rule = decl as unknown as RowCountChangeDeclaration;
    if (!(rule.maxChangePercent >= 0)) bad('maxChangePercent must be a number >= 0');
    return { params: rule.maxChangePercent, description: `row count within ±${rule.maxChangePercent}% of the previous published batch` };
  },
  judge(rule, { rows: now, previousRowCount: prev }) {
    if (prev === null) {
      rule.detail = `${now} rows; no previous published batch to compare with`;
      return;
    }
    rule.checked = 1;
    const change = changePercent(prev, now);
    const exceeded = change === null ? now !== prev : Math.abs(change) > rule.params;
    if (exceeded) rule.failed = 1;
    rule.detail = `${now} rows against ${prev} in the previous published batch (${change === null ? 'previous batch was empty' : `${change >= 0 ? '+' : ''}${change}%`}; limit ±${rule.params}%)`;
  },
  reportFields(rule, { rows, previousRowCount: prev }, status) {
    return {
      rowCountChange: {
        current: rows,
        previous: prev,
        changePercent: prev === null ? null : changePercent(prev, rows),
        maxChangePercent: rule?.params ?? null,
        status: rule ? status : 'pass',
      },
    };
  },
};
