/**
 * One dictionary page per column chunk, decoded once per worker.
 *
 * A many-page row group (arrow-rs and pyarrow write one row group of up to 1M rows in 20,000-row pages) is
 * read as several units of bounded rows, and every unit decodes the pages holding its rows — and, before
 * them, the chunk's dictionary page, which arrow-rs fills up to 1 MB per column. Decoding it again for
 * every unit was the same work each time (on arrow-rs SUPPLIER: five ~1 MB dictionaries per unit, six
 * units per 250,000-row group). The decoder keeps the last chunk's dictionary in its per-column scratch
 * (the decompressed bytes and the parsed entries) and, when the next call names the same chunk and finds
 * the same page (offset, sizes, entries), copies the bytes back instead of decompressing and parsing them.
 *
 * The parsed entries hold positions in the decoder's arena; a dictionary page is always the first thing
 * a call puts there (position 0), so the copied bytes land where the entries point. A call without a
 * chunk key (or another chunk) decodes the page as before and keeps it in place of the previous one:
 * memory is one dictionary per column per worker.
 */

/** What identifies a dictionary page: the caller's name for its column chunk and the page's own header. */
export interface DictionaryPage {
  /** The caller's name for the column chunk (file, row group, column); undefined: never reused. */
  key: string | undefined;
  /** Byte offset of the page's data from the chunk's start. */
  offset: number;
  compressed: number;
  uncompressed: number;
  numValues: number;
}

export interface ReusedDictionary<D> {
  page: DictionaryPage;
  /** The page's decompressed bytes (a copy: the arena they came from is reused). */
  bytes: Uint8Array;
  /** The parsed entries (never written by the decoder after parsing). */
  dictionary: D;
}

/** The kept dictionary if it is this page's, else undefined. */
export function reuseDictionary<D>(kept: ReusedDictionary<D> | undefined, page: DictionaryPage): ReusedDictionary<D> | undefined {
  if (kept === undefined || page.key === undefined) return undefined;
  const k = kept.page;
  const same = k.key === page.key && k.offset === page.offset && k.compressed === page.compressed && k.uncompressed === page.uncompressed && k.numValues === page.numValues;
  return same && kept.bytes.length === page.uncompressed ? kept : undefined;
}

/** What to keep after decoding a page (undefined when the call named no chunk: nothing to reuse it by). */
export function keepDictionary<D>(page: DictionaryPage, bytes: Uint8Array, dictionary: D): ReusedDictionary<D> | undefined {
  return page.key === undefined ? undefined : { page, bytes: bytes.slice(), dictionary };
}
