/**
 * max_bytes: a text value fits the column's width in UTF-8 bytes (Redshift counts bytes, not
 * characters). The coercer measures it (CoerceFailure 'max_bytes'); the loader adds the rule to every
 * varchar and char column. Byte level: the value's byte length against the width. Always an error: a
 * value over the width would be rejected by COPY (or cut).
 */
import { isCharacterType, VARCHAR_MAX_BYTES } from '../../datasets/index.ts';
import { typeText } from '../coerce.ts';
import type { ColumnRuleModule } from './rule-module.ts';


export const maxBytes: ColumnRuleModule<null> = {
  type: 'max_bytes',
  scope: 'column',
  counts: 'values',
  claims: 'max_bytes',
  compile(_decl, { column: c, bad }) {
    if (!isCharacterType(c.type)) bad(`max_bytes on ${c.name}: the column is ${typeText(c.type)}, not varchar or char`);
    return { params: null, description: `${c.name} fits ${typeText(c.type)} in UTF-8 bytes`, severity: 'error' };
  },
  implicit(c) {
    return isCharacterType(c.type) ? { params: null, description: `${c.name} fits ${typeText(c.type)} in UTF-8 bytes` } : undefined;
  },
  sqlForm(_state, c, col) {
    const t = c.type;
    if (t.kind !== 'varchar' && t.kind !== 'char') return null;
    // CHAR compares without its trailing blanks (core/fixed-char.ts); the stage pads them back.
    return `OCTET_LENGTH(${t.kind === 'char' ? `RTRIM(${col})` : col}) > ${t.bytes === 'max' ? VARCHAR_MAX_BYTES : t.bytes}`;
  },
  byteLevel(_state, c) {
    const t = c.type;
    if (t.kind !== 'varchar' && t.kind !== 'char') return undefined;
    return { maxBytes: t.bytes === 'max' ? VARCHAR_MAX_BYTES : t.bytes };
  },
};
