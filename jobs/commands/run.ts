import { runBatch } from '../run.ts';
import { parseBatchDate, resolveLocations, todayUtc } from '../locations.ts';
import { contractFor, intFlag, LOCATION_OPTIONS, partFlags, str, type Command, type CommandContext } from './command.ts';
import { jobEnv } from '../config/env.ts';
import { ConfigError } from '../errors.ts';
import type { RunReport } from '../report.ts';

export const RUN_OPTIONS = {
  ...LOCATION_OPTIONS,
  slices: { type: 'string' },
  'parts-per-slice': { type: 'string' },
  'gzip-level': { type: 'string' },
  strategy: { type: 'string' },
  workers: { type: 'string' },
} as const;

/** Runs one batch and prints the summary; shared by `run` and `start`. */
export async function runAndSummarize(ctx: CommandContext, overrides: { date?: string } = {}): Promise<number> {
  const { values, log } = ctx;
  const contract = contractFor(values.dataset);
  const batchDate = parseBatchDate(overrides.date ?? str(values.date) ?? todayUtc());
  const locations = resolveLocations(contract, batchDate, {
    source: str(values.source),
    staging: str(values.staging),
    reports: str(values.reports),
    warehouse: str(values.warehouse),
    catalog: str(values.catalog),
  });
  const numbers = runNumbers(values);
  const strategy = str(values.strategy) ?? 'csv';
  if (strategy !== 'csv' && strategy !== 'parquet') throw new ConfigError(`--strategy must be csv or parquet, got "${strategy}"`);
  const report = await runBatch({
    strategy,
    contract,
    batchDate,
    locations,
    ...numbers,
    catalogExplicit: str(values.catalog) !== undefined || jobEnv('RL_CATALOG') !== undefined,
    log,
  });
  printSummary(ctx, report, `${contract.schema}.${contract.historyTable}`);
  return 0;
}

/** The run's numeric flags, each checked (range, integer, the part bound): exit 2 before any work. */
export function runNumbers(values: CommandContext['values']) {
  return {
    ...partFlags(values),
    gzipLevel: intFlag('gzip-level', values['gzip-level'], 1, 9),
    workers: intFlag('workers', values.workers, 0, 64),
  };
}

function printSummary(ctx: CommandContext, r: RunReport, table: string): void {
  const line = `published ${r.rows.published} rows into ${table} (batch ${r.batchDate}, run ${r.runId}, ${r.files.length} file(s) -> ${r.parts} parts, ${(r.timings.total / 1000).toFixed(1)} s) — report: ${r.reports.runMarkdown}`;
  if (ctx.json) ctx.print(JSON.stringify({ message: line, ...r }));
  else ctx.log.info(line);
}

export const run: Command = {
  summary: 'run the nightly job for one batch: drift, quality, partition, stage, publish, report',
  usage: 'redshift-loader run --dataset NAME [--date YYYY-MM-DD] [--source URI] [--staging URI] [--reports URI] [--warehouse URI] [--catalog URI] [--slices N] [--parts-per-slice N] [--gzip-level 1-9] [--strategy csv|parquet] [--workers N] [--json] [--debug]',
  options: RUN_OPTIONS,
  run: (ctx) => runAndSummarize(ctx),
};
