/**
 * The CSV dialect of the parts, one place for the writer and the loaders:
 * `|` between fields, `"` quotes, NULL as an unquoted marker: \N, or the package's own marker when a value
 * is \N (jobs/partition/null-marker.ts; the manifest records it). A field is quoted when it holds the delimiter,
 * a quote, CR or LF, equals the NULL marker, or is empty (so '' never reads back as NULL anywhere).
 * Backslashes are ordinary characters in CSV mode, in PostgreSQL and in Redshift alike.
 */
export const CSV_DIALECT = { delimiter: '|', quote: '"', nullMarker: '\\N' } as const;

/** The dialect's delimiter and quote as bytes, for the writers and checks that work on UTF-8 bytes (all ASCII). */
export const DELIMITER_BYTE = CSV_DIALECT.delimiter.charCodeAt(0);
export const QUOTE_BYTE = CSV_DIALECT.quote.charCodeAt(0);
/** The default NULL marker as bytes: [0x5c, 0x4e] for `\N`. */
export const NULL_MARKER_BYTES: readonly number[] = Array.from(CSV_DIALECT.nullMarker, (c) => c.charCodeAt(0));

const NEEDS_QUOTES = /[|"\r\n]/;
const QUOTES = /"/g;

export function csvField(text: string, nullMarker: string = CSV_DIALECT.nullMarker): string {
  if (text === '' || text === CSV_DIALECT.nullMarker || text === nullMarker) return `"${text}"`;
  if (NEEDS_QUOTES.test(text)) return `"${text.replace(QUOTES, '""')}"`;
  return text;
}
