/**
 * What a warehouse adapter declares about itself, as data (dlt's "a destination is a factory declaring
 * its capabilities"): which URIs it takes, examples of them for messages, what it can do, and how to
 * open it. Each adapter's descriptor sits next to it (`<adapter>-adapter.ts`) and index.ts lists them;
 * openWarehouse and checkWarehouseUri ask the list instead of repeating its patterns.
 *
 * A descriptor module imports no AWS SDK: `open` loads a Redshift adapter on demand, so a local run
 * never loads the SDK.
 */
import type { Logger } from '../log.ts';
import type { WarehouseLimits } from './limits.ts';
import type { PgliteWarehouseOptions } from './pglite.ts';
import type { PostgresWarehouseOptions } from './postgres.ts';
import type { Warehouse } from './warehouse.ts';

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

export interface WarehouseCapabilities {
  /** Where COPY reads the parts: streamed by this process ('stdin'), or by the engine from S3 ('s3'). */
  copyFrom: 'stdin' | 's3';
  /** A transaction is one session's BEGIN…COMMIT ('session') or one submitted batch of statements ('batch'). */
  transactions: 'session' | 'batch';
  /** Whether the engine can tell its slice count (STV_SLICES). */
  slices: boolean;
  /** The SQL it runs: Redshift's as written, or translated for PostgreSQL (sql/local.ts). */
  dialect: Warehouse['dialect'];
}

export interface WarehouseAdapter {
  /** Short name for messages and tests. */
  readonly name: string;
  /** True for the URIs this adapter serves; the adapters' sets are disjoint. */
  accepts(uri: string): boolean;
  /** The URI forms it takes, as the help and the "unsupported warehouse" message show them. */
  readonly examples: readonly string[];
  readonly capabilities: WarehouseCapabilities;
  /** Checks an accepted URI without opening anything (fail before work); ConfigError when it is wrong. */
  check?(uri: string): void;
  open(uri: string, opts: OpenWarehouseOptions): Promise<Warehouse>;
}
