import type { Readable } from 'node:stream';

import type { SourceIdentity } from '../../core/manifest.ts';


export interface ObjectInfo {
  /** Full URI of the object (a path for the local store, s3://bucket/key for S3). */
  uri: string;
  size: number;
  /** What the object was when listed; reads given it refuse any other version (LoadError). */
  identity?: SourceIdentity;
}

/** One entry directly inside a folder, as `listFolder` sees it (nothing below it). */
export interface FolderEntry {
  uri: string;
  /** The entry's name inside the folder. */
  name: string;
  /** 'file': a regular file (or a link to one: `info` is the target's); 'folder'; 'other': anything else, said in `what`. */
  kind: 'file' | 'folder' | 'other';
  info?: ObjectInfo;
  /** For 'other': what it is ("a dangling symbolic link", "a FIFO", …). */
  what?: string;
}

/** Random access to one object, for formats that read a footer first (Parquet). */
export interface RandomAccess {
  uri: string;
  size: number;
  read(start: number, end: number): Promise<ArrayBuffer>;
  /**
   * Bytes [start, end) straight into `target` (from its index 0), when the store can read without a buffer
   * of its own (a local file); returns how many it read (fewer when the file ends first).
   */
  readInto?(start: number, end: number, target: Uint8Array): Promise<number>;
}

export interface WriteResult {
  uri: string;
  size: number;
  sha256: string;
}

/**
 * The object-store port. Locations are URIs: a path or file:// for the local store,
 * s3://bucket/prefix for S3. Writes are all-or-nothing: a reader never sees half an object.
 */
export interface ObjectStore {
  /** Objects under a prefix (recursively), sorted by URI. */
  list(prefixUri: string): Promise<ObjectInfo[]>;
  /**
   * The entries directly inside a folder (files with their identity, subfolders, anything else), sorted
   * by URI; nothing for a missing folder. A name that is not valid UTF-8 is a ConfigError.
   */
  listFolder(folderUri: string): Promise<FolderEntry[]>;
  /**
   * The read methods take the identity the object had when listed: they then read exactly that version,
   * or fail with a LoadError (changed or vanished since the listing).
   */
  open(uri: string, expect?: SourceIdentity): Promise<RandomAccess>;
  readStream(uri: string, expect?: SourceIdentity): Promise<Readable>;
  readAll(uri: string, expect?: SourceIdentity): Promise<Buffer>;
  /** Streams `body` to `uri`; the object appears only once the stream ended without error. */
  write(uri: string, body: Readable | Buffer | string, contentType?: string): Promise<WriteResult>;
  exists(uri: string): Promise<boolean>;
  /** Joins a prefix URI and a relative key. */
  join(prefixUri: string, ...parts: string[]): string;
}
