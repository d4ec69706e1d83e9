/**
 * Idempotent warehouse setup for one dataset: the DDL, an ETL user, and only the grants a load needs.
 *
 * Least privilege, statement by statement of a load:
 * - `TRUNCATE stage` (emptyStage): Redshift allows TRUNCATE to the table owner, a superuser, or a holder
 *   of the cluster-wide system permission TRUNCATE TABLE (which would reach every table). So the ETL
 *   user OWNS the stage table — and nothing else. Ownership also covers COPY (INSERT), the checks
 *   (SELECT) and LOCK on the stage.
 * - history: SELECT (guards, replaced_rows), INSERT (publish), DELETE (replace a batch's earlier copy;
 *   also what PostgreSQL asks for LOCK … IN EXCLUSIVE MODE). No UPDATE, no TRUNCATE, no DROP.
 * - audit: SELECT, INSERT, UPDATE (published → replaced). No DELETE: the ledger is append/mark only.
 * - load_lock (sql/load-lock.ts, Redshift's one-loader-per-dataset ledger): SELECT, INSERT, DELETE.
 * - schema: USAGE only (no CREATE).
 *
 * The user has no password: Redshift `CREATE USER … PASSWORD DISABLE` (the jobs authenticate through
 * IAM / the Data API). Redshift has no CREATE USER IF NOT EXISTS, so the plan carries the existence
 * query and the CREATE separately; `applySetup` runs the CREATE only when the query finds nobody.
 * Nor has it ADD COLUMN IF NOT EXISTS: `applySetup` adds the audit columns an older table lacks after
 * reading the catalog (sql/audit-migration.ts); the script for humans leaves that step out.
 */
import type { DatasetContract } from '../datasets/contract.ts';
import { renderDdl, tablesOf } from './ddl.ts';
import { migrateAudit } from './audit-migration.ts';
import { loadLockDdl, loadLockGrant } from './load-lock.ts';
import { literal, userIdent } from './sql-text.ts';

export interface SetupOptions {
  /** The database user the nightly jobs connect as. */
  etlUser: string;
}

export interface SetupPlan {
  /** CREATE SCHEMA / CREATE TABLE IF NOT EXISTS, in order. */
  ddl: string[];
  /** Returns a row when the ETL user already exists. */
  userExistsQuery: string;
  /** Run only when `userExistsQuery` returned no rows. */
  createUser: string;
  /** GRANT / ALTER … OWNER statements; each is idempotent. */
  grants: string[];
}

/** `SELECT 1 FROM pg_user WHERE usename = '…'` (pg_user exists on Redshift and PostgreSQL alike). */
export function userExistsQuery(user: string): string {
  userIdent(user); // validates the name
  return `SELECT 1 AS present FROM pg_user WHERE usename = ${literal(user)}`;
}

/** `CREATE USER … PASSWORD DISABLE` (sql/local.ts turns it into CREATE ROLE … LOGIN). */
export function createUserStatement(user: string): string {
  return `CREATE USER ${userIdent(user)} PASSWORD DISABLE`;
}

/** The grants a load needs, and no more (see the file comment). */
export function grantStatements(contract: DatasetContract, user: string): string[] {
  const u = userIdent(user);
  const t = tablesOf(contract);
  return [
    `GRANT USAGE ON SCHEMA ${t.schema} TO ${u}`,
    `ALTER TABLE ${t.stage} OWNER TO ${u}`,
    // scd2 closes and reopens versions in place (sql/scd2.ts): UPDATE on its history table too.
    `GRANT SELECT, INSERT, DELETE${contract.writeMode === 'scd2' ? ', UPDATE' : ''} ON TABLE ${t.history} TO ${u}`,
    `GRANT SELECT, INSERT, UPDATE ON TABLE ${t.audit} TO ${u}`,
    loadLockGrant(contract, user),
  ];
}

export function setupPlan(contract: DatasetContract, opts: SetupOptions): SetupPlan {
  return {
    ddl: [...renderDdl(contract), loadLockDdl(contract)],
    userExistsQuery: userExistsQuery(opts.etlUser),
    createUser: createUserStatement(opts.etlUser),
    grants: grantStatements(contract, opts.etlUser),
  };
}

/** The plan as a script for a human to read or run by hand (the CREATE USER is marked conditional). */
export function setupScript(contract: DatasetContract, opts: SetupOptions): string {
  const p = setupPlan(contract, opts);
  return [
    ...p.ddl.map((s) => `${s};`),
    `-- run only if this returns no row: ${p.userExistsQuery};`,
    `${p.createUser};`,
    ...p.grants.map((s) => `${s};`),
  ].join('\n\n') + '\n';
}

/** What applySetup needs: the Warehouse port satisfies it. */
export interface SqlRunner {
  query(sql: string): Promise<Array<Record<string, unknown>>>;
}

/** Runs the plan statement by statement; safe to run again. */
export async function applySetup(
  db: SqlRunner,
  contract: DatasetContract,
  opts: SetupOptions,
): Promise<{ userCreated: boolean; auditColumnsAdded: string[] }> {
  const p = setupPlan(contract, opts);
  for (const s of p.ddl) await db.query(s);
  // An audit table of an older release gets today's columns (sql/audit-migration.ts).
  const auditColumnsAdded = await migrateAudit(db, contract);
  const exists = (await db.query(p.userExistsQuery)).length > 0;
  if (!exists) await db.query(p.createUser);
  for (const s of p.grants) await db.query(s);
  return { userCreated: !exists, auditColumnsAdded };
}
