/**
 * `start --dataset all`: every contract through the whole flow (a sample written when the date has
 * none, drift, quality, partition, stage, publish, report), one after the other in the TPC-H
 * dependency order — REGION, NATION, SUPPLIER, CUSTOMER, PART, PARTSUPP, ORDERS, LINEITEM — then any
 * other contract by name. A failure does not stop the others: every dataset gets its line (published,
 * or the one-line error with its exit code), the last line counts them, and the exit code is the first
 * failure's (in load order). Only a signal stops the sequence (the running dataset rolls back).
 */
import { ConfigError, isUserError } from '../../core/errors.ts';
import { parseBatchDate, todayUtc } from '../locations.ts';
import { TerminatedError } from '../terminated.ts';
import { str, type CommandContext } from './command.ts';
import { runNumbers, runOnce, summaryLine } from './run.ts';
import { ensureSampleBatch, sampleScale } from './sample-batch.ts';
import { contractsFor } from './all-datasets.ts';

export { ALL_DATASETS } from './all-datasets.ts';

/** The sample's scale factor for `--dataset all` (SUPPLIER 100 rows … LINEITEM about 60,000). */
export const ALL_SAMPLE_SCALE = 0.01;

export interface DatasetOutcome {
  dataset: string;
  status: 'published' | 'failed';
  /** 0 when published, else the exit code the failure alone would have had. */
  exitCode: number;
  /** The summary line, or the error's one line. */
  message: string;
  table?: string;
  rows?: number;
  report?: string;
}

export async function startAll(ctx: CommandContext): Promise<number> {
  const { values, log } = ctx;
  if (str(values.source) !== undefined) {
    throw new ConfigError('--source names one batch folder and cannot be used with --dataset all', {}, 'leave it out: each dataset reads <landing>/<dataset>/<YYYYMMDD>/');
  }
  const contracts = await contractsFor('all', values.contracts);
  const batchDate = parseBatchDate(str(values.date) ?? todayUtc());
  runNumbers(values); // bad flags fail before any sample is written
  const scale = sampleScale(values.scale, ALL_SAMPLE_SCALE);
  log.info(`loading ${contracts.length} datasets for ${batchDate} in this order: ${contracts.map((c) => c.name).join(', ')}`);

  const outcomes: DatasetOutcome[] = [];
  for (const contract of contracts) {
    const dataset = contract.name;
    ctx.signal?.throwIfAborted();
    try {
      const source = await ensureSampleBatch(ctx, contract, batchDate, { scale });
      const one: CommandContext = { ...ctx, values: { ...values, dataset, source } };
      const { report, table } = await runOnce(one, { date: batchDate });
      const message = `${dataset}: ${summaryLine(report, table)}`;
      log.info(message);
      outcomes.push({ dataset, status: 'published', exitCode: 0, message, table, rows: report.rows.published, report: report.reports.runMarkdown });
    } catch (e) {
      if (e instanceof TerminatedError || ctx.signal?.aborted) throw e;
      const oneLine = isUserError(e) ? e.oneLine() : `unexpected error: ${(e as Error).message} (run again with --debug for details)`;
      const exitCode = isUserError(e) ? e.exitCode : 1;
      if (!isUserError(e) && values.debug && (e as Error).stack) log.debug((e as Error).stack ?? '');
      const message = `${dataset}: failed (exit ${exitCode}) — ${oneLine}`;
      log.error(message);
      outcomes.push({ dataset, status: 'failed', exitCode, message });
    }
  }

  const failed = outcomes.filter((o) => o.status === 'failed');
  const rows = outcomes.reduce((n, o) => n + (o.rows ?? 0), 0);
  const exitCode = failed[0]?.exitCode ?? 0;
  const line = failed.length === 0
    ? `published all ${outcomes.length} datasets for ${batchDate}: ${rows} rows`
    : `published ${outcomes.length - failed.length} of ${outcomes.length} datasets for ${batchDate} (${rows} rows); failed: ${failed.map((f) => `${f.dataset} (exit ${f.exitCode})`).join(', ')} — exit ${exitCode}, the first failure's`;
  if (ctx.json) ctx.print(JSON.stringify({ message: line, batchDate, exitCode, datasets: outcomes }));
  else if (failed.length === 0) log.info(line);
  else log.error(line);
  return exitCode;
}
