/**
 * The page decoder's refusal: a feature or an inconsistency it leaves to hyparquet (the caller then reads
 * that part of the file with hyparquet, which also gives the reader's exact message for a damaged file).
 * Its own module so the decoder's pieces (parquet-pages.ts, delta-binary-packed.ts, rle-hybrid.ts) share it;
 * parquet-pages.ts re-exports it.
 */
export class PageDecodeError extends Error {}
