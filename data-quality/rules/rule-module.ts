/**
 * What a rule type is: one module per type (not-null.ts, range.ts, …) registered by type in index.ts.
 * A module says how a declaration compiles (parameters checked, description, severity), how the pass
 * checks a value (through the coercer's verdict, or a predicate on loadable values), what it demands
 * of a column on the byte-level path, and how a batch-level rule judges the whole batch. The evaluator
 * and the byte-level path only ever iterate compiled rules; they never ask which type a rule is.
 */
import type { ColumnContract, DatasetContract, Severity } from '../../datasets/index.ts';
import type { Canonical, CoerceFailure } from '../coerce.ts';
import type { Matcher } from '../pattern.ts';
import type { QualityReport, RuleResult, RuleStatus } from '../report.ts';

/** A declared rule as the pass sees it: a contract's QualityRule, or a registered type's own shape. */
export interface RuleDeclaration {
  type: string;
  column?: string;
  /** A rule over several columns together (unique over a composite key). */
  columns?: string[];
  severity: Severity;
}

/** One rule while the pass runs: its result so far (all but the verdict), its module and compiled parameters. */
export interface RuleState<P = unknown> extends Omit<RuleResult, 'status'> {
  readonly module: RuleModule;
  params: P;
}

/** How a column's canonical values are compared, profiled and keyed. */
export type ColumnKind = 'number' | 'bigint' | 'string' | 'boolean';

/** What a column rule's compile step gets. */
export interface ColumnRuleContext {
  contract: DatasetContract;
  column: ColumnContract;
  kind: ColumnKind;
  /** A parameter read as the column's type reads values (a decimal bound becomes the unscaled bigint); ConfigError if it cannot be. */
  value(text: string): Canonical;
  /** Throws the ConfigError that names the rule (and the column, in `what`). Free of `this`: rules destructure it. */
  bad(this: void, what: string): never;
}

/** What a rule compiles to: the parameters it checks with, what it demands in words, and its severity. */
export interface Compiled<P> {
  params: P;
  description: string;
  /** The severity the rule is judged with, when it overrides the declared one (a value that cannot load is never a warning). */
  severity?: Severity;
}

/** A predicate on loadable canonical values, with the message of a value that breaks it. */
export interface ValueCheck {
  test(v: Canonical): boolean;
  message(v: Canonical): string;
}

/**
 * What a rule demands of a column on the byte-level path, where values are never JS values per cell:
 * - numbers: inclusive bounds on the canonical number (a decimal's unscaled integer), and/or a set of allowed values;
 * - text: a width in UTF-8 bytes, no NUL byte, and/or a pattern (fixed masks per ASCII byte when it has them).
 * An empty form demands nothing per value (not_null is decided by NULL counts; unique is a key rule).
 * A module that returns undefined sends every unit of the column through the per-value path.
 */
export interface ByteLevelForm {
  lo?: number;
  hi?: number;
  oneOf?: ReadonlySet<number>;
  /** Text columns: bounds compared as JS compares strings (canonical dates and timestamps sort as text). */
  textLo?: string;
  textHi?: string;
  /** Text columns: the value is one of these strings. */
  oneOfText?: ReadonlySet<string>;
  maxBytes?: number;
  noNul?: boolean;
  pattern?: { match: Matcher; masks: Uint32Array | undefined };
}

/** A rule declared on one column. */
export interface ColumnRuleModule<P = unknown> {
  readonly type: string;
  readonly scope: 'column';
  compile(decl: RuleDeclaration, ctx: ColumnRuleContext): Compiled<P>;
  /** The rule the loader makes on a column whose contract declares none of this type (undefined: none). */
  implicit?(column: ColumnContract): Compiled<P> | undefined;
  /** What `checked` counts: every row, every non-NULL source value, or every loadable value. */
  readonly counts: 'rows' | 'values' | 'loadable';
  /** A NULL breaks it, even on a nullable column. */
  readonly rejectsNull?: boolean;
  /** The coercion failure it owns (CoerceFailure.rule): the coercer makes its per-value check. */
  readonly claims?: CoerceFailure['rule'];
  /** It takes every coercion failure no other rule of the column claims (type_fit). */
  readonly claimsRest?: boolean;
  /** Its per-value check on loadable values. `show` prints a value as messages do. */
  values?(state: RuleState<P>, show: (v: Canonical) => string): ValueCheck;
  byteLevel?(state: RuleState<P>, column: ColumnContract, kind: ColumnKind): ByteLevelForm | undefined;
  /**
   * Its SQL form (--quality-in warehouse, data-quality/warehouse-checks.ts): a condition on the stage column
   * `col` that is TRUE for a value that breaks the rule, or null when the stage column's own type already
   * refused every such value at COPY. The same text on Redshift and PostgreSQL (core/sql-literal.ts).
   * A module without it cannot run in the warehouse (the run says so, exit 2).
   */
  sqlForm?(state: RuleState<P>, column: ColumnContract, col: string): string | null;
  /** The verdict (default: pass without failures, else fail or warn by severity). */
  verdict?(state: RuleState<P>): RuleStatus;
}

