/**
 * A Redshift Data API stand-in for tests: aws-sdk-client-mock on the RedshiftDataClient CLASS (so every
 * client the code under test creates itself is answered here), whose handlers EXECUTE each statement on
 * a real PostgreSQL database after sql/local.ts's translation. A test then shows that the statements an
 * adapter sends are valid SQL, in the order sent, with the effects Redshift would give them.
 *
 * What it emulates:
 * - ExecuteStatement: one statement in a session of its own (a new connection), autocommit. A repeated
 *   ClientToken returns the first statement's Id without running anything again (idempotency).
 * - BatchExecuteStatement: one session, BEGIN; each statement; COMMIT. The first failing statement is
 *   FAILED with its error, the rest ABORTED, everything rolled back, and the batch's Error reads
 *   "Query #n failed with ERROR: …" (Redshift's shape). A TRUNCATE inside a batch commits the open
 *   transaction first, as it does on Redshift — so a test sees the damage, not a forgiving PostgreSQL.
 * - DescribeStatement: SUBMITTED / STARTED while running, then FINISHED or FAILED, with HasResultSet,
 *   ResultRows, RedshiftQueryId and, for batches, SubStatements with ids `<id>:<n>`.
 * - GetStatementResult: Records as Data API Fields (longValue for int2/int4/int8, doubleValue for
 *   float4/float8, booleanValue, stringValue for numeric/text/date/timestamp, isNull) with ColumnMetadata
 *   (name, label, typeName), `pageRows` records per page and a NextToken. A batch's own id, a statement
 *   without a result set, or an unfinished one is a ValidationException, as on the real API.
 * - Sessions run as the request's DbUser (`SET ROLE`), except the cluster's master user, which is the
 *   PostgreSQL login itself: the grants `setup` gives the ETL user are exercised for real.
 * - Connection parameters are checked: the one cluster and database this stand-in serves, DbUser
 *   authentication (no secret, no workgroup).
 * - `COPY <table> (<columns>) FROM 's3://…' IAM_ROLE '…' MANIFEST CSV … GZIP NULL AS … COMPUPDATE OFF
 *   STATUPDATE OFF`: parsed strictly; the IAM role must be one associated with the "cluster"; the manifest
 *   is read from S3 with the project's S3Store and its parts are loaded by a PostgresWarehouse on the same
 *   database (COPY FROM STDIN of the same gzip parts, its own connection, SET ROLE to the same user),
 *   with the delimiter, quote and NULL marker the COPY TEXT names — Redshift never reads the manifest's
 *   `package` facts, so neither does this. `pg_last_copy_count()` later in the same batch answers that
 *   count (-1 before any COPY in the session).
 * - STV_SLICES: a view with `slices` rows, so slices() reads a cluster size.
 *
 * Not emulated, and refused loudly rather than bent: COPY options other than the ones above (e.g.
 * TRUNCATECOLUMNS, EMPTYASNULL, BLANKSASNULL, ACCEPTINVCHARS, MAXERROR), COPY without MANIFEST or
 * without an explicit column list, columnar COPY, Secrets Manager authentication, workgroups. One
 * difference stays: a COPY's rows commit with the COPY itself (its own connection), not with the rest
 * of its batch — harmless for [COPY, SELECT pg_last_copy_count()], the only batch the adapter sends.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type BatchExecuteStatementInput,
  type ColumnMetadata,
  type DescribeStatementResponse,
  type ExecuteStatementInput,
  type Field,
  type GetStatementResultRequest,
  type StatusString,
  type SubStatementData,
} from '@aws-sdk/client-redshift-data';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import pg from 'pg';
import { isUserError } from '../../core/errors.ts';
import type { Manifest } from '../../core/manifest.ts';
import type { S3Store } from '../../jobs/store/s3-store.ts';
import { PostgresWarehouse } from '../../jobs/warehouse/postgres.ts';
import { segments, toLocalDialect, type Segment } from '../../sql/local.ts';

/** One request the stand-in received, in arrival order. */
export interface SentRequest {
  api: 'ExecuteStatement' | 'BatchExecuteStatement';
  id: string;
  sqls: string[];
  input: ExecuteStatementInput | BatchExecuteStatementInput;
}

/** A COPY the stand-in emulated. */
export interface EmulatedCopy {
  statementId: string;
  sql: string;
  /** Undefined when the COPY text could not be parsed. */
  parsed?: ParsedCopy;
  /** Rows loaded; undefined when the COPY failed. */
  count?: number;
  error?: string;
}

