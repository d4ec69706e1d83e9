/** Builders for the rule-module tests: a contract's evaluator, and unit columns for its byte-level checks. */
import { supplier, type DatasetContract, type QualityRule } from '../../../datasets/index.ts';
import { QualityEvaluator, type QualityReport, type TextValues } from '../../../data-quality/index.ts';
import type { RuleDeclaration } from '../../../data-quality/index.ts';

export { batchOf, evaluate, rows, rule, supplierWith } from '../helpers.ts';

/** SUPPLIER with exactly these rules (declarations of registered types need not be in the QualityRule union). */
export function contractWith(quality: Array<QualityRule | (RuleDeclaration & Record<string, unknown>)>, patch: Partial<DatasetContract> = {}): DatasetContract {
  return { ...supplier, ...patch, quality: quality as QualityRule[] };
}

export const column = (name: string): number => supplier.columns.findIndex((c) => c.name === name);

/** Numbers of one unit as the partitioner hands them over (canonical: a decimal's unscaled integer). */
export function numbers(values: Array<number | null>): { values: Float64Array; valid: Uint8Array | null; nulls: number } {
  const valid = values.some((v) => v === null) ? Uint8Array.from(values, (v) => (v === null ? 0 : 1)) : null;
  return { values: Float64Array.from(values, (v) => v ?? 0), valid, nulls: values.filter((v) => v === null).length };
}

/** Text of one unit as UTF-8 bytes (strings, raw bytes, or null). */
export function texts(values: Array<string | Uint8Array | null>): TextValues & { nulls: number } {
  const parts = values.map((v) => (v === null ? new Uint8Array(0) : typeof v === 'string' ? new TextEncoder().encode(v) : v));
  const data = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  const offsets = new Int32Array(values.length);
  const lengths = new Int32Array(values.length);
  let o = 0;
  parts.forEach((p, i) => {
    data.set(p, o);
    offsets[i] = o;
    lengths[i] = p.length;
    o += p.length;
  });
  const valid = values.some((v) => v === null) ? Uint8Array.from(values, (v) => (v === null ? 0 : 1)) : null;
  return { rows: values.length, data, offsets, lengths, valid, nulls: values.filter((v) => v === null).length };
}

/** Runs one byte-level check of `columnName` on a fresh evaluator; returns its verdict and the report. */
export function byteLevel(
  contract: DatasetContract,
  columnName: string,
  unit: { numbers: Array<number | null> } | { texts: Array<string | Uint8Array | null> },
): { ok: boolean; report: QualityReport } {
  const ev = new QualityEvaluator(contract);
  const i = contract.columns.findIndex((c) => c.name === columnName);
  const chk = ev.byteLevel(i);
  let ok: boolean;
  if ('numbers' in unit) {
    const u = numbers(unit.numbers);
    const base = ev.begin('landing/unit.parquet', 1, u.values.length);
    ok = chk.checkNumbers(u.values, u.valid, u.values.length, u.nulls, base);
  } else {
    const u = texts(unit.texts);
    const base = ev.begin('landing/unit.parquet', 1, u.rows);
    ok = chk.checkText(u, u.nulls, base);
  }
  return { ok, report: ev.finish({ batchFolder: 'landing/', files: 1 }) };
}
