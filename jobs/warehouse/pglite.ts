/**
 * The warehouse port on PGlite (PostgreSQL in WASM, in-process): `pglite:<dir>` (default
 * `.local/warehouse`), or `pglite:memory` for a throw-away database.
 *
 * - Every statement is Redshift SQL translated by sql/local.ts; transactions are checked against
 *   Redshift's own rules first (sql/transaction.ts), so what passes here does not break there.
 * - copyManifest streams each part (gunzip) into `COPY … FROM '/dev/blob'` in chunks cut at row
 *   boundaries (PGlite copies a few MB at a time far faster than one huge blob), every chunk of every
 *   part in ONE transaction: a failure leaves nothing half-staged.
 * - One process per data directory (jobs/warehouse/dir-lock.ts); a SIGKILLed holder leaves a stale
 *   lock that the next open takes over, and PostgreSQL's WAL recovery drops the half transaction.
 * - Values: NUMERIC, BIGINT, DATE and TIMESTAMP come back as text, never as floats or JS Dates.
 * - Limits: lock_timeout and statement_timeout are set for the session like on PostgreSQL, but PGlite
 *   is one in-process connection: no other session can hold a lock it waits for, so there is no lock
 *   watch; and PGlite 0.5 does not fire statement_timeout (no timer interrupts its single-threaded
 *   WASM backend: `SET statement_timeout = 200; SELECT pg_sleep(2)` runs 2 s) — README says so. Another PROCESS is kept out by the directory lock, which a run waits for up to
 *   `lockWaitMs` (its --lock-timeout) and which names the run holding it.
 * - acquireLoadLock: the same advisory lock as PostgreSQL (it cannot conflict in-process; the directory
 *   lock is what serialises runs here).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { LoadError, isUserError } from '../../core/errors.ts';
import { localCopyStatement, toLocalDialect } from '../../sql/local.ts';
import { checkRedshiftTransaction } from '../../sql/transaction.ts';
import { csvChunks, type CsvChunk } from './csv-chunks.ts';
import { lockDir, lockDirWaiting, type DirLock } from './dir-lock.ts';
import { DEFAULT_LIMITS, type WarehouseLimits } from './limits.ts';
import { LOCK_CLASS, loadLockKey, type LoadLock, type LoadLockClaim } from './load-lock.ts';
import { limitError } from './pg-lock-watch.ts';
import {
  checkPartRows,
  copyFailure,
  copyPlan,
  entryText,
  partLabel,
  rowInChunk,
  type CopyManifestArgs,
} from './local-parts.ts';
import { statementFailure } from './statement-failure.ts';
import { pausePoint } from '../pause-point.ts';
import type { Row, Warehouse } from './warehouse.ts';

export const DEFAULT_PGLITE_DIR = '.local/warehouse';

/**
 * CSV bytes per COPY, measured (test/sql/support/bench-pglite-chunks.ts, 1M supplier-shaped rows in
 * 4 gzip parts, one transaction, PGlite 0.5.16 on Node 20): 256 KiB 324k rows/s; 1 MiB 355–459k;
 * 2 MiB 443–493k; 4 MiB 364–491k; 8 MiB 331–342k; 16 MiB 246k; 64 MiB 115k; a whole 25 MB part per
 * COPY 144–187k. 2 MiB sits in the flat best range, clear of the drop that starts at 8 MiB, and
 * bounds the memory a chunk takes.
 */
export const DEFAULT_CHUNK_BYTES = 2 << 20;

/** Type OIDs returned as text: int8, numeric, date, time, timestamp, timestamptz, timetz. */
const TEXT_TYPES = [20, 1700, 1082, 1083, 1114, 1184, 1266];

export type LocalProgress =
  | { kind: 'copy-chunk'; part: string; partIndex: number; chunkRows: number; partRows: number; bytes: number }
  | { kind: 'statement'; index: number; total: number };

