/**
 * `run --shards N` on one machine: the shards of a plan as N child processes of this same program
 * (`partition --plan URI --shard I`), side by side, as AWS Batch runs an array job. A child that fails
 * fails the run with its own line and exit code (2–5 keep their meaning; anything else is exit 1); the
 * others are then stopped. SIGTERM/SIGINT stop every child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ConfigError, DriftError, LoadError, QualityError } from '../../core/errors.ts';

const BY_EXIT: Record<number, new (m: string) => Error> = { 2: ConfigError, 3: DriftError, 4: QualityError, 5: LoadError };

/** The line a failed child ended with: its error line, without its class name (the parent's says it). */
function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const plain = lines.filter((l) => !l.startsWith('{'));
  const line = plain.at(-1) ?? lines.at(-1) ?? 'no output';
  return line.replace(/^\w*Error: /, '');
}

export async function spawnShards(planUri: string, shards: number, opts: { signal?: AbortSignal; extraArgs?: string[] } = {}): Promise<void> {
  const children: ChildProcess[] = [];
  let first: Error | undefined;
  const stop = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  };
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    const runs = Array.from({ length: shards }, (_, i) => {
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'partition', '--plan', planUri, '--shard', String(i), ...(opts.extraArgs ?? [])], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, AWS_BATCH_JOB_ARRAY_INDEX: '' },
      });
      children.push(child);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString('utf8')).slice(-64 * 1024);
      });
      return new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => {
          if (code === 0) return resolve();
          const what = `shard ${i} of ${shards} failed (${signal ?? `exit ${code}`}): ${lastErrorLine(stderr)}`;
          const Kind = code !== null ? BY_EXIT[code] : undefined;
          const e = Kind ? new Kind(what) : new Error(what);
          first ??= e;
          reject(e);
        });
      });
    });
    // The first failure stops the others; every child has ended before this returns.
    const outcome = await Promise.allSettled(runs.map((r) => r.catch((e: unknown) => { stop(); throw e; })));
    opts.signal?.throwIfAborted();
    const spawnFailed = outcome.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (first) throw first;
    if (spawnFailed) throw spawnFailed.reason;
  } finally {
    opts.signal?.removeEventListener('abort', stop);
  }
}
