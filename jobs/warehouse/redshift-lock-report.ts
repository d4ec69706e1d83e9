/**
 * Who blocks a Redshift statement, from SVV_TRANSACTIONS (Redshift has no pg_blocking_pids()):
 * our process's ungranted relation lock, the table it is for, and every OTHER process holding a granted
 * lock on that table (pid, txn_owner, txn_start, lock_mode).
 *
 * Columns used (AWS docs, SVV_TRANSACTIONS): txn_owner, xid, pid, txn_start, lock_mode,
 * lockable_object_type ('relation' | 'transactionid'), relation (table id), granted. Visibility: a
 * regular user sees only its own rows, so the ETL user learns which table it waits for but sees the
 * holder only with `ALTER USER … SYSLOG ACCESS UNRESTRICTED` (STV_LOCKS is superuser-only). A holder we
 * cannot see is reported as such.
 */
import type { LockHolder } from './lock-holder.ts';
import type { Row } from './warehouse.ts';

/** One row per holder (or one row with a NULL holder pid when none is visible); no row: not waiting. */
export function lockWaitSql(pid: number): string {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`not a process id: ${pid}`);
  return (
    'SELECT TRIM(n.nspname) AS schema_name, TRIM(c.relname) AS table_name, w.relation AS relation, ' +
    'h.pid AS holder_pid, TRIM(h.txn_owner) AS holder_user, CAST(h.txn_start AS VARCHAR(30)) AS holder_since, TRIM(h.lock_mode) AS holder_mode ' +
    'FROM svv_transactions w ' +
    'LEFT JOIN svv_transactions h ON h.relation = w.relation AND h.granted AND h.pid <> w.pid ' +
    'LEFT JOIN pg_class c ON c.oid = w.relation LEFT JOIN pg_namespace n ON n.oid = c.relnamespace ' +
    `WHERE w.pid = ${pid} AND NOT w.granted AND w.lockable_object_type = 'relation' ` +
    'ORDER BY h.txn_start'
  );
}

export interface RedshiftLockWait {
  object: string;
  holders: LockHolder[];
}

/** A row of lockWaitSql as the Data API returns it: text as strings, ids as numbers or text, NULL as null. */
interface LockWaitRow extends Row {
  schema_name: string | null;
  table_name: string | null;
  relation: number | string | null;
  holder_pid: number | string | null;
  holder_user: string | null;
  holder_since: string | null;
  holder_mode: string | null;
}

/** The rows of lockWaitSql as a wait (undefined when the statement waits for no lock). */
export function lockWaitFromRows(rows: Row[]): RedshiftLockWait | undefined {
  const typed = rows as LockWaitRow[];
  const first = typed[0];
  if (!first) return undefined;
  const object = first.table_name ? `${first.schema_name ? `${first.schema_name}.` : ''}${first.table_name}` : `table id ${String(first.relation)}`;
  const holders = typed
    .filter((r) => r.holder_pid !== null && r.holder_pid !== undefined)
    .map((r) => ({
      pid: Number(r.holder_pid),
      user: r.holder_user || undefined,
      since: r.holder_since ? `${r.holder_since} UTC` : undefined,
    }));
  return { object, holders };
}