export interface PgliteWarehouseOptions {
  /** CSV bytes per COPY (default DEFAULT_CHUNK_BYTES). */
  chunkBytes?: number;
  /** Called (and awaited) after each COPY chunk and before each transaction statement. */
  onProgress?: (e: LocalProgress) => void | Promise<void>;
  /** Session lock_timeout and statement_timeout (default DEFAULT_LIMITS). */
  limits?: WarehouseLimits;
  /** How long to wait for another process's directory lock (default: not at all). */
  lockWaitMs?: number;
  /** Who we are, written into the directory lock for a process that finds it taken (a run tag). */
  owner?: string;
  /** Told once when the directory is in use and we wait for it. */
  onLockWait?: (message: string) => void;
}

export class PgliteWarehouse implements Warehouse {
  readonly dialect = 'postgres' as const;
  private closed = false;
  /** Set by cancel(): the running call stops before its next statement or COPY chunk (in-process: a running one finishes). */
  private cancelRequested = false;
  private readonly exitHook: () => void;

  private constructor(
    readonly name: string,
    private readonly db: PGlite,
    private readonly lock: DirLock | undefined,
    private readonly opts: PgliteWarehouseOptions,
  ) {
    this.exitHook = () => this.lock?.release();
    if (lock) process.once('exit', this.exitHook);
  }

