/**
 * The published copy of one batch as the audit ledger records it: which run published it, with which
 * load timestamp, from which source files (the fingerprint) and load package (the manifest, which lists
 * every source file with its identity). A run reads it before it writes anything (jobs/already-published.ts).
 */
import type { DatasetContract } from '../datasets/contract.ts';
import { tablesOf } from './ddl.ts';
import { dateLiteral, literal } from './sql-text.ts';

/** At most one row (one published copy per batch): run_id, load_ts, source_fingerprint, manifest_url, published_rows, as text. */
export function publishedCopyQuery(contract: DatasetContract, batchDate: string): string {
  const t = tablesOf(contract);
  return (
    `SELECT run_id, CAST(load_ts AS VARCHAR(40)) AS load_ts, source_fingerprint, manifest_url, CAST(published_rows AS VARCHAR(40)) AS published_rows\n` +
    `FROM ${t.audit}\n` +
    `WHERE dataset = ${literal(contract.name)} AND batch_date = ${dateLiteral(batchDate, 'batch date')} AND status = 'published'\n` +
    `ORDER BY load_ts DESC`
  );
}
