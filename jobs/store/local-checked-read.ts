/**
 * Reads of a local file that must be exactly the version listed: the opened handle's fstat (size,
 * mtime, inode, device) is compared with the listed identity when the file is opened and again once it
 * has been read to the end. A file replaced (e.g. by an atomic rename), rewritten, grown or removed
 * since the listing is a LoadError naming both identities.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { SourceIdentity } from '../../core/manifest.ts';
import { changedError, sameIdentity, vanishedError } from './identity.ts';
import { localIdentity } from './local-folder.ts';
import type { RandomAccess } from './object-store.ts';

const CHUNK = 1 << 20;

/** Opens `path` and checks that it is still the version listed. */
export async function openListed(path: string, listed: SourceIdentity): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw vanishedError(path, listed);
    throw e;
  }
  try {
    await checkHandle(handle, path, listed);
  } catch (e) {
    await handle.close();
    throw e;
  }
  return handle;
}

/** Throws when the opened file is not the version listed. */
export async function checkHandle(handle: FileHandle, path: string, listed: SourceIdentity): Promise<void> {
  const now = localIdentity(await handle.stat({ bigint: true }));
  if (!sameIdentity(listed, now)) throw changedError(path, listed, now);
}

/** The whole file as a stream, checked at open and again after its last byte. */
export async function listedStream(path: string, listed: SourceIdentity): Promise<Readable> {
  const handle = await openListed(path, listed);
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const buf = Buffer.allocUnsafe(CHUNK);
        const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
        if (bytesRead === 0) break;
        yield buf.subarray(0, bytesRead);
      }
      await checkHandle(handle, path, listed);
    } finally {
      await handle.close();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** The whole file, checked at open and after reading. */
export async function listedBytes(path: string, listed: SourceIdentity): Promise<Buffer> {
  const handle = await openListed(path, listed);
  try {
    const bytes = await handle.readFile();
    await checkHandle(handle, path, listed);
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Bytes [start, end) of an open file of `size` bytes (fewer when the file ends first). */
export async function readRange(h: FileHandle, start: number, end: number, size: number): Promise<ArrayBuffer> {
  const buf = Buffer.allocUnsafe(Math.max(0, Math.min(end, size) - start));
  const done = await readRangeInto(h, start, end, size, buf);
  // A large Buffer owns its ArrayBuffer whole (not the shared pool): hand it over instead of copying it, so a
  // row group's bytes exist once, not twice, until the next GC (a 43 MB row group is 43 MB, not 86).
  if (buf.byteOffset === 0 && buf.buffer.byteLength === done) return buf.buffer;
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + done);
}

/** Bytes [start, end) of an open file of `size` bytes into `target` from index 0; how many (fewer when the file ends first). */
export async function readRangeInto(h: FileHandle, start: number, end: number, size: number, target: Uint8Array): Promise<number> {
  const length = Math.max(0, Math.min(end, size) - start);
  if (target.length < length) throw new RangeError(`a read of ${length} bytes into ${target.length}`);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await h.read(target, done, length - done, start + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Random access to the version listed: every range read opens, checks, reads and checks again. */
export function listedRandomAccess(path: string, listed: SourceIdentity): RandomAccess {
  const size = listed.size;
  return {
    uri: path,
    size,
    async read(start: number, end: number): Promise<ArrayBuffer> {
      const h = await openListed(path, listed);
      try {
        const bytes = await readRange(h, start, end, size);
        await checkHandle(h, path, listed);
        return bytes;
      } finally {
        await h.close();
      }
    },
    async readInto(start: number, end: number, target: Uint8Array): Promise<number> {
      const h = await openListed(path, listed);
      try {
        const done = await readRangeInto(h, start, end, size, target);
        await checkHandle(h, path, listed);
        return done;
      } finally {
        await h.close();
      }
    },
  };
}
