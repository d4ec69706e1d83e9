/**
 * Drift before any data moves: the contract against the catalog table (latest version and the change
 * since the previous one), the batch's own file schemas, and the warehouse table once it exists.
 */
import type { DatasetContract } from '../datasets/index.ts';
import { SCD2_COLUMN_NAMES } from '../datasets/index.ts';
import type { Catalog } from '../crawler/catalog.ts';
import { catalogInput, compareSchemas, driftErrorFrom, renderDriftJson, renderDriftMarkdown, type DriftReport } from '../crawler/drift.ts';
import { LocalCatalog, parseCatalogUri } from '../crawler/local-catalog.ts';
import { evolveStatements, warehouseColumnsFrom, warehouseColumnsQuery } from '../sql/catalog.ts';
import { ConfigError, type DriftError } from '../core/errors.ts';
import { openSource } from './readers/index.ts';
import type { ObjectInfo, ObjectStore } from './store/object-store.ts';
import type { FileSchema } from '../core/values.ts';
import type { Warehouse } from './warehouse/warehouse.ts';

export interface DriftOutcome {
  report: DriftReport;
  /** The report as written to drift.json and drift.md (crawler/drift.ts renders both). */
  json: string;
  markdown: string;
  /** Set when the run must stop (exit 3). */
  error?: DriftError;
  /** ALTER TABLE statements policy 'evolve' needs before loading. */
  evolveStatements: string[];
  /** The contract the load uses: the dataset's, plus columns policy 'evolve' added. */
  effectiveContract: DatasetContract;
  /** Things worth a log line that do not stop the run. */
  warnings: string[];
}

export async function openCatalog(uri: string): Promise<Catalog> {
  const loc = parseCatalogUri(uri);
  if (loc.kind === 'local') return new LocalCatalog({ dir: loc.dir, database: loc.database });
  const { GlueCatalog } = await import('../crawler/glue-catalog.ts');
  return new GlueCatalog({ database: loc.database });
}

export async function fileSchemas(contract: DatasetContract, store: ObjectStore, files: ObjectInfo[]): Promise<FileSchema[]> {
  const out: FileSchema[] = [];
  for (const f of files) out.push((await openSource(store, f, contract)).schema);
  return out;
}

export async function checkDrift(args: {
  contract: DatasetContract;
  store?: ObjectStore;
  files?: ObjectInfo[];
  catalogUri: string;
  /**
   * Without a batch (the crawler-triggered drift job) the catalog is the only source, so it must hold the
   * table. With a batch, a missing table is a warning: the files' own schemas are still checked.
   */
  requireCatalogTable: boolean;
  warehouse?: Warehouse;
}): Promise<DriftOutcome> {
  const { contract } = args;
  const catalog = await openCatalog(args.catalogUri);
  const versions = await catalog.getTableVersions(contract.name);
  const warnings: string[] = [];
  if (versions.length === 0) {
    const what = `catalog ${catalog.name} has no table ${contract.name}`;
    const hint = `run the crawler first (redshift-loader crawl --dataset ${contract.name})`;
    if (args.requireCatalogTable) throw new ConfigError(what, {}, hint);
    warnings.push(`${what}: drift compares the batch's own files with the contract — ${hint}`);
  }
  const files = args.store && args.files ? await fileSchemas(contract, args.store, args.files) : [];
  let warehouseColumns;
  if (args.warehouse) {
    const rows = await args.warehouse.query(warehouseColumnsQuery(contract.schema, contract.historyTable));
    warehouseColumns = rows.length ? warehouseColumnsFrom(rows) : undefined;
  }
  // The columns the loader adds are not the source's: the load timestamp, and an scd2 table's version columns.
  const loaderColumns = [contract.loadTimestampColumn, ...(contract.writeMode === 'scd2' ? SCD2_COLUMN_NAMES : [])];
  const report = compareSchemas({ contract, catalog: catalogInput(versions), files, warehouse: warehouseColumns, loaderColumns });
  const blocked = report.decision === 'block';
  return {
    report,
    json: renderDriftJson(report),
    markdown: renderDriftMarkdown(report),
    error: blocked ? driftErrorFrom(report) : undefined,
    evolveStatements: !blocked && report.addColumns.length ? evolveStatements(contract, report.addColumns) : [],
    warnings,
    effectiveContract: report.evolve.length ? { ...contract, columns: [...contract.columns, ...report.evolve] } : contract,
  };
}
