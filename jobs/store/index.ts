import { ConfigError } from '../../core/errors.ts';
import { LocalStore } from './local-store.ts';
import type { ObjectStore } from './object-store.ts';

export * from './object-store.ts';
export { LocalStore, localPath } from './local-store.ts';

const local = new LocalStore();
let s3: ObjectStore | undefined;

/** The object store that serves a location URI. */
export async function storeFor(uri: string): Promise<ObjectStore> {
  // Loaded on demand: local runs never load the AWS SDK.
  if (uri.startsWith('s3://')) return (s3 ??= new (await import('./s3-store.ts')).S3Store());
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file://')) {
    throw new ConfigError(`unsupported location ${uri}`, {}, 'use a path, file://… or s3://bucket/prefix');
  }
  return local;
}
