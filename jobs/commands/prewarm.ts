/**
 * Before the command line loads `partition` (and its ~100 modules), it starts the pass's worker threads,
 * so they boot and load their own modules meanwhile (jobs/partition/worker-start.ts): about 0.1-0.2 s sooner
 * to the first unit. Only when the pass will use workers: `--workers N` (N > 0), a sharded pass (`--plan`),
 * an `s3://` source, or a local source folder of at least SMALL_INPUT_BYTES. Never an error: anything odd
 * in the flags means no prewarm, and the command then says what is wrong as it always does.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultWorkers, prewarmWorkers, SMALL_INPUT_BYTES } from '../partition/worker-start.ts';

/** The value of `--name V` or `--name=V` in raw arguments. */
function flag(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

/** Bytes of the files directly in a local folder (the batch's files; a heuristic, not the listing). */
function localBytes(dir: string): number {
  let sum = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isFile()) sum += statSync(join(dir, e.name)).size;
  return sum;
}

/** How many workers to start early for this command line: 0 for none. */
export function prewarmCount(command: string, args: readonly string[]): number {
  try {
    if (command !== 'partition' || args.includes('--help') || args.includes('-h')) return 0;
    const workers = flag(args, '--workers');
    if (workers !== undefined) return /^\d{1,2}$/.test(workers) && Number(workers) <= 64 ? Number(workers) : 0;
    if (flag(args, '--plan') !== undefined) return defaultWorkers();
    const source = flag(args, '--source');
    if (source === undefined) return 0;
    if (source.startsWith('s3://')) return defaultWorkers();
    return localBytes(source) >= SMALL_INPUT_BYTES ? defaultWorkers() : 0;
  } catch {
    return 0;
  }
}

export function prewarm(command: string, args: readonly string[]): void {
  const n = prewarmCount(command, args);
  if (n > 0) prewarmWorkers(n);
}
