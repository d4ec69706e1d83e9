/**
 * The streaming quality evaluator. The run hands it every ColumnBatch of the pass, in order; it
 * coerces each value to the contract's type once (the same canonical values the partitioner then
 * writes), checks the rules column by column, profiles the columns, and collects each key rule's
 * columns (key-check.ts: one exact check per unique rule and for the contract's key, composite ones
 * included). finish() judges what only the whole batch can tell (uniqueness, row count, freshness) and
 * returns the report.
 *
 * Hot path discipline: one tight loop per column and check, no object per row (keys go into typed
 * arrays, hashes are computed in place), messages are built only for the few samples kept.
 */
import type { ColumnContract, DatasetContract } from '../datasets/index.ts';
import type { ColumnBatch, Value } from '../core/values.ts';
import { decimalText } from '../core/decimal-text.ts';
import { charComparable } from '../core/fixed-char.ts';
import { coercerFor, showValue, type Canonical, type CanonicalBatch, type CoerceFailure, type Coercer } from './coerce.ts';
import { encodeBigint, encodeNumber, hashBigint, hashNumber, hashText, KEY, TEXT } from './hash.ts';
import { ColumnStats, columnProfile, mergeStats, statsData, storageNote, type ColumnStatsData } from './profile.ts';
import type { QualityReport, QualitySample, StorageNote } from './report.ts';
import { ByteLevelColumnCheck } from './byte-level.ts';
import {
  columnKind, compileRules, ruleTypesWith, batchReportFields, ruleResultOf, summaryOf, type BatchFacts, type ColumnKind, type ColumnRules, type CompiledRules,
  type KeyRule, type RuleState, type RuleTypes, type ValueCheck,
} from './rules/index.ts';
import { keyValueText, repeatedKeyMessage } from './rules/unique.ts';
import { ColumnKeys, KeyCheck, type KeyColumn, type KeySink } from './key-check.ts';
import type { TupleHash } from './tuple-key.ts';

export type { KeySink } from './key-check.ts';

export interface QualityEvaluatorOptions {
  /** Rows of the previous published batch, for the row_count_change rule (null/absent: none yet). */
  previousRowCount?: number | null;
  /** Failures kept per rule as samples (default 5; at least 1 is always kept for the error line). */
  sampleLimit?: number;
  /** Memory budget of the uniqueness check, in bytes (default 256 MB; split between key rules). */
  uniqueMemoryBytes?: number;
  /** Where the uniqueness check may spill sorted runs (default: the OS temp folder). */
  spillDir?: string;
  /**
   * Evaluate a share of a pass for another evaluator (a worker thread's units of rows): key columns are
   * collected for takePartial() instead of being judged here. finish() is not called on a partial one.
   */
  partial?: boolean;
  /** Rule types besides (or instead of) the built-in ones, keyed by type (rules/index.ts). */
  ruleTypes?: RuleTypes;
  /** The hash of a key tuple that cannot be packed exactly (tests inject a tiny one to force collisions). */
  tupleHash?: TupleHash;
}

/** Key components of one share, in the order they were added; ordinals are local to the share. */
export interface KeyRun {
  hi: Uint32Array;
  lo: Uint32Array;
  ord: Uint32Array;
  length: number;
  /** A text column's values (hi and lo are then unused). */
  texts?: string[];
}

/**
 * One share of a pass (the rows observed since the last takePartial), as plain structured-clone data.
 * An evaluator that absorbs the shares of a pass in input order ends in exactly the state one evaluator
 * observing every batch would: counts add up, samples are the first ones in input order, extremes and
 * sketches combine, keys go to the one uniqueness check with their global ordinals.
 */
