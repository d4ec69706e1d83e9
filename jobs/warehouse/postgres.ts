/**
 * The warehouse port over the PostgreSQL wire protocol (`pg`): `postgres://user@host:port/db`,
 * `postgresql://…`, or a socket `postgres://user@localhost/db?host=/var/run/postgresql`.
 *
 * - dialect 'postgres' (default): a real PostgreSQL; every statement is Redshift SQL translated by
 *   sql/local.ts, transactions are checked against Redshift's rules first (sql/transaction.ts).
 *   copyManifest streams each part (gunzipped, with back-pressure) through COPY … FROM STDIN
 *   (pg-copy-streams), all parts in ONE transaction.
 * - dialect 'redshift': the session under RedshiftPgWarehouse (redshift-pg.ts), which wraps this
 *   adapter for Redshift's own endpoint: statements go through untranslated and slices() reads
 *   STV_SLICES. Loading is the wrapper's: it runs COPY … MANIFEST from S3 (sql/copy.ts) through query();
 *   this copyManifest streams parts FROM STDIN, which only a local PostgreSQL takes.
 * - One connection (one session): pg_last_copy_count() and SET ROLE keep working between calls.
 * - Values: NUMERIC, BIGINT, DATE and TIMESTAMP come back as text, never as floats or JS Dates.
 * - The password never appears in `name` or in any error message.
 * - Limits (limits.ts): lock_timeout and statement_timeout are session settings set at connect (only
 *   statement_timeout for dialect 'redshift', which has no lock_timeout), so they bound every statement:
 *   COPY, TRUNCATE, the publish transaction, the failed-audit insert. A lock wait is watched from a
 *   second connection (pg-lock-watch.ts) and a statement ended at a limit is a LoadError naming the
 *   table and the blocking session.
 * - acquireLoadLock: a session advisory lock per dataset (load-lock.ts).
 */
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ConfigError, LoadError, isUserError } from '../../core/errors.ts';
import { localCopyStatement, toLocalDialect } from '../../sql/local.ts';
import { checkRedshiftTransaction } from '../../sql/transaction.ts';
import {
  checkPartRows,
  copyFailure,
  copyPlan,
  entryText,
  partLabel,
  rowOfLineInPart,
  type CopyManifestArgs,
} from './local-parts.ts';
import { parseCopyContext } from './csv-chunks.ts';
import { redactSecrets, redactUri } from './redact.ts';
import { statementFailure } from './statement-failure.ts';
import type { Row, Warehouse } from './warehouse.ts';
import type { Logger } from '../log.ts';
import { DEFAULT_LIMITS, type WarehouseLimits } from './limits.ts';
import { LOCK_CLASS, loadLockKey, pollLoadLock, runTag, type LoadLock, type LoadLockClaim } from './load-lock.ts';
import { holderFromActivity, limitError, PgLockWatch, type ActivityRow } from './pg-lock-watch.ts';
import { pausePoint } from '../pause-point.ts';

/** Type OIDs returned as text: int8, numeric, date, time, timestamp, timestamptz, timetz. */
const TEXT_TYPES = new Set([20, 1700, 1082, 1083, 1114, 1184, 1266]);

const textTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (TEXT_TYPES.has(oid) && format !== 'binary') return (v: string) => v;
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format);
  },
};

export interface PostgresWarehouseOptions {
  /** 'postgres' (default): translate for PostgreSQL. 'redshift': the URI is a Redshift endpoint. */
  dialect?: 'postgres' | 'redshift';
  /** Connect timeout, ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Lock wait and run time of every statement (default DEFAULT_LIMITS). */
  limits?: WarehouseLimits;
  /** Where lock waits are logged. */
  log?: Logger;
}

/** Where the URI points, for messages: `host:port/db` or `socket-dir/db`. */
export function describeTarget(uri: string): string {
  try {
    const u = new URL(uri);
    const host = u.searchParams.get('host') ?? (u.hostname || 'localhost');
    const port = u.port || '5432';
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
    return host.startsWith('/') ? `${host} (socket, port ${port})/${db}` : `${host}:${port}/${db}`;
  } catch {
    return redactUri(uri);
  }
}

/** The secrets a connection URI carries (its password, raw and decoded; a ?password= parameter). */
function secretsOf(uri: string): string[] {
  try {
    const u = new URL(uri);
    return [u.password, decodeURIComponent(u.password), u.searchParams.get('password') ?? ''];
  } catch {
    return [];
  }
}

