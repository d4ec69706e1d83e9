/** runCli, with test/support/extra-datasets.ts preloaded into the child process. */
import { runCli, type CliOptions, type CliResult } from './cli.ts';

const PRELOAD = new URL('./extra-datasets.ts', import.meta.url).href;

export function runCliWithExtraDatasets(args: string[], opts: Omit<CliOptions, 'preload'> = {}): Promise<CliResult> {
  return runCli(args, { ...opts, preload: [PRELOAD] });
}