export interface QualityPartial {
  rows: number;
  /** Where the share's rows came from: `start` is the share-local ordinal of the segment's first row. */
  segments: Array<{ file: string; start: number; firstRow: number }>;
  /** Per rule, in report order (compileRules is deterministic, so both sides agree on it). */
  rules: Array<{ checked: number; failed: number; samples: QualitySample[] }>;
  /** Per contract column. */
  columns: ColumnStatsData[];
  /** Per contract column: its key components when a key rule (unique, the contract's key) names it. */
  keys: Array<KeyRun | null>;
}

/** A growable key buffer (a partial evaluator's KeySink). */
class KeyBuffer implements KeySink {
  hi = new Uint32Array(1024);
  lo = new Uint32Array(1024);
  ord = new Uint32Array(1024);
  texts: string[] | undefined;
  length = 0;
  add(hi: number, lo: number, ordinal: number): void {
    if (this.length === this.hi.length) this.grow();
    const i = this.length++;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.ord[i] = ordinal;
  }
  addText(text: string, ordinal: number): void {
    this.add(0, 0, ordinal);
    (this.texts ??= [])[this.length - 1] = text;
  }
  private grow(): void {
    const n = this.hi.length * 2;
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    const ord = new Uint32Array(n);
    hi.set(this.hi);
    lo.set(this.lo);
    ord.set(this.ord);
    this.hi = hi;
    this.lo = lo;
    this.ord = ord;
  }
  take(): KeyRun {
    const run: KeyRun = { hi: this.hi.slice(0, this.length), lo: this.lo.slice(0, this.length), ord: this.ord.slice(0, this.length), length: this.length };
    if (this.texts) run.texts = this.texts;
    this.texts = undefined;
    this.length = 0;
    return run;
  }
}

/**
 * What a caller that checks a contract column itself needs (the partitioner's byte-level path): the
 * column, its compiled rules, its running statistics and where its keys go. Such a caller updates the
 * statistics for the values it checked, adds their keys, and hands any column it cannot vouch for
 * (a value that breaks a rule) to observeColumn instead.
 */
export interface ColumnCheck {
  readonly column: ColumnContract;
  readonly kind: ColumnKind;
  /** Lower-cased source column name. */
  readonly sourceKey: string;
  readonly rules: ColumnRules;
  readonly stats: ColumnStats;
  /** A NULL is loadable and breaks no rule (nullable, no declared not_null). */
  readonly nullsPass: boolean;
  readonly keys?: KeySink;
}

export interface FinishOptions {
  /** The batch folder the pass read (URI or path). */
  batchFolder: string;
  /** Data files the pass read. */
  files: number;
}

type KeyKind = 'bigint' | 'number' | 'boolean' | 'text' | 'char' | 'bigtext';

class ColumnPlan implements ColumnCheck {
  stats = new ColumnStats();
  readonly sourceKey: string;
  readonly kind: ColumnKind;
  readonly scale: number;
  readonly coerce: Coercer;
  readonly keyKind: KeyKind;
  /** Declared not_null on a nullable column: the coercer lets NULL through, the rule must see it. */
  readonly nullRuleOnNullable: boolean;
  readonly nullsPass: boolean;
  /** Where the column's key components go (the key checks, or a partial's buffer); set when a key rule names it. */
  keys?: KeySink;
  /** Loadable values in the batch being observed. */
  batchValues = 0;

  constructor(
    readonly index: number,
    readonly column: ColumnContract,
    readonly rules: ColumnRules,
  ) {
    this.sourceKey = (column.sourceName ?? column.name).toLowerCase();
    this.kind = columnKind(column);
    this.scale = column.type.kind === 'decimal' ? column.type.scale : -1;
    this.coerce = coercerFor(column);
    this.nullRuleOnNullable = column.nullable && rules.rejectNull.length > 0;
    this.nullsPass = column.nullable && !this.nullRuleOnNullable;
    this.keyKind =
      this.kind === 'number' ? 'number'
        : this.kind === 'boolean' ? 'boolean'
          : this.kind === 'string' ? (column.type.kind === 'char' ? 'char' : 'text')
            : column.type.kind === 'decimal' && column.type.precision > 18 ? 'bigtext' : 'bigint';
  }

