/**
 * Opening the warehouse a URI names. The run never knows which adapter it got. Each adapter declares
 * the URIs it takes and what it can do (adapter.ts, `<adapter>-adapter.ts`); this module lists them.
 *
 *   pglite:<dir>                     embedded PGlite on a data directory (default .local/warehouse)
 *   pglite:memory                    embedded PGlite in memory (tests)
 *   postgres://… | postgresql://…    a PostgreSQL server (also ?host=/socket/dir)
 *   redshift://<host>[:5439]/<db>?secret=<arn> | postgres://…?dialect=redshift   Redshift's own endpoint
 *   redshift-data:cluster/<id>/<db> | redshift-data:workgroup/<name>/<db>   Redshift via the Data API
 */
import { ConfigError } from '../../core/errors.ts';
import type { OpenWarehouseOptions, WarehouseAdapter } from './adapter.ts';
import { pgliteAdapter } from './pglite-adapter.ts';
import { postgresAdapter } from './postgres-adapter.ts';
import { redactUri } from './redact.ts';
import { redshiftDataAdapter } from './redshift-data-adapter.ts';
import { redshiftPgAdapter } from './redshift-pg-adapter.ts';
import type { Warehouse } from './warehouse.ts';

export type { Row, Warehouse } from './warehouse.ts';
export type { OpenWarehouseOptions, WarehouseAdapter, WarehouseCapabilities } from './adapter.ts';
export { PgliteWarehouse, DEFAULT_PGLITE_DIR, DEFAULT_CHUNK_BYTES } from './pglite.ts';
export type { LocalProgress, PgliteWarehouseOptions } from './pglite.ts';
export { PostgresWarehouse, describeTarget } from './postgres.ts';
export { redactUri } from './redact.ts';
export type { PostgresWarehouseOptions } from './postgres.ts';
export { StatementFailure } from './statement-failure.ts';

/** Every warehouse adapter, in the order the help lists them. Their `accepts` sets are disjoint. */
export const WAREHOUSE_ADAPTERS: readonly WarehouseAdapter[] = [pgliteAdapter, postgresAdapter, redshiftPgAdapter, redshiftDataAdapter];

export const SUPPORTED_WAREHOUSES = WAREHOUSE_ADAPTERS.flatMap((a) => a.examples).join(', ');

/** The adapter that takes `uri`; a ConfigError listing every supported form when none does. */
export function warehouseAdapterFor(uri: string): WarehouseAdapter {
  const u = (uri ?? '').trim();
  const adapter = WAREHOUSE_ADAPTERS.find((a) => a.accepts(u));
  if (!adapter) throw new ConfigError(`unsupported warehouse ${redactUri(u) || '(empty)'}`, {}, `use one of: ${SUPPORTED_WAREHOUSES}`);
  return adapter;
}

/** Checks that a warehouse URI names a supported scheme, without opening anything (fail before work). */
export function checkWarehouseUri(uri: string): void {
  const u = (uri ?? '').trim();
  warehouseAdapterFor(u).check?.(u);
}

/** Opens the warehouse `uri` names (see the module comment); other schemes are a ConfigError. */
export async function openWarehouse(uri: string, opts: OpenWarehouseOptions = {}): Promise<Warehouse> {
  const u = (uri ?? '').trim();
  const adapter = warehouseAdapterFor(u);
  adapter.check?.(u);
  return adapter.open(u, opts);
}
