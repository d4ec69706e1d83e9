/**
 * Turns the contract's declared quality rules into compiled per-column checks: ids, descriptions,
 * bounds and allowed values parsed with the column's own coercer (a decimal bound becomes the same
 * unscaled bigint the values become), patterns compiled, and the implicit checks the loader always
 * makes (type fit; NOT NULL, width and precision where the contract declares none).
 */
import type { ColumnContract, DatasetContract, QualityRule, Severity } from '../datasets/index.ts';
import { ConfigError } from '../jobs/errors.ts';
import { coercerFor, CoerceFailure, typeText, type Canonical, type Coercer } from './coerce.ts';
import { compilePattern, type Matcher } from './pattern.ts';
import type { RuleResult, RuleType } from './report.ts';

/** One rule while the pass runs: its result so far (all but the verdict), plus its compiled parameters. */
export interface RuleState extends Omit<RuleResult, 'status'> {
  /** range: bounds as canonical values. */
  min?: Canonical;
  max?: Canonical;
  /** allowed_values: the canonical values. */
  allowed?: Set<Canonical>;
  /** pattern: the matcher and its source. */
  match?: Matcher;
  pattern?: string;
  /** row_count_change: the limit. */
  maxChangePercent?: number;
}

/** How a column's canonical values are compared, profiled and keyed. */
export type ColumnKind = 'number' | 'bigint' | 'string' | 'boolean';

/** A contract column's checks, grouped by where in the pass they run. */
export interface ColumnRules {
  notNull: RuleState[];
  maxBytes: RuleState[];
  decimalFit: RuleState[];
  typeFit: RuleState;
  ranges: RuleState[];
  allowed: RuleState[];
  patterns: RuleState[];
  unique: RuleState[];
}

export interface CompiledRules {
  /** Every rule, in report order: declared first (contract order), then implicit ones. */
  all: RuleState[];
  /** Per contract column, in contract order. */
  columns: ColumnRules[];
  rowCount?: RuleState;
  freshness: RuleState;
}

export function columnKind(c: ColumnContract): ColumnKind {
  switch (c.type.kind) {
    case 'smallint':
    case 'integer':
    case 'real':
    case 'double precision':
      return 'number';
    case 'bigint':
    case 'decimal':
      return 'bigint';
    case 'boolean':
      return 'boolean';
    default:
      return 'string';
  }
}

function isText(c: ColumnContract): boolean {
  return c.type.kind === 'varchar' || c.type.kind === 'char';
}

function newState(
  type: RuleType, column: string | undefined, severity: Severity, implicit: boolean, description: string,
): RuleState {
  return {
    id: column ? `${type}:${column}` : type,
    type, column, severity, implicit, description,
    checked: 0, failed: 0, samples: [],
  };
}

function bound(contract: DatasetContract, rule: QualityRule, c: ColumnContract, coerce: Coercer, text: string): Canonical {
  const v = coerce(text);
  if (v instanceof CoerceFailure || v === null) {
    const why = v instanceof CoerceFailure ? v.message : 'empty';
    throw new ConfigError(
      `quality rule ${rule.type} on ${c.name} in the ${contract.name} contract: "${text}" is not a ${typeText(c.type)} value (${why})`,
      { column: c.name, rule: rule.type },
      'write bounds and allowed values as the column type reads them',
    );
  }
  return v;
}