export interface DataApiOnPostgresOptions {
  /** The PostgreSQL database that plays the cluster (a superuser login: the master user). */
  databaseUrl: string;
  /** Where COPY reads manifests and parts. */
  s3: S3Store;
  clusterIdentifier: string;
  database: string;
  /** The cluster's master user: sessions for it run as the PostgreSQL login itself. */
  masterUser?: string;
  /** IAM roles associated with the cluster: COPY may assume only these. */
  copyRoles: string[];
  /** Records per GetStatementResult page. */
  pageRows?: number;
  /** Rows of STV_SLICES. */
  slices?: number;
}

interface Sub {
  id: string;
  sql: string;
  status: StatusString;
  error?: string;
  hasResultSet: boolean;
  resultRows: number;
  queryId: number;
  columns?: ColumnMetadata[];
  records?: Field[][];
  createdAt: Date;
  updatedAt: Date;
}

interface Statement {
  id: string;
  batch: boolean;
  status: StatusString;
  error?: string;
  subs: Sub[];
  input: ExecuteStatementInput | BatchExecuteStatementInput;
  createdAt: Date;
  updatedAt: Date;
  done?: Promise<void>;
}

/** `Error` with the SDK's exception name, as the client would throw it. */
function apiError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

/** Every value as the server's text: the stand-in decides the Data API shape from the type OID. */
const rawText = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

const TYPE_NAMES: Record<number, string> = {
  16: 'bool',
  18: 'char',
  19: 'name',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  26: 'oid',
  700: 'float4',
  701: 'float8',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
};

function field(value: string | null, oid: number): Field {
  if (value === null) return { isNull: true };
  const type = TYPE_NAMES[oid];
  if (type === 'int2' || type === 'int4' || type === 'int8' || type === 'oid') return { longValue: Number(value) };
  if (type === 'float4' || type === 'float8') return { doubleValue: Number(value) };
  if (type === 'bool') return { booleanValue: value === 't' };
  return { stringValue: value };
}

/** Replaces `pg_last_copy_count()` in code (never inside literals) with the session's count. */
function withCopyCount(sql: string, count: number): string {
  return segments(sql)
    .map((p) => (p.kind === 'code' ? p.text.replace(/\bpg_last_copy_count\s*\(\s*\)/gi, `CAST(${count} AS BIGINT)`) : p.text))
    .join('');
}

function codeOf(sql: string): string {
  return segments(sql)
    .filter((p) => p.kind !== 'comment')
    .map((p) => (p.kind === 'code' ? p.text : '?'))
    .join('')
    .trim();
}

const isCopyFromS3 = (sql: string): boolean => /^COPY\b/i.test(codeOf(sql)) && /\bFROM\s*\?/i.test(codeOf(sql));
const isTruncate = (sql: string): boolean => /^TRUNCATE\b/i.test(codeOf(sql));

// ------------------------------------------------------------------------------------------ COPY text

export interface ParsedCopy {
  table: string;
  columns?: string[];
  from: string;
  iamRole?: string;
  /** Every option keyword, upper case, in order (MANIFEST, CSV, DELIMITER, QUOTE, GZIP, NULL, …). */
  options: string[];
  delimiter?: string;
  quote?: string;
  nullAs?: string;
  compupdate?: string;
  statupdate?: string;
  dateformat?: string;
  timeformat?: string;
}

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'punct'; text: string };

/** A Redshift string literal's value: `''` is a quote; a backslash escapes the next character. */
export function redshiftLiteralValue(literal: string): string {
  const body = literal.slice(1, -1);
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const d = body[++i];
      out += escapes[d] ?? d;
    } else if (c === "'") {
      out += "'";
      i++;
    } else out += c;
  }
  return out;
}

function tokens(parts: Segment[]): Token[] {
  const out: Token[] = [];
  for (const p of parts) {
    if (p.kind === 'comment') continue;
    if (p.kind === 'string') out.push({ kind: 'string', text: redshiftLiteralValue(p.text) });
    else if (p.kind === 'identifier') out.push({ kind: 'word', text: p.text.slice(1, -1).replace(/""/g, '"') });
    else for (const m of p.text.matchAll(/[A-Za-z_][A-Za-z0-9_$.]*|[(),;]|\S/g)) out.push(/^[A-Za-z_]/.test(m[0]) ? { kind: 'word', text: m[0] } : { kind: 'punct', text: m[0] });
  }
  return out;
}

