import { inferCatalogTable } from '../../crawler/infer.ts';
import { LocalCatalog, parseCatalogUri } from '../../crawler/local-catalog.ts';
import { fileSchemas } from '../drift-check.ts';
import { ConfigError } from '../../core/errors.ts';
import { listBatchFiles } from '../readers/index.ts';
import { parseBatchDate, resolveLocations, todayUtc } from '../locations.ts';
import { storeFor } from '../store/index.ts';
import { contractFor, str, type Command } from './command.ts';
import { minutesFlag } from './minutes-flag.ts';

export const crawl: Command = {
  summary: "catalog a batch's files the way a Glue crawler does (local catalog), or start the dataset's Glue crawler and wait",
  usage: 'redshift-loader crawl --dataset NAME [--contracts DIR|s3://…] [--source URI] [--date YYYY-MM-DD] [--catalog local:DIR|glue:DB] [--crawler NAME] [--timeout-minutes N]',
  options: {
    dataset: { type: 'string' }, contracts: { type: 'string' },
    source: { type: 'string' },
    date: { type: 'string' },
    catalog: { type: 'string' },
    crawler: { type: 'string' },
    'timeout-minutes': { type: 'string' },
  },
  async run({ values, log, json, print }) {
    const contract = await contractFor(values.dataset, values.contracts);
    const batchDate = parseBatchDate(str(values.date) ?? todayUtc());
    const minutes = minutesFlag('timeout-minutes', values['timeout-minutes'], 30);
    const loc = resolveLocations(contract, batchDate, { source: str(values.source), catalog: str(values.catalog) });
    const catalog = parseCatalogUri(loc.catalog);
    if (catalog.kind === 'glue') {
      const crawler = str(values.crawler);
      if (!crawler) throw new ConfigError('--crawler is required with a Glue catalog', {}, 'the name of the dataset\'s crawler (see the stack outputs)');
      const { startCrawlerAndWait } = await import('../../crawler/glue-catalog.ts');
      await startCrawlerAndWait(crawler, { timeoutMs: minutes * 60_000 });
      const line = `crawler ${crawler} finished; catalog glue:${catalog.database} is up to date`;
      if (json) print(JSON.stringify({ status: 'ok', message: line }));
      else log.info(line);
      return 0;
    }
    const store = await storeFor(loc.source);
    const files = await listBatchFiles(store, loc.source);
    const schemas = await fileSchemas(contract, store, files);
    const local = new LocalCatalog({ dir: catalog.dir, database: catalog.database });
    const { table, created } = await local.putTable(
      inferCatalogTable({ database: catalog.database, table: contract.name, location: loc.source, schemas }),
    );
    const line = `${created ? 'wrote' : 'unchanged:'} ${local.name} ${catalog.database}.${table.name} version ${table.versionId} (${table.columns.length} columns from ${files.length} file(s))`;
    if (json) print(JSON.stringify({ status: 'ok', message: line, created, table }));
    else log.info(line);
    return 0;
  },
};
