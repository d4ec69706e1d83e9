/**
 * Redshift's own PostgreSQL-wire endpoint (redshift-pg.ts) as the registry sees it:
 * `redshift://<host>[:5439]/<db>?secret=<arn>`, or `postgres(ql)://…?dialect=redshift`.
 * The adapter (and the Secrets Manager SDK it uses) is loaded only when one is opened.
 */
import type { WarehouseAdapter } from './adapter.ts';
import { checkPostgresUri } from './postgres-uri.ts';

/** True for the URIs this adapter serves: redshift://…, or postgres(ql)://…?dialect=redshift. */
export function isRedshiftPgUri(uri: string): boolean {
  return /^redshift:\/\//i.test(uri) || (/^postgres(ql)?:\/\//i.test(uri) && /[?&]dialect=redshift(&|$)/i.test(uri));
}

export const redshiftPgAdapter: WarehouseAdapter = {
  name: 'redshift-pg',
  accepts: isRedshiftPgUri,
  examples: ['redshift://<host>:5439/<db>?secret=<arn>'],
  capabilities: { copyFrom: 's3', transactions: 'session', slices: true, dialect: 'redshift' },
  check: checkPostgresUri,
  async open(uri, opts) {
    const { RedshiftPgWarehouse } = await import('./redshift-pg.ts');
    return RedshiftPgWarehouse.open(uri, { limits: opts.limits });
  },
};
