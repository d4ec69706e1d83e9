import { parseBatchDate, todayUtc } from '../locations.ts';
import { contractFor, str, type Command } from './command.ts';
import { runAndSummarize, runNumbers, RUN_OPTIONS } from './run.ts';
import { ensureSampleBatch, SAMPLE, sampleScale } from './sample-batch.ts';
import { ALL_DATASETS, startAll } from './start-all.ts';

export { SAMPLE } from './sample-batch.ts';

export const start: Command = {
  summary: 'first run on a laptop: write a sample batch if the date has none (SF 1; SF 0.01 for --dataset all), then run it on the local defaults',
  usage: 'redshift-loader start [--dataset NAME|all (default supplier)] [--scale SF] [--date YYYY-MM-DD] [run flags…]',
  options: { ...RUN_OPTIONS, scale: { type: 'string' } },
  async run(ctx) {
    if (str(ctx.values.dataset) === ALL_DATASETS) return startAll(ctx);
    const values: typeof ctx.values = { ...ctx.values, dataset: str(ctx.values.dataset) ?? 'supplier' };
    const contract = await contractFor(values.dataset, values.contracts);
    const batchDate = parseBatchDate(str(values.date) ?? todayUtc());
    runNumbers(values); // bad flags fail before a sample batch is written
    const scale = sampleScale(values.scale, SAMPLE.scale);
    const source = await ensureSampleBatch(ctx, contract, batchDate, { source: str(values.source), scale });
    return runAndSummarize({ ...ctx, values: { ...values, source } }, { date: batchDate });
  },
  stopsOnSignal: true,
};
