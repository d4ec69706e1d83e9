/**
 * One process per PGlite data directory. PGlite has no postmaster to refuse a second opener (its
 * postmaster.pid always says -42 and is never checked), and two processes writing one data directory
 * corrupt it. So the adapter takes `<parent>/<basename>.lock`, created exclusively, holding
 * `<pid> <host> <token>`.
 *
 * - held by a live process on this host → LoadError "warehouse <dir> is in use by process <pid>";
 * - held by a dead process (SIGKILL, OOM, power loss) → taken over, so a killed run never blocks the
 *   next one. The takeover renames the stale file aside and checks it was still the stale one, so two
 *   processes taking over at once cannot both win.
 * - held from another host (a shared volume) → treated as live: we cannot see that host's processes.
 * - the lock file's second line says who holds it (a run tag, load-lock.ts), so a second run can say
 *   "another run of supplier 2026-01-02 (run id …) is loading"; lockDirWaiting() waits for it, bounded.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { LoadError } from '../../core/errors.ts';
import { duration } from './limits.ts';
import { anotherRunError, parseRunTag } from './load-lock.ts';

export interface DirLock {
  readonly path: string;
  release(): void;
}

export function lockPathFor(dir: string): string {
  return join(dirname(dir), `${basename(dir)}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): { pid: number; host: string; token: string; label: string; text: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const [first = '', label = ''] = text.split('\n');
  const [pid, host, token] = first.trim().split(/\s+/);
  return { pid: Number(pid), host: host ?? '', token: token ?? '', label: label.trim(), text };
}

/** The directory is held by a live process: who (its pid, host and label). Prints as a LoadError. */
export class DirInUse extends LoadError {
  constructor(message: string, where: { file: string }, hint: string, readonly pid: number, readonly host: string, readonly label: string) {
    super(message, where, hint);
    this.name = 'LoadError';
  }
}

/** Takes the lock of `dir` for this process (see the file comment); `label` says who holds it. */
export function lockDir(dir: string, what = `warehouse ${dir}`, label = ''): DirLock {
  const path = lockPathFor(dir);
  const token = randomBytes(8).toString('hex');
  const body = `${process.pid} ${hostname()} ${token}\n${label.replace(/\s+/g, ' ').trim()}\n`;
  const mine = `${path}.${process.pid}.${token}.tmp`;
  const fd = openSync(mine, 'wx', 0o644);
  try {
    writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(mine, path); // atomic: fails if the lock exists
        return {
          path,
          release() {
            const now = readLock(path);
            if (now?.token === token) rmSync(path, { force: true });
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const held = readLock(path);
      if (!held) continue; // released meanwhile: try again
      const sameHost = held.host === hostname();
      if (!Number.isInteger(held.pid) || held.pid <= 0 || (sameHost && !alive(held.pid))) {
        // Stale: move it aside, and put it back if someone else's fresh lock got there first.
        const aside = `${path}.${process.pid}.${token}.stale`;
        try {
          renameSync(path, aside);
        } catch {
          continue;
        }
        const moved = readLock(aside);
        if (moved && moved.text !== held.text) {
          try {
            linkSync(aside, path);
          } catch {
            /* a third process holds it now; its lock stands */
          }
        }
        rmSync(aside, { force: true });
        continue;
      }
      throw new DirInUse(
        `${what} is in use by process ${held.pid}${sameHost ? '' : ` on ${held.host}`}`,
        { file: path },
        `wait for it to finish; if no such process runs, delete ${path}`,
        held.pid,
        held.host,
        held.label,
      );
    }
    throw new LoadError(`could not take the lock ${path}`, { file: path }, 'try again');
  } finally {
    try {
      unlinkSync(mine);
    } catch {
      /* already gone */
    }
  }
}

/**
 * lockDir, waiting up to `waitMs` (polling) while a live process holds the directory. Past the wait:
 * "another run of <dataset> <batch> (run id …, pid …) is loading into <what>" when the holder left its
 * run tag, else lockDir's own "in use by process …" with how long it waited.
 */
export async function lockDirWaiting(
  dir: string,
  what: string,
  opts: { waitMs: number; label?: string; dataset?: string; pollMs?: number; onWait?: (holder: DirInUse) => void },
): Promise<DirLock> {
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      return lockDir(dir, what, opts.label);
    } catch (e) {
      if (!(e instanceof DirInUse)) throw e;
      const waited = Date.now() - started;
      if (waited >= opts.waitMs) {
        if (opts.waitMs <= 0) throw e;
        const tag = parseRunTag(e.label);
        if (tag) {
          const claim = { dataset: tag.dataset!, schema: '', batchDate: tag.batchDate!, runId: '', timeoutMs: opts.waitMs };
          const err = anotherRunError(claim, { ...tag, pid: e.pid }, what);
          err.where.file = e.where.file;
          throw err;
        }
        throw new DirInUse(`${e.message}; gave up after waiting ${duration(opts.waitMs)}`, { file: e.where.file! }, e.hint ?? '', e.pid, e.host, e.label);
      }
      if (!told) {
        told = true;
        opts.onWait?.(e);
      }
      await new Promise((r) => setTimeout(r, Math.min(opts.pollMs ?? 200, opts.waitMs - waited)));
    }
  }
}