  /** A canonical value as a message shows it: decimals at their scale, text quoted and truncated. */
  show(v: Canonical): string {
    if (v !== null && this.scale >= 0) return decimalText(v as bigint, this.scale);
    return showValue(v);
  }

  /** How the column takes part in key checks (key-check.ts). */
  keyColumn(): KeyColumn {
    const k = this.keyKind;
    const t = this.column.type.kind;
    return {
      name: this.column.name,
      form: k === 'bigint' ? 'bigint' : k === 'number' || k === 'boolean' ? 'number' : 'text',
      integer: k === 'bigint' || k === 'boolean' || t === 'smallint' || t === 'integer',
      show: (s) => k === 'bigint' || k === 'bigtext' ? this.show(BigInt(s)) : k === 'number' ? this.show(Number(s)) : k === 'boolean' ? (s === '1' ? 'true' : 'false') : this.show(s),
    };
  }
}

export class QualityEvaluator {
  private readonly rules: CompiledRules;
  private readonly byteLevels: Array<ByteLevelColumnCheck | undefined> = [];
  private readonly plans: ColumnPlan[];
  private readonly keep: number;
  private readonly previousRowCount: number | null;
  private readonly partial: boolean;
  private rowCount = 0;
  private done = false;
  /** One exact check per key rule (main evaluator only), fed by the columns' ColumnKeys. */
  private readonly keyChecks: Array<{ rule: KeyRule; check: KeyCheck }> = [];
  private readonly columnKeys: ColumnKeys[] = [];
  /** The rows whose key components are being collected, assembled at the next batch or at the end. */
  private pendingKeys: { base: number; rows: number } | undefined;
  // Where each ordinal (0-based position in the pass) came from: one segment per observed batch.
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly segStart: number[] = [];
  private readonly segFile: number[] = [];
  private readonly segFirstRow: number[] = [];

  constructor(
    readonly contract: DatasetContract,
    options: QualityEvaluatorOptions = {},
  ) {
    this.rules = compileRules(contract, ruleTypesWith(options.ruleTypes));
    this.plans = contract.columns.map((c, i) => new ColumnPlan(i, c, this.rules.columns[i]));
    for (const p of this.plans) {
      const show = (v: Canonical): string => p.show(v);
      for (const state of p.rules.all) {
        const m = state.module;
        if (m.scope === 'column' && m.values) p.rules.values.push({ state, check: charBlind(p.column, m.values(state as never, show)) });
      }
    }
    this.keep = Math.max(1, Math.floor(options.sampleLimit ?? 5));
    this.previousRowCount = options.previousRowCount ?? null;
    this.partial = options.partial === true;
    const budget = options.uniqueMemoryBytes ?? 256 * 1024 * 1024;
    for (const rule of this.rules.keys) {
      const sources = rule.columns.map((i) => {
        const p = this.plans[i];
        if (!p.keys) {
          if (this.partial) p.keys = new KeyBuffer();
          else this.columnKeys.push((p.keys = new ColumnKeys()));
        }
        return p.keys;
      });
      if (this.partial) continue;
      const check = new KeyCheck(rule.columns.map((i) => this.plans[i].keyColumn()), sources as ColumnKeys[], {
        memoryBytes: Math.floor(budget / this.rules.keys.length), spillDir: options.spillDir, hash: options.tupleHash,
      });
      this.keyChecks.push({ rule, check });
    }
  }

  /** Rows observed so far. */
  get rows(): number {
    return this.rowCount;
  }

