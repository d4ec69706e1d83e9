/**
 * DELTA_BYTE_ARRAY values rebuilt in the decoder's arena, with no allocation per value. After the two
 * DELTA_BINARY_PACKED length lists (prefix lengths, suffix lengths) come the suffixes back to back: each value
 * is the first `prefix` bytes of the value before it, then its suffix. A value without a prefix is its suffix,
 * so it stays where it is in the page; the others are written after the pages, at `rebuiltPos`, copied byte
 * by byte when short (no call, no view per value) and with copyWithin when long.
 */
import { PageDecodeError } from './page-decode-error.ts';

/** The bytes rebuildValues will write after the pages (the values with a prefix); checks no length is negative. */
export function rebuiltBytes(prefixes: Int32Array, suffixes: Int32Array, present: number): number {
  let total = 0;
  for (let v = 0; v < present; v++) {
    const prefix = prefixes[v];
    if (prefix < 0 || suffixes[v] < 0) throw new PageDecodeError('bad DELTA_BYTE_ARRAY length');
    if (prefix > 0) total += prefix + suffixes[v];
  }
  return total;
}

/**
 * Rebuilds the page's `present` values, whose suffixes start at `at` (the page ends at `pageEnd`); `width` is
 * a FIXED_LEN_BYTE_ARRAY's type length, 0 for BYTE_ARRAY. Afterwards prefixes[v] is where value v starts in
 * `bytes` and suffixes[v] its length. `bytes` must hold rebuiltBytes() from `rebuiltPos` on; returns the
 * position after the last value written there.
 */
export function rebuildValues(
  bytes: Uint8Array, at: number, pageEnd: number, present: number, prefixes: Int32Array, suffixes: Int32Array, width: number, rebuiltPos: number,
): number {
  let prev = 0;
  let prevLength = 0;
  for (let v = 0; v < present; v++) {
    const prefix = prefixes[v];
    const suffix = suffixes[v];
    if (prefix > prevLength) throw new PageDecodeError('DELTA_BYTE_ARRAY prefix longer than the value before it');
    if (width > 0 && prefix + suffix !== width) throw new PageDecodeError(`DELTA_BYTE_ARRAY value of ${prefix + suffix} bytes in a FIXED_LEN_BYTE_ARRAY(${width}) column`);
    if (at + suffix > pageEnd) throw new PageDecodeError('value runs past the page');
    if (prefix === 0) {
      prev = at;
    } else {
      let q = rebuiltPos;
      if (prefix < 32) for (let i = prev, stop = prev + prefix; i < stop; i++) bytes[q++] = bytes[i];
      else {
        bytes.copyWithin(q, prev, prev + prefix);
        q += prefix;
      }
      if (suffix < 32) for (let i = at, stop = at + suffix; i < stop; i++) bytes[q++] = bytes[i];
      else bytes.copyWithin(q, at, at + suffix);
      prev = rebuiltPos;
      rebuiltPos += prefix + suffix;
    }
    prefixes[v] = prev;
    suffixes[v] = prevLength = prefix + suffix;
    at += suffix;
  }
  return rebuiltPos;
}
