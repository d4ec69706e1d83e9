/**
 * The warehouse port over Redshift's own PostgreSQL-wire endpoint (dialect 'redshift'):
 *
 *   redshift://<host>[:5439]/<db>?secret=<arn>
 *   postgres://<host>:5439/<db>?dialect=redshift&secret=<arn>      (postgresql:// alike)
 *
 * The user name and password come from the Secrets Manager secret (`?secret=`, else RL_SECRET_ARN) —
 * Redshift's managed admin secret or any {"username","password","host"?,"port"?,"dbname"?} secret; host,
 * port and database missing from the URI come from the secret. A password in the URI itself is refused.
 * TLS is required and verified (sslmode=verify-full: Redshift's ACM certificate chains to Amazon's
 * roots in Node's store); only tests against a local PostgreSQL turn it off (`insecureForTests`).
 *
 * Everything but COPY is jobs/warehouse/postgres.ts with dialect 'redshift' (one connection = one
 * session; statements untranslated; its errors already redact the password). copyManifest runs
 * `COPY … MANIFEST` server-side from S3 (sql/copy.ts: the same text as the Data API adapter), then
 * `pg_last_copy_count()` in the same session; a failed COPY is explained from STL_LOAD_ERRORS
 * (SYS_LOAD_ERROR_DETAIL on serverless endpoints) for `pg_last_query_id()`.
 *
 * Limits: `SET statement_timeout` for the session at connect (Redshift has no lock_timeout); no lock
 * watch over the wire (a second connection would need the secret again): the Data API adapter has one.
 * acquireLoadLock: the ledger (redshift-load-lock.ts).
 *
 * The password never reaches `name`, an error, a log line, JSON or util.inspect of this object.
 */
import { inspect } from 'node:util';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsClientOptions } from '../../core/aws/clients.ts';
import { getDbCredentials } from '../../core/aws/secrets.ts';
import { jobEnv } from '../../core/env.ts';
import { ConfigError, LoadError, isUserError } from '../../core/errors.ts';
import type { Manifest } from '../../core/manifest.ts';
import { PostgresWarehouse } from './postgres.ts';
import { copyLoadError, copyPackageSql, loadErrorFromRow, loadErrorSql, type LoadErrorDetail, type RedshiftKind } from '../../sql/copy.ts';
import { redactSecrets, redactUri } from './redact.ts';
import { isRedshiftPgUri } from './redshift-pg-adapter.ts';
import { StatementFailure } from './statement-failure.ts';
import type { Row, Warehouse } from './warehouse.ts';
import { DEFAULT_LIMITS, type WarehouseLimits } from './limits.ts';
import type { LoadLock, LoadLockClaim } from './load-lock.ts';
import { acquireLedgerLock } from './redshift-load-lock.ts';

export { isRedshiftPgUri } from './redshift-pg-adapter.ts';

export const REDSHIFT_PORT = 5439;

export interface RedshiftPgTarget {
  host?: string;
  port?: number;
  database?: string;
  secretId: string;
}