  /**
   * Coerces and checks one batch; returns its canonical values per contract column (cells that
   * cannot be loaded as is hold null and are counted in failedCells).
   */
  observe(batch: ColumnBatch): CanonicalBatch {
    const n = batch.numRows;
    const base = this.begin(batch.file, batch.firstRow, n);
    const bySourceName = new Map<string, string>();
    for (const key of Object.keys(batch.columns)) bySourceName.set(key.toLowerCase(), key);
    const columns = new Array<Canonical[]>(this.plans.length);
    let failedCells = 0;
    for (const p of this.plans) {
      const key = bySourceName.get(p.sourceKey);
      const src = key === undefined ? undefined : batch.columns[key];
      const out = new Array<Canonical>(n);
      failedCells += this.observePlan(p, src, out, batch, base);
      columns[p.index] = out;
    }
    return { file: batch.file, firstRow: batch.firstRow, numRows: n, columns, failedCells };
  }

  /**
   * Starts a batch that the caller observes column by column (observeColumn, or its own checks through
   * columnCheck + commitClean): notes where its rows come from. Returns the ordinal of its first row.
   */
  begin(file: string, firstRow: number, numRows: number): number {
    if (this.done) throw new Error('QualityEvaluator.observe after finish');
    const base = this.rowCount;
    this.rowCount += numRows;
    this.noteSegment(file, base, firstRow);
    this.collectKeys(base, numRows);
    return base;
  }

  /** Contract column i's checks and running state. */
  columnCheck(i: number): ColumnCheck {
    return this.plans[i];
  }

  /** Contract column i's checks on the byte-level path (byte-level.ts): what the partitioner calls per unit. */
  byteLevel(i: number): ByteLevelColumnCheck {
    return (this.byteLevels[i] ??= new ByteLevelColumnCheck(this.plans[i], (numRows, nulls) => this.commitClean(i, numRows, nulls)));
  }

  /**
   * Coerces and checks contract column i of a batch begun with begin() (`base` is what it returned), as
   * observe() does; fills `out` with the canonical values and returns how many cells failed.
   */
  observeColumn(i: number, src: ArrayLike<Value> | undefined, out: Canonical[], b: ColumnBatch, base: number): number {
    return this.observePlan(this.plans[i], src, out, b, base);
  }

  /**
   * Counts a column of a begun batch that the caller checked itself and found clean: `numRows` cells,
   * `nulls` of them NULL (allowed: columnCheck(i).nullsPass), every other value loadable and breaking no
   * rule. The caller has already added the values to the column's statistics and its keys to `keys`.
   */
  commitClean(i: number, numRows: number, nulls: number): void {
    const p = this.plans[i];
    const values = numRows - nulls;
    p.stats.nulls += nulls;
    p.stats.values += values;
    p.batchValues = values;
    const r = p.rules;
    for (const rule of r.countRows) rule.checked += numRows;
    for (const rule of r.countValues) rule.checked += values;
    for (const rule of r.countLoadable) rule.checked += values;
  }

  /** The share observed since the last call (partial evaluators), and a fresh start for the next one. */
  takePartial(): QualityPartial {
    const out: QualityPartial = {
      rows: this.rowCount,
      segments: this.segStart.map((start, k) => ({ file: this.files[this.segFile[k]], start, firstRow: this.segFirstRow[k] })),
      rules: this.rules.all.map((s) => ({ checked: s.checked, failed: s.failed, samples: s.samples })),
      columns: this.plans.map((p) => statsData(p.stats)),
      keys: this.plans.map((p) => (p.keys instanceof KeyBuffer ? p.keys.take() : null)),
    };
    for (const s of this.rules.all) {
      s.checked = 0;
      s.failed = 0;
      s.samples = [];
    }
    for (const p of this.plans) p.stats = new ColumnStats();
    this.rowCount = 0;
    this.files.length = 0;
    this.fileIndex.clear();
    this.segStart.length = 0;
    this.segFile.length = 0;
    this.segFirstRow.length = 0;
    return out;
  }

