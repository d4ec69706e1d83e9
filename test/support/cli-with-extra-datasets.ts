/** runCli, with test/support/extra-datasets.ts preloaded into the child process. */
import { spawn } from 'node:child_process';
import type { CliResult } from './cli.ts';
import { ROOT } from './cli.ts';

const MAIN = new URL('../../jobs/main.ts', import.meta.url).pathname;
const PRELOAD = new URL('./extra-datasets.ts', import.meta.url).href;
const TSX = import.meta.resolve('tsx');

export function runCliWithExtraDatasets(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, '--import', PRELOAD, MAIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
