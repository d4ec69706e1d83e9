/**
 * The `plan` step: list the batch with identities, read every Parquet footer (rows per row group), check
 * drift (contract, catalog and the files' own schemas; the warehouse is checked again by `load`), cut the
 * work into shards and write plan.json to staging. Nothing else is read or written.
 */
import type { DatasetContract } from '../../datasets/index.ts';
import { checkDrift } from '../drift-check.ts';
import type { Locations } from '../locations.ts';
import { silentLogger, type Logger } from '../log.ts';
import { formatOf, listBatch } from '../readers/index.ts';
import { openParquet } from '../readers/parquet.ts';
import { checkSourceDate } from '../source-date.ts';
import { storeFor } from '../store/index.ts';
import { pinListed } from '../store/pinned-store.ts';
import { cutShards } from './cut.ts';
import { planIdOf, writePlan, type Plan, type PlannedFile, type PlanOptions } from './plan-file.ts';

export interface MakePlanOptions {
  contract: DatasetContract;
  batchDate: string;
  locations: Pick<Locations, 'source' | 'staging' | 'catalog'>;
  shards: number;
  options: PlanOptions;
  log?: Logger;
  now?: () => Date;
}

export async function makePlan(opts: MakePlanOptions): Promise<{ plan: Plan; planUri: string }> {
  const { batchDate, locations } = opts;
  const log = opts.log ?? silentLogger;
  checkSourceDate(locations.source, batchDate);
  const landing = await storeFor(locations.source);
  const listing = await listBatch(landing, locations.source);
  const store = pinListed(landing, listing.files);
  for (const i of listing.ignored) log.info(`ignored ${i.uri}: ${i.reason}`, { source: locations.source });
  const drift = await checkDrift({ contract: opts.contract, store, files: listing.files, catalogUri: locations.catalog, requireCatalogTable: false });
  if (drift.error) throw drift.error;
  const files: PlannedFile[] = [];
  for (const f of listing.files) {
    const planned: PlannedFile = { uri: f.uri, size: f.size, ...(f.identity ? { identity: f.identity } : {}) };
    if (formatOf(f.uri) === 'parquet') {
      const { metadata } = await openParquet(await store.open(f.uri, f.identity));
      planned.rowGroups = metadata.row_groups.map((g) => Number(g.num_rows));
    }
    files.push(planned);
  }
  const cut = cutShards(files, opts.shards);
  const basis = { dataset: opts.contract.name, batchDate, contract: drift.effectiveContract, files, options: opts.options, shards: cut.length, cut };
  const plan: Plan = { planId: planIdOf(basis), source: locations.source, createdAt: (opts.now ?? (() => new Date()))().toISOString(), ...basis };
  const staging = await storeFor(locations.staging);
  const planUri = await writePlan(staging, locations.staging, plan);
  return { plan, planUri };
}
