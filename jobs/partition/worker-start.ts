/**
 * Starting the partition's worker threads, and starting them early: a worker spends its first ~0.2 s
 * booting and loading its modules, so the command line starts them (prewarmWorkers) before it loads the
 * partition command itself, and the pool adopts them (takePrewarmed) once it knows its configuration. A
 * prewarmed worker is unref'd until adopted, so a command that stops before its pass (a bad flag, a
 * refused batch) exits as it would have without it. This module loads nothing heavy: the command line
 * imports it first.
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../core/worker-thread.ts';

/** The worker entry beside this module: worker.ts from the sources, worker.js once compiled. */
const WORKER_URL = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

export function startWorker(workerData: unknown): Worker {
  return startModuleWorker(WORKER_URL, workerData);
}

/** Below this much input the pass runs on the main thread: starting workers would cost more than they save. */
export const SMALL_INPUT_BYTES = 8 * 1024 * 1024;

/** Worker threads of a pass: one per core, at least one, at most 8. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

const prewarmed: Worker[] = [];

/** Starts `n` partition workers without their configuration (they wait for a `config` message). */
export function prewarmWorkers(n: number): void {
  for (let i = 0; i < n; i++) {
    const w = startWorker({ partitionWorker: true });
    w.on('error', () => undefined); // a worker that fails before it is adopted is simply not adopted
    w.unref();
    prewarmed.push(w);
  }
}

/** Up to `n` prewarmed workers, still alive, for a pool to adopt (ref'd again); the rest are stopped. */
export function takePrewarmed(n: number): Worker[] {
  const alive = prewarmed.splice(0).filter((w) => w.threadId >= 0);
  for (const w of alive.slice(n)) void w.terminate();
  const taken = alive.slice(0, n);
  for (const w of taken) {
    w.removeAllListeners('error');
    w.ref();
  }
  return taken;
}

/** Workers prewarmed and not adopted (tests). */
export function prewarmedCount(): number {
  return prewarmed.length;
}
