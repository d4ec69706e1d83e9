/**
 * Never do a batch twice: before a run writes anything to the warehouse, it compares the batch's source
 * fingerprint (jobs/source-fingerprint.ts) with the one the audit ledger recorded for the batch's
 * published copy (sql/published-copy.ts).
 *
 * - no published copy: a new batch, load it;
 * - the same fingerprint: "already published" — the run stops at once, with no warehouse write (unless
 *   --force);
 * - another fingerprint (or a copy published before fingerprints were recorded): load it again, and say
 *   which files changed. The published copy's file list is its manifest (`manifest_url` in the audit row;
 *   the manifest's `package.sourceFiles` lists every source file with the identity it was read with).
 *   The manifest rather than a JSON column: it is already written for every load, it has no size limit
 *   (a VARCHAR(65535) column would not hold the file list of a large batch), and it names exactly the
 *   files that were read. When it can no longer be read (a staging lifecycle rule removed it), the report
 *   says so instead of naming files.
 *
 * Reads only: the audit table's catalog rows and its published row. An audit table of an older release
 * (without source_fingerprint) is migrated on local engines, which the run sets up itself; on Redshift
 * `setup` migrates it, and a run that finds it unmigrated stops with exit 2 saying so.
 */
import type { DatasetContract } from '../datasets/index.ts';
import { ConfigError } from '../core/errors.ts';
import type { Manifest } from '../core/manifest.ts';
import { auditColumnsQuery, auditMigrationStatements, missingAuditColumns } from '../sql/audit-migration.ts';
import { publishedCopyQuery } from '../sql/published-copy.ts';
import { sourceChanges, type FingerprintFile, type SourceChanges } from './source-fingerprint.ts';
import { storeFor } from './store/index.ts';
import type { Warehouse } from './warehouse/warehouse.ts';

/** The batch's published copy as the ledger records it. */
export interface PublishedCopy {
  runId: string;
  loadTs: string;
  /** Null: published before fingerprints were recorded. */
  fingerprint: string | null;
  manifestUrl: string | null;
  rows: number | null;
}

export type SourceCheck =
  | { kind: 'new' }
  | { kind: 'same'; copy: PublishedCopy }
  | { kind: 'changed'; copy: PublishedCopy; changes?: SourceChanges; changesUnknown?: string };

export interface SourceCheckArgs {
  wh: Pick<Warehouse, 'query' | 'dialect'>;
  contract: DatasetContract;
  batchDate: string;
  files: readonly FingerprintFile[];
  fingerprint: string;
}

/** Compares the batch as listed now with its published copy (see the file comment). */
export async function checkPublishedCopy({ wh, contract, batchDate, files, fingerprint }: SourceCheckArgs): Promise<SourceCheck> {
  const catalog = await wh.query(auditColumnsQuery(contract));
  if (catalog.length === 0) return { kind: 'new' }; // no audit table yet: nothing was ever published
  const missing = missingAuditColumns(catalog);
  if (missing.length) {
    if (wh.dialect !== 'postgres') {
      throw new ConfigError(
        `the audit table ${contract.schema}.${contract.auditTable} lacks column(s) ${missing.join(', ')} (an older release created it)`,
        {},
        `run \`redshift-loader setup --dataset ${contract.name}\` once to migrate it`,
      );
    }
    for (const s of auditMigrationStatements(contract, missing)) await wh.query(s);
  }
  const [row] = await wh.query(publishedCopyQuery(contract, batchDate));
  if (!row) return { kind: 'new' };
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null);
  const copy: PublishedCopy = {
    runId: String(row.run_id),
    loadTs: String(row.load_ts),
    fingerprint: text(row.source_fingerprint),
    manifestUrl: text(row.manifest_url),
    rows: row.published_rows == null ? null : Number(row.published_rows),
  };
  if (copy.fingerprint === fingerprint) return { kind: 'same', copy };
  try {
    if (!copy.manifestUrl) return { kind: 'changed', copy, changesUnknown: 'the published copy names no manifest' };
    const store = await storeFor(copy.manifestUrl);
    const manifest = JSON.parse((await store.readAll(copy.manifestUrl)).toString('utf8')) as Manifest;
    return { kind: 'changed', copy, changes: sourceChanges(manifest.package.sourceFiles, files) };
  } catch (e) {
    return { kind: 'changed', copy, changesUnknown: `the published copy's manifest ${copy.manifestUrl} could not be read (${(e as Error).message})` };
  }
}

/** The line an "already published" run ends with. */
export function alreadyPublishedLine(dataset: string, batchDate: string, table: string, copy: PublishedCopy, fingerprint: string): string {
  return (
    `already published: ${dataset} batch ${batchDate} is in ${table} with load_ts ${copy.loadTs} (run ${copy.runId}` +
    `${copy.rows === null ? '' : `, ${copy.rows} rows`}) from the same source files (fingerprint ${fingerprint.slice(0, 12)}…); ` +
    `nothing written — --force loads it again`
  );
}
