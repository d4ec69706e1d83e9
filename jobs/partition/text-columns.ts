/**
 * What the byte-level path makes of a text file's columns (jobs/readers/delimited-columns.ts): per file
 * column, how the decoder reads it (from the contract column that takes it) and the FastSource the cells
 * are built from, as fastSourceOf says for a Parquet column. A column the decoder does not type (a
 * timestamp, a boolean, a real, a decimal of scale > 18, a column no contract column takes, two contract
 * columns of different types on one field) is read as text: its contract column then goes per value with
 * the field's exact string, as the whole-range parser gives it.
 */
import type { DatasetContract, RedshiftType } from '../../datasets/index.ts';
import type { Value } from '../../core/values.ts';
import type { TextColumnPlan } from '../readers/delimited-columns.ts';
import type { BytesColumn } from '../readers/parquet-pages.ts';
import type { FastSource } from './fast-columns.ts';

export interface TextColumnsLayout {
  plans: TextColumnPlan[];
  fast: FastSource[];
  /** Lower-cased column name -> file column (the last of equal names, as the evaluator matches). */
  byName: Map<string, number>;
}

function planOf(t: RedshiftType): TextColumnPlan {
  switch (t.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return { kind: 'int' };
    case 'decimal':
      return t.scale <= 18 ? { kind: 'decimal', precision: t.precision, scale: t.scale } : { kind: 'text' };
    case 'date':
      return { kind: 'date' };
    default:
      return { kind: 'text' };
  }
}

function sourceOf(p: TextColumnPlan): FastSource {
  switch (p.kind) {
    case 'int':
      return { kind: 'int', physical: 'INT64' };
    case 'decimal':
      return { kind: 'decimal', physical: 'INT64', scale: p.scale };
    case 'date':
      return { kind: 'date' };
    case 'text':
      return { kind: 'text', strict: true };
  }
}

export function textColumnsLayout(contract: DatasetContract, names: string[]): TextColumnsLayout {
  const byName = new Map<string, number>();
  names.forEach((n, j) => byName.set(n.toLowerCase(), j));
  const plans: Array<TextColumnPlan | undefined> = names.map(() => undefined);
  const text: TextColumnPlan = { kind: 'text' };
  for (const c of contract.columns) {
    const j = byName.get((c.sourceName ?? c.name).toLowerCase());
    if (j === undefined) continue;
    const p = planOf(c.type);
    const had = plans[j];
    plans[j] = had === undefined || JSON.stringify(had) === JSON.stringify(p) ? p : text;
  }
  const done = plans.map((p) => p ?? text);
  return { plans: done, fast: done.map(sourceOf), byName };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The fields of a decoded column as the whole-range parser hands them on (a string, or null for the NULL
 * marker): what the per-value path reads when a column's values break a rule.
 */
export function fieldValues(col: BytesColumn): Value[] {
  const { data, offsets, lengths, valid } = col;
  const out = new Array<Value>(col.rows);
  for (let r = 0; r < col.rows; r++) {
    out[r] = valid !== null && valid[r] === 0 ? null : utf8.decode(data.subarray(offsets[r], offsets[r] + lengths[r]));
  }
  return out;
}
