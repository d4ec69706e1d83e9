/**
 * A filesystem error met while writing an object, as the error a user can act on, naming the location.
 *
 * - The disk or quota is full, or the device failed (ENOSPC, EDQUOT, EIO, …): a LoadError (exit 5), which
 *   AWS Batch retries — space is freed, quotas reset, another host gets the job.
 * - The location cannot be written at all (EACCES, EPERM, EROFS, ENOTDIR, …): a ConfigError (exit 2);
 *   a retry would fail the same way.
 * Errors that are not the filesystem's (the body's own, already typed ones) pass through unchanged.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, isUserError, LoadError } from '../../core/errors.ts';

const NOT_WRITABLE: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only filesystem',
  ENOTDIR: 'a parent of it is a file, not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links in the path',
};

const TRANSIENT: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error on the device',
  EFBIG: 'file too large for the filesystem',
  EMFILE: 'too many open files in this process',
  ENFILE: 'too many open files on the host',
  ENOMEM: 'out of memory',
  EAGAIN: 'resource temporarily unavailable',
  EBUSY: 'device busy',
  ESTALE: 'stale network file handle',
  ETIMEDOUT: 'timed out',
};

export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** `path` is where the object was going (its final name, never the temporary one). */
export function writeError(e: unknown, path: string): unknown {
  if (isUserError(e) || !isFsError(e)) return e;
  const code = e.code!;
  if (code in NOT_WRITABLE) {
    return new ConfigError(`cannot write: ${NOT_WRITABLE[code]} (${code})`, { file: path }, 'point the location at a folder this job may write');
  }
  const what = TRANSIENT[code] ?? `${e.syscall} failed`;
  return new LoadError(`write failed: ${what} (${code})`, { file: path }, 'free space or quota at that location (or choose another), then rerun');
}

/**
 * The real reason a recursive mkdir of `dir` failed. Node reports ENOENT when a folder cannot be made
 * inside a read-only or forbidden parent; the nearest existing ancestor tells what is wrong with it.
 */
export async function mkdirFailure(e: unknown, dir: string): Promise<unknown> {
  if (!isFsError(e) || e.code !== 'ENOENT') return e;
  let at = dirname(dir);
  for (;;) {
    const found = await stat(at).then(
      (s) => s,
      () => undefined,
    );
    if (found) {
      if (!found.isDirectory()) return Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR', syscall: 'mkdir' });
      return access(at, constants.W_OK).then(
        () => e,
        (why: unknown) => why,
      );
    }
    if (dirname(at) === at) return e;
    at = dirname(at);
  }
}
