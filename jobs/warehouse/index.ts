/**
 * Opening the warehouse a URI names. The run never knows which adapter it got.
 *
 *   pglite:<dir>                     embedded PGlite on a data directory (default .local/warehouse)
 *   pglite:memory                    embedded PGlite in memory (tests)
 *   postgres://… | postgresql://…    a PostgreSQL server (also ?host=/socket/dir)
 *   redshift://<host>[:5439]/<db>?secret=<arn> | postgres://…?dialect=redshift   Redshift's own endpoint
 *   redshift-data:cluster/<id>/<db> | redshift-data:workgroup/<name>/<db>   Redshift via the Data API
 */
import { ConfigError } from '../../core/errors.ts';
import { DEFAULT_PGLITE_DIR, PgliteWarehouse, type PgliteWarehouseOptions } from './pglite.ts';
import { PostgresWarehouse, redactUri, type PostgresWarehouseOptions } from './postgres.ts';
import type { Warehouse } from './warehouse.ts';
import type { Logger } from '../log.ts';
import type { WarehouseLimits } from './limits.ts';
import { checkPostgresUri } from './postgres-uri.ts';

export type { Row, Warehouse } from './warehouse.ts';
export { PgliteWarehouse, DEFAULT_PGLITE_DIR, DEFAULT_CHUNK_BYTES } from './pglite.ts';
export type { LocalProgress, PgliteWarehouseOptions } from './pglite.ts';
export { PostgresWarehouse, redactUri, describeTarget } from './postgres.ts';
export type { PostgresWarehouseOptions } from './postgres.ts';
export { StatementFailure } from './statement-failure.ts';

export const SUPPORTED_WAREHOUSES =
  'pglite:<dir>, pglite:memory, postgres://user@host:port/db (or postgresql://…), ' +
  'redshift://<host>:5439/<db>?secret=<arn>, redshift-data:cluster/<id>/<db>, redshift-data:workgroup/<name>/<db>';

export interface OpenWarehouseOptions {
  pglite?: PgliteWarehouseOptions;
  postgres?: PostgresWarehouseOptions;
  /** Lock wait and run time of every statement (limits.ts); default DEFAULT_LIMITS. */
  limits?: WarehouseLimits;
  /** Where lock waits are logged. */
  log?: Logger;
  /** Who opens it, for another process that finds it in use (PGlite's lock file): a run tag. */
  owner?: string;
}

/** Checks that a warehouse URI names a supported scheme, without opening anything (fail before work). */
export function checkWarehouseUri(uri: string): void {
  const u = (uri ?? '').trim();
  if (/^(postgres(ql)?|redshift):\/\//i.test(u)) return checkPostgresUri(u);
  if (u === 'pglite' || u.startsWith('pglite:') || u.startsWith('redshift-data:')) return;
  throw new ConfigError(`unsupported warehouse ${redactUri(u) || '(empty)'}`, {}, `use one of: ${SUPPORTED_WAREHOUSES}`);
}

/** Opens the warehouse `uri` names (see the module comment); other schemes are a ConfigError. */
export async function openWarehouse(uri: string, opts: OpenWarehouseOptions = {}): Promise<Warehouse> {
  const u = (uri ?? '').trim();
  checkWarehouseUri(u);
  if (u === 'pglite' || u.startsWith('pglite:')) {
    const dir = u.slice('pglite:'.length) || DEFAULT_PGLITE_DIR;
    if (dir.startsWith('//')) throw new ConfigError(`bad warehouse URI ${u}`, {}, 'write pglite:<dir>, e.g. pglite:.local/warehouse or pglite:/abs/path');
    return PgliteWarehouse.open(dir, {
      limits: opts.limits,
      owner: opts.owner,
      // A run waits for another process's lock on the folder as long as for any lock (--lock-timeout).
      ...(opts.limits ? { lockWaitMs: opts.limits.lockTimeoutMs, onLockWait: (m: string) => opts.log?.warn(m) } : {}),
      ...opts.pglite,
    });
  }
  // Redshift's own endpoint (jobs/warehouse/redshift-pg.ts, on top of PostgresWarehouse with dialect
  // 'redshift'): checked before plain postgres:// so `?dialect=redshift` is never translated for PostgreSQL.
  if (/^redshift:\/\//i.test(u) || (/^postgres(ql)?:\/\//i.test(u) && /[?&]dialect=redshift(&|$)/i.test(u))) {
    const { RedshiftPgWarehouse } = await import('./redshift-pg.ts');
    return RedshiftPgWarehouse.open(u, { limits: opts.limits });
  }
  if (/^postgres(ql)?:\/\//i.test(u)) return PostgresWarehouse.open(u, { limits: opts.limits, log: opts.log, ...opts.postgres });
  if (u.startsWith('redshift-data:')) {
    // Loaded on demand: the AWS SDK stays out of local runs.
    const { RedshiftDataWarehouse } = await import('./redshift-data.ts');
    return new RedshiftDataWarehouse(u, { limits: opts.limits, log: opts.log });
  }
  checkWarehouseUri(u);
  throw new ConfigError(`unsupported warehouse ${redactUri(u) || '(empty)'}`, {}, `use one of: ${SUPPORTED_WAREHOUSES}`);
}