  /** Adds one share of the pass; shares must come in input order. */
  absorb(share: QualityPartial): void {
    if (this.done) throw new Error('QualityEvaluator.absorb after finish');
    const base = this.rowCount;
    this.rowCount += share.rows;
    for (const seg of share.segments) this.noteSegment(seg.file, base + seg.start, seg.firstRow);
    share.rules.forEach((r, i) => {
      const s = this.rules.all[i];
      s.checked += r.checked;
      s.failed += r.failed;
      for (const sample of r.samples) {
        if (s.samples.length >= this.keep) break;
        s.samples.push(sample);
      }
    });
    this.collectKeys(base, share.rows);
    for (const p of this.plans) {
      mergeStats(p.stats, share.columns[p.index]);
      const run = share.keys[p.index];
      const keys = p.keys;
      if (run && keys) {
        const { hi, lo, ord, length, texts } = run;
        if (texts) for (let k = 0; k < length; k++) keys.addText(texts[k], base + ord[k]);
        else for (let k = 0; k < length; k++) keys.add(hi[k], lo[k], base + ord[k]);
      }
    }
    this.assembleKeys();
  }

  /** Judges the whole batch and returns the report. Removes any spill files. */
  finish(opts: FinishOptions): QualityReport {
    if (this.done) throw new Error('QualityEvaluator.finish called twice');
    this.done = true;
    this.assembleKeys();
    for (const { rule, check } of this.keyChecks) this.judgeKeys(rule, check);
    const facts = this.facts(opts);
    for (const s of this.rules.batch) if (s.module.scope === 'batch') s.module.judge(s, facts);
    return this.report(opts, facts);
  }

  /** Releases the uniqueness buffers and spill files of an aborted pass (finish does it otherwise). */
  dispose(): void {
    this.done = true;
    for (const { check } of this.keyChecks) check.dispose();
  }

  /** Assembles the keys of the rows collected so far, then collects those of [base, base + rows). */
  private collectKeys(base: number, rows: number): void {
    if (this.columnKeys.length === 0) return;
    this.assembleKeys();
    for (const ck of this.columnKeys) ck.begin(base, rows);
    this.pendingKeys = { base, rows };
  }

  private assembleKeys(): void {
    const pending = this.pendingKeys;
    if (!pending) return;
    this.pendingKeys = undefined;
    for (const { check } of this.keyChecks) check.assemble(pending.base, pending.rows);
  }

  // ---- per batch ----------------------------------------------------------------------------

  private observePlan(p: ColumnPlan, src: ArrayLike<Value> | undefined, out: Canonical[], batch: ColumnBatch, base: number): number {
    const n = batch.numRows;
    const failed = this.coerceColumn(p, src, out, batch);
    switch (p.kind) {
      case 'number': profileNumbers(p.stats, out, n); break;
      case 'bigint': profileBigints(p.stats, out, n); break;
      case 'string': profileStrings(p.stats, out, n); break;
      case 'boolean': profileBooleans(p.stats, out, n); break;
    }
    const r = p.rules;
    for (const rule of r.countLoadable) rule.checked += p.batchValues;
    for (const { state, check } of r.values) this.checkValues(p, state, check, out, batch);
    if (p.keys) addKeys(p.keys, p.keyKind, out, n, base);
    return failed;
  }

  private coerceColumn(p: ColumnPlan, src: ArrayLike<Value> | undefined, out: Canonical[], b: ColumnBatch): number {
    const n = b.numRows;
    const coerce = p.coerce;
    const nullRule = p.nullRuleOnNullable;
    let nulls = 0;
    let nullFailed = 0;
    let bad = 0;
    for (let r = 0; r < n; r++) {
      const v = src === undefined ? null : src[r];
      const c = coerce(v);
      if (c === null) {
        out[r] = null;
        nulls++;
        if (nullRule) for (const rule of p.rules.rejectNull) this.fail(rule, b, r, 'NULL', 'NULL where the rule demands a value');
        continue;
      }
      if (typeof c === 'object') {
        // A CoerceFailure: the only object a coercer returns.
        out[r] = null;
        if (v === null || v === undefined) {
          nulls++;
          nullFailed++;
        } else bad++;
        this.coerceFailed(p, c, b, r, v);
        continue;
      }
      out[r] = c;
    }
    const s = p.stats;
    s.nulls += nulls;
    s.failedCells += nullFailed + bad;
    const values = n - nulls - bad;
    s.values += values;
    p.batchValues = values;
    const r = p.rules;
    for (const rule of r.countRows) rule.checked += n;
    for (const rule of r.countValues) rule.checked += n - nulls;
    return nullFailed + bad;
  }

