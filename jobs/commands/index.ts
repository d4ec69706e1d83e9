import type { Command } from './command.ts';
import { advise } from './advise.ts';
import { contract } from './contract.ts';
import { crawl } from './crawl.ts';
import { ddl } from './ddl.ts';
import { drift } from './drift.ts';
import { generate } from './generate.ts';
import { load } from './load.ts';
import { partition } from './partition.ts';
import { plan } from './plan.ts';
import { report } from './report.ts';
import { run } from './run.ts';
import { setup } from './setup.ts';
import { start } from './start.ts';

export type { Command, CommandContext } from './command.ts';

/** Every command, in the order `--help` lists them. */
export const commands: Record<string, Command> = { run, start, plan, partition, load, generate, ddl, setup, crawl, drift, report, advise, contract };
