/**
 * The warehouse port over the Redshift Data API (dialect 'redshift'), for
 *
 *   redshift-data:cluster/<cluster-id>/<database>[?secret=<arn>|?user=<db-user>]
 *   redshift-data:workgroup/<workgroup>/<database>[?secret=<arn>]
 *
 * Authentication, first match wins: `?secret=` (Secrets Manager ARN or name); `?user=` (clusters only:
 * temporary credentials for that DbUser via the job role); RL_SECRET_ARN; else the job role's own IAM
 * identity (GetClusterCredentialsWithIAM / serverless IAM mapping). The Data API reads the secret
 * itself: no password passes through this process.
 *
 * - transaction(statements) is ONE BatchExecuteStatement (Redshift runs a batch as one transaction,
 *   at most 40 statements; more are refused before anything is sent).
 * - query(sql) is ExecuteStatement + GetStatementResult page by page. Values: stringValue as text
 *   (DECIMAL, DATE and TIMESTAMP arrive as text), doubleValue a number, booleanValue a boolean, isNull
 *   null; longValue a number for int2/int4 and TEXT for int8/bigint — as `pg` returns int8 — so a
 *   BIGINT is never silently rounded past 2^53 by our code. (The SDK itself parses longValue as a JSON
 *   number: a BIGINT above 2^53 must be CAST to VARCHAR in the SQL to arrive exactly.)
 * - Every statement is polled with DescribeStatement: exponential backoff with jitter (100 ms doubling
 *   to 5 s), until an overall deadline (queries 15 min, COPY 1 h by default); past it the statement is
 *   cancelled (CancelStatement) and the call fails with LoadError "timed out after …".
 * - cancel() (SIGTERM/SIGINT) wakes the poller, which sends CancelStatement for the running statement
 *   and polls until Redshift reports it ABORTED (an uncommitted batch rolls back) or already FINISHED.
 * - copyManifest runs [COPY … MANIFEST, SELECT pg_last_copy_count()] as one batch (one session, one
 *   transaction) and reads the count from the second sub-statement's result ("<batch-id>:2"). A failed
 *   COPY is explained from STL_LOAD_ERRORS (cluster) or SYS_LOAD_ERROR_DETAIL (workgroup): file, line,
 *   column, reason and (clusters) the raw field value (sql/copy.ts: the COPY text and the explanation,
 *   shared with redshift-pg.ts).
 * - slices(): COUNT(*) FROM STV_SLICES on a provisioned cluster; undefined on serverless (STV_SLICES is
 *   not available there — callers fall back to RL_SLICES).
 * - Limits (limits.ts), when given: every batch starts with `SET statement_timeout TO <ms>` (the server
 *   ends a statement even if this process dies; a 40-statement batch has no room and relies on the
 *   deadline), and the polling deadline of every call is the statement timeout. Redshift has no
 *   lock_timeout: from LOCK_WAIT_LOG_MS (or the lock timeout, if shorter) on, the poller looks in
 *   SVV_TRANSACTIONS (every 5 s while it waits, every 30 s while it just runs) (redshift-lock-report.ts) for a lock the statement's process (RedshiftPid)
 *   waits for and who holds it; it logs one line at 10 s and, past the lock timeout, cancels the
 *   statement: LoadError naming the table and the blocking session.
 * - acquireLoadLock: the ledger (redshift-load-lock.ts, sql/load-lock.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type ColumnMetadata,
  type DescribeStatementResponse,
  type Field,
  type RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { awsErrorInfo, redshiftDataClient, type AwsClientOptions } from '../../core/aws/clients.ts';
import { jobEnv } from '../../core/env.ts';
import { parseRedshiftDataUri, type RedshiftDataTarget } from './redshift-data-adapter.ts';
import { ConfigError, LoadError, UserError } from '../../core/errors.ts';
import type { Manifest } from '../../core/manifest.ts';
import { head } from '../../sql/sql-text.ts';
import { checkRedshiftTransaction, MAX_TRANSACTION_STATEMENTS } from '../../sql/transaction.ts';
import { copyLoadError, copyPackageSql, loadErrorFromRow, loadErrorSql, type LoadErrorDetail } from '../../sql/copy.ts';
import { StatementFailure } from './statement-failure.ts';
import type { Row, Warehouse } from './warehouse.ts';
import type { Logger } from '../log.ts';
import { DEFAULT_LIMITS, duration, LOCK_WAIT_LOG_MS, type WarehouseLimits } from './limits.ts';
import { describeHolders } from './lock-holder.ts';
import type { LoadLock, LoadLockClaim } from './load-lock.ts';
import { acquireLedgerLock } from './redshift-load-lock.ts';
import { lockWaitFromRows, lockWaitSql, type RedshiftLockWait } from './redshift-lock-report.ts';

export { parseRedshiftDataUri, type RedshiftDataTarget } from './redshift-data-adapter.ts';

/** A clock the poller sleeps on; tests pass a fake one. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export interface RedshiftDataOptions {
  client?: RedshiftDataClient;
  clientOptions?: AwsClientOptions;
  /** Environment for RL_SECRET_ARN / RL_COPY_ROLE_ARN (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** IAM role Redshift assumes to read the staging bucket (default RL_COPY_ROLE_ARN). */
  copyRoleArn?: string;
  /** Deadline of one query or transaction, ms (default 15 min). */
  queryTimeoutMs?: number;
  /** Deadline of one COPY, ms (default 1 h). */
  loadTimeoutMs?: number;
  /** Backoff of DescribeStatement polling: first delay and cap, ms (default 100 and 5000). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  clock?: Clock;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** StatementName on every statement, for finding them in the console (default "redshift-loader"). */
  statementName?: string;
  /**
   * Statement and lock limits (limits.ts). Given, they set statement_timeout in every batch, the polling
   * deadline of every call (unless queryTimeoutMs / loadTimeoutMs say otherwise) and the lock watch.
   */
  limits?: WarehouseLimits;
  /** Where lock waits are logged. */
  log?: Logger;
}

