/**
 * Escaping for the report pages: every value that comes from data (a column value, a file name, an error
 * line) goes through one of these before it is placed in HTML, so no value can open a tag or an attribute.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a quoted attribute value. */
export function esc(value: string | number | bigint | boolean | undefined | null): string {
  const text = value === undefined || value === null ? '' : String(value);
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` as \u escapes (so no value can
 * close the script element or open a comment), and the two line separators JavaScript once refused.
 */
export function jsonForScript(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One path segment of a relative link (keeps `=` readable: `batch=2026-11-25/run=…`). */
export function hrefSegment(segment: string): string {
  return encodeURIComponent(segment).replaceAll('%3D', '=');
}
