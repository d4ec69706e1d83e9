/**
 * type_fit: a value loads as the column's type (an integer in range, a number, a date, text without
 * NUL…). Never declared: the loader adds it to every column, and it takes every coercion failure no
 * other rule of the column claims. Byte level: the integer range of smallint and integer, and no NUL
 * in text (the byte-level path decodes only what is already an exact integer, decimal or UTF-8 text).
 */
import { typeText } from '../coerce.ts';
import type { ColumnRuleModule } from './rule-module.ts';

export const typeFit: ColumnRuleModule<null> = {
  type: 'type_fit',
  scope: 'column',
  counts: 'values',
  claims: 'type',
  claimsRest: true,
  compile(_decl, { bad }) {
    return bad('unknown rule type type_fit (the loader checks it on every column; it is never declared)');
  },
  implicit(c) {
    return { params: null, description: `${c.name} values load as ${typeText(c.type)}` };
  },
  sqlForm(_state, c, col) {
    // The stage column has the contract's type: COPY refused (exit 5) any value it cannot hold. Only the
    // integer widths are worth restating: a wider stage (a column evolved by drift) must still fit.
    switch (c.type.kind) {
      case 'smallint': return `(${col} < -32768 OR ${col} > 32767)`;
      case 'integer': return `(${col} < -2147483648 OR ${col} > 2147483647)`;
      default: return null;
    }
  },
  byteLevel(_state, c) {
    switch (c.type.kind) {
      case 'smallint': return { lo: -32768, hi: 32767 };
      case 'integer': return { lo: -2147483648, hi: 2147483647 };
      case 'bigint': case 'decimal': return {};
      case 'varchar': case 'char': return { noNul: true };
      // The byte-level path writes these only from Parquet DATE, TIMESTAMP and BOOLEAN values it can keep exactly.
      case 'date': case 'timestamp': case 'boolean': return {};
      default: return undefined;
    }
  },
};