  /** Opens (creating if missing) the data directory `dir`, or an in-memory database for 'memory'. */
  static async open(dir: string = DEFAULT_PGLITE_DIR, opts: PgliteWarehouseOptions = {}): Promise<PgliteWarehouse> {
    const memory = dir === 'memory' || dir === 'memory://';
    const path = memory ? undefined : resolve(dir);
    const name = memory ? 'pglite:memory' : `pglite:${dir}`;
    let lock: DirLock | undefined;
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      lock = opts.lockWaitMs
        ? await lockDirWaiting(path, `warehouse ${dir}`, {
            waitMs: opts.lockWaitMs,
            label: opts.owner,
            onWait: (held) => opts.onLockWait?.(`${held.message}${held.label ? ` (${held.label})` : ''}: waiting up to ${Math.round(opts.lockWaitMs! / 1000)} s for it`),
          })
        : lockDir(path, `warehouse ${dir}`, opts.owner);
      // PostgreSQL's own lock file, left behind by a killed holder. PGlite 0.5 ignores it (it always
      // writes pid -42), but we hold the directory's lock now, so no live process can own it: drop it
      // rather than depend on a future version ignoring it too.
      rmSync(join(path, 'postmaster.pid'), { force: true });
    }
    let db: PGlite;
    try {
      const parsers = Object.fromEntries(TEXT_TYPES.map((oid) => [oid, (v: string) => v]));
      db = await PGlite.create(path ? path : 'memory://', { parsers });
      await db.exec(`SET TIME ZONE 'UTC'`);
      const limits = opts.limits ?? DEFAULT_LIMITS;
      await db.exec(`SET lock_timeout = ${Math.round(limits.lockTimeoutMs)}; SET statement_timeout = ${Math.round(limits.statementTimeoutMs)}`);
    } catch (e) {
      lock?.release();
      throw new LoadError(`cannot open PGlite warehouse ${dir}: ${(e as Error).message}`, path ? { file: path } : {}, 'is the directory a PGlite data directory of a compatible version?');
    }
    return new PgliteWarehouse(name, db, lock, opts);
  }

  async query(sql: string): Promise<Row[]> {
    this.assertOpen();
    const local = toLocalDialect(sql);
    try {
      const r = await this.db.query<Row>(local);
      return r.rows;
    } catch (e) {
      throw limitError(e, sql, this.opts.limits ?? DEFAULT_LIMITS, undefined) ?? statementFailure(e, 0, [sql]);
    }
  }

  async transaction(statements: string[]): Promise<void> {
    this.assertOpen();
    checkRedshiftTransaction(statements);
    const local = statements.map(toLocalDialect);
    let at = 0;
    try {
      await this.db.transaction(async (tx) => {
        for (at = 0; at < local.length; at++) {
          await this.opts.onProgress?.({ kind: 'statement', index: at, total: local.length });
          this.stopIfCancelled();
          await tx.query(local[at]);
        }
        await pausePoint('commit');
        this.stopIfCancelled();
      });
      await pausePoint('committed');
    } catch (e) {
      if (isUserError(e)) throw e;
      const i = Math.min(at, statements.length - 1);
      throw limitError(e, statements[i], this.opts.limits ?? DEFAULT_LIMITS, undefined) ?? statementFailure(e, i, statements);
    }
  }

  async copyManifest(args: CopyManifestArgs): Promise<number> {
    this.assertOpen();
    const { table, columns, csv } = copyPlan(args);
    const sql = localCopyStatement(table, columns, csv, '/dev/blob');
    const entries = args.manifest.entries;
    const chunkBytes = this.opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    let total = 0;
    try {
      await this.db.transaction(async (tx) => {
        total = 0;
        for (const [k, entry] of entries.entries()) {
          const label = partLabel(entry, k, entries.length);
          const text = await entryText(args, entry, label);
          let partRows = 0;
          // The engine's error, kept: leaving the loop early aborts the pipeline, whose own error
          // ("The operation was aborted") would otherwise hide it.
          let failed: { error: unknown; chunk: CsvChunk } | undefined;
          try {
            const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
              for await (const chunk of csvChunks(source, { quote: csv.quote, targetBytes: chunkBytes })) {
                let rows: number;
                try {
                  rows = await this.copyChunk(tx, sql, chunk.data);
                } catch (error) {
                  failed = { error, chunk };
                  throw error;
                }
                partRows += rows;
                await this.opts.onProgress?.({ kind: 'copy-chunk', part: entry.url, partIndex: k, chunkRows: rows, partRows, bytes: chunk.data.length });
                await pausePoint('copy');
                this.stopIfCancelled();
              }
            };
            await (pipeline as (streams: unknown[]) => Promise<void>)([...text.streams, consume]);
          } catch (e) {
            if (failed) throw copyFailure(failed.error, entry, label, rowInChunk(failed.error, failed.chunk, csv.quote));
            throw copyFailure(e, entry, label, undefined);
          }
          text.verify();
          checkPartRows(entry, label, partRows);
          total += partRows;
        }
      });
    } catch (e) {
      if (isUserError(e)) throw e;
      throw new LoadError(`COPY into ${table} failed: ${(e as Error)?.message ?? String(e)}`, { file: args.manifestUri }, 'rerun the batch');
    }
    return total;
  }

  private async copyChunk(tx: Transaction, sql: string, data: Buffer): Promise<number> {
    const r = await tx.query(sql, [], { blob: new Blob([data as Uint8Array<ArrayBuffer>]) });
    return r.affectedRows ?? 0;
  }

  /** The advisory lock PostgreSQL takes; in one process it is always free (see the file comment). */
  async acquireLoadLock(claim: LoadLockClaim): Promise<LoadLock> {
    this.assertOpen();
    const key = loadLockKey(claim.dataset);
    await this.db.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, key]);
    return {
      release: async () => {
        if (!this.closed) await this.db.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, key]).catch(() => undefined);
      },
    };
  }

  slices(): Promise<number | undefined> {
    return Promise.resolve(undefined);
  }

  cancel(): Promise<void> {
    this.cancelRequested = true;
    return Promise.resolve();
  }

  private stopIfCancelled(): void {
    if (this.cancelRequested) throw new LoadError(`cancelled: the open transaction on ${this.name} rolls back`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      process.removeListener('exit', this.exitHook);
      this.lock?.release();
    }
  }

  /** Every call starts here: open, and not cancelled (a cancel stops only the call it met). */
  private assertOpen(): void {
    if (this.closed) throw new LoadError(`${this.name} is closed`);
    this.cancelRequested = false;
  }
}
