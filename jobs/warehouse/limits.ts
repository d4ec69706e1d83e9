/**
 * How long any one warehouse statement may wait for a lock and run (issue 9, item 3: an analyst's idle
 * transaction must never hold a nightly load forever, silently).
 *
 * - PostgreSQL: session settings `lock_timeout` and `statement_timeout`, set once at connect, so they
 *   cover every statement of the session: COPY … FROM STDIN, the stage TRUNCATE, the statements of the
 *   publish transaction and the failed-audit insert. PGlite gets the same settings, but cannot be
 *   blocked from outside (one in-process connection) and does not fire statement_timeout (pglite.ts).
 * - Redshift (no lock_timeout): `SET statement_timeout` (session on the wire endpoint; first statement
 *   of every Data API batch), the Data API polling deadline, and a lock watch on SVV_TRANSACTIONS that
 *   cancels a statement that has waited longer than the lock timeout for a lock.
 * - Any engine: a statement that has waited for a lock for LOCK_WAIT_LOG_MS logs one line naming the
 *   statement, the table and, when the engine can tell, the session blocking it.
 */
export interface WarehouseLimits {
  /** The longest one statement may wait for a lock, ms. */
  lockTimeoutMs: number;
  /** The longest one statement may run (lock wait included), ms. */
  statementTimeoutMs: number;
}

export const DEFAULT_LOCK_TIMEOUT_S = 300;
export const DEFAULT_STATEMENT_TIMEOUT_S = 3600;

export const DEFAULT_LIMITS: WarehouseLimits = {
  lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_S * 1000,
  statementTimeoutMs: DEFAULT_STATEMENT_TIMEOUT_S * 1000,
};

/** A statement that has waited this long for a lock logs one line (who blocks it, when known). */
export const LOCK_WAIT_LOG_MS = 10_000;

/** "2 s", "5 min", "1 h": how a limit reads in a message. */
export function duration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
