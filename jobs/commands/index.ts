import type { Command } from './command.ts';

export type { Command, CommandContext } from './command.ts';

/**
 * Every command, in the order `--help` lists them, each loaded only when it runs: a command's module
 * brings its own world (the warehouse drivers, the report renderer, the generator), and the partition
 * pass should not pay for the others' start-up before its workers can begin.
 */
const loaders: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.ts')).run,
  start: async () => (await import('./start.ts')).start,
  plan: async () => (await import('./plan.ts')).plan,
  partition: async () => (await import('./partition.ts')).partition,
  load: async () => (await import('./load.ts')).load,
  generate: async () => (await import('./generate.ts')).generate,
  ddl: async () => (await import('./ddl.ts')).ddl,
  setup: async () => (await import('./setup.ts')).setup,
  crawl: async () => (await import('./crawl.ts')).crawl,
  drift: async () => (await import('./drift.ts')).drift,
  report: async () => (await import('./report.ts')).report,
  advise: async () => (await import('./advise.ts')).advise,
  contract: async () => (await import('./contract.ts')).contract,
};

/** The command of that name, loaded; undefined for a name that is not one. */
export function loadCommand(name: string): Promise<Command> | undefined {
  return Object.hasOwn(loaders, name) ? loaders[name]() : undefined;
}

/** Every command, loaded (for `--help`), in the listed order. */
export async function allCommands(): Promise<Array<[string, Command]>> {
  return Promise.all(Object.entries(loaders).map(async ([name, load]) => [name, await load()] as [string, Command]));
}
