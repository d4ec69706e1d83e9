import { jobEnv } from '../../core/env.ts';
import { LOCAL_DEFAULTS } from '../locations.ts';
import { storeFor } from '../store/index.ts';
import { str, type Command } from './command.ts';

export const report: Command = {
  summary: "build the dataset's index.html from all its run reports: rows per batch, run time, failures and drift over time, a link to each run's page",
  usage: 'redshift-loader report --dataset NAME [--reports URI] [--json]',
  options: { dataset: { type: 'string' }, reports: { type: 'string' } },
  async run({ values, log, json, print }) {
    const { writeDatasetIndex } = await import('../report-html/dataset-index.ts');
    const reports = str(values.reports) ?? jobEnv('RL_REPORTS') ?? LOCAL_DEFAULTS.reports;
    const written = await writeDatasetIndex(await storeFor(reports), reports, values.dataset);
    const line = `wrote ${written.uri}: ${written.runs} runs (${written.failed} failed) of dataset ${written.dataset}`;
    if (json) print(JSON.stringify({ status: 'written', message: line, index: written.uri, runs: written.runs, failed: written.failed }));
    else log.info(line);
    return 0;
  },
};
