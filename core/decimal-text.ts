/**
 * The exact text of a decimal held as an unscaled integer: (-10n, 2) -> "-0.10", (575594n, 2) -> "5755.94".
 * One definition for the Parquet reader (DECIMAL columns), coercion, checksums, column figures and
 * profiles: a decimal is never passed through a double, and COPY must see exactly `scale` places
 * (Redshift truncates extra places where PostgreSQL rounds).
 *
 * A negative scale (a Parquet writer may declare one) multiplies: (12n, -2) -> "1200".
 */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-scale);
  const padded = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}
