/**
 * What a batch is: the regular files directly in the batch folder (or symbolic links to regular files),
 * each with the identity it had when listed. Everything else in the folder is either ignored — and
 * named, with the reason — or refused:
 *
 * - ignored: hidden entries (`.name`), markers (`_SUCCESS`, `_metadata`, `_temporary/`, any `_name`),
 *   checksum files (`*.crc`), and subfolders (`backup/`, …): their files are not part of the batch;
 * - refused (ConfigError, exit 2): a dangling symbolic link, a link to a folder or to anything but a
 *   regular file, a FIFO, socket or device, a name that is not valid UTF-8, an ORC or unknown file type;
 * - refused (QualityError, exit 4): a 0-byte data file (in every format: an interrupted export looks
 *   exactly like that, while an empty table is a header-only CSV or a Parquet file of 0 rows), and a
 *   batch with no data file at all.
 *
 * The same rules hold for a local folder and an S3 prefix (S3 "subfolders" are its common prefixes).
 */
import { ConfigError, QualityError } from '../../core/errors.ts';
import type { FolderEntry, ObjectInfo, ObjectStore } from '../store/index.ts';
import { readableFormat } from './format.ts';

export interface IgnoredEntry {
  uri: string;
  reason: string;
}

export interface BatchListing {
  /** The batch's data files, sorted by URI, each with its identity. */
  files: ObjectInfo[];
  /** Entries of the batch folder that are not part of the batch, and why. */
  ignored: IgnoredEntry[];
}

/** Why an entry of the batch folder is not data, or undefined when it is (or must be refused). */
export function ignoredBecause(entry: Pick<FolderEntry, 'name' | 'kind'>): string | undefined {
  const { name, kind } = entry;
  if (name.startsWith('.')) return kind === 'folder' ? 'hidden folder' : 'hidden file';
  if (name.startsWith('_')) return kind === 'folder' ? 'marker folder (_temporary, …)' : 'marker file (_SUCCESS, _metadata, …)';
  if (/\.crc$/i.test(name)) return 'checksum file (.crc)';
  if (kind === 'folder') return 'subfolder: a batch is the files directly in its folder';
  return undefined;
}

/** The batch folder's data files and its ignored entries; refuses what cannot be part of a batch. */
export async function listBatch(store: ObjectStore, folderUri: string): Promise<BatchListing> {
  const files: ObjectInfo[] = [];
  const ignored: IgnoredEntry[] = [];
  for (const entry of await store.listFolder(folderUri)) {
    const reason = ignoredBecause(entry);
    if (reason) {
      ignored.push({ uri: entry.kind === 'folder' ? `${entry.uri}/` : entry.uri, reason });
      continue;
    }
    if (entry.kind !== 'file' || !entry.info) {
      throw new ConfigError(`not a regular file in the batch folder: ${entry.uri} is ${entry.what ?? 'not a file'}`, { file: entry.uri },
        'a batch folder holds data files (or symbolic links to them): remove it, or point the link at the file');
    }
    readableFormat(entry.uri);
    if (entry.info.size === 0) {
      throw new QualityError(`0-byte data file: ${entry.uri}`, { file: entry.uri },
        'an empty file is an interrupted export: re-export it (an empty table is a CSV with its header, or a Parquet file of 0 rows) or remove it');
    }
    files.push(entry.info);
  }
  if (files.length === 0) {
    throw new QualityError(`batch folder is empty: ${folderUri}`, { file: folderUri },
      'no data files landed for this date: check the landing path and that the upstream export ran');
  }
  return { files, ignored };
}
