/**
 * Turns the contract's declared quality rules into compiled per-column checks through the registry
 * (index.ts): ids, descriptions, severities and parameters from each type's module (bounds and allowed
 * values read with the column's own coercer, so a decimal bound becomes the same unscaled bigint the
 * values become), and the implicit checks the loader always makes (type fit; NOT NULL, width and
 * precision where the contract declares none; the contract's key, unless a declared key rule of the
 * same type names exactly its columns).
 */
import type { ColumnContract, DatasetContract } from '../../datasets/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { charComparable } from '../../core/fixed-char.ts';
import { coercerFor, CoerceFailure, typeText, type Canonical } from '../coerce.ts';
import type {
  BatchRuleModule, ColumnKind, ColumnRuleModule, Compiled, KeyRuleModule, RuleDeclaration, RuleModule, RuleState, ValueCheck,
} from './rule-module.ts';

/** A contract column's checks, grouped by what the pass does with them. */
export interface ColumnRules {
  /** Every rule on the column. */
  all: RuleState[];
  /** What `checked` counts: every row, every non-NULL source value, every loadable value. */
  countRows: RuleState[];
  countValues: RuleState[];
  countLoadable: RuleState[];
  /** Rules a NULL breaks (on a nullable column: the rule sees it; on a NOT NULL one the coercer does). */
  rejectNull: RuleState[];
  /** Coercion failures by CoerceFailure.rule, and the rules that take the rest. */
  claims: Map<CoerceFailure['rule'], RuleState[]>;
  rest: RuleState[];
  /** Predicates on loadable values. */
  values: Array<{ state: RuleState; check: ValueCheck }>;
}

/** A rule judged on the keys of one or more columns (unique, the contract's key). */
export interface KeyRule {
  state: RuleState;
  /** Contract column indexes, in the rule's order. */
  columns: number[];
}