/** The COPY options this stand-in can emulate; any other keyword is refused. */
const EMULATED = new Set(['IAM_ROLE', 'MANIFEST', 'CSV', 'DELIMITER', 'QUOTE', 'GZIP', 'NULL', 'COMPUPDATE', 'STATUPDATE', 'DATEFORMAT', 'TIMEFORMAT']);

/** Parses `COPY t (c, …) FROM '…' <options>` strictly; throws naming what it cannot emulate. */
export function parseCopy(sql: string): ParsedCopy {
  const ts = tokens(segments(sql));
  let i = 0;
  const peek = (): Token | undefined => ts[i];
  const next = (what: string): Token => {
    const t = ts[i++];
    if (!t) throw new Error(`COPY ends where ${what} was expected`);
    return t;
  };
  const word = (what: string): string => {
    const t = next(what);
    if (t.kind !== 'word') throw new Error(`COPY: expected ${what}, found ${JSON.stringify(t.text)}`);
    return t.text;
  };
  const str = (what: string): string => {
    if (peek()?.kind === 'word' && peek()!.text.toUpperCase() === 'AS') i++;
    const t = next(what);
    if (t.kind !== 'string') throw new Error(`COPY: expected a string literal for ${what}, found ${JSON.stringify(t.text)}`);
    return t.text;
  };
  if (word('COPY').toUpperCase() !== 'COPY') throw new Error('not a COPY');
  const table = word('a table name');
  let columns: string[] | undefined;
  if (peek()?.text === '(') {
    i++;
    columns = [];
    for (;;) {
      columns.push(word('a column name'));
      const t = next('"," or ")"');
      if (t.text === ')') break;
      if (t.text !== ',') throw new Error(`COPY: bad column list at ${JSON.stringify(t.text)}`);
    }
  }
  if (word('FROM').toUpperCase() !== 'FROM') throw new Error('COPY: expected FROM');
  const parsed: ParsedCopy = { table, columns, from: str('the FROM location'), options: [] };
  while (i < ts.length) {
    const t = next('an option');
    if (t.kind === 'punct' && t.text === ';' && i === ts.length) break;
    if (t.kind !== 'word') throw new Error(`COPY: unexpected ${JSON.stringify(t.text)}`);
    const kw = t.text.toUpperCase();
    if (!EMULATED.has(kw)) throw new Error(`the Data API stand-in does not emulate the COPY option ${kw}`);
    parsed.options.push(kw);
    switch (kw) {
      case 'IAM_ROLE':
        parsed.iamRole = str('IAM_ROLE');
        break;
      case 'DELIMITER':
        parsed.delimiter = str('DELIMITER');
        break;
      case 'QUOTE':
        parsed.quote = str('QUOTE');
        break;
      case 'NULL':
        parsed.nullAs = str('NULL AS');
        break;
      case 'DATEFORMAT':
        parsed.dateformat = str('DATEFORMAT');
        break;
      case 'TIMEFORMAT':
        parsed.timeformat = str('TIMEFORMAT');
        break;
      case 'COMPUPDATE':
      case 'STATUPDATE': {
        const v = word(`${kw} ON|OFF`).toUpperCase();
        if (!['ON', 'OFF', 'TRUE', 'FALSE', 'PRESET'].includes(v)) throw new Error(`COPY: ${kw} ${v}?`);
        if (kw === 'COMPUPDATE') parsed.compupdate = v;
        else parsed.statupdate = v;
        break;
      }
      default:
        break; // MANIFEST, CSV, GZIP: flags
    }
  }
  return parsed;
}

// ------------------------------------------------------------------------------------------ stand-in

export class DataApiOnPostgres {
  readonly stub: AwsClientStub<RedshiftDataClient>;
  /** Every Execute/BatchExecute request, in arrival order. */
  readonly sent: SentRequest[] = [];
  readonly copies: EmulatedCopy[] = [];
  /** Runs (as the master user) before a batch executes: tests use it to play another writer. */
  beforeBatch?: (sqls: string[], admin: (sql: string) => Promise<pg.QueryResult>) => Promise<void>;
  private readonly statements = new Map<string, Statement>();
  private readonly tokens = new Map<string, string>();
  private queryIds = 100_000;
  private readonly pageRows: number;
  private readonly masterUser: string;

