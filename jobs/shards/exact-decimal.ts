/**
 * Exact arithmetic on the decimal text of manifests and reports ("-12.50", "7", "0.001"): figures of
 * several shards combine without a double in between.
 */

function parts(text: string): { unscaled: bigint; scale: number } {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = m[3] ?? '';
  const unscaled = BigInt(m[2] + frac);
  return { unscaled: m[1] ? -unscaled : unscaled, scale: frac.length };
}

function aligned(a: string, b: string): [bigint, bigint, number] {
  const x = parts(a);
  const y = parts(b);
  const scale = Math.max(x.scale, y.scale);
  return [x.unscaled * 10n ** BigInt(scale - x.scale), y.unscaled * 10n ** BigInt(scale - y.scale), scale];
}

function text(unscaled: bigint, scale: number): string {
  if (scale === 0) return unscaled.toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

export function isDecimalText(s: string): boolean {
  return /^-?\d+(?:\.\d+)?$/.test(s);
}

/** a + b, at the larger of their scales. */
export function addDecimal(a: string, b: string): string {
  const [x, y, scale] = aligned(a, b);
  return text(x + y, scale);
}

export function compareDecimal(a: string, b: string): number {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Null-aware: null is "no value" and gives way to any value. */
export function sumOf(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return addDecimal(a, b);
}

/** Min or max of two values, null-aware; `compare` orders them (decimal, or text for dates and timestamps). */
export function pick(a: string | null | undefined, b: string | null | undefined, want: 'min' | 'max', compare: (x: string, y: string) => number): string | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  const c = compare(a, b);
  return (want === 'min' ? c <= 0 : c >= 0) ? a : b;
}

export function textOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
