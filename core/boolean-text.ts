/**
 * BOOLEAN text: the loader writes `true` / `false`. From text it takes true/false/t/f/1/0, case-insensitive
 * and nothing else (no blanks around them). Redshift's own literals also include y/yes/n/no; the loader keeps
 * to the six forms every engine it writes to reads the same way, and refuses the rest with one line.
 */

const TRUE_TEXT = new Set(['true', 't', '1']);
const FALSE_TEXT = new Set(['false', 'f', '0']);

/** The boolean a source text means, or undefined when it is not one of true/false/t/f/1/0 (any case). */
export function parseBooleanText(s: string): boolean | undefined {
  if (s.length > 5) return undefined;
  const l = s.toLowerCase();
  return TRUE_TEXT.has(l) ? true : FALSE_TEXT.has(l) ? false : undefined;
}

/** The refusal of text that is not a boolean (without file, row and column). */
export function booleanRefusal(s: string): string {
  return `${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)} is not a boolean (true/false, t/f or 1/0) — write it as one of those in the export`;
}