  private constructor(private readonly opts: DataApiOnPostgresOptions) {
    this.pageRows = opts.pageRows ?? 1000;
    this.masterUser = opts.masterUser ?? 'awsuser';
    this.stub = mockClient(RedshiftDataClient);
    const stub = this.stub;
    stub.on(ExecuteStatementCommand).callsFake((input: ExecuteStatementInput) => this.submit('ExecuteStatement', input, [input.Sql ?? '']));
    stub.on(BatchExecuteStatementCommand).callsFake((input: BatchExecuteStatementInput) => this.submit('BatchExecuteStatement', input, input.Sqls ?? []));
    stub.on(DescribeStatementCommand).callsFake((input: { Id?: string }) => this.describe(input.Id ?? ''));
    stub.on(GetStatementResultCommand).callsFake((input: GetStatementResultRequest) => this.result(input));
    stub.on(CancelStatementCommand).callsFake(() => {
      throw apiError('ValidationException', 'the stand-in runs every statement to the end');
    });
  }

  /** Mocks the RedshiftDataClient class and creates the cluster's system views in the database. */
  static async start(opts: DataApiOnPostgresOptions): Promise<DataApiOnPostgres> {
    const c = new pg.Client({ connectionString: opts.databaseUrl });
    await c.connect();
    try {
      await c.query(`CREATE VIEW public.stv_slices AS SELECT CAST(s AS INTEGER) AS slice, CAST(s / 2 AS INTEGER) AS node FROM generate_series(0, ${(opts.slices ?? 4) - 1}) AS s`);
      await c.query('GRANT SELECT ON public.stv_slices TO PUBLIC');
    } finally {
      await c.end();
    }
    return new DataApiOnPostgres(opts);
  }

  /** Waits for every statement still running, then restores the RedshiftDataClient class. */
  async stop(): Promise<void> {
    await Promise.all([...this.statements.values()].flatMap((s) => (s.done ? [s.done] : [])));
    this.stub.restore();
  }

  /** Runs SQL as the master user (the test's own look behind the API). */
  async admin(sql: string): Promise<pg.QueryResult> {
    const c = new pg.Client({ connectionString: this.opts.databaseUrl });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  }

  private checkConnection(input: ExecuteStatementInput | BatchExecuteStatementInput): string {
    if (input.WorkgroupName) throw apiError('ValidationException', 'the stand-in serves a provisioned cluster, not a workgroup');
    if (input.ClusterIdentifier !== this.opts.clusterIdentifier) throw apiError('ResourceNotFoundException', `Cluster ${input.ClusterIdentifier} not found`);
    if (input.Database !== this.opts.database) throw apiError('ValidationException', `database "${input.Database}" does not exist`);
    if (input.SecretArn) throw apiError('ValidationException', 'the stand-in does not emulate Secrets Manager authentication');
    if (!input.DbUser) throw apiError('ValidationException', 'the stand-in needs DbUser authentication (temporary credentials)');
    return input.DbUser;
  }

  private submit(api: SentRequest['api'], input: ExecuteStatementInput | BatchExecuteStatementInput, sqls: string[]): { Id: string; CreatedAt: Date } {
    const user = this.checkConnection(input);
    if (sqls.length === 0 || sqls.some((s) => !s.trim())) throw apiError('ValidationException', 'empty SQL');
    if (api === 'BatchExecuteStatement' && sqls.length > 40) throw apiError('ValidationException', 'Sqls may hold at most 40 statements');
    const token = input.ClientToken;
    if (token && this.tokens.has(token)) return { Id: this.tokens.get(token)!, CreatedAt: this.statements.get(this.tokens.get(token)!)!.createdAt };
    const id = randomUUID();
    if (token) this.tokens.set(token, id);
    const now = new Date();
    const st: Statement = {
      id,
      batch: api === 'BatchExecuteStatement',
      status: 'SUBMITTED',
      input,
      createdAt: now,
      updatedAt: now,
      subs: sqls.map((sql, k) => ({
        id: api === 'BatchExecuteStatement' ? `${id}:${k + 1}` : id,
        sql,
        status: 'SUBMITTED',
        hasResultSet: false,
        resultRows: -1,
        queryId: ++this.queryIds,
        createdAt: now,
        updatedAt: now,
      })),
    };
    this.statements.set(id, st);
    this.sent.push({ api, id, sqls: [...sqls], input });
    // Runs after this call returns, as a statement on the real API does: the caller must poll.
    st.done = new Promise<void>((r) => setImmediate(r)).then(() => this.execute(st, user));
    return { Id: id, CreatedAt: now };
  }

