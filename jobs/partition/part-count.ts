/**
 * How many parts a batch is cut into.
 *
 * Redshift loads fastest from a number of files that is a multiple of the cluster's slices, each 1 MB –
 * 1 GB compressed. Both cannot always hold, so:
 *
 * - Upper bound, MAX_PARTS (10,000) in all: every part is written side by side (one open file or one
 *   multipart upload each, with its buffers), costs at least four S3 requests (create, upload, complete,
 *   and COPY's GET) and one manifest entry. 10,000 is five times the largest cluster's slice count
 *   (128 ra3.16xlarge nodes × 16 slices = 2,048) and, at 1 GB a part, 10 TB of gzip per batch — far
 *   past any batch here (TPC-H SF 1000 SUPPLIER, 10M rows, is ~610 MB of gzip parts). Flags asking for
 *   more are refused before any work.
 * - Lower bound, MIN_PART_INPUT_BYTES (64 KiB of source) a part: below it a part costs more in requests
 *   and COPY file opens than its slice's parallelism gains. A batch too small to give every slice one
 *   part of that size gets fewer parts (down to one); one big enough gets the largest multiple of the
 *   slices that keeps every part at or above the minimum.
 */
import { ConfigError } from '../../core/errors.ts';

export const MAX_PARTS = 10_000;

/** Slices assumed when the warehouse does not say (a local run, `partition` without a cluster): 8. */
export const DEFAULT_SLICES = 8;
export const MIN_PART_INPUT_BYTES = 64 * 1024;
export const DEFAULT_TARGET_PART_BYTES = 256 * 1024 * 1024;

/** Refuses a slice count and parts per slice whose product passes MAX_PARTS (exit 2, before any work). */
export function checkPartBound(slices: number | undefined, partsPerSlice: number | undefined): void {
  if (slices === undefined || partsPerSlice === undefined) return;
  if (slices * partsPerSlice > MAX_PARTS) {
    throw new ConfigError(
      `--slices ${slices} × --parts-per-slice ${partsPerSlice} asks for ${(slices * partsPerSlice).toLocaleString('en-US')} parts; the limit is ${MAX_PARTS.toLocaleString('en-US')}`,
      {},
      'use the cluster\'s real slice count and fewer parts per slice (leave --parts-per-slice out to size parts from the input)',
    );
  }
}

/**
 * The part count for `inputBytes` of source: `slices × partsPerSlice` (derived, when not given, so no part
 * passes `targetPartBytes`), then lowered to what the input can fill at `minPartBytes` a part.
 */
export function partCount(
  slices: number,
  inputBytes: number,
  partsPerSlice?: number,
  targetPartBytes = DEFAULT_TARGET_PART_BYTES,
  minPartBytes = MIN_PART_INPUT_BYTES,
): number {
  if (!Number.isInteger(slices) || slices < 1) throw new ConfigError(`slices must be a positive integer, got ${slices}`);
  if (partsPerSlice !== undefined && (!Number.isInteger(partsPerSlice) || partsPerSlice < 1)) {
    throw new ConfigError(`parts per slice must be a positive integer, got ${partsPerSlice}`);
  }
  checkPartBound(slices, partsPerSlice);
  const derived = Math.max(1, Math.ceil(inputBytes / (slices * targetPartBytes)));
  const perSlice = partsPerSlice ?? Math.max(1, Math.min(derived, Math.floor(MAX_PARTS / slices)));
  const wanted = slices * perSlice;
  const fillable = Math.max(1, Math.floor(inputBytes / minPartBytes));
  if (wanted <= fillable) return wanted;
  // Too little input for every part: whole rounds over the slices where it can fill one, else fewer parts.
  return fillable >= slices ? fillable - (fillable % slices) : fillable;
}
