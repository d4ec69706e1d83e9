/**
 * Real filesystems that misbehave, for the tests of write errors: a tmpfs filled to the last byte (every
 * write fails with ENOSPC) or mounted read-only (EROFS). Mounting needs root; without it the tests skip on
 * a laptop and FAIL under CI=true.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { inCI } from './services.ts';

export interface TinyFs {
  dir: string;
  unmount(): void;
}

/** Mounts a 64 KiB tmpfs at `dir`: 'full' fills it completely, 'readonly' mounts it read-only. */
export function mountTinyFs(dir: string, kind: 'full' | 'readonly'): TinyFs {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=64k${kind === 'readonly' ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'pipe' });
  const fs = { dir, unmount: () => execFileSync('umount', ['-l', dir], { stdio: 'pipe' }) };
  if (kind === 'full') {
    const fd = openSync(`${dir}/filler`, 'w');
    const block = Buffer.alloc(4096, 1);
    try {
      for (;;) writeSync(fd, block);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    } finally {
      closeSync(fd);
    }
  }
  return fs;
}

/** Whether this process may mount a tmpfs; skips the test otherwise (or fails it under CI=true). */
export function canMount(t: TestContext, probeDir: string): boolean {
  try {
    mountTinyFs(probeDir, 'readonly').unmount();
    return true;
  } catch (e) {
    const why = `cannot mount a tmpfs (needs root): ${(e as Error).message.split('\n')[0]}`;
    if (inCI) throw new Error(`${why} (CI=true: a missing facility is a failure, not a skip)`);
    t.skip(why);
    return false;
  }
}
