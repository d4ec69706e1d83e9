/**
 * Redshift through the Data API (redshift-data.ts) as the registry sees it:
 * `redshift-data:cluster/<id>/<db>`, `redshift-data:workgroup/<name>/<db>`. The adapter (and the AWS
 * SDK) is loaded only when one is opened; the URI is parsed here, so a bad one fails before any work.
 */
import { jobEnv } from '../../core/env.ts';
import { ConfigError } from '../../core/errors.ts';
import type { WarehouseAdapter } from './adapter.ts';

export type RedshiftDataTarget = (
  | { kind: 'cluster'; clusterIdentifier: string; dbUser?: string }
  | { kind: 'workgroup'; workgroupName: string }
) & { database: string; secretArn?: string };

/** Parses a `redshift-data:` warehouse URI (authentication: see redshift-data.ts). */
export function parseRedshiftDataUri(uri: string, env: NodeJS.ProcessEnv = process.env): RedshiftDataTarget {
  const usage = 'use redshift-data:cluster/<id>/<db> or redshift-data:workgroup/<name>/<db>, optionally ?secret=<arn> or (clusters) ?user=<db-user>';
  const m = /^redshift-data:(cluster|workgroup)\/([^/?]+)\/([^/?]+)(?:\?(.*))?$/.exec(uri.trim());
  if (!m) throw new ConfigError(`bad warehouse URI ${uri}`, {}, usage);
  const [, kind, id, database, query] = m as unknown as [string, 'cluster' | 'workgroup', string, string, string?];
  const params = new Map<string, string>();
  for (const pair of (query ?? '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    // decodeURIComponent, not URLSearchParams: secret names may contain '+', which must stay a '+'.
    const v = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    if (k !== 'secret' && k !== 'user') throw new ConfigError(`unknown parameter "${k}" in warehouse URI ${uri}`, {}, usage);
    if (!v) throw new ConfigError(`empty "${k}" in warehouse URI ${uri}`, {}, usage);
    params.set(k, v);
  }
  const secret = params.get('secret');
  const user = params.get('user');
  if (secret && user) throw new ConfigError(`warehouse URI ${uri} gives both ?secret= and ?user=; choose one`);
  if (user && kind === 'workgroup') {
    throw new ConfigError(`?user= is for provisioned clusters; a workgroup (${id}) authenticates with ?secret= or the job role's IAM identity`);
  }
  const secretArn = secret ?? (user ? undefined : jobEnv('RL_SECRET_ARN', env));
  const auth = { ...(secretArn ? { secretArn } : {}) };
  return kind === 'cluster'
    ? { kind, clusterIdentifier: id, database, ...auth, ...(user ? { dbUser: user } : {}) }
    : { kind, workgroupName: id, database, ...auth };
}


export const redshiftDataAdapter: WarehouseAdapter = {
  name: 'redshift-data',
  accepts: (uri) => uri.startsWith('redshift-data:'),
  examples: ['redshift-data:cluster/<id>/<db>', 'redshift-data:workgroup/<name>/<db>'],
  capabilities: { copyFrom: 's3', transactions: 'batch', slices: true, dialect: 'redshift' },
  check: (uri) => void parseRedshiftDataUri(uri),
  async open(uri, opts) {
    const { RedshiftDataWarehouse } = await import('./redshift-data.ts');
    return new RedshiftDataWarehouse(uri, { limits: opts.limits, log: opts.log });
  },
};
