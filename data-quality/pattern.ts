/**
 * Compiles a `pattern` rule into a matcher. The common shape of data-quality patterns — anchored,
 * fixed length, ASCII classes and literals (`^[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{4}$`) — becomes a
 * length test plus one bitmap lookup per character, with no RegExp call per value. Anything else
 * (alternation, variable repetition, non-ASCII, unanchored search) runs as a JavaScript RegExp, so
 * both paths mean exactly what `new RegExp(pattern).test(value)` means.
 */
export type Matcher = (s: string) => boolean;

const DIGIT: Array<[number, number]> = [[48, 57]];
const WORD: Array<[number, number]> = [[48, 57], [65, 90], [95, 95], [97, 122]];
const SPECIAL = new Set([...'()|*+?{}.$^[]\\']);

/** Throws SyntaxError (from RegExp) when the pattern is not a valid regular expression. */
export function compilePattern(pattern: string): Matcher {
  const re = new RegExp(pattern);
  const masks = fixedMasks(pattern);
  if (!masks) return (s) => re.test(s);
  const length = masks.length / 4;
  return (s) => {
    if (s.length !== length) return false;
    for (let i = 0, m = 0; i < length; i++, m += 4) {
      const c = s.charCodeAt(i);
      if (c > 127 || ((masks[m + (c >>> 5)] >>> (c & 31)) & 1) === 0) return false;
    }
    return true;
  };
}

/** Per-position 128-bit ASCII masks (4 words each), or undefined when the pattern is not a simple fixed-length one. */
export function fixedMasks(pattern: string): Uint32Array | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return undefined;
  const body = pattern.slice(1, -1);
  const positions: Array<Array<[number, number]>> = [];
  let i = 0;
  while (i < body.length) {
    let ranges: Array<[number, number]> | undefined;
    const ch = body[i];
    if (ch === '[') {
      const end = parseClass(body, i + 1);
      if (!end) return undefined;
      ranges = end.ranges;
      i = end.next;
    } else if (ch === '\\') {
      const esc = escapeRanges(body[i + 1]);
      if (!esc) return undefined;
      ranges = esc;
      i += 2;
    } else if (SPECIAL.has(ch) || ch.charCodeAt(0) > 127) {
      return undefined;
    } else {
      ranges = [[ch.charCodeAt(0), ch.charCodeAt(0)]];
      i += 1;
    }
    let repeat = 1;
    if (body[i] === '{') {
      const m = /^\{(\d{1,4})\}/.exec(body.slice(i));
      if (!m) return undefined;
      repeat = Number(m[1]);
      i += m[0].length;
    }
    if (i < body.length && '*+?{'.includes(body[i])) return undefined;
    for (let r = 0; r < repeat; r++) positions.push(ranges);
  }
  const masks = new Uint32Array(positions.length * 4);
  positions.forEach((ranges, p) => {
    for (const [lo, hi] of ranges) for (let c = lo; c <= hi; c++) masks[p * 4 + (c >>> 5)] |= 1 << (c & 31);
  });
  return masks;
}

function escapeRanges(e: string | undefined): Array<[number, number]> | undefined {
  if (e === undefined) return undefined;
  if (e === 'd') return DIGIT;
  if (e === 'w') return WORD;
  // An escaped punctuation character stands for itself; letters and digits are classes or back-references.
  if (/^[!-/:-@[-`{-~]$/.test(e)) return [[e.charCodeAt(0), e.charCodeAt(0)]];
  return undefined;
}

function parseClass(body: string, start: number): { ranges: Array<[number, number]>; next: number } | undefined {
  if (body[start] === '^') return undefined; // a negated class also matches non-ASCII: leave it to RegExp
  const ranges: Array<[number, number]> = [];
  let i = start;
  const atom = (): Array<[number, number]> | number | undefined => {
    const ch = body[i];
    if (ch === undefined) return undefined;
    if (ch === '\\') {
      const e = body[i + 1];
      i += 2;
      if (e === 'd' || e === 'w') return escapeRanges(e);
      const r = escapeRanges(e);
      return r ? r[0][0] : undefined;
    }
    i += 1;
    const code = ch.charCodeAt(0);
    return code > 127 ? undefined : code;
  };
  while (i < body.length && body[i] !== ']') {
    const a = atom();
    if (a === undefined) return undefined;
    if (typeof a !== 'number') {
      ranges.push(...a);
      continue;
    }
    if (body[i] === '-' && body[i + 1] !== ']' && i + 1 < body.length) {
      i += 1;
      const b = atom();
      if (typeof b !== 'number' || b < a) return undefined;
      ranges.push([a, b]);
    } else ranges.push([a, a]);
  }
  if (body[i] !== ']' || ranges.length === 0) return undefined;
  return { ranges, next: i + 1 };
}