export class PostgresWarehouse implements Warehouse {
  readonly name: string;
  readonly dialect: 'postgres' | 'redshift';
  private closed = false;
  private broken: Error | undefined;
  private readonly limits: WarehouseLimits;
  private readonly watch: PgLockWatch | undefined;
  /** Set by cancel(): the running call stops before its next statement (a running one is cancelled by the server). */
  private cancelRequested = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly uri: string,
    dialect: 'postgres' | 'redshift',
    opts: PostgresWarehouseOptions = {},
  ) {
    this.name = redactUri(uri);
    this.dialect = dialect;
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    // pg_blocking_pids() and pg_stat_activity are PostgreSQL's; Redshift's wire endpoint has neither.
    this.watch = dialect === 'postgres' ? new PgLockWatch(uri, () => (client as unknown as { processID?: number }).processID, this.limits, opts.log) : undefined;
    client.on('error', (e) => {
      this.broken = e;
    });
  }

  static async open(uri: string, opts: PostgresWarehouseOptions = {}): Promise<PostgresWarehouse> {
    if (!/^postgres(ql)?:\/\//.test(uri)) throw new ConfigError(`not a PostgreSQL URI: ${redactUri(uri)}`);
    const dialect = opts.dialect ?? 'postgres';
    const client = new pg.Client({
      connectionString: uri,
      types: textTypes,
      application_name: 'redshift-loader',
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    });
    const wh = new PostgresWarehouse(client, uri, dialect, opts);
    try {
      await client.connect();
      if (dialect === 'postgres') await client.query(`SET TIME ZONE 'UTC'`);
      if (dialect === 'postgres') await client.query(`SET lock_timeout = ${Math.round(wh.limits.lockTimeoutMs)}`);
      await client.query(`SET statement_timeout = ${Math.round(wh.limits.statementTimeoutMs)}`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw new LoadError(
        `cannot connect to PostgreSQL at ${describeTarget(uri)}: ${wh.redact((e as Error).message)}`,
        {},
        'check the warehouse URI and that the server is running',
      );
    }
    return wh;
  }

  private redact(text: string): string {
    return redactSecrets(text, secretsOf(this.uri));
  }

  private sql(statement: string): string {
    return this.dialect === 'postgres' ? toLocalDialect(statement) : statement;
  }

  private fail(e: unknown, index: number, statements: readonly string[]): LoadError {
    if (isUserError(e)) return e as LoadError;
    const limit = limitError(e, statements[index] ?? '', this.limits, this.watch?.last);
    if (limit) return limit;
    const code = (e as { code?: unknown })?.code;
    const fromServer = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
    if (this.broken || !fromServer) {
      const why = this.redact(String((this.broken ?? (e as Error))?.message ?? e));
      return new LoadError(`lost the connection to PostgreSQL at ${describeTarget(this.uri)}: ${why}`, {}, 'rerun: the open transaction rolled back');
    }
    const f = statementFailure(e, index, statements);
    f.message = this.redact(f.message);
    return f;
  }

  async query(sql: string): Promise<Row[]> {
    this.assertOpen();
    const stmt = this.sql(sql);
    try {
      const r = await this.watched(stmt, () => this.client.query<Row>(stmt));
      return r.rows ?? [];
    } catch (e) {
      throw this.fail(e, 0, [sql]);
    }
  }

  async transaction(statements: string[]): Promise<void> {
    this.assertOpen();
    checkRedshiftTransaction(statements);
    const local = statements.map((s) => this.sql(s));
    let at = 0;
    try {
      await this.client.query('BEGIN');
      for (at = 0; at < local.length; at++) {
        this.stopIfCancelled();
        await this.watched(local[at], () => this.client.query(local[at]));
      }
      await pausePoint('commit');
      this.stopIfCancelled();
      await this.client.query('COMMIT');
    } catch (e) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw this.fail(e, Math.min(at, statements.length - 1), statements);
    }
    await pausePoint('committed');
  }

  async copyManifest(args: CopyManifestArgs): Promise<number> {
    this.assertOpen();
    const { table, columns, csv } = copyPlan(args);
    const sql = localCopyStatement(table, columns, csv, 'STDIN');
    const entries = args.manifest.entries;
    let total = 0;
    try {
      await this.client.query('BEGIN');
      for (const [k, entry] of entries.entries()) {
        this.stopIfCancelled();
        const label = partLabel(entry, k, entries.length);
        // Open the part BEFORE starting the COPY: a COPY waiting for data would block the ROLLBACK.
        const text = await entryText(args, entry, label);
        const copy = this.client.query(copyFrom(sql));
        try {
          await this.watched(sql, () => (pipeline as (streams: unknown[]) => Promise<void>)([...text.streams, copy]));
        } catch (e) {
          const limit = limitError(e, sql, this.limits, this.watch?.last);
          if (limit) throw limit;
          const { line } = parseCopyContext((e as { where?: string })?.where);
          const parquet = args.manifest.package.format === 'parquet';
          const row = line === undefined || parquet ? undefined : await rowOfLineInPart(args.store, entry, line, csv.quote);
          throw copyFailure(e, entry, label, row);
        }
        text.verify();
        const rows = Number(copy.rowCount);
        checkPartRows(entry, label, rows);
        total += rows;
        await pausePoint('copy');
      }
      this.stopIfCancelled();
      await this.client.query('COMMIT');
    } catch (e) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      if (isUserError(e)) throw e;
      throw this.fail(e, 0, [sql]);
    }
    return total;
  }

  async slices(): Promise<number | undefined> {
    if (this.dialect !== 'redshift') return undefined;
    const [r] = await this.query('SELECT COUNT(*) AS n FROM stv_slices');
    const n = Number(r?.n);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }

  /**
   * The dataset's load lock: a session advisory lock (LOCK_CLASS, loadLockKey(dataset)) on this
   * adapter's one connection, held until release() or the session ends. The session's application_name
   * becomes the run tag, so a waiting run names this one.
   */
  async acquireLoadLock(claim: LoadLockClaim): Promise<LoadLock> {
    this.assertOpen();
    const key = loadLockKey(claim.dataset);
    await this.client.query(`SELECT set_config('application_name', $1, false)`, [runTag(claim)]);
    await pollLoadLock({
      claim,
      where: describeTarget(this.uri),
      tryLock: async () => {
        const r = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_CLASS, key]);
        return r.rows[0]?.ok === true;
      },
      holder: async () => {
        const r = await this.client.query<ActivityRow>(
          "SELECT a.pid, a.usename, a.application_name, a.state, to_char(COALESCE(a.backend_start, a.xact_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' AS since " +
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 2 LIMIT 1",
          [String(LOCK_CLASS), String(key)],
        );
        return r.rows[0] ? holderFromActivity(r.rows[0]) : undefined;
      },
    }).catch((e) => {
      throw isUserError(e) ? e : this.fail(e, 0, ['SELECT pg_try_advisory_lock(…)']);
    });
    return {
      release: async () => {
        if (this.closed || this.broken) return; // the session is gone, and its lock with it
        await this.client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, key]).catch(() => undefined);
      },
    };
  }

  /** One statement with the lock watch on (PostgreSQL only). */
  private watched<T>(sql: string, run: () => Promise<T>): Promise<T> {
    return this.watch ? this.watch.around(sql, run) : run();
  }

  /**
   * Cancels the statement this session runs now, from a second connection (pg_cancel_backend, which
   * PostgreSQL and Redshift both have; it returns once the backend is signalled, so the cancel cannot
   * land on a later statement: an idle backend ignores it). The call then fails and rolls back.
   */
  async cancel(): Promise<void> {
    this.cancelRequested = true;
    const pid = (this.client as unknown as { processID: number | null }).processID;
    if (this.closed || !pid) return;
    const other = new pg.Client({ connectionString: this.uri, application_name: 'redshift-loader cancel', connectionTimeoutMillis: 5_000 });
    other.on('error', () => undefined);
    try {
      await other.connect();
      await other.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await other.end().catch(() => undefined);
    }
  }

  private stopIfCancelled(): void {
    if (this.cancelRequested) throw new LoadError(`cancelled: the open transaction on ${describeTarget(this.uri)} rolls back`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.watch?.close();
    await this.client.end().catch(() => undefined);
  }

  /** Every call starts here: open, connected, and not cancelled (a cancel stops only the call it met). */
  private assertOpen(): void {
    this.cancelRequested = false;
    if (this.closed) throw new LoadError(`${this.name} is closed`);
    if (this.broken) throw new LoadError(`lost the connection to PostgreSQL at ${describeTarget(this.uri)}: ${this.redact(this.broken.message)}`);
  }
}
