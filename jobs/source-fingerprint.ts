/**
 * A batch's source fingerprint: sha256 over its files' identities, sorted by URI. Two listings with the
 * same fingerprint are the same files in the same versions, so the batch need not be loaded again.
 *
 * What counts, per file: the URI, the size, and the version facts the store gives — S3: ETag and (in a
 * versioned bucket) VersionId; local files: the modification time in nanoseconds. The inode and device
 * are left out on purpose: they name where a file sits, not what it holds (a restore or a copy of the
 * same bytes with the same mtime is the same batch), and mtime already changes with every rewrite.
 *
 * And the difference between two listings, file by file (added, removed, changed), for the run report
 * when a batch is loaded again because its fingerprint changed.
 */
import { createHash } from 'node:crypto';
import type { SourceIdentity } from '../core/manifest.ts';
import { describeIdentity } from './store/identity.ts';

/** A file as the fingerprint sees it (a listing's entry or a manifest's sourceFiles entry). */
export interface FingerprintFile {
  uri: string;
  size: number;
  identity?: SourceIdentity;
}

/** The facts of one file that the fingerprint covers, as one canonical line. */
function identityLine(f: FingerprintFile): string {
  const id = f.identity;
  return JSON.stringify([f.uri, f.size, id?.etag ?? null, id?.versionId ?? null, id?.mtimeNs ?? null]);
}

/** sha256 hex over the files' identity lines, sorted by URI (the listing order does not matter). */
export function sourceFingerprint(files: readonly FingerprintFile[]): string {
  const lines = files.map(identityLine).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** What changed between the files a published copy was loaded from and the files listed now. */
export interface SourceChanges {
  added: string[];
  removed: string[];
  /** Same URI, another size or version: the URI with both identities. */
  changed: Array<{ uri: string; before: string; now: string }>;
}

export function sourceChanges(before: readonly FingerprintFile[], now: readonly FingerprintFile[]): SourceChanges {
  const old = new Map(before.map((f) => [f.uri, f]));
  const cur = new Map(now.map((f) => [f.uri, f]));
  const describe = (f: FingerprintFile): string => (f.identity ? describeIdentity(f.identity) : `size ${f.size}`);
  return {
    added: [...cur.keys()].filter((u) => !old.has(u)).sort(),
    removed: [...old.keys()].filter((u) => !cur.has(u)).sort(),
    changed: [...cur.values()]
      .filter((f) => old.has(f.uri) && identityLine(old.get(f.uri)!) !== identityLine(f))
      .sort((a, b) => (a.uri < b.uri ? -1 : 1))
      .map((f) => ({ uri: f.uri, before: describe(old.get(f.uri)!), now: describe(f) })),
  };
}

/** "1 added (a.parquet), 0 removed, 1 changed (b.parquet)" — names up to 5 files per kind. */
export function describeChanges(c: SourceChanges): string {
  const names = (uris: string[]): string => {
    if (uris.length === 0) return '';
    const shown = uris.slice(0, 5).map((u) => u.split('/').pop() ?? u);
    return ` (${shown.join(', ')}${uris.length > 5 ? `, … ${uris.length - 5} more` : ''})`;
  };
  return `${c.added.length} added${names(c.added)}, ${c.removed.length} removed${names(c.removed)}, ${c.changed.length} changed${names(c.changed.map((x) => x.uri))}`;
}
