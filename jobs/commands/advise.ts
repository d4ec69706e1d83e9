import { parseBatchDate, resolveLocations } from '../locations.ts';
import { contractFor, str, type Command } from './command.ts';
import { ConfigError } from '../../core/errors.ts';
import type { Manifest } from '../../core/manifest.ts';
import type { QualityReport } from '../../data-quality/index.ts';
import { storeFor } from '../store/index.ts';
import { datasetRuns } from '../advice/run-reports.ts';
import { batchAdvice } from '../advice/batch-advice.ts';
import { analyzeCompression } from '../advice/analyze-compression.ts';
import { adviceDdl, adviceSummary, adviceTable } from '../advice/markdown.ts';
import { openWarehouse, warehouseAdapterFor } from '../warehouse/index.ts';
import { tablesOf } from '../../sql/ddl.ts';

export const advise: Command = {
  summary: 'print storage advice for a dataset (DDL, bytes saved per million rows) from its latest published run',
  usage: 'redshift-loader advise --dataset NAME [--date YYYY-MM-DD] [--reports URI] [--warehouse URI] [--contracts DIR] [--json]',
  options: { dataset: { type: 'string' }, date: { type: 'string' }, reports: { type: 'string' }, warehouse: { type: 'string' }, contracts: { type: 'string' } },
  async run({ values, print, json, log }) {
    const contract = await contractFor(values.dataset, values.contracts);
    const date = str(values.date) === undefined ? undefined : parseBatchDate(str(values.date)!);
    const locations = resolveLocations(contract, date ?? '1970-01-01', { reports: str(values.reports), warehouse: str(values.warehouse) });
    const reports = await storeFor(locations.reports);
    const runs = await datasetRuns(reports, locations.reports, contract.name, date);
    const run = runs.chosen;
    const manifestStore = await storeFor(run.manifest!);
    if (!(await manifestStore.exists(run.manifest!))) {
      throw new ConfigError(`the load package of run ${run.runId} (batch ${run.batchDate}) is gone: ${run.manifest}`, { file: run.manifest }, 'rerun the batch, then advise');
    }
    const manifest = JSON.parse((await manifestStore.readAll(run.manifest!)).toString('utf8')) as Manifest;
    if (manifest.package.format !== 'csv' || !run.reports.qualityJson) {
      throw new ConfigError(`run ${run.runId} (batch ${run.batchDate}) loaded Parquet files as they were: there are no parts to sample`, {}, 'advise reads a run with --strategy csv');
    }
    const quality = JSON.parse((await reports.readAll(run.reports.qualityJson)).toString('utf8')) as QualityReport;
    let advice = await batchAdvice({
      contract,
      batchDate: run.batchDate,
      runId: run.runId,
      quality,
      manifest,
      staging: manifestStore,
      earlier: { widest: runs.widest, batches: runs.batches },
    });
    if (warehouseAdapterFor(locations.warehouse).capabilities.dialect === 'redshift') {
      const wh = await openWarehouse(locations.warehouse, { log });
      try {
        advice = await analyzeCompression(wh, advice, tablesOf(contract).stage);
      } finally {
        await wh.close();
      }
    }
    print(json ? `${JSON.stringify(advice, null, 2)}\n` : `${adviceSummary(advice)}\n\n${adviceDdl(advice)}\n\n${adviceTable(advice)}\n`);
    return 0;
  },
};