  private coerceFailed(p: ColumnPlan, f: CoerceFailure, b: ColumnBatch, r: number, v: unknown): void {
    const rules = p.rules;
    const list = rules.claims.get(f.rule);
    for (const rule of list && list.length > 0 ? list : rules.rest) this.fail(rule, b, r, showValue(v), f.message);
  }

  private fail(rule: RuleState, b: ColumnBatch, r: number, value: string, message: string): void {
    rule.failed++;
    if (rule.samples.length < this.keep) rule.samples.push({ file: b.file, row: b.firstRow + r, value, message });
  }

  private checkValues(p: ColumnPlan, rule: RuleState, check: ValueCheck, out: Canonical[], b: ColumnBatch): void {
    const n = b.numRows;
    for (let r = 0; r < n; r++) {
      const v = out[r];
      if (v === null || check.test(v)) continue;
      if (rule.samples.length >= this.keep) rule.failed++;
      else this.fail(rule, b, r, p.show(v), check.message(v));
    }
  }

  private noteSegment(file: string, start: number, firstRow: number): void {
    let f = this.fileIndex.get(file);
    if (f === undefined) {
      f = this.files.length;
      this.files.push(file);
      this.fileIndex.set(file, f);
    }
    this.segStart.push(start);
    this.segFile.push(f);
    this.segFirstRow.push(firstRow);
  }

  /** The file and 1-based row of an ordinal. */
  private locate(ord: number): { file: string; row: number } {
    let lo = 0;
    let hi = this.segStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segStart[mid] <= ord) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.files[this.segFile[lo]], row: this.segFirstRow[lo] + (ord - this.segStart[lo]) };
  }

  // ---- at the end --------------------------------------------------------------------------

  private judgeKeys(rule: KeyRule, check: KeyCheck): void {
    const { count, samples } = check.finish(this.keep);
    const names = check.columns.map((c) => c.name);
    const shown: QualitySample[] = samples.map((s) => {
      const at = this.locate(s.ordinal);
      const first = this.locate(s.first);
      const values = s.values.map((v, c) => check.columns[c].show(v));
      const key = keyValueText(names, values);
      return { file: at.file, row: at.row, value: values.length === 1 ? values[0] : key, message: repeatedKeyMessage(at.file, at.row, key, first.file, first.row) };
    });
    const state = rule.state;
    state.checked = check.checked;
    const m = state.module;
    if (m.scope === 'key') m.judgeKeys(state, count, shown);
  }

  private facts(opts: FinishOptions): BatchFacts {
    return { rows: this.rowCount, previousRowCount: this.previousRowCount, batchFolder: opts.batchFolder, files: opts.files };
  }

  private report(opts: FinishOptions, facts: BatchFacts): QualityReport {
    const rules = this.rules.all.map(ruleResultOf);
    const prev = this.previousRowCount;
    const header = batchReportFields(this.rules.batchModules, facts);
    const notes: StorageNote[] = [];
    for (const p of this.plans) {
      const note = storageNote(p.column, p.stats);
      if (note) notes.push(note);
    }
    const summary = summaryOf(rules);
    return {
      dataset: this.contract.name,
      batchFolder: opts.batchFolder,
      files: opts.files,
      rowCount: this.rowCount,
      previousRowCount: prev,
      ...header,
      failedCells: this.plans.reduce((sum, p) => sum + p.stats.failedCells, 0),
      rules,
      columns: this.plans.map((p) => columnProfile(p.column, p.kind, p.stats)),
      storageNotes: notes,
      summary,
      decision: summary.failed > 0 ? 'blocked' : 'pass',
    };
  }
}

