/**
 * Retention of a dataset's batches (contract `retention`): the statements the publish transaction adds
 * after it has inserted and verified the new batch, and the query that reads back what they expired.
 *
 * Which batches stay: among the dataset's published batches (the audit rows with status 'published', one
 * per batch date — the new batch's row included, since it was written earlier in the same transaction):
 *   - `keepLast: N`        the N latest batch dates;
 *   - `keepMonthlyFirst`   the earliest batch date present in each calendar month;
 *   - and always the batch being published (a backfill older than the window is kept until the next run).
 * Every other published batch is expired, in this order:
 *   1. UPDATE audit → 'expired', `expired_by` = this run's id;
 *   2. guard: the history rows of those load timestamps number exactly the sum of their audit rows'
 *      published_rows (else division by zero: the whole publish rolls back), so the rows the report says
 *      were expired are the rows deleted;
 *   3. DELETE the history rows of the load timestamps just expired (DELETE, never TRUNCATE: TRUNCATE
 *      commits on Redshift, and this runs inside the publish transaction).
 * So the ledger's invariant holds: an audit row that is not 'published' has no history rows.
 *
 * Mode-agnostic: it speaks of "batches of a dataset" (audit rows and load timestamps), so snapshot and
 * append history share it; it knows nothing of how the batch's rows were written.
 */
import type { DatasetContract, RetentionPolicy } from '../datasets/contract.ts';
import { ConfigError } from '../core/errors.ts';
import { tablesOf } from './ddl.ts';
import { countLiteral, dateLiteral, ident, literal } from './sql-text.ts';

/** What the publish transaction's retention statements are for, in order (for error messages and logs). */
export const RETENTION_STEPS = [
  'mark the batches outside retention expired',
  'guard: the expired batches hold exactly their published rows',
  'delete the expired batches from history',
] as const;

/** The policy, checked again here (a contract built in code skips the file checks). */
export function checkRetention(dataset: string, r: RetentionPolicy): RetentionPolicy {
  if (r.keepLast !== undefined && (!Number.isInteger(r.keepLast) || r.keepLast < 1)) {
    throw new ConfigError(`dataset ${dataset}: retention.keepLast must be a whole number of 1 or more, got ${JSON.stringify(r.keepLast)}`);
  }
  if (r.keepLast === undefined && r.keepMonthlyFirst !== true) {
    throw new ConfigError(`dataset ${dataset}: retention keeps no batch`, {}, 'set keepLast and/or keepMonthlyFirst: true, or drop retention');
  }
  return r;
}

/** The batch dates retention keeps, as a subquery over the dataset's published audit rows. */
function keptBatchDates(contract: DatasetContract, r: RetentionPolicy): string {
  const t = tablesOf(contract);
  const keep: string[] = [];
  if (r.keepLast !== undefined) keep.push(`newest <= ${countLiteral(r.keepLast, 'retention keepLast')}`);
  if (r.keepMonthlyFirst === true) keep.push('in_month = 1');
  return (
    `SELECT batch_date FROM (SELECT batch_date, ` +
    `ROW_NUMBER() OVER (ORDER BY batch_date DESC) AS newest, ` +
    `ROW_NUMBER() OVER (PARTITION BY TO_CHAR(batch_date, 'YYYY-MM') ORDER BY batch_date) AS in_month ` +
    `FROM ${t.audit} WHERE dataset = ${literal(contract.name)} AND status = 'published') ranked ` +
    `WHERE ${keep.join(' OR ')}`
  );
}

/**
 * The statements the publish transaction runs last (none when the contract has no retention). They must
 * follow the INSERT of the new batch's 'published' audit row: the ranking counts it.
 */
export function retentionStatements(contract: DatasetContract, runId: string, batchDate: string): string[] {
  if (!contract.retention) return [];
  const r = checkRetention(contract.name, contract.retention);
  const t = tablesOf(contract);
  const lt = ident(contract.loadTimestampColumn, 'load timestamp column');
  const dataset = literal(contract.name);
  const run = literal(runId);
  const expiredNow = `dataset = ${dataset} AND status = 'expired' AND expired_by = ${run}`;
  return [
    `/* ${RETENTION_STEPS[0]} */ UPDATE ${t.audit} SET status = 'expired', expired_by = ${run} ` +
      `WHERE dataset = ${dataset} AND status = 'published' AND batch_date <> ${dateLiteral(batchDate, 'batch date')} ` +
      `AND batch_date NOT IN (${keptBatchDates(contract, r)})`,
    `/* ${RETENTION_STEPS[1]} */ SELECT 1 / (CASE WHEN ` +
      `(SELECT COUNT(*) FROM ${t.history} WHERE ${lt} IN (SELECT load_ts FROM ${t.audit} WHERE ${expiredNow})) = ` +
      `(SELECT COALESCE(SUM(published_rows), 0) FROM ${t.audit} WHERE ${expiredNow}) THEN 1 ELSE 0 END) AS expired_ok`,
    `/* ${RETENTION_STEPS[2]} */ DELETE FROM ${t.history} WHERE ${lt} IN (SELECT load_ts FROM ${t.audit} WHERE ${expiredNow})`,
  ];
}

/**
 * What one run expired, read back after its publish committed: one row per expired batch, oldest first,
 * `batch_date` and `published_rows` (the expired copy's rows, which its own publish guard had verified) as text.
 */
export function expiredByRunQuery(contract: DatasetContract, runId: string): string {
  const t = tablesOf(contract);
  return (
    `SELECT CAST(batch_date AS VARCHAR(10)) AS batch_date, CAST(published_rows AS VARCHAR(40)) AS published_rows\nFROM ${t.audit}\n` +
    `WHERE dataset = ${literal(contract.name)} AND status = 'expired' AND expired_by = ${literal(runId)}\n` +
    `ORDER BY batch_date`
  );
}
