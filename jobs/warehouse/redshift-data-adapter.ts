/**
 * Redshift through the Data API (redshift-data.ts) as the registry sees it:
 * `redshift-data:cluster/<id>/<db>`, `redshift-data:workgroup/<name>/<db>`. The adapter (and the AWS
 * SDK) is loaded only when one is opened; it parses the rest of the URI itself.
 */
import type { WarehouseAdapter } from './adapter.ts';

export const redshiftDataAdapter: WarehouseAdapter = {
  name: 'redshift-data',
  accepts: (uri) => uri.startsWith('redshift-data:'),
  examples: ['redshift-data:cluster/<id>/<db>', 'redshift-data:workgroup/<name>/<db>'],
  capabilities: { copyFrom: 's3', transactions: 'batch', slices: true, dialect: 'redshift' },
  async open(uri, opts) {
    const { RedshiftDataWarehouse } = await import('./redshift-data.ts');
    return new RedshiftDataWarehouse(uri, { limits: opts.limits, log: opts.log });
  },
};
