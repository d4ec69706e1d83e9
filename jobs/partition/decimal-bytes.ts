/**
 * DECIMAL values stored as bytes (FIXED_LEN_BYTE_ARRAY, or BYTE_ARRAY): the unscaled integer in big-endian
 * two's complement, as Spark's legacy mode writes every decimal and DuckDB and arrow-rs write wide ones.
 * The byte-level path takes a value as a number only when it is a safe integer (|v| < 2^53), so no digit
 * ever passes through a rounding double; any other value is read exactly as a BigInt.
 */

/** 2^45: a partial value this large, with a byte still to come, cannot end below 2^53. */
const SHIFT_LIMIT = 35184372088832;

/**
 * The unscaled value of bytes[at, at + length) as a number, or NaN when it is not a safe integer
 * (the caller then reads it exactly with `unscaledBigInt`). Zero bytes are 0, as the reader has them.
 */
export function unscaledSafe(bytes: Uint8Array, at: number, length: number): number {
  if (length === 0) return 0;
  const end = at + length;
  // The first byte carries the sign: its signed value, then 8 bits more per byte.
  let v = (bytes[at] << 24) >> 24;
  for (let i = at + 1; i < end; i++) {
    if (v >= SHIFT_LIMIT || v <= -SHIFT_LIMIT) return NaN;
    v = v * 256 + bytes[i];
  }
  return Number.isSafeInteger(v) ? v : NaN;
}

/** The unscaled value of bytes[at, at + length) exactly. */
export function unscaledBigInt(bytes: Uint8Array, at: number, length: number): bigint {
  let v = 0n;
  for (let i = at; i < at + length; i++) v = (v << 8n) | BigInt(bytes[i]);
  return length > 0 && bytes[at] & 0x80 ? v - (1n << BigInt(length * 8)) : v;
}
