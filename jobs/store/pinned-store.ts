/**
 * A view of an object store in which every read of a listed file asks for the version listed, so that
 * code which reads by URI alone (the partition pass, the Parquet package's hashing, the local COPY of
 * landing Parquet) cannot read anything but the batch as listed. Unlisted URIs read as before.
 */
import type { Readable } from 'node:stream';
import type { SourceIdentity } from '../../core/manifest.ts';
import type { ObjectInfo, ObjectStore, RandomAccess } from './object-store.ts';

export function pinListed(store: ObjectStore, files: ObjectInfo[]): ObjectStore {
  const listed = new Map<string, SourceIdentity>();
  for (const f of files) if (f.identity) listed.set(f.uri, f.identity);
  const pin = (uri: string, expect?: SourceIdentity): SourceIdentity | undefined => expect ?? listed.get(uri);
  return {
    list: (prefixUri) => store.list(prefixUri),
    listFolder: (folderUri) => store.listFolder(folderUri),
    open: (uri, expect): Promise<RandomAccess> => store.open(uri, pin(uri, expect)),
    readStream: (uri, expect): Promise<Readable> => store.readStream(uri, pin(uri, expect)),
    readAll: (uri, expect): Promise<Buffer> => store.readAll(uri, pin(uri, expect)),
    write: (uri, body, contentType) => store.write(uri, body, contentType),
    exists: (uri) => store.exists(uri),
    join: (prefixUri, ...parts) => store.join(prefixUri, ...parts),
  };
}
