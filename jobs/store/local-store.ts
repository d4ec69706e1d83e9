import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../core/errors.ts';
import type { SourceIdentity } from '../../core/manifest.ts';
import { listedBytes, listedRandomAccess, listedStream, openListed, readRange } from './local-checked-read.ts';
import { listLocalFolder } from './local-folder.ts';
import type { FolderEntry, ObjectInfo, ObjectStore, RandomAccess, WriteResult } from './object-store.ts';
import { claimBody } from './write-body.ts';
import { mkdirFailure, writeError } from './write-error.ts';

/** A plain path or file:// URI, as an absolute path. */
export function localPath(uri: string): string {
  return uri.startsWith('file://') ? fileURLToPath(uri) : resolve(uri);
}

/** The filesystem adapter of the object-store port. */
export class LocalStore implements ObjectStore {
  async list(prefixUri: string): Promise<ObjectInfo[]> {
    const root = localPath(prefixUri);
    const out: ObjectInfo[] = [];
    let rootStat;
    try {
      rootStat = await stat(root);
    } catch {
      return out;
    }
    if (rootStat.isFile()) return [{ uri: root, size: rootStat.size }];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile() && !e.name.startsWith('.')) out.push({ uri: p, size: (await stat(p)).size });
      }
    };
    await walk(root);
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async listFolder(folderUri: string): Promise<FolderEntry[]> {
    return listLocalFolder(localPath(folderUri));
  }

  async open(uri: string, expect?: SourceIdentity): Promise<RandomAccess> {
    const path = localPath(uri);
    if (expect) {
      await (await openListed(path, expect)).close();
      return listedRandomAccess(path, expect);
    }
    const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
      throw new ConfigError(`cannot open ${path}: ${e.code ?? e.message}`, { file: path }, 'check the path');
    });
    const { size } = await handle.stat();
    await handle.close();
    return {
      uri: path,
      size,
      async read(start: number, end: number): Promise<ArrayBuffer> {
        const h = await open(path, 'r');
        try {
          return await readRange(h, start, end, size);
        } finally {
          await h.close();
        }
      },
    };
  }

  async readStream(uri: string, expect?: SourceIdentity): Promise<Readable> {
    const path = localPath(uri);
    if (expect) return listedStream(path, expect);
    await stat(path).catch(() => {
      throw new ConfigError(`no such file: ${path}`, { file: path });
    });
    return createReadStream(path, { highWaterMark: 1 << 20 });
  }

  async readAll(uri: string, expect?: SourceIdentity): Promise<Buffer> {
    if (expect) return listedBytes(localPath(uri), expect);
    return readFile(localPath(uri));
  }

  // A local file has no content type: the third argument of ObjectStore.write is not taken.
  async write(uri: string, body: Readable | Buffer | string): Promise<WriteResult> {
    const path = localPath(uri);
    // Own the body before the first await: its errors are this write's from now on (write-body.ts).
    const claimed = claimBody(typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body);
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (e) {
      claimed.release();
      throw writeError(await mkdirFailure(e, dirname(path)), path);
    }
    const early = claimed.failure();
    if (early) throw early; // given up while the folder was made: no file is started
    // Write beside the target, then rename: a crash never leaves half an object under the real name.
    const tmp = `${path}.${randomBytes(6).toString('hex')}.partial`;
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    // Which side failed first: the pipeline passes one side's error on to the other.
    let first: { side: 'body' | 'file'; error: unknown } | undefined;
    claimed.stream.on('error', (e) => {
      first ??= { side: 'body', error: e };
    });
    const file = createWriteStream(tmp);
    file.on('error', (e) => {
      first ??= { side: 'file', error: e };
    });
    try {
      await pipeline(claimed.stream, tap, file);
      await rename(tmp, path).catch((e: unknown) => {
        first ??= { side: 'file', error: e };
        throw e;
      });
    } catch (e) {
      await rm(tmp, { force: true });
      // The file's own errors (a full disk, a read-only folder) name the location; the body's pass through.
      throw first?.side === 'file' ? writeError(first.error, path) : (claimed.failure() ?? e);
    }
    return { uri: path, size, sha256: hash.digest('hex') };
  }

  async exists(uri: string): Promise<boolean> {
    return stat(localPath(uri)).then(
      () => true,
      () => false,
    );
  }

  join(prefixUri: string, ...parts: string[]): string {
    return join(localPath(prefixUri), ...parts.map((p) => p.split('/').join(sep)));
  }
}
