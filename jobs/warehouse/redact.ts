/**
 * Keeping warehouse secrets out of names, messages and logs: one place for every adapter.
 *
 * - redactUri: a connection URI with its password (and password-like query parameters) masked;
 * - redactSecrets: any text with the given secrets masked, raw and percent-encoded (a URI carries the
 *   encoded form, a driver's error the raw one). Secrets shorter than 3 characters are left alone:
 *   masking them would mangle ordinary words without hiding anything.
 */

/** The URI without its password (`postgres://user:***@host/db`). */
export function redactUri(uri: string): string {
  try {
    const u = new URL(uri);
    if (u.password) u.password = '***';
    for (const k of ['password', 'sslpassword', 'sslkey']) if (u.searchParams.has(k)) u.searchParams.set(k, '***');
    return u.toString();
  } catch {
    // Not a URL: mask everything from the user's ":" to the LAST "@" (a password may hold "@" or "/"),
    // and the secret query parameters.
    return uri
      .replace(/\/\/([^:/@]*):.*@/, '//$1:***@')
      .replace(/([?&](?:password|sslpassword|sslkey)=)[^&#]*/gi, '$1***');
  }
}

/** `text` with every secret (raw and percent-encoded) replaced by ***. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 3) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('***');
  }
  return out;
}
