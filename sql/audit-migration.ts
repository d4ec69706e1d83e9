/**
 * Brings an audit table created by an older release up to today's AUDIT_COLUMNS (sql/ddl.ts). Columns
 * are only ever added (nullable, at the end), never changed or dropped, so older rows keep their meaning
 * and an older loader still writes its own column list.
 *
 * Redshift has no `ADD COLUMN IF NOT EXISTS`: the catalog is read first (information_schema.columns,
 * sql/catalog.ts, the same query on Redshift and PostgreSQL) and one `ALTER TABLE … ADD COLUMN` is run per
 * missing column (Redshift adds one column per statement). `setup` runs it on Redshift; local engines,
 * which the run sets up itself, run it on every run.
 */
import type { DatasetContract } from '../datasets/contract.ts';
import { warehouseColumnsFrom, warehouseColumnsQuery } from './catalog.ts';
import { AUDIT_COLUMNS, encodingFor, renderType, tablesOf } from './ddl.ts';

/** The audit table's columns as the catalog lists them (no rows: the table does not exist). */
export function auditColumnsQuery(contract: DatasetContract): string {
  return warehouseColumnsQuery(contract.schema, contract.auditTable);
}

/** The audit columns a table with these catalog rows lacks (none when the table does not exist yet). */
export function missingAuditColumns(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  if (rows.length === 0) return [];
  const have = new Set(warehouseColumnsFrom(rows).map((c) => c.name.toLowerCase()));
  return AUDIT_COLUMNS.filter((c) => !have.has(c.name)).map((c) => c.name);
}

/** `ALTER TABLE <audit> ADD COLUMN …` for each missing column, in AUDIT_COLUMNS order. */
export function auditMigrationStatements(contract: DatasetContract, missing: readonly string[]): string[] {
  const audit = tablesOf(contract).audit;
  return AUDIT_COLUMNS.filter((c) => missing.includes(c.name)).map(
    (c) => `ALTER TABLE ${audit} ADD COLUMN ${c.name} ${renderType(c.type, c.name)} ENCODE ${encodingFor(c, undefined).toUpperCase()}`,
  );
}

/** Reads the catalog and adds the missing audit columns; returns their names (empty: nothing to do). */
export async function migrateAudit(db: { query(sql: string): Promise<Array<Record<string, unknown>>> }, contract: DatasetContract): Promise<string[]> {
  const missing = missingAuditColumns(await db.query(auditColumnsQuery(contract)));
  for (const s of auditMigrationStatements(contract, missing)) await db.query(s);
  return missing;
}