  private async session(user: string): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: this.opts.databaseUrl, types: rawText, application_name: 'data-api-stand-in' });
    await c.connect();
    await c.query(`SET TIME ZONE 'UTC'`);
    if (user !== this.masterUser) {
      try {
        await c.query(`SET ROLE "${user.replace(/"/g, '""')}"`);
      } catch (e) {
        await c.end();
        throw e;
      }
    }
    return c;
  }

  private async execute(st: Statement, user: string): Promise<void> {
    st.status = 'STARTED';
    let c: pg.Client | undefined;
    let at = 0;
    let lastCopy = -1;
    try {
      if (st.batch && this.beforeBatch) await this.beforeBatch(st.subs.map((s) => s.sql), (sql) => this.admin(sql));
      c = await this.session(user);
      if (st.batch) await c.query('BEGIN');
      for (at = 0; at < st.subs.length; at++) {
        const sub = st.subs[at];
        sub.status = 'STARTED';
        if (isCopyFromS3(sub.sql)) {
          lastCopy = await this.copy(sub, user);
          sub.resultRows = lastCopy;
        } else if (st.batch && isTruncate(sub.sql)) {
          // Redshift: TRUNCATE commits the open transaction (and itself).
          await c.query('COMMIT');
          await c.query(toLocalDialect(sub.sql));
          await c.query('BEGIN');
        } else {
          const r = await c.query(withCopyCount(toLocalDialect(sub.sql), lastCopy));
          const fields = r.fields ?? [];
          sub.hasResultSet = fields.length > 0;
          if (sub.hasResultSet) {
            sub.columns = fields.map((f) => ({ name: f.name, label: f.name, typeName: TYPE_NAMES[f.dataTypeID] ?? `oid${f.dataTypeID}` }));
            sub.records = (r.rows as Array<Record<string, string | null>>).map((row) => fields.map((f) => field(row[f.name] ?? null, f.dataTypeID)));
            sub.resultRows = sub.records.length;
          } else sub.resultRows = r.rowCount ?? -1;
        }
        sub.status = 'FINISHED';
        sub.updatedAt = new Date();
      }
      if (st.batch) await c.query('COMMIT');
      st.status = 'FINISHED';
    } catch (e) {
      const message = isUserError(e) ? e.oneLine() : ((e as Error)?.message ?? String(e));
      const sub = st.subs[Math.min(at, st.subs.length - 1)];
      sub.status = 'FAILED';
      sub.error = message.startsWith('ERROR:') ? message : `ERROR: ${message}`;
      for (const later of st.subs.slice(at + 1)) later.status = 'ABORTED';
      if (c && st.batch) await c.query('ROLLBACK').catch(() => undefined);
      st.status = 'FAILED';
      st.error = st.batch ? `Query #${at + 1} failed with ${sub.error}` : sub.error;
    } finally {
      st.updatedAt = new Date();
      await c?.end().catch(() => undefined);
    }
  }

  /** COPY … MANIFEST from S3: the manifest's parts through a PostgresWarehouse, as `user`. */
  private async copy(sub: Sub, user: string): Promise<number> {
    const record: EmulatedCopy = { statementId: sub.id, sql: sub.sql };
    this.copies.push(record);
    try {
      const p = parseCopy(sub.sql);
      record.parsed = p;
      if (!p.options.includes('MANIFEST')) throw new Error('the stand-in emulates COPY … MANIFEST only');
      if (!p.options.includes('CSV')) throw new Error('the stand-in emulates CSV COPY only');
      if (!p.columns?.length) throw new Error('the stand-in needs an explicit column list');
      if (!p.from.startsWith('s3://')) throw new Error(`COPY FROM ${p.from}: not an S3 location`);
      if (!p.iamRole || !this.opts.copyRoles.includes(p.iamRole)) {
        throw new Error(`User arn:aws:redshift:us-east-1:123456789012:dbuser:${this.opts.clusterIdentifier}/${user} is not authorized to assume IAM Role ${p.iamRole ?? '(none)'}`);
      }
      for (const f of [p.dateformat, p.timeformat]) if (f !== undefined && f.toLowerCase() !== 'auto') throw new Error(`the stand-in emulates DATEFORMAT/TIMEFORMAT 'auto' only`);
      let json: { entries?: unknown; package?: Record<string, unknown> };
      try {
        json = JSON.parse((await this.opts.s3.readAll(p.from)).toString('utf8')) as typeof json;
      } catch (e) {
        throw new Error(`Problem reading manifest file - S3ServiceException:${(e as Error).message}`);
      }
      if (!Array.isArray(json.entries)) throw new Error(`Manifest file is not in correct json format: ${p.from}`);
      // What Redshift reads: the entries and the COPY text. Not the package's own CSV facts.
      const manifest = {
        entries: json.entries,
        package: {
          ...(json.package ?? {}),
          format: 'csv',
          csv: {
            delimiter: p.delimiter ?? ',',
            quote: p.quote ?? '"',
            nullMarker: p.nullAs ?? '\\N',
            gzip: p.options.includes('GZIP'),
            columns: p.columns,
          },
        },
      } as unknown as Manifest;
      const wh = await PostgresWarehouse.open(this.opts.databaseUrl);
      try {
        if (user !== this.masterUser) await wh.query(`SET ROLE ${user}`);
        record.count = await wh.copyManifest({ table: p.table, columns: p.columns, manifestUri: p.from, manifest, store: this.opts.s3 });
      } finally {
        await wh.close();
      }
      return record.count;
    } catch (e) {
      const why = isUserError(e) ? e.oneLine() : (e as Error).message;
      record.error = why;
      const bare = (record.parsed?.table ?? '?').split('.').pop();
      throw new Error(`Load into table '${bare}' failed. Check 'stl_load_errors' system table for details. [stand-in: ${why}]`);
    }
  }

  private find(id: string): { st: Statement; sub?: Sub } {
    const [base, n] = id.split(':');
    const st = this.statements.get(base ?? '');
    if (!st) throw apiError('ResourceNotFoundException', `Query does not exist: ${id}`);
    if (n === undefined) return { st };
    const sub = st.batch ? st.subs[Number(n) - 1] : undefined;
    if (!sub) throw apiError('ResourceNotFoundException', `Query does not exist: ${id}`);
    return { st, sub };
  }

  private describe(id: string): DescribeStatementResponse {
    const { st, sub } = this.find(id);
    const input = st.input;
    const common = { ClusterIdentifier: input.ClusterIdentifier, Database: input.Database, DbUser: input.DbUser };
    const subData = (s: Sub): SubStatementData => ({
      Id: s.id,
      Status: s.status as SubStatementData['Status'],
      Error: s.error,
      QueryString: s.sql,
      HasResultSet: s.hasResultSet,
      ResultRows: s.resultRows,
      RedshiftQueryId: s.queryId,
      CreatedAt: s.createdAt,
      UpdatedAt: s.updatedAt,
    });
    if (sub) return { ...common, ...subData(sub), Status: sub.status };
    const only = st.subs[0];
    return {
      ...common,
      Id: st.id,
      Status: st.status,
      Error: st.error,
      CreatedAt: st.createdAt,
      UpdatedAt: st.updatedAt,
      QueryString: st.batch ? st.subs.map((s) => s.sql).join(';\n') : only.sql,
      HasResultSet: st.batch ? st.subs.some((s) => s.hasResultSet) : only.hasResultSet,
      ResultRows: st.batch ? -1 : only.resultRows,
      RedshiftQueryId: st.batch ? 0 : only.queryId,
      ...(st.batch ? { SubStatements: st.subs.map(subData) } : {}),
    };
  }

  private result(input: GetStatementResultRequest): { Records: Field[][]; ColumnMetadata: ColumnMetadata[]; TotalNumRows: number; NextToken?: string } {
    const id = input.Id ?? '';
    const { st, sub } = this.find(id);
    if (st.batch && !sub) throw apiError('ValidationException', `${id} is a batch: ask for a sub-statement's result (<id>:<n>)`);
    const s = sub ?? st.subs[0];
    if (s.status !== 'FINISHED') throw apiError('ValidationException', `Query ${id} is not finished (${s.status})`);
    if (!s.hasResultSet || !s.records) throw apiError('ValidationException', 'Query does not have result. Please check query status with DescribeStatement.');
    const offset = input.NextToken ? Number(input.NextToken) : 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > s.records.length) throw apiError('ValidationException', `bad NextToken ${input.NextToken}`);
    const end = offset + this.pageRows;
    return {
      ColumnMetadata: s.columns!,
      Records: s.records.slice(offset, end),
      TotalNumRows: s.records.length,
      ...(end < s.records.length ? { NextToken: String(end) } : {}),
    };
  }
}
