import { existsSync } from 'node:fs';
import { checkDrift, type DriftOutcome } from '../drift-check.ts';
import { emitDriftMetrics } from '../drift-metrics.ts';
import { jobEnv } from '../../core/env.ts';
import { driftReportPrefix, LOCAL_DEFAULTS } from '../locations.ts';
import { storeFor } from '../store/index.ts';
import { openWarehouse } from '../warehouse/index.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { contractFor, str, type Command } from './command.ts';

export const drift: Command = {
  summary: "report schema drift without a batch: the catalog's versions against the contract and the warehouse (what a crawl triggers)",
  usage: 'redshift-loader drift --dataset NAME [--contracts DIR|s3://…] [--catalog local:DIR|glue:DB] [--warehouse URI] [--reports URI] [--json]',
  options: { dataset: { type: 'string' }, contracts: { type: 'string' }, catalog: { type: 'string' }, warehouse: { type: 'string' }, reports: { type: 'string' } },
  async run({ values, log, json, print }) {
    const contract = await contractFor(values.dataset, values.contracts);
    const catalogUri = str(values.catalog) ?? jobEnv('RL_CATALOG') ?? LOCAL_DEFAULTS.catalog;
    const reports = str(values.reports) ?? jobEnv('RL_REPORTS') ?? LOCAL_DEFAULTS.reports;
    // The warehouse is compared when named, or when the local default exists.
    const whUri = str(values.warehouse) ?? jobEnv('RL_WAREHOUSE') ?? (existsSync('.local/warehouse') ? LOCAL_DEFAULTS.warehouse : undefined);
    let wh: Warehouse | undefined;
    let outcome: DriftOutcome | undefined;
    let failed = true;
    try {
      wh = whUri ? await openWarehouse(whUri) : undefined;
      outcome = await checkDrift({ contract, catalogUri, requireCatalogTable: true, warehouse: wh });
      const store = await storeFor(reports);
      const prefix = driftReportPrefix(reports, contract.name, outcome.report.generatedAt);
      const jsonUri = store.join(prefix, 'drift.json');
      const mdUri = store.join(prefix, 'drift.md');
      await store.write(jsonUri, outcome.json, 'application/json');
      await store.write(mdUri, outcome.markdown, 'text/markdown');
      const s = outcome.report.summary;
      const line = `drift ${outcome.report.decision === 'block' ? 'BLOCKS' : 'allows'} loading ${contract.name}: ${s.breaking} breaking, ${s.warn} warn, ${s.info} info — report: ${mdUri}`;
      if (json) print(JSON.stringify({ status: outcome.report.decision, message: line, report: jsonUri, markdown: mdUri, summary: s }));
      else log.info(line);
      if (outcome.error) throw outcome.error;
      failed = false;
      return 0;
    } finally {
      await wh?.close();
      emitDriftMetrics(log, { dataset: contract.name, report: outcome?.report, failed });
    }
  },
};
