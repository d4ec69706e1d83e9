/**
 * One dictionary page per column chunk, decoded once for the consecutive units of it a worker reads.
 *
 * A many-page row group (arrow-rs and pyarrow write one row group of up to 1M rows in 20,000-row pages) is
 * read as several units of bounded rows, and every unit decodes the pages holding its rows — and, before
 * them, the chunk's dictionary page, which arrow-rs fills up to 1 MB per column. Decoding it again for
 * every unit was the same work each time (on arrow-rs SUPPLIER: five ~1 MB dictionaries per unit, six
 * units per 250,000-row group).
 *
 * A dictionary page is always the first thing a call puts in the decoder's arena (position 0), and the
 * parsed entries point there. So the decoder remembers, in its per-column scratch, the last call's
 * dictionary: the page (the caller's name for the chunk, and the page's offset, sizes and entries), the
 * arena it sits in, and the parsed entries. When the next call names the same chunk, finds the same page
 * and still has the same arena (not replaced by a larger one), the bytes are still in place: it skips
 * decompressing and parsing them. Any other call forgets it first, so bytes another call wrote over are
 * never taken for a dictionary. No copy is kept: the memory is the parsed entries of one dictionary per
 * column per worker. A caller that names no chunk (or cuts no row group) never reuses anything.
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
  /** The arena whose first `page.uncompressed` bytes are the page, decompressed. */
  arena: Uint8Array;
  /** The parsed entries (never written by the decoder after parsing). */
  dictionary: D;
}

/** The kept dictionary if it is this page's and its bytes are still at the front of `arena`, else undefined. */
export function reuseDictionary<D>(kept: ReusedDictionary<D> | undefined, page: DictionaryPage, arena: Uint8Array): ReusedDictionary<D> | undefined {
  if (kept === undefined || page.key === undefined || kept.arena !== arena) return undefined;
  const k = kept.page;
  const same = k.key === page.key && k.offset === page.offset && k.compressed === page.compressed && k.uncompressed === page.uncompressed && k.numValues === page.numValues;
  return same ? kept : undefined;
}

/** What the next call may reuse (nothing when this call named no chunk). */
export function keepDictionary<D>(page: DictionaryPage, arena: Uint8Array, dictionary: D): ReusedDictionary<D> | undefined {
  return page.key === undefined ? undefined : { page, arena, dictionary };
}
