/**
 * File names as the filesystem gives them (bytes). A name that is not valid UTF-8 cannot be a URI, a
 * report entry or a log line without changing it, so it is refused, shown with its bad bytes escaped.
 */

/** The name as text, or undefined when its bytes are not valid UTF-8. */
export function utf8Name(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : undefined;
}

/** The name with every byte that is not part of a valid UTF-8 character written as \xNN. */
export function escapeName(bytes: Buffer): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const len = sequenceLength(bytes, i);
    if (len === 0) {
      out += `\\x${bytes[i].toString(16).padStart(2, '0')}`;
      i += 1;
    } else {
      out += bytes.subarray(i, i + len).toString('utf8');
      i += len;
    }
  }
  return out;
}

/** Length of the valid UTF-8 character starting at i, or 0 when there is none. */
function sequenceLength(b: Buffer, i: number): number {
  const lead = b[i];
  if (lead < 0x80) return lead >= 0x20 && lead !== 0x7f ? 1 : 0; // control characters are escaped too
  const len = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (len === 0 || i + len > b.length) return 0;
  for (let k = 1; k < len; k++) if ((b[i + k] & 0xc0) !== 0x80) return 0;
  return utf8Name(b.subarray(i, i + len)) === undefined ? 0 : len;
}
