/**
 * range: loadable values between min and max (either may be absent), compared as canonical values (a
 * decimal bound is read as the column reads values, so 9999.99 compares as the unscaled 999999n).
 * Byte level: number columns compare their canonical numbers with the bounds; text columns (dates and
 * timestamps among them: their canonical text sorts as they do) compare their bytes as JS compares strings.
 */
import type { QualityRule } from '../../datasets/index.ts';
import type { Canonical } from '../coerce.ts';
import type { ColumnRuleModule } from './rule-module.ts';
import { sqlValue } from '../../core/sql-literal.ts';

/** The declaration, as the contract types it (datasets/contract.ts). */
export type RangeDeclaration = Extract<QualityRule, { type: 'range' }>;

export interface RangeParams {
  min?: Canonical;
  max?: Canonical;
}

export const range: ColumnRuleModule<RangeParams> = {
  type: 'range',
  scope: 'column',
  counts: 'loadable',
  compile(decl, ctx) {
    const rule = decl as unknown as RangeDeclaration;
    const c = ctx.column;
    if (rule.min === undefined && rule.max === undefined) ctx.bad(`range on ${c.name} needs min or max`);
    const description = rule.min !== undefined && rule.max !== undefined ? `${c.name} between ${rule.min} and ${rule.max}`
      : rule.min !== undefined ? `${c.name} >= ${rule.min}` : `${c.name} <= ${rule.max}`;
    const params: RangeParams = {};
    if (rule.min !== undefined) params.min = ctx.value(rule.min);
    if (rule.max !== undefined) params.max = ctx.value(rule.max);
    if (params.min !== undefined && params.max !== undefined && (params.min as number) > (params.max as number)) {
      ctx.bad(`range on ${c.name}: min ${rule.min} is above max ${rule.max}`);
    }
    return { params, description };
  },
  values({ params }, show) {
    const hasMin = params.min !== undefined;
    const hasMax = params.max !== undefined;
    // Canonical values of one column share one JS type (number, bigint or string): < and > compare them exactly.
    const min = params.min as number;
    const max = params.max as number;
    return {
      test: (v) => !((hasMin && (v as number) < min) || (hasMax && (v as number) > max)),
      message: (v) => {
        const shown = show(v);
        return hasMin && hasMax ? `${shown} is outside the range ${show(min)} to ${show(max)}`
          : hasMin ? `${shown} is below the minimum ${show(min)}` : `${shown} is above the maximum ${show(max)}`;
      },
    };
  },
  sqlForm({ params }, column, col) {
    const out: string[] = [];
    if (params.min !== undefined) out.push(`${col} < ${sqlValue(column, params.min as Exclude<Canonical, null>)}`);
    if (params.max !== undefined) out.push(`${col} > ${sqlValue(column, params.max as Exclude<Canonical, null>)}`);
    return out.length === 1 ? out[0] : `(${out.join(' OR ')})`;
  },
  byteLevel({ params }, _column, kind) {
    if (kind === 'string') {
      const { min, max } = params;
      if ((min !== undefined && typeof min !== 'string') || (max !== undefined && typeof max !== 'string')) return undefined;
      return { textLo: min, textHi: max };
    }
    if (kind !== 'number' && kind !== 'bigint') return undefined;
    return { lo: params.min === undefined ? -Infinity : Number(params.min), hi: params.max === undefined ? Infinity : Number(params.max) };
  },
};