function seconds(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 100) / 10} s`;
}

/** One field of a GetStatementResult record as a JS value (see the module comment). */
export function fieldValue(f: Field, column?: ColumnMetadata): unknown {
  if (f.isNull) return null;
  if (f.stringValue !== undefined) return f.stringValue;
  if (f.longValue !== undefined) {
    const type = (column?.typeName ?? '').toLowerCase();
    return type === 'int8' || type === 'bigint' || type === '' ? String(f.longValue) : f.longValue;
  }
  if (f.doubleValue !== undefined) return f.doubleValue;
  if (f.booleanValue !== undefined) return f.booleanValue;
  if (f.blobValue !== undefined) return Buffer.from(f.blobValue);
  return null;
}

export class RedshiftDataWarehouse implements Warehouse {
  readonly name: string;
  readonly dialect = 'redshift' as const;
  readonly target: RedshiftDataTarget;
  readonly client: RedshiftDataClient;
  private readonly ownsClient: boolean;
  private readonly copyRoleArn?: string;
  private readonly queryTimeoutMs: number;
  private readonly loadTimeoutMs: number;
  private readonly pollInitialMs: number;
  private readonly pollMaxMs: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly statementName: string;
  private readonly limits: WarehouseLimits | undefined;
  private readonly log: Logger | undefined;
  /** Set by cancel(); every public call clears it when it starts. */
  private cancelRequested = false;
  /** Wakes the poller from its backoff sleep (set while it sleeps). */
  private wake: (() => void) | undefined;

  constructor(uri: string, opts: RedshiftDataOptions = {}) {
    const env = opts.env ?? process.env;
    this.target = parseRedshiftDataUri(uri, env);
    this.name = uri.replace(/\?.*$/, '');
    this.ownsClient = !opts.client;
    this.client = opts.client ?? redshiftDataClient(opts.clientOptions);
    this.copyRoleArn = opts.copyRoleArn ?? jobEnv('RL_COPY_ROLE_ARN', env);
    this.limits = opts.limits;
    this.log = opts.log;
    this.queryTimeoutMs = opts.queryTimeoutMs ?? opts.limits?.statementTimeoutMs ?? 15 * 60_000;
    this.loadTimeoutMs = opts.loadTimeoutMs ?? opts.limits?.statementTimeoutMs ?? 60 * 60_000;
    this.pollInitialMs = opts.pollInitialMs ?? 100;
    this.pollMaxMs = opts.pollMaxMs ?? 5_000;
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.statementName = opts.statementName ?? 'redshift-loader';
  }

  /** The connection parameters every Data API call carries. */
  private connection() {
    const t = this.target;
    return {
      Database: t.database,
      ...(t.kind === 'cluster' ? { ClusterIdentifier: t.clusterIdentifier } : { WorkgroupName: t.workgroupName }),
      ...(t.secretArn ? { SecretArn: t.secretArn } : {}),
      ...(t.kind === 'cluster' && t.dbUser ? { DbUser: t.dbUser } : {}),
    };
  }

  async query(sql: string): Promise<Row[]> {
    this.cancelRequested = false;
    return this.runQuery(sql, this.queryTimeoutMs);
  }

  private async runQuery(sql: string, timeoutMs: number, watchLocks = true): Promise<Row[]> {
    this.stopIfCancelled();
    const deadline = this.clock.now() + timeoutMs;
    const started = await this.call('ExecuteStatement', () =>
      this.client.send(
        new ExecuteStatementCommand({ ...this.connection(), Sql: sql, StatementName: this.statementName, ClientToken: randomUUID() }),
      ),
    );
    const id = started.Id!;
    const done = await this.wait(id, deadline, timeoutMs, [sql], 0, watchLocks);
    if (!done.HasResultSet) return [];
    return this.results(id);
  }

  async transaction(statements: string[]): Promise<void> {
    // The same preflight the local adapters run: ≤ 40 statements, no TRUNCATE (it would commit
    // mid-batch), one statement each — refused before anything is sent.
    checkRedshiftTransaction(statements);
    this.cancelRequested = false;
    await this.batch(statements, this.queryTimeoutMs);
  }

  /** Submits statements as one BatchExecuteStatement and waits for it; returns the final description. */
  private async batch(statements: string[], timeoutMs: number): Promise<DescribeStatementResponse | undefined> {
    if (statements.length === 0) return undefined;
    this.stopIfCancelled();
    const deadline = this.clock.now() + timeoutMs;
    // Server-side bound on every statement of the batch (kept out of the statement numbering in errors).
    const set = this.limits && statements.length < MAX_TRANSACTION_STATEMENTS ? [`SET statement_timeout TO ${Math.round(this.limits.statementTimeoutMs)}`] : [];
    const started = await this.call('BatchExecuteStatement', () =>
      this.client.send(
        new BatchExecuteStatementCommand({ ...this.connection(), Sqls: [...set, ...statements], StatementName: this.statementName, ClientToken: randomUUID() }),
      ),
    );
    return this.wait(started.Id!, deadline, timeoutMs, statements, set.length);
  }

  async copyManifest(args: { table: string; columns: string[]; manifestUri: string; manifest: Manifest }): Promise<number> {
    this.cancelRequested = false;
    const copy = copyPackageSql(args, this.copyRoleArn);
    let done: DescribeStatementResponse | undefined;
    try {
      done = await this.batch([copy, 'SELECT pg_last_copy_count() AS loaded'], this.loadTimeoutMs);
    } catch (e) {
      if (e instanceof DataApiStatementFailure && e.index === 0) throw await this.explainCopyFailure(e, args.table);
      throw e;
    }
    const at = (done?.SubStatements?.length ?? 2) - 1; // the last sub-statement (after a SET, if any)
    const countId = done?.SubStatements?.[at]?.Id ?? `${done?.Id}:${at + 1}`;
    const rows = await this.results(countId);
    const loaded = Number(rows[0]?.loaded ?? Number.NaN);
    if (!Number.isSafeInteger(loaded)) throw new LoadError(`COPY into ${args.table} finished but pg_last_copy_count() returned no count`);
    return loaded;
  }

  /** The ledger lock (redshift-load-lock.ts), polled on this adapter's clock. */
  async acquireLoadLock(claim: LoadLockClaim): Promise<LoadLock> {
    return acquireLedgerLock(this, claim, this.name, this.limits ?? DEFAULT_LIMITS, this.clock);
  }

  async slices(): Promise<number | undefined> {
    if (this.target.kind !== 'cluster') return undefined;
    const rows = await this.query('SELECT COUNT(*) AS slices FROM stv_slices');
    const n = Number(rows[0]?.slices);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }

  /** Cancels the running statement: the poller sends CancelStatement and waits for ABORTED (see wait). */
  cancel(): Promise<void> {
    this.cancelRequested = true;
    this.wake?.();
    return Promise.resolve();
  }

  private stopIfCancelled(): void {
    if (this.cancelRequested) throw new LoadError(`cancelled before the next statement was sent to ${this.name}`);
  }

  close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
    return Promise.resolve();
  }

  /** All rows of a finished statement (or sub-statement "<id>:<n>"), page by page. */
  private async results(id: string): Promise<Row[]> {
    const rows: Row[] = [];
    let columns: ColumnMetadata[] | undefined;
    let token: string | undefined;
    do {
      const page = await this.call('GetStatementResult', () => this.client.send(new GetStatementResultCommand({ Id: id, NextToken: token })));
      columns ??= page.ColumnMetadata;
      const names = (columns ?? []).map((c, i) => c.name ?? c.label ?? `column${i + 1}`);
      for (const record of page.Records ?? []) {
        const row: Row = {};
        record.forEach((f, i) => {
          row[names[i] ?? `column${i + 1}`] = fieldValue(f, columns?.[i]);
        });
        rows.push(row);
      }
      token = page.NextToken;
    } while (token);
    return rows;
  }

  /**
   * Polls until the statement is done or the deadline passes (then cancels it); cancel() cancels it at
   * once. `offset`: leading sub-statements the caller did not write (the SET), left out of error
   * numbering. With limits, looks for lock waits too (see the file comment).
   */
  private async wait(id: string, deadline: number, timeoutMs: number, statements: string[], offset = 0, watchLocks = true): Promise<DescribeStatementResponse> {
    let delay = this.pollInitialMs;
    const started = this.clock.now();
    let lastLook = -Infinity;
    let logged = false;
    let seen: RedshiftLockWait | undefined;
    let cancelSent = false;
    for (;;) {
      if (this.cancelRequested && !cancelSent) {
        cancelSent = true;
        delay = this.pollInitialMs;
        // Refused when it finished meanwhile: the next DescribeStatement tells which.
        await this.client.send(new CancelStatementCommand({ Id: id })).catch(() => undefined);
      }
      const d = await this.call('DescribeStatement', () => this.client.send(new DescribeStatementCommand({ Id: id })));
      const status = d.Status ?? 'SUBMITTED';
      if (status === 'FINISHED') return d;
      if (status === 'FAILED') throw failure(d, statements, offset);
      if (status === 'ABORTED') {
        throw new LoadError(`statement aborted (${head(statements[0], 80)})`, {}, 'someone or something cancelled it; rerun the batch');
      }
      const waited = this.clock.now() - started;
      if (watchLocks && this.limits && d.RedshiftPid && waited >= Math.min(LOCK_WAIT_LOG_MS, this.limits.lockTimeoutMs) && this.clock.now() - lastLook >= (seen ? 5_000 : 30_000)) {
        lastLook = this.clock.now();
        seen = await this.lockWait(d.RedshiftPid);
        if (seen && !logged && waited >= LOCK_WAIT_LOG_MS) {
          logged = true;
          this.log?.warn(`waiting ${duration(waited)} for a lock on ${seen.object}: ${head(statements[0], 80)} — blocked by ${holdersText(seen)} (gives up after ${duration(this.limits.lockTimeoutMs)})`);
        }
        if (seen && waited >= this.limits.lockTimeoutMs) return this.cancelAfterDeadline(id, timeoutMs, statements, offset, { lock: seen, waited });
      }
      const left = deadline - this.clock.now();
      if (left <= 0) return this.cancelAfterDeadline(id, timeoutMs, statements, offset, seen ? { lock: seen } : undefined);
      // Equal jitter: half the delay fixed, half random; never sleep past the deadline.
      const pause = Math.min(left, delay / 2 + (this.random() * delay) / 2);
      if (!this.cancelRequested || cancelSent) {
        await Promise.race([this.clock.sleep(pause), new Promise<void>((r) => (this.wake = r))]);
        this.wake = undefined;
      }
      delay = Math.min(this.pollMaxMs, delay * 2);
    }
  }

  /** What the process `pid` waits for, from SVV_TRANSACTIONS (best effort: undefined when unknown). */
  private async lockWait(pid: number): Promise<RedshiftLockWait | undefined> {
    try {
      return lockWaitFromRows(await this.runQuery(lockWaitSql(pid), 60_000, false));
    } catch {
      return undefined;
    }
  }

  private async cancelAfterDeadline(
    id: string,
    timeoutMs: number,
    statements: string[],
    offset = 0,
    why?: { lock: RedshiftLockWait; waited?: number },
  ): Promise<DescribeStatementResponse> {
    try {
      await this.client.send(new CancelStatementCommand({ Id: id }));
    } catch {
      // It may have finished in the meantime: one last look decides.
      const d = await this.call('DescribeStatement', () => this.client.send(new DescribeStatementCommand({ Id: id })));
      if (d.Status === 'FINISHED') return d;
      if (d.Status === 'FAILED') throw failure(d, statements, offset);
    }
    if (why?.waited !== undefined) {
      const pid = why.lock.holders[0]?.pid;
      throw new LoadError(
        `gave up waiting ${duration(this.limits!.lockTimeoutMs)} for a lock on ${why.lock.object} held by ${holdersText(why.lock)}: statement ${id} was cancelled (${head(statements[0], 80)})`,
        {},
        `end that session's transaction${pid !== undefined ? ` (SELECT pg_terminate_backend(${pid}))` : ''} or raise --lock-timeout, then rerun the batch; nothing was published`,
      );
    }
    if (why) {
      throw new LoadError(
        `timed out after ${seconds(timeoutMs)}, waiting for a lock on ${why.lock.object} held by ${holdersText(why.lock)}: statement ${id} was cancelled (${head(statements[0], 80)})`,
        {},
        'end the blocking session or raise --statement-timeout, then rerun the batch',
      );
    }
    throw new LoadError(
      `timed out after ${seconds(timeoutMs)}: statement ${id} was cancelled (${head(statements[0], 80)})`,
      {},
      'rerun the batch, or raise the timeout if the load is that big',
    );
  }

  /** Reads the load-error table for the failed COPY and returns the LoadError that explains it. */
  private async explainCopyFailure(e: DataApiStatementFailure, table: string): Promise<LoadError> {
    const kind = this.target.kind === 'cluster' ? 'provisioned' : 'serverless';
    let detail: LoadErrorDetail | undefined;
    try {
      const rows = await this.runQuery(loadErrorSql(kind, e.queryId, table), Math.min(this.queryTimeoutMs, 5 * 60_000));
      detail = loadErrorFromRow(rows[0]);
    } catch {
      detail = undefined; // the explanation is best effort; the failure itself stands
    }
    return copyLoadError(table, e.detail, detail, kind, e.queryId);
  }

  /** Runs one Data API call; SDK errors become one clear line naming the operation and warehouse. */
  private async call<T>(op: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      throw this.apiError(e, op);
    }
  }

  private apiError(e: unknown, op: string): Error {
    if (e instanceof UserError) return e;
    const { name, message } = awsErrorInfo(e);
    const where = this.name;
    switch (name) {
      case 'AccessDeniedException':
        return new ConfigError(
          `access denied to the Redshift Data API (${op}) for ${where}`,
          {},
          `the job role needs redshift-data:${op}${this.target.secretArn ? ` and secretsmanager:GetSecretValue on ${this.target.secretArn}` : this.target.kind === 'cluster' ? ' and redshift:GetClusterCredentials(WithIAM)' : ' and redshift-serverless:GetCredentials'}`,
        );
      case 'ValidationException':
      case 'ResourceNotFoundException':
        return new ConfigError(`Redshift Data API ${op} refused for ${where}: ${message}`);
      default:
        // Throttling, too many active statements, connection trouble: retryable.
        return new LoadError(`Redshift Data API ${op} failed for ${where}: ${name}: ${message}`);
    }
  }
}

