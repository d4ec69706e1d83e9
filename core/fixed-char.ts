/**
 * CHAR(n) as Redshift has it: single-byte characters only (bytes 0x01..0x7F), at most n bytes, padded with
 * blanks by the warehouse, so trailing blanks do not count when values are compared. The loader writes the
 * value as the source has it (no padding added) and refuses what Redshift would reject; both paths of the pass
 * (per-value and byte-level) use these functions, so they refuse the same values with the same words.
 */

/** The rule a refused CHAR value breaks ('type': not single-byte or NUL; 'max_bytes': longer than n) and why. */
export interface CharRefusal {
  rule: 'type' | 'max_bytes';
  message: string;
}

export const CHAR_SINGLE_BYTE_HINT = 'CHAR holds single-byte characters only; declare the column varchar';

function quoted(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/** Why text `s` cannot be loaded into CHAR(`bytes`), or undefined when it can (unchanged). */
export function charRefusal(s: string, bytes: number): CharRefusal | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      return { rule: 'type', message: `${quoted(s)} has the character ${JSON.stringify(String.fromCodePoint(s.codePointAt(i)!))} (not one byte); ${CHAR_SINGLE_BYTE_HINT}` };
    }
    if (c === 0) return { rule: 'type', message: `${quoted(s)} contains a NUL character` };
  }
  if (s.length > bytes) {
    return { rule: 'max_bytes', message: `${quoted(s)} is ${s.length} bytes in UTF-8 (${s.length} characters); the column holds ${bytes} bytes` };
  }
  return undefined;
}

/** The value without its trailing blanks: how CHAR values compare (and how their bytes are counted). */
export function charComparable(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  return end === s.length ? s : s.slice(0, end);
}
