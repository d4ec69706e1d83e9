/**
 * The rule registry: every rule type the pass knows, keyed by the `type` a contract declares. The
 * evaluator (per-value path), the byte-level path (byte-level.ts) and the report only iterate what a
 * registry's modules compile to; nothing else in the code asks which type a rule is.
 *
 * HOW TO ADD A RULE TYPE
 *   1. Write `data-quality/rules/<type>.ts` exporting a ColumnRuleModule, KeyRuleModule or BatchRuleModule
 *      (rule-module.ts): `compile` (check the parameters with ctx.bad / ctx.value, return params,
 *      description, severity), `counts`, and either `values` (a predicate on loadable values and its
 *      message) or `claims` (a coercion failure), optionally `implicit`, `byteLevel` (without it, a
 *      column with the rule always takes the per-value path: correct, only slower), `verdict`;
 *      a batch rule: `judge` and, if it owns a report header field, `reportFields`.
 *   2. Add it to `defaultRuleTypes` below (order = the order of implicit rules in reports).
 *   3. Add its declaration to the QualityRule union in datasets/contract.ts (datasets/ is floor 0 and
 *      cannot import this folder) and to contract.schema.json when there is one.
 *   4. Test it in test/data-quality/rules/<type>.test.ts: compile, per-value, byte-level, verdict.
 * A caller can also pass extra types without touching this file: `new QualityEvaluator(contract,
 * { ruleTypes: { my_rule: myRule } })` (test/data-quality/rules/registry.test.ts does).
 */
import type { QualityRule } from '../../datasets/index.ts';
import { allowedValues } from './allowed-values.ts';
import { decimalFit } from './decimal-fit.ts';
import { freshness } from './freshness.ts';
import { maxBytes } from './max-bytes.ts';
import { notNull } from './not-null.ts';
import { pattern } from './pattern.ts';
import { range } from './range.ts';
import { rowCountChange } from './row-count-change.ts';
import type { RuleModule } from './rule-module.ts';
import { typeFit } from './type-fit.ts';
import { unique } from './unique.ts';

export type RuleTypes = Readonly<Record<string, RuleModule>>;

/** The built-in rule types: every type of the contract's QualityRule union, plus the implicit type_fit. */
export const defaultRuleTypes = Object.freeze({
  not_null: notNull,
  unique,
  range,
  allowed_values: allowedValues,
  pattern,
  max_bytes: maxBytes,
  decimal_fit: decimalFit,
  type_fit: typeFit,
  row_count_change: rowCountChange,
  freshness,
} satisfies Record<QualityRule['type'] | 'type_fit', RuleModule>);

/** The defaults with a caller's own types added (or replaced) by type. */
export function ruleTypesWith(extra: RuleTypes | undefined): RuleTypes {
  return extra ? { ...defaultRuleTypes, ...extra } : defaultRuleTypes;
}

export { compileRules, columnKind, type ColumnRules, type CompiledRules, type KeyRule } from './compile.ts';
export type * from './rule-module.ts';
export { batchReportFields, defaultVerdict, ruleResultOf, summaryOf, verdictOf } from './rule-module.ts';
