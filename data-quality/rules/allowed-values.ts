/**
 * allowed_values: every loadable value is one of a list, read as the column reads values. Byte level:
 * number columns (smallint, integer, real, double) look their values up in the set, text columns
 * (varchar, char, date, timestamp) their bytes; bigint and decimal columns take the per-value path.
 */
import type { QualityRule } from '../../datasets/index.ts';
import type { Canonical } from '../coerce.ts';
import type { ColumnRuleModule } from './rule-module.ts';
import { sqlValue } from '../../core/sql-literal.ts';

/** The declaration, as the contract types it (datasets/contract.ts). */
export type AllowedValuesDeclaration = Extract<QualityRule, { type: 'allowed_values' }>;

export const allowedValues: ColumnRuleModule<Set<Canonical>> = {
  type: 'allowed_values',
  scope: 'column',
  counts: 'loadable',
  compile(decl, ctx) {
    const rule = decl as unknown as AllowedValuesDeclaration;
    const c = ctx.column;
    if (!Array.isArray(rule.values) || rule.values.length === 0) ctx.bad(`allowed_values on ${c.name} needs values`);
    const shown = rule.values.slice(0, 8).join(', ') + (rule.values.length > 8 ? ', …' : '');
    return { params: new Set(rule.values.map((v) => ctx.value(v))), description: `${c.name} in (${shown})` };
  },
  values({ params: allowed }, show) {
    return { test: (v) => allowed.has(v), message: (v) => `${show(v)} is not one of the allowed values` };
  },
  sqlForm({ params }, column, col) {
    return `${col} NOT IN (${[...params].map((v) => sqlValue(column, v as Exclude<Canonical, null>)).join(', ')})`;
  },
  byteLevel({ params }, _column, kind) {
    if (kind === 'string') return [...params].every((v) => typeof v === 'string') ? { oneOfText: params as ReadonlySet<string> } : undefined;
    return kind === 'number' ? { oneOf: params as ReadonlySet<number> } : undefined;
  },
};
