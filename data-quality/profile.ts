/**
 * Per-column profile kept during the pass (null count, min/max, widest value in UTF-8 bytes,
 * distinct estimate), and the storage notes it feeds: the widest value seen per varchar next to its
 * declared width. Redshift sizes query memory by the declared width, so oversized varchars cost
 * memory on the cluster in every sort, hash and join that touches them.
 */
import { VARCHAR_MAX_BYTES, type ColumnContract } from '../datasets/index.ts';
import { typeText, type Canonical } from './coerce.ts';
import { decimalText } from '../core/decimal-text.ts';
import { HyperLogLog } from './hyperloglog.ts';
import type { ColumnProfile, StorageNote } from './report.ts';
import type { ColumnKind } from './rules/index.ts';

/** Mutable per-column statistics; the evaluator's loops update the fields directly. */
export class ColumnStats {
  nulls = 0;
  failedCells = 0;
  /** Loadable (non-null, coerced) values. */
  values = 0;
  numMin = Infinity;
  numMax = -Infinity;
  bigMin: bigint | null = null;
  bigMax: bigint | null = null;
  strMin: string | null = null;
  strMax: string | null = null;
  maxBytes = 0;
  trues = 0;
  falses = 0;
  readonly hll = new HyperLogLog();
}

/** ColumnStats as plain data (structured-clone safe): one share of a pass, for another thread to merge. */
export interface ColumnStatsData {
  nulls: number;
  failedCells: number;
  values: number;
  numMin: number;
  numMax: number;
  bigMin: bigint | null;
  bigMax: bigint | null;
  strMin: string | null;
  strMax: string | null;
  maxBytes: number;
  trues: number;
  falses: number;
  /** The HyperLogLog registers. */
  hll: Uint8Array;
}

/** The sketch's registers (HyperLogLog keeps them private; merging two sketches is a max per register). */
export function hllRegisters(h: HyperLogLog): Uint8Array {
  return (h as unknown as { registers: Uint8Array }).registers;
}

export function statsData(s: ColumnStats): ColumnStatsData {
  const { nulls, failedCells, values, numMin, numMax, bigMin, bigMax, strMin, strMax, maxBytes, trues, falses } = s;
  return { nulls, failedCells, values, numMin, numMax, bigMin, bigMax, strMin, strMax, maxBytes, trues, falses, hll: hllRegisters(s.hll).slice() };
}

/** Adds a share's statistics: counts add up, extremes and sketches combine, exactly as one pass would. */
export function mergeStats(s: ColumnStats, d: ColumnStatsData): void {
  s.nulls += d.nulls;
  s.failedCells += d.failedCells;
  s.values += d.values;
  if (d.numMin < s.numMin) s.numMin = d.numMin;
  if (d.numMax > s.numMax) s.numMax = d.numMax;
  if (d.bigMin !== null && (s.bigMin === null || d.bigMin < s.bigMin)) s.bigMin = d.bigMin;
  if (d.bigMax !== null && (s.bigMax === null || d.bigMax > s.bigMax)) s.bigMax = d.bigMax;
  if (d.strMin !== null && (s.strMin === null || d.strMin < s.strMin)) s.strMin = d.strMin;
  if (d.strMax !== null && (s.strMax === null || d.strMax > s.strMax)) s.strMax = d.strMax;
  if (d.maxBytes > s.maxBytes) s.maxBytes = d.maxBytes;
  s.trues += d.trues;
  s.falses += d.falses;
  const into = hllRegisters(s.hll);
  const from = d.hll;
  for (let i = 0; i < into.length; i++) if (from[i] > into[i]) into[i] = from[i];
}

export function declaredBytes(c: ColumnContract): number | null {
  if (c.type.kind === 'varchar') return c.type.bytes === 'max' ? VARCHAR_MAX_BYTES : c.type.bytes;
  if (c.type.kind === 'char') return c.type.bytes;
  return null;
}

const PROFILE_TEXT = 40;

function cut(s: string): string {
  return s.length > PROFILE_TEXT ? `${s.slice(0, PROFILE_TEXT)}…` : s;
}

/** A canonical value as profile text (decimals at their scale). */
export function canonicalShown(c: ColumnContract, v: Canonical): string | null {
  if (v === null) return null;
  if (c.type.kind === 'decimal') return decimalText(v as bigint, c.type.scale);
  return cut(String(v));
}

export function columnProfile(c: ColumnContract, kind: ColumnKind, s: ColumnStats): ColumnProfile {
  let min: Canonical = null;
  let max: Canonical = null;
  if (s.values > 0) {
    if (kind === 'number') [min, max] = [s.numMin, s.numMax];
    else if (kind === 'bigint') [min, max] = [s.bigMin, s.bigMax];
    else if (kind === 'string') [min, max] = [s.strMin, s.strMax];
    else [min, max] = [s.falses > 0 ? false : true, s.trues > 0 ? true : false];
  }
  const text = kind === 'string' && c.type.kind !== 'date' && c.type.kind !== 'timestamp';
  return {
    column: c.name,
    type: typeText(c.type),
    nulls: s.nulls,
    failedCells: s.failedCells,
    min: canonicalShown(c, min),
    max: canonicalShown(c, max),
    maxBytes: text ? s.maxBytes : null,
    declaredBytes: declaredBytes(c),
    distinctEstimate: s.values === 0 ? 0 : Math.min(s.hll.estimate(), s.values),
  };
}

/** Smallest power of two that holds the widest value with 25 % headroom. */
export function suggestedBytes(widest: number): number {
  const want = Math.max(1, Math.ceil(widest * 1.25));
  return Math.min(VARCHAR_MAX_BYTES, 2 ** Math.ceil(Math.log2(want)));
}

export function storageNote(c: ColumnContract, s: ColumnStats): StorageNote | undefined {
  if (c.type.kind !== 'varchar') return undefined;
  const declared = declaredBytes(c)!;
  const widest = s.maxBytes;
  const head = `${c.name} ${typeText(c.type)}`;
  if (s.values === 0) {
    return { column: c.name, declared: typeText(c.type), declaredBytes: declared, widestBytes: 0, note: `${head}: no values seen` };
  }
  if (widest > declared) {
    return {
      column: c.name, declared: typeText(c.type), declaredBytes: declared, widestBytes: widest,
      note: `${head}: widest ${widest} bytes does not fit the declared ${declared}`,
    };
  }
  if (declared > 2 * widest) {
    const suggested = suggestedBytes(widest);
    if (suggested < declared) {
      return {
        column: c.name, declared: typeText(c.type), declaredBytes: declared, widestBytes: widest, suggestedBytes: suggested,
        note: `${head}: widest ${widest} bytes — varchar(${suggested}) would do`,
      };
    }
  }
  return {
    column: c.name, declared: typeText(c.type), declaredBytes: declared, widestBytes: widest,
    note: `${head}: widest ${widest} bytes — the declared width fits`,
  };
}
