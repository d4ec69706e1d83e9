/** The embedded PGlite warehouse (pglite.ts) as the registry sees it: `pglite:<dir>`, `pglite:memory`. */
import { ConfigError } from '../../core/errors.ts';
import type { WarehouseAdapter } from './adapter.ts';
import { DEFAULT_PGLITE_DIR, PgliteWarehouse } from './pglite.ts';

function dirOf(uri: string): string {
  return uri.slice('pglite:'.length) || DEFAULT_PGLITE_DIR;
}

export const pgliteAdapter: WarehouseAdapter = {
  name: 'pglite',
  accepts: (uri) => uri === 'pglite' || uri.startsWith('pglite:'),
  examples: ['pglite:<dir>', 'pglite:memory'],
  capabilities: { copyFrom: 'stdin', transactions: 'session', slices: false, dialect: 'postgres' },
  check(uri) {
    if (dirOf(uri).startsWith('//')) throw new ConfigError(`bad warehouse URI ${uri}`, {}, 'write pglite:<dir>, e.g. pglite:.local/warehouse or pglite:/abs/path');
  },
  open(uri, opts) {
    return PgliteWarehouse.open(dirOf(uri), {
      limits: opts.limits,
      owner: opts.owner,
      // A run waits for another process's lock on the folder as long as for any lock (--lock-timeout).
      ...(opts.limits ? { lockWaitMs: opts.limits.lockTimeoutMs, onLockWait: (m: string) => opts.log?.warn(m) } : {}),
      ...opts.pglite,
    });
  },
};