export function compileRules(contract: DatasetContract): CompiledRules {
  const byName = new Map(contract.columns.map((c, i) => [c.name.toLowerCase(), i]));
  const columns: ColumnRules[] = contract.columns.map((c) => ({
    notNull: [], maxBytes: [], decimalFit: [], ranges: [], allowed: [], patterns: [], unique: [],
    typeFit: newState('type_fit', c.name, 'error', true, `${c.name} values load as ${typeText(c.type)}`),
  }));
  const declared: RuleState[] = [];
  let rowCount: RuleState | undefined;
  let freshness: RuleState | undefined;
  const bad = (rule: QualityRule, what: string): never => {
    throw new ConfigError(`quality rule ${rule.type} in the ${contract.name} contract: ${what}`, { rule: rule.type },
      'fix the rule in datasets/');
  };

  for (const rule of contract.quality) {
    if (rule.severity !== 'error' && rule.severity !== 'warn') bad(rule, `severity must be error or warn, not ${String(rule.severity)}`);
    if (rule.type === 'row_count_change') {
      if (rowCount) bad(rule, 'declared twice');
      if (!(rule.maxChangePercent >= 0)) bad(rule, 'maxChangePercent must be a number >= 0');
      rowCount = newState(rule.type, undefined, rule.severity, false,
        `row count within ±${rule.maxChangePercent}% of the previous published batch`);
      rowCount.maxChangePercent = rule.maxChangePercent;
      declared.push(rowCount);
      continue;
    }
    if (rule.type === 'freshness') {
      if (freshness) bad(rule, 'declared twice');
      freshness = newState(rule.type, undefined, rule.severity, false, 'the batch folder exists and holds rows');
      declared.push(freshness);
      continue;
    }
    const index = byName.get(rule.column.toLowerCase());
    if (index === undefined) bad(rule, `unknown column ${rule.column}`);
    const c = contract.columns[index!];
    const rules = columns[index!];
    const coerce = coercerFor({ ...c, nullable: true });
    let state: RuleState;
    switch (rule.type) {
      case 'not_null':
        // A NULL in a NOT NULL column cannot be loaded at all: that is never just a warning.
        state = newState(rule.type, c.name, c.nullable ? rule.severity : 'error', false, `${c.name} is never NULL`);
        rules.notNull.push(state);
        break;
      case 'unique':
        state = newState(rule.type, c.name, rule.severity, false, `${c.name} holds no value twice`);
        rules.unique.push(state);
        break;
      case 'range': {
        if (rule.min === undefined && rule.max === undefined) bad(rule, `range on ${c.name} needs min or max`);
        state = newState(rule.type, c.name, rule.severity, false,
          rule.min !== undefined && rule.max !== undefined ? `${c.name} between ${rule.min} and ${rule.max}`
            : rule.min !== undefined ? `${c.name} >= ${rule.min}` : `${c.name} <= ${rule.max}`);
        if (rule.min !== undefined) state.min = bound(contract, rule, c, coerce, rule.min);
        if (rule.max !== undefined) state.max = bound(contract, rule, c, coerce, rule.max);
        if (state.min !== undefined && state.max !== undefined && (state.min as number) > (state.max as number)) {
          bad(rule, `range on ${c.name}: min ${rule.min} is above max ${rule.max}`);
        }
        rules.ranges.push(state);
        break;
      }
      case 'allowed_values': {
        if (!Array.isArray(rule.values) || rule.values.length === 0) bad(rule, `allowed_values on ${c.name} needs values`);
        const shown = rule.values.slice(0, 8).join(', ') + (rule.values.length > 8 ? ', …' : '');
        state = newState(rule.type, c.name, rule.severity, false, `${c.name} in (${shown})`);
        state.allowed = new Set(rule.values.map((v) => bound(contract, rule, c, coerce, v)));
        rules.allowed.push(state);
        break;
      }
      case 'pattern':
        if (columnKind(c) !== 'string') bad(rule, `pattern on ${c.name}: the column is ${typeText(c.type)}, not text`);
        state = newState(rule.type, c.name, rule.severity, false, `${c.name} matches /${rule.pattern}/`);
        try {
          state.match = compilePattern(rule.pattern);
        } catch (e) {
          bad(rule, `pattern on ${c.name} is not a regular expression: ${(e as Error).message}`);
        }
        state.pattern = rule.pattern;
        rules.patterns.push(state);
        break;
      case 'max_bytes':
        if (!isText(c)) bad(rule, `max_bytes on ${c.name}: the column is ${typeText(c.type)}, not varchar or char`);
        // A value over the width would be rejected by COPY (or cut): always an error, whatever is declared.
        state = newState(rule.type, c.name, 'error', false, `${c.name} fits ${typeText(c.type)} in UTF-8 bytes`);
        rules.maxBytes.push(state);
        break;
      case 'decimal_fit':
        if (c.type.kind !== 'decimal') bad(rule, `decimal_fit on ${c.name}: the column is ${typeText(c.type)}, not decimal`);
        // Redshift truncates extra places and rejects extra digits: never loaded as a mere warning.
        state = newState(rule.type, c.name, 'error', false,
          `${c.name} fits ${typeText(c.type)} (no digit lost, no place cut)`);
        rules.decimalFit.push(state);
        break;
      default:
        bad(rule, `unknown rule type ${(rule as { type: string }).type}`);
        throw new Error('unreachable');
    }
    declared.push(state);
  }

  // Checks the loader makes whatever the contract declares: a value that cannot be loaded as is.
  const implicit: RuleState[] = [];
  contract.columns.forEach((c, i) => {
    const rules = columns[i];
    if (!c.nullable && rules.notNull.length === 0) {
      const s = newState('not_null', c.name, 'error', true, `${c.name} is NOT NULL in the contract`);
      rules.notNull.push(s);
      implicit.push(s);
    }
    if (isText(c) && rules.maxBytes.length === 0) {
      const s = newState('max_bytes', c.name, 'error', true, `${c.name} fits ${typeText(c.type)} in UTF-8 bytes`);
      rules.maxBytes.push(s);
      implicit.push(s);
    }
    if (c.type.kind === 'decimal' && rules.decimalFit.length === 0) {
      const s = newState('decimal_fit', c.name, 'error', true, `${c.name} fits ${typeText(c.type)}`);
      rules.decimalFit.push(s);
      implicit.push(s);
    }
    implicit.push(rules.typeFit);
  });
  if (!freshness) {
    freshness = newState('freshness', undefined, 'error', true, 'the batch folder exists and holds rows');
    implicit.push(freshness);
  }

  const all = [...declared, ...implicit];
  const seen = new Map<string, number>();
  for (const s of all) {
    const k = (seen.get(s.id) ?? 0) + 1;
    seen.set(s.id, k);
    if (k > 1) s.id = `${s.id}#${k}`;
  }
  return { all, columns, rowCount, freshness };
}
