/**
 * Lock waits on PostgreSQL, seen from a second connection (the first is busy waiting):
 *
 * - while a statement runs, a timer looks (first after min(1 s, lock timeout / 2), then every 2 s) at
 *   pg_locks for a lock our backend has asked for and not been granted, and asks pg_blocking_pids() +
 *   pg_stat_activity who holds it. The second connection opens only when a statement has run that long.
 * - once a statement has waited LOCK_WAIT_LOG_MS, one line is logged: statement, table, how long, who.
 * - when the engine ends the statement (lock_timeout: 55P03; statement_timeout: 57014 "…due to statement
 *   timeout"), limitError() turns it into the one-line LoadError naming the table and the blocker seen.
 *
 * PGlite has one in-process connection: nobody else can hold a lock, so it has no watch (only the
 * error mapping, for its own session timeouts).
 */
import pg from 'pg';
import { LoadError } from '../../core/errors.ts';
import type { Logger } from '../log.ts';
import { duration, LOCK_WAIT_LOG_MS, type WarehouseLimits } from './limits.ts';
import { describeHolders, type LockHolder } from './lock-holder.ts';
import { parseRunTag, LOCK_CLASS } from './load-lock.ts';
import { statementHead } from './statement-failure.ts';

/** What a look at a waiting statement found. */
export interface LockWait {
  /** The table waited for (schema-qualified), or 'the load lock of <dataset>' for our advisory lock. */
  object: string;
  mode?: string;
  holders: LockHolder[];
  /** ms the statement had run when seen. */
  after: number;
}

/** A row of WAITING_SQL: pg hands text columns over as strings (NULL as null). */
interface WaitingRow {
  locktype: string;
  relation: string | null;
  mode: string;
  classid: string | null;
}

/** A pg_stat_activity row as BLOCKERS_SQL (and the load lock's holder query) selects it. */
export interface ActivityRow {
  pid: number;
  usename: string | null;
  application_name: string | null;
  state: string | null;
  since: string | null;
}

/** The lock our backend waits for, if any. */
const WAITING_SQL =
  'SELECT locktype, CAST(CAST(relation AS regclass) AS text) AS relation, mode, CAST(classid AS text) AS classid ' +
  'FROM pg_locks WHERE pid = $1 AND NOT granted LIMIT 1';

/** The sessions blocking our backend. */
const BLOCKERS_SQL =
  "SELECT pid, usename, application_name, state, to_char(COALESCE(xact_start, backend_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' AS since " +
  'FROM pg_stat_activity WHERE pid = ANY(pg_blocking_pids($1)) ORDER BY pid';

export function holderFromActivity(r: ActivityRow): LockHolder {
  const tag = parseRunTag(r.application_name ?? '');
  return {
    pid: Number(r.pid),
    user: r.usename || undefined,
    application: r.application_name || undefined,
    state: r.state || undefined,
    since: r.since || undefined,
    ...(tag ?? {}),
  };
}

export class PgLockWatch {
  private monitor: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  /** What the last watched statement was seen waiting for (kept after it ends, for limitError). */
  last: LockWait | undefined;

  constructor(
    private readonly uri: string,
    private readonly backendPid: () => number | null | undefined,
    private readonly limits: WarehouseLimits,
    private readonly log: Logger | undefined,
  ) {}

  /** Runs `run` (one statement) with the watch on. */
  async around<T>(sql: string, run: () => Promise<T>): Promise<T> {
    this.last = undefined;
    const started = Date.now();
    let logged = false;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const look = async (): Promise<void> => {
      const seen = await this.look(Date.now() - started).catch(() => undefined);
      if (done) return;
      if (seen) this.last = seen;
      if (seen && !logged && seen.after >= LOCK_WAIT_LOG_MS) {
        logged = true;
        this.log?.warn(
          `waiting ${duration(seen.after)} for a lock on ${seen.object}: ${statementHead(sql, 80)} — blocked by ${seen.holders.length ? describeHolders(seen.holders) : 'a session we cannot see'} (gives up after ${duration(this.limits.lockTimeoutMs)})`,
        );
      }
      timer = setTimeout(() => void look(), 2000);
      timer.unref();
    };
    timer = setTimeout(() => void look(), Math.min(1000, Math.max(100, this.limits.lockTimeoutMs / 2)));
    timer.unref();
    try {
      return await run();
    } finally {
      done = true;
      clearTimeout(timer);
    }
  }

  private async look(after: number): Promise<LockWait | undefined> {
    const pid = this.backendPid();
    if (!pid) return undefined;
    const c = await this.connect();
    const [w] = (await c.query<WaitingRow>(WAITING_SQL, [pid])).rows;
    if (!w) return undefined;
    const holders = (await c.query<ActivityRow>(BLOCKERS_SQL, [pid])).rows.map(holderFromActivity);
    const object =
      w.locktype === 'relation' && w.relation
        ? w.relation
        : w.locktype === 'advisory' && Number(w.classid) === LOCK_CLASS
          ? 'the load lock'
          : `a ${w.locktype} lock`;
    return { object, mode: w.mode || undefined, holders, after };
  }

  private connect(): Promise<pg.Client> {
    if (this.monitor) return Promise.resolve(this.monitor);
    this.connecting ??= (async () => {
      const c = new pg.Client({ connectionString: this.uri, application_name: 'redshift-loader lock watch', connectionTimeoutMillis: 5000 });
      c.on('error', () => undefined);
      await c.connect();
      await c.query('SET statement_timeout = 5000');
      this.monitor = c;
      return c;
    })();
    return this.connecting.catch((e) => {
      this.connecting = undefined;
      throw e;
    });
  }

  async close(): Promise<void> {
    const c = this.monitor ?? (await this.connecting?.catch(() => undefined));
    this.monitor = undefined;
    this.connecting = undefined;
    await c?.end().catch(() => undefined);
  }
}

/**
 * The one-line LoadError for a statement the engine ended at a limit, or undefined for any other error.
 * `seen` is what the watch saw it waiting for (table and blockers), when it looked in time.
 */
export function limitError(e: unknown, sql: string, limits: WarehouseLimits, seen: LockWait | undefined): LoadError | undefined {
  const code = (e as { code?: unknown })?.code;
  const message = String((e as Error)?.message ?? '');
  const lockTimeout = code === '55P03' && /lock timeout/i.test(message);
  const statementTimeout = code === '57014' && /statement timeout/i.test(message);
  if (!lockTimeout && !statementTimeout) return undefined;
  const what = statementHead(sql, 80);
  const on = seen ? ` for a lock on ${seen.object}` : '';
  const by = seen ? (seen.holders.length ? ` held by ${describeHolders(seen.holders)}` : ' held by a session we cannot see') : '';
  if (lockTimeout) {
    const pid = seen?.holders[0]?.pid;
    return new LoadError(
      `gave up waiting ${duration(limits.lockTimeoutMs)}${on || ' for a lock'}${by}: ${what}`,
      {},
      `end that session's transaction${pid !== undefined ? ` (or SELECT pg_terminate_backend(${pid}))` : ''} or raise --lock-timeout, then rerun the batch; nothing was published`,
    );
  }
  return new LoadError(
    `statement timed out after ${duration(limits.statementTimeoutMs)}${seen ? `, waiting${on}${by}` : ''}: ${what}`,
    {},
    'raise --statement-timeout if the load is that big, or end the blocking session; then rerun the batch; nothing was published',
  );
}
