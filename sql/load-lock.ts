/**
 * The load-lock ledger for Redshift, which has no advisory locks (jobs/warehouse/load-lock.ts says why a
 * dataset needs one loader at a time). One row per dataset in `<schema>.load_lock` while a run holds it:
 *
 *   claim    ONE transaction: LOCK the ledger; delete this dataset's row if its lease has expired (a
 *            killed run) or it is our own (a retried claim); insert ours WHERE NOT EXISTS a row for the
 *            dataset. Then a SELECT says whose row stands: ours → we hold it; another's → wait or fail,
 *            naming its run id and lease. The LOCK makes two claims strictly one after the other, so
 *            exactly one INSERT finds no row.
 *   release  DELETE our row (autocommit) after the publish, or after a failure.
 *
 * The claim is taken BEFORE the stage is emptied (TRUNCATE commits on Redshift, so no transaction could
 * cover both the stage and the publish) and released after the publish: the whole stage → publish
 * stretch is covered. The lease is the run's own clock (CURRENT_TIMESTAMP is leader-only on Redshift)
 * plus long enough for every statement of that stretch at its statement timeout; a killed run's claim
 * simply expires. Whoever must clear one sooner deletes its row (the message names the run id).
 */
import type { DatasetContract } from '../datasets/contract.ts';
import { createTableStatement, type DdlColumn } from './ddl.ts';
import { dateLiteral, literal, qualified, timestampLiteral, userIdent } from './sql-text.ts';

export const LOAD_LOCK_TABLE = 'load_lock';

export const LOAD_LOCK_COLUMNS: readonly DdlColumn[] = [
  { name: 'dataset', type: { kind: 'varchar', bytes: 128 }, nullable: false },
  { name: 'run_id', type: { kind: 'varchar', bytes: 64 }, nullable: false },
  { name: 'batch_date', type: { kind: 'date' }, nullable: false },
  { name: 'claimed_at', type: { kind: 'timestamp' }, nullable: false },
  { name: 'lease_until', type: { kind: 'timestamp' }, nullable: false },
];

export function loadLockTable(schema: string): string {
  return qualified(schema, LOAD_LOCK_TABLE);
}

/** CREATE TABLE IF NOT EXISTS for the ledger (a few rows: DISTSTYLE ALL). */
export function loadLockDdl(contract: Pick<DatasetContract, 'schema'>): string {
  return createTableStatement(loadLockTable(contract.schema), LOAD_LOCK_COLUMNS, { distStyle: 'all' });
}

/** What the ETL user needs on the ledger: claim (INSERT), look (SELECT), clear stale and release (DELETE). */
export function loadLockGrant(contract: Pick<DatasetContract, 'schema'>, user: string): string {
  return `GRANT SELECT, INSERT, DELETE ON TABLE ${loadLockTable(contract.schema)} TO ${userIdent(user)}`;
}

export interface LedgerClaim {
  schema: string;
  dataset: string;
  runId: string;
  batchDate: string;
  /** 'YYYY-MM-DD HH:MM:SS.ffffff' UTC, the run's clock now. */
  now: string;
  /** now + lease, same form. */
  leaseUntil: string;
}

/** The claim transaction (see the file comment). */
export function claimStatements(c: LedgerClaim): string[] {
  const t = loadLockTable(c.schema);
  const dataset = literal(c.dataset);
  const runId = literal(c.runId);
  const now = timestampLiteral(c.now, 'claim time');
  return [
    `LOCK ${t}`,
    `DELETE FROM ${t} WHERE dataset = ${dataset} AND (lease_until < ${now} OR run_id = ${runId})`,
    `INSERT INTO ${t} (dataset, run_id, batch_date, claimed_at, lease_until)\n` +
      `SELECT ${dataset}, ${runId}, ${dateLiteral(c.batchDate, 'batch date')}, ${now}, ${timestampLiteral(c.leaseUntil, 'lease')}\n` +
      `WHERE NOT EXISTS (SELECT 1 FROM ${t} WHERE dataset = ${dataset})`,
  ];
}

/** Whose claim stands: run_id, batch_date, claimed_at, lease_until as text (no row: nobody's). */
export function holderQuery(schema: string, dataset: string): string {
  return (
    `SELECT run_id, CAST(batch_date AS VARCHAR(10)) AS batch_date, CAST(claimed_at AS VARCHAR(30)) AS claimed_at, ` +
    `CAST(lease_until AS VARCHAR(30)) AS lease_until FROM ${loadLockTable(schema)} WHERE dataset = ${literal(dataset)}`
  );
}

export function releaseStatement(schema: string, dataset: string, runId: string): string {
  return `DELETE FROM ${loadLockTable(schema)} WHERE dataset = ${literal(dataset)} AND run_id = ${literal(runId)}`;
}
