/** A PostgreSQL server over the wire (postgres.ts) as the registry sees it: `postgres://…`, `postgresql://…`. */
import type { WarehouseAdapter } from './adapter.ts';
import { PostgresWarehouse } from './postgres.ts';
import { checkPostgresUri } from './postgres-uri.ts';
import { isRedshiftPgUri } from './redshift-pg-adapter.ts';

export const postgresAdapter: WarehouseAdapter = {
  name: 'postgres',
  // `?dialect=redshift` is Redshift's endpoint (redshift-pg-adapter.ts), never translated for PostgreSQL.
  accepts: (uri) => /^postgres(ql)?:\/\//i.test(uri) && !isRedshiftPgUri(uri),
  examples: ['postgres://user@host:port/db (or postgresql://…)'],
  capabilities: { copyFrom: 'stdin', transactions: 'session', slices: false, dialect: 'postgres' },
  check: checkPostgresUri,
  open: (uri, opts) => PostgresWarehouse.open(uri, { limits: opts.limits, log: opts.log, ...opts.postgres }),
};
