#!/usr/bin/env node
/**
 * redshift-loader: the command line. The only place (with jobs/) that knows about flags, environment
 * variables, exit codes and terminals. Errors a user can cause end as ONE line (no stack without --debug).
 */
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { ConfigError, isUserError } from '../core/errors.ts';
import { createLogger } from './log.ts';
import { allCommands, loadCommand, type CommandContext } from './commands/index.ts';
import { onTermination, type Termination } from './signals.ts';
import { prewarm } from './commands/prewarm.ts';

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

function version(): string {
  const require = createRequire(import.meta.url);
  for (const p of ['../package.json', '../../package.json']) {
    try {
      return (require(p) as { version: string }).version;
    } catch {
      /* next */
    }
  }
  return 'unknown';
}

async function helpText(): Promise<string> {
  const lines = (await allCommands()).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `redshift-loader ${version()} — nightly, exactly-once loads into Amazon Redshift

Usage: redshift-loader <command> [flags]

Commands:
${lines.join('\n')}

Run "redshift-loader <command> --help" for a command's flags.
Exit codes: 0 ok, 2 bad usage or config, 3 drift blocked the run, 4 quality blocked it,
            5 load or reconciliation failed, 1 anything unexpected, 143 / 130 stopped by SIGTERM / SIGINT.
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const debug = argv.includes('--debug');
  const json = argv.includes('--json') || !process.stderr.isTTY;
  const log = createLogger({ json, debug });
  let termination: Termination | undefined;
  try {
    if (!name || name === 'help' || name === '--help' || name === '-h') {
      process.stdout.write(await helpText());
      return name ? 0 : 2;
    }
    if (name === '--version' || name === '-v') {
      process.stdout.write(`${version()}\n`);
      return 0;
    }
    prewarm(name, rest);
    const command = await loadCommand(name);
    if (!command) throw new ConfigError(`unknown command "${name}"`, {}, 'run "redshift-loader --help"');
    let parsed: { values: CommandContext['values']; positionals: string[] };
    try {
      parsed = parseArgs({ args: rest, options: { ...COMMON, ...command.options }, allowPositionals: command.positionals === true, strict: true });
    } catch (e) {
      throw new ConfigError((e as Error).message.replace(/\. To specify.*$/s, ''), {}, `usage: ${command.usage}`);
    }
    if (parsed.values.help) {
      process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
      return 0;
    }
    termination = onTermination({ graceful: command.stopsOnSignal === true, log });
    const code = await command.run({
      values: parsed.values,
      positionals: parsed.positionals,
      log,
      json: Boolean(parsed.values.json),
      print: (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
      signal: termination.signal,
    });
    if (termination.received) log.warn(`${termination.received.signal} arrived after the work was committed: it stands (exit ${code})`);
    return code;
  } catch (caught) {
    // Whatever a stopped command threw on its way out, the signal is why it stopped.
    const e = termination?.received ?? caught;
    if (isUserError(e)) {
      log.endProgress();
      if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
      process.stderr.write(`${e.oneLine()}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(debug && err.stack ? `${err.stack}\n` : `unexpected error: ${err.message} (run again with --debug for details)\n`);
    return 1;
  } finally {
    termination?.dispose();
  }
}
