import type { Readable } from 'node:stream';

export interface ObjectInfo {
  /** Full URI of the object (a path for the local store, s3://bucket/key for S3). */
  uri: string;
  size: number;
}

/** Random access to one object, for formats that read a footer first (Parquet). */
export interface RandomAccess {
  uri: string;
  size: number;
  read(start: number, end: number): Promise<ArrayBuffer>;
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
  open(uri: string): Promise<RandomAccess>;
  readStream(uri: string): Promise<Readable>;
  readAll(uri: string): Promise<Buffer>;
  /** Streams `body` to `uri`; the object appears only once the stream ended without error. */
  write(uri: string, body: Readable | Buffer | string, contentType?: string): Promise<WriteResult>;
  exists(uri: string): Promise<boolean>;
  /** Joins a prefix URI and a relative key. */
  join(prefixUri: string, ...parts: string[]): string;
}