/** Parses a redshift:// (or postgres://…?dialect=redshift) URI; the secret id is required. */
export function parseRedshiftPgUri(uri: string, env: NodeJS.ProcessEnv = process.env): RedshiftPgTarget {
  const usage = 'use redshift://<host>:5439/<db>?secret=<secret-arn> (or set RL_SECRET_ARN)';
  if (!isRedshiftPgUri(uri)) throw new ConfigError(`not a Redshift endpoint URI: ${redactUri(uri)}`, {}, usage);
  let u: URL;
  try {
    // A non-special scheme: `redshift:///?secret=…` (host and database from the secret) stays parseable.
    u = new URL(uri.replace(/^[a-z]+:\/\//i, 'pg://'));
  } catch {
    throw new ConfigError(`bad warehouse URI ${redactUri(uri)}`, {}, usage);
  }
  if (u.password) {
    throw new ConfigError(`the warehouse URI carries a password (${redactUri(uri)})`, {}, 'keep it in Secrets Manager and pass ?secret=<arn>');
  }
  for (const k of u.searchParams.keys()) {
    if (!['secret', 'dialect', 'sslmode'].includes(k)) throw new ConfigError(`unknown parameter "${k}" in warehouse URI ${redactUri(uri)}`, {}, usage);
  }
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode && sslmode !== 'verify-full' && sslmode !== 'require') {
    throw new ConfigError(`sslmode=${sslmode} is not allowed for Redshift: TLS is required`, {}, 'drop sslmode, or use sslmode=verify-full');
  }
  // The secret id is read raw: a secret name may hold '+', which URLSearchParams would turn into a space.
  const raw = /[?&]secret=([^&]*)/.exec(uri)?.[1];
  const secretId = (raw ? decodeURIComponent(raw) : undefined) ?? jobEnv('RL_SECRET_ARN', env);
  if (!secretId) throw new ConfigError(`no secret for the Redshift credentials of ${redactUri(uri)}`, {}, usage);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return {
    ...(u.hostname ? { host: u.hostname } : {}),
    ...(u.port ? { port: Number(u.port) } : {}),
    ...(database ? { database } : {}),
    secretId,
  };
}

export interface RedshiftPgOptions {
  /** Secrets Manager client (tests); otherwise one from core/aws/clients.ts with `clientOptions`. */
  secretsClient?: SecretsManagerClient;
  clientOptions?: AwsClientOptions;
  env?: NodeJS.ProcessEnv;
  /** IAM role Redshift assumes for COPY (default RL_COPY_ROLE_ARN). */
  copyRoleArn?: string;
  connectTimeoutMs?: number;
  /** Tests against a local PostgreSQL only: connect without TLS (and allow a socket directory as host). */
  insecureForTests?: boolean;
  /** statement_timeout of the session, and the lease of the load lock (default DEFAULT_LIMITS). */
  limits?: WarehouseLimits;
}

export class RedshiftPgWarehouse implements Warehouse {
  readonly dialect = 'redshift' as const;

  private constructor(
    readonly name: string,
    private readonly inner: PostgresWarehouse,
    private readonly kind: RedshiftKind,
    private readonly copyRoleArn: string | undefined,
    private readonly password: string,
    private readonly limits: WarehouseLimits = DEFAULT_LIMITS,
  ) {
    // Keep the password (and the inner connection, whose URI holds it) out of enumeration and inspect.
    Object.defineProperty(this, 'password', { enumerable: false });
    Object.defineProperty(this, 'inner', { enumerable: false });
  }

  static async open(uri: string, opts: RedshiftPgOptions = {}): Promise<RedshiftPgWarehouse> {
    const env = opts.env ?? process.env;
    const target = parseRedshiftPgUri(uri, env);
    const creds = await getDbCredentials(target.secretId, { client: opts.secretsClient, clientOptions: opts.clientOptions });
    const host = target.host ?? creds.host;
    const port = target.port ?? creds.port ?? REDSHIFT_PORT;
    const database = target.database ?? creds.dbname;
    if (!host) throw new ConfigError(`no host for the Redshift endpoint: neither the URI nor secret ${target.secretId} names one`);
    if (!database) throw new ConfigError(`no database for the Redshift endpoint: neither the URI nor secret ${target.secretId} names one`);
    const socket = host.startsWith('/');
    if (socket && !opts.insecureForTests) throw new ConfigError(`a socket directory is not a Redshift endpoint: ${host}`);

    const name = `redshift://${socket ? `localhost:${port}` : `${host}:${port}`}/${database}`;
    const conn = new URL(`postgres://localhost:${port}/`);
    // Encoded by hand: URL's setters leave '%' raw, which the driver would then mis-decode.
    conn.username = encodeURIComponent(creds.username);
    conn.password = encodeURIComponent(creds.password);
    conn.pathname = `/${encodeURIComponent(database)}`;
    if (socket) conn.searchParams.set('host', host);
    else conn.hostname = host;
    if (!opts.insecureForTests) conn.searchParams.set('sslmode', 'verify-full');

    const kind: RedshiftKind = /\.redshift-serverless\./i.test(host) ? 'serverless' : 'provisioned';
    const password = creds.password;
    try {
      const inner = await PostgresWarehouse.open(conn.toString(), { dialect: 'redshift', connectTimeoutMs: opts.connectTimeoutMs, limits: opts.limits });
      return new RedshiftPgWarehouse(name, inner, kind, opts.copyRoleArn ?? jobEnv('RL_COPY_ROLE_ARN', env), password, opts.limits);
    } catch (e) {
      const msg = redactSecrets(String((e as Error)?.message ?? e), [password]).replace('cannot connect to PostgreSQL at', 'cannot connect to Redshift at');
      throw new LoadError(msg, {}, `check the endpoint, the security group, and the credentials in secret ${target.secretId}`);
    }
  }

  async query(sql: string): Promise<Row[]> {
    return this.guard(() => this.inner.query(sql));
  }

  async transaction(statements: string[]): Promise<void> {
    return this.guard(() => this.inner.transaction(statements));
  }

  async copyManifest(args: { table: string; columns: string[]; manifestUri: string; manifest: Manifest }): Promise<number> {
    const copy = copyPackageSql(args, this.copyRoleArn);
    try {
      // Autocommit: the COPY is its own transaction; pg_last_copy_count() reads it in this same session.
      await this.inner.query(copy);
    } catch (e) {
      if (e instanceof StatementFailure) throw await this.explainCopyFailure(e, args.table);
      throw this.redacted(e);
    }
    const [r] = await this.query('SELECT pg_last_copy_count() AS loaded');
    const loaded = Number(r?.loaded);
    if (!Number.isSafeInteger(loaded)) throw new LoadError(`COPY into ${args.table} finished but pg_last_copy_count() returned no count`);
    return loaded;
  }

  private async explainCopyFailure(e: StatementFailure, table: string): Promise<LoadError> {
    let queryId: number | undefined;
    let detail: LoadErrorDetail | undefined;
    try {
      const [q] = await this.inner.query('SELECT pg_last_query_id() AS id');
      queryId = Number(q?.id) || undefined;
      detail = loadErrorFromRow((await this.inner.query(loadErrorSql(this.kind, queryId, table)))[0]);
    } catch {
      detail = undefined; // best effort: the COPY's own error stands
    }
    return this.redacted(copyLoadError(table, e.detail, detail, this.kind, queryId)) as LoadError;
  }

  async acquireLoadLock(claim: LoadLockClaim): Promise<LoadLock> {
    return acquireLedgerLock(this, claim, this.name, this.limits);
  }

  async slices(): Promise<number | undefined> {
    if (this.kind === 'serverless') return undefined; // STV_SLICES is not available on serverless
    try {
      return await this.inner.slices();
    } catch (e) {
      if (e instanceof StatementFailure) return undefined;
      throw this.redacted(e);
    }
  }

  /** Cancels the running statement (pg_cancel_backend from a second session; see PostgresWarehouse). */
  async cancel(): Promise<void> {
    await this.inner.cancel();
  }

  async close(): Promise<void> {
    await this.inner.close();
  }

  toJSON(): { name: string; dialect: string } {
    return { name: this.name, dialect: this.dialect };
  }

  [inspect.custom](): string {
    return `RedshiftPgWarehouse(${this.name})`;
  }

  private async guard<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw this.redacted(e);
    }
  }

  /** Defense in depth: the inner adapter redacts already; make sure no error text holds the password. */
  private redacted(e: unknown): unknown {
    if (!(e instanceof Error) || this.password.length < 3 || !e.message.includes(this.password)) return e;
    e.message = redactSecrets(e.message, [this.password]);
    if (isUserError(e)) return e;
    return new LoadError(e.message);
  }
}
