/**
 * The entries directly inside a local folder, for a batch listing. Names are read as bytes (a name that
 * is not valid UTF-8 is refused, escaped); symbolic links are followed to regular files, whose identity
 * (size, mtime, inode, device) is the target's; a link to anything else, or to nothing, is reported as
 * 'other' with what it is, so the caller can refuse it by name.
 */
import type { BigIntStats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import { escapeName, utf8Name } from './file-name.ts';
import type { SourceIdentity } from '../../core/manifest.ts';
import type { FolderEntry } from './object-store.ts';

/** The identity of a local file from its (bigint) stat. */
export function localIdentity(s: BigIntStats): SourceIdentity {
  return { size: Number(s.size), mtimeNs: s.mtimeNs.toString(), ino: s.ino.toString(), dev: s.dev.toString() };
}

/** What a non-regular filesystem entry is, in words. */
function kindOf(s: BigIntStats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

export async function listLocalFolder(root: string): Promise<FolderEntry[]> {
  let rootStat: BigIntStats;
  try {
    rootStat = await stat(root, { bigint: true });
  } catch {
    return [];
  }
  // A single file given as the source is a batch of that one file.
  if (rootStat.isFile()) {
    const name = root.slice(Math.max(root.lastIndexOf('/'), root.lastIndexOf('\\')) + 1);
    return [{ uri: root, name, kind: 'file', info: { uri: root, size: Number(rootStat.size), identity: localIdentity(rootStat) } }];
  }
  const names = await readdir(root, { encoding: 'buffer' });
  const out: FolderEntry[] = [];
  for (const raw of names) {
    const name = utf8Name(raw);
    if (name === undefined) {
      const shown = join(root, escapeName(raw));
      throw new ConfigError(`file name is not valid UTF-8: ${shown}`, { file: shown }, 'rename the file with a UTF-8 name (the bad bytes are shown as \\xNN)');
    }
    const uri = join(root, name);
    const own = await lstat(uri, { bigint: true });
    let target = own;
    if (own.isSymbolicLink()) {
      try {
        target = await stat(uri, { bigint: true });
      } catch (e) {
        out.push({ uri, name, kind: 'other', what: `a dangling symbolic link (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})` });
        continue;
      }
    }
    const link = own.isSymbolicLink() ? 'a symbolic link to ' : '';
    if (target.isFile()) out.push({ uri, name, kind: 'file', info: { uri, size: Number(target.size), identity: localIdentity(target) } });
    else if (target.isDirectory() && !link) out.push({ uri, name, kind: 'folder' });
    else out.push({ uri, name, kind: 'other', what: `${link}${kindOf(target)}` });
  }
  return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
}
