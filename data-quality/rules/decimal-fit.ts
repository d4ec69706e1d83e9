/**
 * decimal_fit: a decimal value fits decimal(p,s): no digit lost, no place cut. The coercer decides it
 * exactly (CoerceFailure 'decimal_fit'); the loader adds the rule to every decimal column. Byte level:
 * the unscaled integer within ±(10^p - 1). Always an error: Redshift truncates extra places and rejects
 * extra digits.
 */
import { typeText } from '../coerce.ts';
import type { ColumnRuleModule } from './rule-module.ts';
import { decimalText } from '../../core/decimal-text.ts';

export const decimalFit: ColumnRuleModule<null> = {
  type: 'decimal_fit',
  scope: 'column',
  counts: 'values',
  claims: 'decimal_fit',
  compile(_decl, { column: c, bad }) {
    if (c.type.kind !== 'decimal') bad(`decimal_fit on ${c.name}: the column is ${typeText(c.type)}, not decimal`);
    return { params: null, description: `${c.name} fits ${typeText(c.type)} (no digit lost, no place cut)`, severity: 'error' };
  },
  implicit(c) {
    return c.type.kind === 'decimal' ? { params: null, description: `${c.name} fits ${typeText(c.type)}` } : undefined;
  },
  sqlForm(_state, c, col) {
    if (c.type.kind !== 'decimal') return null;
    // The largest value decimal(p,s) holds, e.g. 9999999999.99 for (12,2).
    const { precision: p, scale: s } = c.type;
    return `ABS(${col}) > ${decimalText(10n ** BigInt(p) - 1n, s)}`;
  },
  byteLevel(_state, c) {
    if (c.type.kind !== 'decimal') return undefined;
    // Exact for p <= 15; above, 10^p - 1 rounds up to 10^p, but the byte-level path only holds safe integers (< 2^53 < 10^16).
    const limit = 10 ** c.type.precision - 1;
    return { lo: -limit, hi: limit };
  },
};
