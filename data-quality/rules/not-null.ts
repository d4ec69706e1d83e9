/**
 * not_null: the column holds a value in every row. On a NOT NULL column the coercer refuses a NULL
 * (CoerceFailure 'not_null'); on a nullable one the declared rule sees the NULL itself. The loader
 * adds it to every NOT NULL column the contract declares no rule for. Byte level: a unit with a NULL
 * in the column takes the per-value path.
 */
import type { ColumnRuleModule } from './rule-module.ts';

export const notNull: ColumnRuleModule<null> = {
  type: 'not_null',
  scope: 'column',
  counts: 'rows',
  rejectsNull: true,
  claims: 'not_null',
  compile(decl, { column: c }) {
    // A NULL in a NOT NULL column cannot be loaded at all: that is never just a warning.
    return { params: null, description: `${c.name} is never NULL`, severity: c.nullable ? decl.severity : 'error' };
  },
  implicit(c) {
    return c.nullable ? undefined : { params: null, description: `${c.name} is NOT NULL in the contract` };
  },
  byteLevel() {
    return {};
  },
  sqlForm(_state, _column, col) {
    return `${col} IS NULL`;
  },
};
