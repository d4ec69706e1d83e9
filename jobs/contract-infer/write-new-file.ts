/**
 * Writes a drafted contract to a local file atomically: the text goes to a temporary file beside it,
 * which then takes the final name in one step — `link` (fails if the name exists: an existing file is
 * never replaced, even by a file that appears during the write) or, with `force`, `rename` (replaces
 * it). A reader never sees half a file; the temporary file never stays behind.
 */
import { randomBytes } from 'node:crypto';
import { link, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../../core/errors.ts';

/** Refuses a target that exists (unless `force`) or whose folder does not: checked before any work. */
export async function checkTarget(path: string, force: boolean): Promise<void> {
  const dir = await stat(dirname(resolve(path))).catch(() => undefined);
  if (!dir?.isDirectory()) throw new ConfigError('the folder of the --out file does not exist', { file: path }, 'create the folder first (e.g. mkdir contracts)');
  const s = await stat(path).catch(() => undefined);
  if (s && !force) throw new ConfigError('the --out file already exists', { file: path }, 'pass --force to replace it, or choose another --out');
  if (s && !s.isFile()) throw new ConfigError('the --out path exists and is not a file', { file: path }, 'choose another --out');
}

export async function writeNewFile(path: string, text: string, force: boolean): Promise<void> {
  const tmp = join(dirname(resolve(path)), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    if (force) await rename(tmp, path);
    else {
      await link(tmp, path).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EEXIST') throw new ConfigError('the --out file already exists', { file: path }, 'pass --force to replace it, or choose another --out');
        throw new ConfigError(`cannot write the --out file: ${e.code ?? e.message}`, { file: path }, 'check the path and its permissions');
      });
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot write the --out file: ${code ?? (e as Error).message}`, { file: path }, 'check the path and its permissions');
  } finally {
    await rm(tmp, { force: true });
  }
}
