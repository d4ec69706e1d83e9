import { runBatch } from '../run.ts';
import { parseBatchDate, resolveLocations, todayUtc } from '../locations.ts';
import { contractFor, intFlag, LOCATION_OPTIONS, partFlags, str, type Command, type CommandContext } from './command.ts';
import { jobEnv } from '../../core/env.ts';
import { ConfigError } from '../../core/errors.ts';
import { resolveQualityIn } from '../quality-in.ts';
import type { RunReport } from '../report.ts';
import { maxPageBytesFlag } from './max-page-bytes.ts';
import { alreadyPublishedLine } from '../already-published.ts';
import { MAX_SHARDS } from './plan.ts';
import { runSharded } from './run-sharded.ts';
import { DEFAULT_LOCK_TIMEOUT_S, DEFAULT_STATEMENT_TIMEOUT_S } from '../warehouse/limits.ts';

export const RUN_OPTIONS = {
  ...LOCATION_OPTIONS,
  slices: { type: 'string' },
  'parts-per-slice': { type: 'string' },
  'gzip-level': { type: 'string' },
  strategy: { type: 'string' },
  'quality-in': { type: 'string' },
  workers: { type: 'string' },
  'max-page-bytes': { type: 'string' },
  'lock-timeout': { type: 'string' },
  'statement-timeout': { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** `--rebuild-from DATE` (scd2: replay history from DATE; jobs/batch-order.ts), checked as a calendar date. */
export function rebuildFromFlag(values: CommandContext['values']): string | undefined {
  const v = values['rebuild-from'];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ConfigError('--rebuild-from needs a date', {}, 'e.g. --rebuild-from 2026-11-20');
  try {
    return parseBatchDate(v);
  } catch {
    throw new ConfigError(`--rebuild-from must be a calendar date as YYYY-MM-DD, got "${v}"`);
  }
}

/** Shard count of `run --shards N` (1: the one-process run). */
function shardsFlag(values: CommandContext['values']): number {
  return intFlag('shards', values.shards, 1, MAX_SHARDS) ?? 1;
}

/** Runs one batch and prints the summary; shared by `run` and `start`. */
export async function runAndSummarize(ctx: CommandContext, overrides: { date?: string } = {}): Promise<number> {
  const { report, table } = await runOnce(ctx, overrides);
  printSummary(ctx, report, table);
  return 0;
}

/** Runs one batch: its report and the history table it published into (`start --dataset all` runs several). */
export async function runOnce(ctx: CommandContext, overrides: { date?: string } = {}): Promise<{ report: RunReport; table: string }> {
  const { values, log } = ctx;
  const contract = await contractFor(values.dataset, values.contracts);
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
  const qualityIn = resolveQualityIn(str(values['quality-in']), contract, strategy);
  const report = await runBatch({
    rebuildFrom: rebuildFromFlag(values),
    strategy,
    qualityIn,
    contract,
    batchDate,
    locations,
    ...numbers,
    catalogExplicit: str(values.catalog) !== undefined || jobEnv('RL_CATALOG') !== undefined,
    force: values.force === true,
    log,
    signal: ctx.signal,
  });
  return { report, table: `${contract.schema}.${contract.historyTable}` };
}

/** --lock-timeout / RL_LOCK_TIMEOUT and --statement-timeout / RL_STATEMENT_TIMEOUT, in whole seconds. */
function warehouseLimits(values: CommandContext['values']) {
  const seconds = (flag: string, env: 'RL_LOCK_TIMEOUT' | 'RL_STATEMENT_TIMEOUT', fallback: number): number => {
    const v = values[flag] ?? jobEnv(env);
    try {
      return (intFlag(flag, v, 1, 7 * 86_400) ?? fallback) * 1000;
    } catch (e) {
      if (values[flag] !== undefined) throw e;
      throw new ConfigError(`${env} must be a whole number of seconds from 1 to 604800, got "${String(v)}"`);
    }
  };
  return {
    lockTimeoutMs: seconds('lock-timeout', 'RL_LOCK_TIMEOUT', DEFAULT_LOCK_TIMEOUT_S),
    statementTimeoutMs: seconds('statement-timeout', 'RL_STATEMENT_TIMEOUT', DEFAULT_STATEMENT_TIMEOUT_S),
  };
}

/** The run's numeric flags and time limits, each checked (range, integer, the part bound): exit 2 before any work. */
export function runNumbers(values: CommandContext['values']) {
  return {
    ...partFlags(values),
    gzipLevel: intFlag('gzip-level', values['gzip-level'], 1, 9),
    workers: intFlag('workers', values.workers, 0, 64),
    maxPageBytes: maxPageBytesFlag(values['max-page-bytes']),
    limits: warehouseLimits(values),
  };
}

/** The line a successful run ends with. */
export function summaryLine(r: RunReport, table: string): string {
  if (r.status === 'already-published' && r.previous) {
    return alreadyPublishedLine(r.dataset, r.batchDate, table, { ...r.previous, manifestUrl: null, rows: r.rows.published ?? null }, r.sourceFingerprint ?? '');
  }
  return `published ${r.rows.published} rows into ${table} (batch ${r.batchDate}, run ${r.runId}, ${r.files.length} file(s) -> ${r.parts} parts, ${(r.timings.total / 1000).toFixed(1)} s) — report: ${r.reports.runMarkdown}`;
}

function printSummary(ctx: CommandContext, r: RunReport, table: string): void {
  const line = summaryLine(r, table);
  if (ctx.json) ctx.print(JSON.stringify({ message: line, ...r }));
  else ctx.log.info(line);
}

export const run: Command = {
  summary: 'run the nightly job for one batch: drift, quality, partition, stage, publish, report',
  usage: 'redshift-loader run --dataset NAME [--contracts DIR|s3://…] [--date YYYY-MM-DD] [--source URI] [--staging URI] [--reports URI] [--warehouse URI] [--catalog URI] [--slices N] [--parts-per-slice N] [--gzip-level 1-9] [--strategy csv|parquet] [--quality-in stream|warehouse] [--workers N] [--max-page-bytes N] [--lock-timeout SECONDS] [--statement-timeout SECONDS] [--force] [--shards N] [--rebuild-from YYYY-MM-DD] [--json] [--debug]',
  options: { ...RUN_OPTIONS, shards: { type: 'string' }, 'rebuild-from': { type: 'string' } },
  run: (ctx) => {
    if (shardsFlag(ctx.values) > 1 && rebuildFromFlag(ctx.values) !== undefined) {
      throw new ConfigError('--rebuild-from runs in one process', {}, 'drop --shards for the replayed day');
    }
    return shardsFlag(ctx.values) > 1 ? runSharded(ctx, shardsFlag(ctx.values)) : runAndSummarize(ctx);
  },
  stopsOnSignal: true,
};
