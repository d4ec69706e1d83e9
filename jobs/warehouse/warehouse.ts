import type { Readable } from 'node:stream';
import type { Manifest, ManifestEntry } from '../../core/manifest.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { LoadLock, LoadLockClaim } from './load-lock.ts';

export type { LoadLock, LoadLockClaim } from './load-lock.ts';

export type Row = Record<string, unknown>;

/** What a warehouse needs to load one load package into a table. */
export interface CopyManifestArgs {
  table: string;
  columns: string[];
  manifestUri: string;
  manifest: Manifest;
  store: ObjectStore;
  /**
   * Local engines only: how to read an entry they cannot COPY themselves (a Parquet file of a package
   * built by --strategy parquet) as plain CSV text in the manifest's dialect, after checking the file
   * against its manifest entry.
   */
  csvText?: (entry: ManifestEntry) => Promise<Readable>;
}

/**
 * The warehouse port. SQL handed to it is Redshift's dialect; adapters for local engines translate it
 * (sql/local.ts). Adapters: PGlite (embedded), PostgreSQL wire (`pg`), Redshift Data API.
 */
export interface Warehouse {
  /** Human name for logs, without secrets (e.g. "pglite:.local/warehouse"). */
  readonly name: string;
  /** 'redshift' when the SQL runs on Redshift itself; 'postgres' when it is translated for a local engine. */
  readonly dialect: 'redshift' | 'postgres';
  /** Runs one statement outside any explicit transaction and returns its rows (if any). */
  query(sql: string): Promise<Row[]>;
  /** Runs statements as ONE transaction: all commit or none do. */
  transaction(statements: string[]): Promise<void>;
  /**
   * Loads every part of a manifest into `table` (explicit column list), in one transaction with nothing
   * else. Local engines stream the parts through COPY … FROM STDIN; Redshift runs COPY … MANIFEST.
   * Returns the number of rows the engine reports it loaded.
   */
  copyManifest(args: CopyManifestArgs): Promise<number>;
  /**
   * Takes the dataset's load lock (load-lock.ts): one run per dataset between emptying the stage and
   * publishing. Waits up to `claim.timeoutMs` for another run's lock, then throws LoadError naming it.
   */
  acquireLoadLock(claim: LoadLockClaim): Promise<LoadLock>;
  /** The number of slices the warehouse runs on, when it can tell (Redshift: STV_SLICES). */
  slices(): Promise<number | undefined>;
  /**
   * Stops the call running now (SIGTERM/SIGINT; jobs/warehouse/stops-on.ts calls it): its statement is
   * cancelled, an open transaction rolls back, and the call fails. Resolves once the cancel has reached
   * the engine; the warehouse stays open for the next call (the failed audit row). No call running: no-op.
   */
  cancel(): Promise<void>;
  close(): Promise<void>;
}
