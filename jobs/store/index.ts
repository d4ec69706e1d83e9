import { ConfigError } from '../errors.ts';
import { LocalStore } from './local-store.ts';
import type { ObjectStore } from './object-store.ts';

export * from './object-store.ts';
export { LocalStore, localPath } from './local-store.ts';

const local = new LocalStore();

/** The object store that serves a location URI. */
export async function storeFor(uri: string): Promise<ObjectStore> {
  if (uri.startsWith('s3://')) {
    throw new ConfigError(`S3 locations are not supported yet: ${uri}`, {}, 'use a local folder');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file://')) {
    throw new ConfigError(`unsupported location ${uri}`, {}, 'use a path, file://… or s3://bucket/prefix');
  }
  return local;
}