/** What a key rule's compile step gets: the columns it names, in declared order. */
export interface KeyRuleContext {
  contract: DatasetContract;
  columns: ColumnContract[];
  /** Throws the ConfigError that names the rule. */
  bad(this: void, what: string): never;
}

/**
 * A rule on the values of one or more columns taken together, judged on their keys (unique, and the
 * contract's `key`): the pass collects each row's tuple (key-check.ts) and, at the end, hands the
 * repeated ones to judgeKeys. A NULL in a key column is the columns' own not_null failure.
 */
export interface KeyRuleModule<P = unknown> {
  readonly type: string;
  readonly scope: 'key';
  compile(decl: RuleDeclaration, ctx: KeyRuleContext): Compiled<P>;
  /** The rule the loader makes from the contract's `key` when no declared rule of this type names exactly its columns. */
  implicit?(contract: DatasetContract, columns: ColumnContract[]): Compiled<P> | undefined;
  /** Sets failed and samples from the repeated keys (count and the first few, in input order). */
  judgeKeys(state: RuleState<P>, count: number, samples: RuleResult['samples']): void;
  verdict?(state: RuleState<P>): RuleStatus;
}

/** What a batch-level rule judges with at the end of the pass. */
export interface BatchFacts {
  rows: number;
  previousRowCount: number | null;
  batchFolder: string;
  files: number;
}

/** A rule on the whole batch (row count, freshness). */
export interface BatchRuleModule<P = unknown> {
  readonly type: string;
  readonly scope: 'batch';
  compile(decl: RuleDeclaration, bad: (what: string) => never): Compiled<P>;
  implicit?(): Compiled<P> | undefined;
  /** Sets checked, failed and detail. */
  judge(state: RuleState<P>, facts: BatchFacts): void;
  /** Fields of the report's header this rule owns (given its state, or undefined when not declared). */
  reportFields?(state: RuleState<P> | undefined, facts: BatchFacts, status: RuleStatus): Partial<QualityReport>;
  verdict?(state: RuleState<P>): RuleStatus;
}

export type RuleModule = ColumnRuleModule<any> | BatchRuleModule<any> | KeyRuleModule<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The default verdict: pass without failures, else fail (error) or warn. */
export function defaultVerdict(s: { failed: number; severity: Severity }): RuleStatus {
  if (s.failed === 0) return 'pass';
  return s.severity === 'error' ? 'fail' : 'warn';
}

export function verdictOf(s: RuleState): RuleStatus {
  return s.module.verdict ? s.module.verdict(s as never) : defaultVerdict(s);
}

/** Header fields owned by batch-level rule types (rowCountChange, freshness), in registry order. */
export function batchReportFields(batchModules: ReadonlyArray<{ module: BatchRuleModule; state?: RuleState }>, facts: BatchFacts): Pick<QualityReport, 'rowCountChange' | 'freshness'> {
  const header: Partial<QualityReport> = {};
  for (const { module, state } of batchModules) {
    if (module.reportFields) Object.assign(header, module.reportFields(state as never, facts, state ? verdictOf(state) : 'pass'));
  }
  return header as Pick<QualityReport, 'rowCountChange' | 'freshness'>;
}

/** The report's summary: rules by verdict. */
export function summaryOf(rules: readonly RuleResult[]): QualityReport['summary'] {
  return {
    rules: rules.length,
    passed: rules.filter((r) => r.status === 'pass').length,
    warned: rules.filter((r) => r.status === 'warn').length,
    failed: rules.filter((r) => r.status === 'fail').length,
  };
}

/** A rule's line in the report, the same whether the rule ran on the stream or in the warehouse. */
export function ruleResultOf(s: RuleState): RuleResult {
  return {
    id: s.id,
    type: s.type,
    ...(s.column !== undefined ? { column: s.column } : {}),
    ...(s.columns !== undefined ? { columns: s.columns } : {}),
    severity: s.severity,
    implicit: s.implicit,
    description: s.description,
    checked: s.checked,
    failed: s.failed,
    samples: s.samples,
    ...(s.detail !== undefined ? { detail: s.detail } : {}),
    status: verdictOf(s),
  };
}
