/**
 * The page decoder the byte-level path calls, as one replaceable binding: a test seam
 * (test/support/decoder-fault.ts replaces it to prove that a bug in the decoder fails the run with
 * exit 1 instead of quietly sending every unit to hyparquet). Nothing in the loader replaces it.
 */
import { decodeChunk } from '../readers/parquet-pages.ts';

export const pageDecoder = { decodeChunk };