// ---- column loops: one per canonical kind, so each stays monomorphic ----------------------------

function profileNumbers(s: ColumnStats, out: Canonical[], n: number): void {
  let min = s.numMin;
  let max = s.numMax;
  const hll = s.hll;
  for (let r = 0; r < n; r++) {
    const v = out[r];
    if (v === null) continue;
    const x = v as number;
    if (x < min) min = x;
    if (x > max) max = x;
    hll.add(hashNumber(x));
  }
  s.numMin = min;
  s.numMax = max;
}

function profileBigints(s: ColumnStats, out: Canonical[], n: number): void {
  let min = s.bigMin;
  let max = s.bigMax;
  const hll = s.hll;
  for (let r = 0; r < n; r++) {
    const v = out[r];
    if (v === null) continue;
    const x = v as bigint;
    if (min === null || x < min) min = x;
    if (max === null || x > max) max = x;
    hll.add(hashBigint(x));
  }
  s.bigMin = min;
  s.bigMax = max;
}

function profileStrings(s: ColumnStats, out: Canonical[], n: number): void {
  let min = s.strMin;
  let max = s.strMax;
  let widest = s.maxBytes;
  const hll = s.hll;
  for (let r = 0; r < n; r++) {
    const v = out[r];
    if (v === null) continue;
    const x = v as string;
    if (min === null || x < min) min = x;
    if (max === null || x > max) max = x;
    hll.add(hashText(x));
    if (TEXT.bytes > widest) widest = TEXT.bytes;
  }
  s.strMin = min;
  s.strMax = max;
  s.maxBytes = widest;
}

function profileBooleans(s: ColumnStats, out: Canonical[], n: number): void {
  let t = 0;
  let f = 0;
  for (let r = 0; r < n; r++) {
    const v = out[r];
    if (v === true) t++;
    else if (v === false) f++;
  }
  s.trues += t;
  s.falses += f;
  if (t > 0) s.hll.add(hashNumber(1));
  if (f > 0) s.hll.add(hashNumber(0));
}

/** A value check of a CHAR column sees values without their trailing blanks (bounds are compiled the same way). */
function charBlind(column: ColumnContract, check: ValueCheck): ValueCheck {
  if (column.type.kind !== 'char') return check;
  return { test: (v) => check.test(charComparable(v as string)), message: (v) => check.message(v) };
}

function addKeys(keys: KeySink, kind: KeyKind, out: Canonical[], n: number, base: number): void {
  switch (kind) {
    case 'bigint':
      for (let r = 0; r < n; r++) {
        const v = out[r];
        if (v === null) continue;
        encodeBigint(v as bigint);
        keys.add(KEY[0], KEY[1], base + r);
      }
      return;
    case 'number':
      for (let r = 0; r < n; r++) {
        const v = out[r];
        if (v === null) continue;
        encodeNumber(v as number);
        keys.add(KEY[0], KEY[1], base + r);
      }
      return;
    case 'boolean':
      for (let r = 0; r < n; r++) {
        const v = out[r];
        if (v === null) continue;
        encodeNumber(v ? 1 : 0);
        keys.add(KEY[0], KEY[1], base + r);
      }
      return;
    case 'text':
      for (let r = 0; r < n; r++) {
        const v = out[r];
        if (v === null) continue;
        keys.addText(v as string, base + r);
      }
      return;
    case 'char': // CHAR(n) compares without its trailing blanks, as Redshift and PostgreSQL do
      for (let r = 0; r < n; r++) {
        const v = out[r];
        if (v === null) continue;
        keys.addText(charComparable(v as string), base + r);
      }
      return;
    case 'bigtext':
      for (let r = 0; r < n; r++) {
        const v = out[r];
        if (v === null) continue;
        keys.addText(String(v), base + r);
      }
      return;
  }
}
