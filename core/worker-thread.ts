/**
 * Starting a CPU-bound worker thread from a module beside the caller: `./name.js` once compiled, `./name.ts`
 * from the sources under tsx (Node 20 does not carry `--import tsx` into worker threads, so the worker
 * registers tsx itself before it loads the entry).
 *
 * Before the first worker starts, V8 is told to optimize hot functions on the thread that runs them
 * instead of on a background compiler thread (`--no-concurrent-recompilation`). The partition pass and the
 * generator start one worker per core and keep every core busy, so a background compile waits for a core
 * while the worker runs the function unoptimized meanwhile: measured on SUPPLIER 1M (arrow-rs Parquet, two
 * workers on two cores), the pass took 10% less wall time and 9% less CPU with the flag (README.md,
 * Benchmark, "Start-up and warm-up"). The flag is read when an isolate is created, so it changes only the
 * workers started after it, never the thread that is already running; the output bytes do not depend on it.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';

let tuned = false;

/** Sets the V8 flags of CPU-bound worker threads, once per process (idempotent). */
export function tuneWorkerCompilation(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-concurrent-recompilation');
}

/** Whether tuneWorkerCompilation has run in this process (tests). */
export function workerCompilationTuned(): boolean {
  return tuned;
}

/** A worker running the module at `entry` (a file URL of a .js or .ts module), with `workerData`. */
export function startModuleWorker(entry: URL, workerData?: unknown): Worker {
  tuneWorkerCompilation();
  if (entry.pathname.endsWith('.ts')) {
    let tsx: string | undefined;
    try {
      tsx = import.meta.resolve('tsx/esm/api');
    } catch {
      tsx = undefined; // no tsx: a Node that strips types itself loads the .ts entry directly
    }
    if (tsx !== undefined) {
      const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
      return new Worker(boot, { eval: true, workerData });
    }
  }
  return new Worker(entry, { workerData });
}
