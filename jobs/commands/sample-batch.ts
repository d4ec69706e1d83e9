/**
 * What `start` does before it runs a batch: find the dataset's batch folder for the date and, when it
 * holds no data files, write a sample there with the TPC-H generator (a dataset the generator does not
 * know is a ConfigError naming the folder). Shared by `start --dataset NAME` and `start --dataset all`.
 */
import type { DatasetContract } from '../../datasets/index.ts';
import { ConfigError, isUserError } from '../../core/errors.ts';
import { jobEnv } from '../../core/env.ts';
import { findTpchTable, generateTable, tableRowCount, tpchTableNames } from '../../tpch/index.ts';
import { batchFolder, LOCAL_DEFAULTS } from '../locations.ts';
import { listBatchFiles } from '../readers/index.ts';
import { ignoredBecause } from '../readers/batch-listing.ts';
import { storeFor } from '../store/index.ts';
import type { CommandContext } from './command.ts';

/** The sample batch `npm start` writes when the date's landing folder is empty: SF 1, 3 Parquet files. */
export const SAMPLE = { scale: 1, files: 3, format: 'parquet' as const };

/** --scale for the sample: a number above 0 (the generator checks its upper bound), or the default. */
export function sampleScale(v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const scale = typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (!(scale > 0)) throw new ConfigError(`--scale must be a number greater than 0, got "${String(v)}"`, {}, 'e.g. --scale 0.01 or --scale 1');
  return scale;
}

/**
 * The batch folder `start` runs for `contract` on `batchDate` (`source` when the user named one), after
 * writing a sample there if it holds no data files.
 */
export async function ensureSampleBatch(
  ctx: Pick<CommandContext, 'log' | 'signal'>,
  contract: DatasetContract,
  batchDate: string,
  opts: { source?: string; scale: number },
): Promise<string> {
  const source = opts.source ?? batchFolder(jobEnv('RL_LANDING') ?? LOCAL_DEFAULTS.landing, contract, batchDate);
  const store = await storeFor(source);
  const present = await listBatchFiles(store, source).then(
    (files) => files.length > 0,
    async (e) => {
      if (!(isUserError(e) && e.exitCode === 4)) throw e;
      // Refused with exit 4: an empty or missing folder gets the sample; a folder holding a data file the
      // listing refuses (a 0-byte export…) is the user's batch, never overwritten: the run reports it.
      const entries = await store.listFolder(source).catch(() => []);
      return entries.some((entry) => ignoredBecause(entry) === undefined);
    },
  );
  if (present) return source;
  const table = findTpchTable(contract.name);
  if (!table) {
    throw new ConfigError(
      `no batch for ${batchDate}, and the TPC-H generator cannot write a sample of dataset ${contract.name} (it knows: ${tpchTableNames().join(', ')})`,
      { file: source },
      `put the batch's files there, or pass --source or --date of a batch that exists`,
    );
  }
  const files = Math.min(SAMPLE.files, tableRowCount(table, opts.scale));
  ctx.log.info(`no batch for ${batchDate} in ${source}: writing a sample TPC-H ${table.name.toUpperCase()} batch (SF ${opts.scale}, ${files} Parquet file${files === 1 ? '' : 's'})`);
  await generateTable(table.name, { scale: opts.scale, files, format: SAMPLE.format, outDir: source });
  ctx.signal?.throwIfAborted(); // a signal during the sample (whose files are written atomically) stops here
  return source;
}
