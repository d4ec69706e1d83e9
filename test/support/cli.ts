/** Runs the real command line in a child process (TypeScript through tsx), as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../jobs/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Modules loaded after tsx, before the CLI (test-only hooks: faults, stand-in datasets). */
  preload?: string[];
  /** Kills a run still going after this long (a run that would never end fails instead of hanging). */
  killAfterMs?: number;
  /** Runs the installed command (bin/redshift-loader.js: the bundle of `npm run build`) instead of the sources. */
  built?: boolean;
}

/** The installed command, and the bundle it loads. */
export const BIN = fileURLToPath(new URL('../../bin/redshift-loader.js', import.meta.url));
export const BUNDLE = fileURLToPath(new URL('../../dist/bundle/main.js', import.meta.url));

export function spawnCli(args: string[], opts: CliOptions = {}): ChildProcess {
  const preload = (opts.preload ?? []).flatMap((m) => ['--import', m]);
  if (opts.built && preload.length > 0) throw new Error('test hooks load into the sources only (built: false)');
  return spawn(process.execPath, opts.built ? [BIN, ...args] : ['--import', TSX, ...preload, MAIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = opts.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The source rows of TPC-H's reference SUPPLIER table, as text fields. */
export const SHARED_TPCH = fileURLToPath(new URL('../../../shared/data/tpch', import.meta.url));
