/**
 * The text of a REAL (float4) value: the shortest decimal that reads back as the same 32-bit float, e.g. the
 * Parquet FLOAT 0.1f as `0.1`, not its exact double widening `0.10000000149011612` (both read back as 0.1f,
 * but the first is what the source meant and what Redshift shows). A number that is not a 32-bit float keeps
 * its own shortest double text: the loader never rounds a value to fit.
 */

/** The shortest round-trip text of `v` as a float4 when `v` is one; otherwise `String(v)`. */
export function realText(v: number): string {
  if (!Number.isFinite(v) || Math.fround(v) !== v || v === 0) return String(v);
  // 9 significant digits always round-trip a float4; the first precision that does is the shortest.
  for (let p = 1; p < 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) return String(d);
  }
  return String(Number(v.toPrecision(9)));
}
