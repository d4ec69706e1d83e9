/**
 * Runs a benchmarked child process to its end: its stdout, wall seconds, peak RSS and CPU seconds
 * (getrusage, every thread, reported by rss-report.mjs on exit). Shared by the benchmark and its input builders.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH = join(ROOT, 'bench');
export const DATA = join(BENCH, '.data');

export interface Measured {
  stdout: string;
  seconds: number;
  rss: number;
  /** CPU seconds of the process, user + system, every thread. */
  cpuSeconds: number;
}

export async function measure(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  mkdirSync(DATA, { recursive: true });
  const rssFile = join(DATA, `.rss-${process.pid}`);
  rmSync(rssFile, { force: true });
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', join(BENCH, 'rss-report.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${args.join(' ')} failed (${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const [rss, cpuSeconds] = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').split(' ').map(Number) : [NaN, NaN];
  rmSync(rssFile, { force: true });
  return { stdout, seconds, rss, cpuSeconds };
}

/** The loader's CLI: the compiled one, as a user runs it, or (tsx) the sources. */
export function cli(tsx: boolean): string[] {
  return tsx ? ['--import', 'tsx', join(ROOT, 'jobs/main.ts')] : [join(ROOT, 'bin/redshift-loader.js')];
}