export interface CompiledRules {
  /** Every rule, in report order: declared first (contract order), then implicit ones. */
  all: RuleState[];
  /** Per contract column, in contract order. */
  columns: ColumnRules[];
  /** Batch-level rules, in report order. */
  batch: RuleState[];
  /** Key rules, in report order. */
  keys: KeyRule[];
  /** Every batch-level module, with its rule when one is declared or implicit (report header fields). */
  batchModules: Array<{ module: BatchRuleModule; state?: RuleState }>;
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

function newState(module: RuleModule, column: string | undefined, implicit: boolean, compiled: Compiled<unknown>, declared: RuleDeclaration | undefined, columns?: string[]): RuleState {
  return {
    id: column ? `${module.type}:${column}` : columns ? `${module.type}:${columns.join(',')}` : module.type,
    type: module.type, column, ...(columns ? { columns } : {}), severity: compiled.severity ?? declared?.severity ?? 'error', implicit, description: compiled.description,
    checked: 0, failed: 0, samples: [],
    module, params: compiled.params,
  };
}

function bound(contract: DatasetContract, rule: RuleDeclaration, c: ColumnContract, text: string): Canonical {
  // A date bound on a timestamp column is its midnight; a CHAR bound compares without trailing blanks.
  const asRead = c.type.kind === 'timestamp' && /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text} 00:00:00` : text;
  const v = coercerFor({ ...c, nullable: true })(asRead);
  if (c.type.kind === 'char' && typeof v === 'string') return charComparable(v);
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

export function compileRules(contract: DatasetContract, ruleTypes: Readonly<Record<string, RuleModule>>): CompiledRules {
  const modules = Object.values(ruleTypes);
  const byName = new Map(contract.columns.map((c, i) => [c.name.toLowerCase(), i]));
  const columns: ColumnRules[] = contract.columns.map(() => ({
    all: [], countRows: [], countValues: [], countLoadable: [], rejectNull: [], claims: new Map(), rest: [], values: [],
  }));
  const keys: KeyRule[] = [];
  const declared: RuleState[] = [];
  const batch = new Map<BatchRuleModule, RuleState>();
  const bad = (rule: RuleDeclaration, what: string): never => {
    throw new ConfigError(`quality rule ${rule.type} in the ${contract.name} contract: ${what}`, { rule: rule.type },
      'fix the rule in datasets/');
  };
  const kinds = contract.columns.map(columnKind);

  const add = (i: number, state: RuleState): void => {
    const m = state.module as ColumnRuleModule;
    const r = columns[i];
    r.all.push(state);
    (m.counts === 'rows' ? r.countRows : m.counts === 'values' ? r.countValues : r.countLoadable).push(state);
    if (m.rejectsNull) r.rejectNull.push(state);
    if (m.claims) {
      const list = r.claims.get(m.claims) ?? [];
      list.push(state);
      r.claims.set(m.claims, list);
    }
    if (m.claimsRest) r.rest.push(state);
  };
  /** A key rule's columns as contract indexes: each must exist, none twice. */
  const keyColumns = (names: string[], fail: (what: string) => never): number[] => {
    const out: number[] = [];
    for (const name of names) {
      const i = byName.get(String(name).toLowerCase());
      if (i === undefined) fail(`unknown column ${name}`);
      if (out.includes(i)) fail(`column ${name} named twice`);
      out.push(i);
    }
    return out;
  };
  const addKey = (module: KeyRuleModule, indexes: number[], implicit: boolean, compiled: Compiled<unknown>, decl?: RuleDeclaration): RuleState => {
    const names = indexes.map((i) => contract.columns[i].name);
    const state = newState(module, names.length === 1 ? names[0] : undefined, implicit, compiled, decl, names.length === 1 ? undefined : names);
    keys.push({ state, columns: indexes });
    return state;
  };

  for (const rule of contract.quality as RuleDeclaration[]) {
    if (rule.severity !== 'error' && rule.severity !== 'warn') bad(rule, `severity must be error or warn, not ${String(rule.severity)}`);
    const module = Object.hasOwn(ruleTypes, rule.type) ? ruleTypes[rule.type] : undefined;
    if (!module) {
      if (typeof rule.column === 'string' && !byName.has(rule.column.toLowerCase())) bad(rule, `unknown column ${rule.column}`);
      return bad(rule, `unknown rule type ${rule.type}`);
    }
    if (module.scope === 'key') {
      const named = rule.columns ?? (rule.column === undefined ? [] : [rule.column]);
      if (named.length === 0 || (rule.columns !== undefined && rule.column !== undefined)) bad(rule, 'name exactly one of column or columns');
      const indexes = keyColumns(named, (what) => bad(rule, what));
      const fail = (what: string): never => bad(rule, what);
      const compiled = module.compile(rule, { contract, columns: indexes.map((i) => contract.columns[i]), bad: fail });
      declared.push(addKey(module, indexes, false, compiled, rule));
      continue;
    }
    if (module.scope === 'batch') {
      if (batch.has(module)) bad(rule, 'declared twice');
      const state = newState(module, undefined, false, module.compile(rule, (what) => bad(rule, what)), rule);
      batch.set(module, state);
      declared.push(state);
      continue;
    }
    const index = byName.get(String(rule.column).toLowerCase());
    if (index === undefined) return bad(rule, `unknown column ${rule.column}`);
    const c = contract.columns[index];
    const compiled = module.compile(rule, {
      contract, column: c, kind: kinds[index],
      value: (text) => bound(contract, rule, c, text),
      bad: (what) => bad(rule, what),
    });
    const state = newState(module, c.name, false, compiled, rule);
    add(index, state);
    declared.push(state);
  }

  // Checks the loader makes whatever the contract declares: a value that cannot be loaded as is.
  const implicit: RuleState[] = [];
  contract.columns.forEach((c, i) => {
    for (const m of modules) {
      if (m.scope !== 'column' || !m.implicit || columns[i].all.some((s) => s.module === m)) continue;
      const compiled = m.implicit(c);
      if (!compiled) continue;
      const state = newState(m, c.name, true, compiled, undefined);
      add(i, state);
      implicit.push(state);
    }
  });
  // The contract's key: enforced by each key rule type with an implicit form, unless declared on exactly its columns.
  if (contract.key.length > 0) {
    const keyIndexes = keyColumns(contract.key, (what) => {
      throw new ConfigError(`the ${contract.name} contract's key: ${what}`, {}, 'fix key in the contract file');
    });
    const sameSet = (a: number[]): boolean => a.length === keyIndexes.length && a.every((i) => keyIndexes.includes(i));
    for (const m of modules) {
      if (m.scope !== 'key' || !m.implicit || keys.some((k) => k.state.module === m && sameSet(k.columns))) continue;
      const compiled = m.implicit(contract, keyIndexes.map((i) => contract.columns[i]));
      if (compiled) implicit.push(addKey(m, keyIndexes, true, compiled));
    }
  }
  for (const m of modules) {
    if (m.scope !== 'batch' || !m.implicit || batch.has(m)) continue;
    const compiled = m.implicit();
    if (!compiled) continue;
    const state = newState(m, undefined, true, compiled, undefined);
    batch.set(m, state);
    implicit.push(state);
  }

  const all = [...declared, ...implicit];
  const seen = new Map<string, number>();
  for (const s of all) {
    const k = (seen.get(s.id) ?? 0) + 1;
    seen.set(s.id, k);
    if (k > 1) s.id = `${s.id}#${k}`;
  }
  const batchModules = modules.filter((m): m is BatchRuleModule => m.scope === 'batch').map((module) => ({ module, state: batch.get(module) }));
  const keyOrder = new Map(all.map((s, i) => [s, i]));
  keys.sort((a, b) => keyOrder.get(a.state)! - keyOrder.get(b.state)!);
  return { all, columns, batch: all.filter((s) => s.module.scope === 'batch'), batchModules, keys };
}