/**
 * A FAILED statement or batch, naming the failing sub-statement: the shared StatementFailure (so callers
 * catch one type for every adapter) plus Redshift's query id, which finds the COPY's load errors.
 */
export class DataApiStatementFailure extends StatementFailure {
  constructor(message: string, index: number, detail: string, readonly queryId?: number) {
    super(message, index, detail);
  }
}

/** Who holds the lock, or that this user cannot see it (SVV_TRANSACTIONS shows a regular user only its own rows). */
function holdersText(w: RedshiftLockWait): string {
  return w.holders.length ? describeHolders(w.holders) : 'a session this user cannot see (ALTER USER … SYSLOG ACCESS UNRESTRICTED shows it)';
}

function failure(d: DescribeStatementResponse, statements: string[], offset = 0): DataApiStatementFailure {
  const subs = (d.SubStatements ?? []).slice(offset);
  let index = subs.findIndex((s) => s.Status === 'FAILED');
  if (index < 0) index = subs.findIndex((s) => s.Error);
  const sub = index >= 0 ? subs[index] : undefined;
  const detail = (sub?.Error ?? d.Error ?? 'unknown error').replace(/\s+/g, ' ').trim();
  const i = Math.max(0, index);
  const sql = sub?.QueryString ?? statements[i];
  const which = statements.length > 1 ? `statement ${i + 1} of ${statements.length}` : 'statement';
  return new DataApiStatementFailure(`${which} failed: ${detail} — ${head(sql, 80)}`, i, detail, sub?.RedshiftQueryId ?? d.RedshiftQueryId);
}
