/**
 * A source object's identity: what it was when the batch was listed. A run reads exactly that version
 * of every file, or stops with a LoadError (exit 5, retryable): the batch is what was listed.
 *
 * - local files: size, modification time (nanoseconds), inode and device, from the listing's stat
 *   (a symbolic link's identity is its target's); checked with fstat on the opened handle when a read
 *   opens the file and again when it has read to the end.
 * - S3 objects: size, ETag and (in a versioned bucket) VersionId, from one HeadObject per listed file;
 *   reads ask for that VersionId, or for that ETag (If-Match) when the bucket is not versioned.
 */
import { LoadError } from '../../core/errors.ts';
import type { SourceIdentity } from '../../core/manifest.ts';


/** Whether two identities name the same content version (only the facts both sides know count). */
export function sameIdentity(listed: SourceIdentity, now: SourceIdentity): boolean {
  if (listed.size !== now.size) return false;
  for (const k of ['mtimeNs', 'ino', 'dev', 'etag', 'versionId'] as const) {
    if (listed[k] !== undefined && now[k] !== undefined && listed[k] !== now[k]) return false;
  }
  return true;
}

/** An identity as a reader sees it: "size 12, mtime 2026-12-01T14:00:00.123456789Z, inode 42". */
export function describeIdentity(id: SourceIdentity): string {
  const out = [`size ${id.size}`];
  if (id.mtimeNs !== undefined) out.push(`mtime ${nsToIso(id.mtimeNs)}`);
  if (id.ino !== undefined) out.push(`inode ${id.ino}`);
  if (id.etag !== undefined) out.push(`ETag ${id.etag}`);
  if (id.versionId !== undefined) out.push(`version ${id.versionId}`);
  return out.join(', ');
}

function nsToIso(ns: string): string {
  const n = BigInt(ns);
  const ms = n / 1_000_000n;
  const frac = (n % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${frac}Z`;
}

/** The file is not what was listed any more. */
export function changedError(uri: string, listed: SourceIdentity, now?: SourceIdentity): LoadError {
  return new LoadError(
    `${uri} changed during the run (listed: ${describeIdentity(listed)}; now: ${now ? describeIdentity(now) : 'a different version'})`,
    { file: uri },
    'rerun once the upstream export has finished writing the batch',
  );
}

/** The file was listed but is gone. */
export function vanishedError(uri: string, listed: SourceIdentity): LoadError {
  return new LoadError(
    `${uri} vanished during the run (listed: ${describeIdentity(listed)})`,
    { file: uri },
    'rerun once the upstream export has finished writing the batch',
  );
}
