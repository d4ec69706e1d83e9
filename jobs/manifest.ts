/**
 * Writing a load package's manifest (its types are core/manifest.ts): the source section's entries and
 * manifest.json itself, through the object-store port.
 */
import type { Manifest, SourceFile } from '../core/manifest.ts';
import type { ObjectInfo, ObjectStore } from './store/object-store.ts';

/** The manifest's entry for a listed source file. */
export function sourceFileEntry(file: ObjectInfo, rows: number): SourceFile {
  return { uri: file.uri, size: file.size, rows, ...(file.identity ? { identity: file.identity } : {}) };
}

/**
 * Writes a package's manifest.json, always the package's last object: a package without one is
 * incomplete and is never loaded. Returns its URI.
 */
export async function writeManifest(store: ObjectStore, outUri: string, manifest: Manifest): Promise<string> {
  const uri = store.join(outUri, 'manifest.json');
  await store.write(uri, `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
  return uri;
}
