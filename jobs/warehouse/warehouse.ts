import type { Readable } from 'node:stream';
import type { Manifest, ManifestEntry } from '../manifest.ts';
import type { ObjectStore } from '../store/object-store.ts';

export type Row = Record<string, unknown>;

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
  copyManifest(args: {
    table: string;
    columns: string[];
    manifestUri: string;
    manifest: Manifest;
    store: ObjectStore;
    /** Local engines only: reads a Parquet entry as CSV text (packages built by --strategy parquet). */
    csvText?: (entry: ManifestEntry) => Promise<Readable>;
  }): Promise<number>;
  /** The number of slices the warehouse runs on, when it can tell (Redshift: STV_SLICES). */
  slices(): Promise<number | undefined>;
  close(): Promise<void>;
}
