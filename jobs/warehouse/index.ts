/**
 * Opening the warehouse a URI names. The run never knows which adapter it got.
 *
 *   pglite:<dir>                     embedded PGlite on a data directory (default .local/warehouse)
 *   pglite:memory                    embedded PGlite in memory (tests)
 *   postgres://… | postgresql://…    a PostgreSQL server (also ?host=/socket/dir)
 *   redshift-data:cluster/<id>/<db> | redshift-data:workgroup/<name>/<db>   Redshift via the Data API
 */
import { ConfigError } from '../errors.ts';
import { DEFAULT_PGLITE_DIR, PgliteWarehouse, type PgliteWarehouseOptions } from './pglite.ts';
import { PostgresWarehouse, redactUri, type PostgresWarehouseOptions } from './postgres.ts';
import type { Warehouse } from './warehouse.ts';

export type { Row, Warehouse } from './warehouse.ts';
export { PgliteWarehouse, DEFAULT_PGLITE_DIR, DEFAULT_CHUNK_BYTES } from './pglite.ts';
export type { LocalProgress, PgliteWarehouseOptions } from './pglite.ts';
export { PostgresWarehouse, redactUri, describeTarget } from './postgres.ts';
export type { PostgresWarehouseOptions } from './postgres.ts';
export { StatementFailure } from './statement-failure.ts';

export const SUPPORTED_WAREHOUSES =
  'pglite:<dir>, pglite:memory, postgres://user@host:port/db (or postgresql://…), ' +
  'redshift-data:cluster/<id>/<db>, redshift-data:workgroup/<name>/<db>';

export interface OpenWarehouseOptions {
  pglite?: PgliteWarehouseOptions;
  postgres?: PostgresWarehouseOptions;
}

/** Opens the warehouse `uri` names (see the module comment); other schemes are a ConfigError. */
export async function openWarehouse(uri: string, opts: OpenWarehouseOptions = {}): Promise<Warehouse> {
  const u = (uri ?? '').trim();
  if (u === 'pglite' || u.startsWith('pglite:')) {
    const dir = u.slice('pglite:'.length) || DEFAULT_PGLITE_DIR;
    return PgliteWarehouse.open(dir, opts.pglite);
  }
  if (/^postgres(ql)?:\/\//i.test(u)) return PostgresWarehouse.open(u, opts.postgres);
  if (u.startsWith('redshift-data:')) {
    // Loaded on demand: the AWS SDK stays out of local runs.
    const { RedshiftDataWarehouse } = await import('./redshift-data.ts');
    return new RedshiftDataWarehouse(u);
  }
  throw new ConfigError(`unsupported warehouse ${redactUri(u) || '(empty)'}`, {}, `use one of: ${SUPPORTED_WAREHOUSES}`);
}
