/** Shared builders for the data-quality tests. */
import { supplier, type DatasetContract, type QualityRule } from '../../datasets/index.ts';
import type { ColumnBatch, Value } from '../../core/values.ts';
import { QualityEvaluator, type QualityEvaluatorOptions, type QualityReport, type RuleResult } from '../../data-quality/index.ts';

/** SUPPLIER with its own rules replaced (columns as declared). */
export function supplierWith(quality: QualityRule[], patch: Partial<DatasetContract> = {}): DatasetContract {
  return { ...supplier, ...patch, quality };
}

/** One clean SUPPLIER row as a Parquet reader hands it over (decimal as exact text). */
export function cleanRow(i: number): Record<string, Value> {
  return {
    s_suppkey: BigInt(i),
    s_name: `Supplier#${String(i).padStart(9, '0')}`,
    s_address: `address ${i}`,
    s_nationkey: i % 25,
    s_phone: `${10 + (i % 25)}-${String(100 + (i % 900))}-${String(100 + (i % 877))}-${String(1000 + (i % 9000))}`,
    s_acctbal: `${(i % 10999) - 999}.${String(i % 100).padStart(2, '0')}`,
    s_comment: `comment ${i}`,
  };
}

/** A batch from rows (objects by source column name); every row must carry the same keys. */
export function batchOf(rows: Array<Record<string, Value>>, file = 'landing/part-0.parquet', firstRow = 1): ColumnBatch {
  const names = rows.length ? Object.keys(rows[0]) : Object.keys(cleanRow(1));
  const columns: Record<string, Value[]> = {};
  for (const n of names) columns[n] = rows.map((r) => r[n]);
  return { file, firstRow, numRows: rows.length, columns };
}

/** Clean rows first..last, with `edit` applied to chosen rows by 1-based number. */
export function rows(first: number, last: number, edit: Record<number, Record<string, Value>> = {}): Array<Record<string, Value>> {
  const out: Array<Record<string, Value>> = [];
  for (let i = first; i <= last; i++) out.push({ ...cleanRow(i), ...(edit[i] ?? {}) });
  return out;
}

export function evaluate(
  contract: DatasetContract,
  batches: ColumnBatch[],
  options: QualityEvaluatorOptions = {},
  files = 1,
): QualityReport {
  const q = new QualityEvaluator(contract, options);
  for (const b of batches) q.observe(b);
  return q.finish({ batchFolder: 'landing/supplier/20240101/', files });
}

export function rule(report: QualityReport, id: string): RuleResult {
  const r = report.rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id} in ${report.rules.map((x) => x.id).join(', ')}`);
  return r;
}
