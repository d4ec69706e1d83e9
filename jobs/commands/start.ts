import { findTpchTable, generateTable, tpchTableNames } from '../../tpch/index.ts';
import { listBatchFiles } from '../readers/index.ts';
import { batchFolder, LOCAL_DEFAULTS, parseBatchDate, todayUtc } from '../locations.ts';
import { storeFor } from '../store/index.ts';
import { ConfigError, isUserError } from '../../core/errors.ts';
import { jobEnv } from '../../core/env.ts';
import { contractFor, str, type Command } from './command.ts';
import { runAndSummarize, runNumbers, RUN_OPTIONS } from './run.ts';

/** The sample batch `npm start` writes when today's landing folder is empty. */
export const SAMPLE = { scale: 1, files: 3, format: 'parquet' as const };

export const start: Command = {
  summary: 'first run on a laptop: write a sample SF 1 batch if the date has none, then run it on the local defaults',
  usage: 'redshift-loader start [--dataset NAME (default supplier)] [--date YYYY-MM-DD] [run flags…]',
  options: RUN_OPTIONS,
  async run(ctx) {
    const values: typeof ctx.values = { ...ctx.values, dataset: str(ctx.values.dataset) ?? 'supplier' };
    const contract = await contractFor(values.dataset, values.contracts);
    const batchDate = parseBatchDate(str(values.date) ?? todayUtc());
    runNumbers(values); // bad flags fail before a sample batch is written
    const source = str(values.source) ?? batchFolder(jobEnv('RL_LANDING') ?? LOCAL_DEFAULTS.landing, contract, batchDate);
    const store = await storeFor(source);
    const present = await listBatchFiles(store, source).then(
      (files) => files.length > 0,
      (e) => {
        if (isUserError(e) && e.exitCode === 4) return false; // empty or missing folder
        throw e;
      },
    );
    if (!present) {
      const table = findTpchTable(contract.name);
      if (!table) {
        throw new ConfigError(
          `no batch for ${batchDate}, and the TPC-H generator cannot write a sample of dataset ${contract.name} (it knows: ${tpchTableNames().join(', ')})`,
          { file: source },
          `put the batch's files there, or pass --source or --date of a batch that exists`,
        );
      }
      ctx.log.info(`no batch for ${batchDate} in ${source}: writing a sample TPC-H ${table.name.toUpperCase()} batch (SF ${SAMPLE.scale}, ${SAMPLE.files} Parquet files)`);
      await generateTable(table.name, { scale: SAMPLE.scale, files: SAMPLE.files, format: SAMPLE.format, outDir: source });
      ctx.signal?.throwIfAborted(); // a signal during the sample (whose files are written atomically) stops here
    }
    return runAndSummarize({ ...ctx, values: { ...values, source } }, { date: batchDate });
  },
  stopsOnSignal: true,
};
