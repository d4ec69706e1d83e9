/**
 * The Redshift Data API adapter. No local server speaks the Data API (moto does not serve it), so the
 * statement lifecycle is driven by aws-sdk-client-mock, as DESIGN.md allows for exactly this API.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError, LoadError, UserError } from '../../core/errors.ts';
import type { Manifest } from '../../core/manifest.ts';
import { copyStatement as copyManifestSql } from '../../sql/copy.ts';
import { MAX_TRANSACTION_STATEMENTS as MAX_BATCH_STATEMENTS } from '../../sql/transaction.ts';
import {
  RedshiftDataWarehouse,
  parseRedshiftDataUri,
  type Clock,
  type RedshiftDataOptions,
} from '../../jobs/warehouse/redshift-data.ts';
import { TEST_CREDENTIALS, userError } from './moto.ts';

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:redshift!dev-admin-AbCdEf';
const ROLE = 'arn:aws:iam::123456789012:role/dev-redshift-copy';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A clock whose sleep only advances time, recording each pause. */
function fakeClock(): Clock & { sleeps: number[]; t: number } {
  const c = {
    t: 1_000_000,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: (ms: number): Promise<void> => {
      c.sleeps.push(ms);
      c.t += ms;
      return Promise.resolve();
    },
  };
  return c;
}

const client = new RedshiftDataClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
const api = mockClient(client);
let clock: ReturnType<typeof fakeClock>;

function warehouse(uri: string, opts: RedshiftDataOptions = {}): RedshiftDataWarehouse {
  return new RedshiftDataWarehouse(uri, { client, clock, random: () => 1, env: {}, copyRoleArn: ROLE, ...opts });
}

const manifest = {
  entries: [],
  package: { csv: { delimiter: '|', quote: '"', nullMarker: '\\N', gzip: true, columns: ['s_suppkey', 's_name'] } },
} as unknown as Manifest;

beforeEach(() => {
  api.reset();
  clock = fakeClock();
});
afterEach(() => api.reset());

describe('redshift-data: URIs', () => {
  test('cluster and workgroup, with a secret, a db user, RL_SECRET_ARN or the IAM identity', () => {
    assert.deepEqual(parseRedshiftDataUri(`redshift-data:cluster/dev-rs/loads?secret=${SECRET}`, {}), {
      kind: 'cluster',
      clusterIdentifier: 'dev-rs',
      database: 'loads',
      secretArn: SECRET,
    });
    assert.deepEqual(parseRedshiftDataUri('redshift-data:cluster/dev-rs/loads?user=loader', { RL_SECRET_ARN: SECRET }), {
      kind: 'cluster',
      clusterIdentifier: 'dev-rs',
      database: 'loads',
      dbUser: 'loader',
    });
    assert.deepEqual(parseRedshiftDataUri('redshift-data:workgroup/dev-wg/loads', { RL_SECRET_ARN: SECRET }), {
      kind: 'workgroup',
      workgroupName: 'dev-wg',
      database: 'loads',
      secretArn: SECRET,
    });
    assert.deepEqual(parseRedshiftDataUri('redshift-data:workgroup/dev-wg/loads', {}), {
      kind: 'workgroup',
      workgroupName: 'dev-wg',
      database: 'loads',
    });
    assert.equal(parseRedshiftDataUri('redshift-data:cluster/c/d?secret=prod/rs+admin', {}).secretArn, 'prod/rs+admin');
    assert.equal(parseRedshiftDataUri('redshift-data:cluster/c/d?secret=prod%2Frs', {}).secretArn, 'prod/rs');
  });

  test('bad URIs are ConfigErrors that say what to write', () => {
    for (const bad of [
      'redshift-data:cluster/only-id',
      'redshift-data:table/x/y',
      'redshift-data:cluster/c/d?password=hunter2',
      `redshift-data:cluster/c/d?secret=${SECRET}&user=loader`,
      'redshift-data:workgroup/wg/d?user=loader',
      'redshift-data:cluster/c/d?secret=',
    ]) {
      assert.throws(() => parseRedshiftDataUri(bad, {}), ConfigError, bad);
    }
    try {
      parseRedshiftDataUri('redshift-data:x', {});
      assert.fail('expected a ConfigError');
    } catch (e) {
      assert.match((e as UserError).oneLine(), /bad warehouse URI redshift-data:x — use redshift-data:cluster\/<id>\/<db> or redshift-data:workgroup/);
    }
  });

  test('the name carries no query string', () => {
    assert.equal(warehouse(`redshift-data:cluster/c/d?secret=${SECRET}`).name, 'redshift-data:cluster/c/d');
  });
});

describe('redshift-data: statements', () => {
  test('query: SUBMITTED → PICKED → STARTED → FINISHED, backoff between polls, 3 result pages mapped to rows', async () => {
    api.on(ExecuteStatementCommand).resolves({ Id: 'q-1' });
    api
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: 'q-1', Status: 'SUBMITTED' })
      .resolvesOnce({ Id: 'q-1', Status: 'PICKED' })
      .resolvesOnce({ Id: 'q-1', Status: 'STARTED' })
      .resolvesOnce({ Id: 'q-1', Status: 'STARTED' })
      .resolves({ Id: 'q-1', Status: 'FINISHED', HasResultSet: true });
    const columns = [
      { name: 'id', typeName: 'int8' },
      { name: 'nation', typeName: 'int4' },
      { name: 'balance', typeName: 'numeric' },
      { name: 'score', typeName: 'float8' },
      { name: 'active', typeName: 'bool' },
      { name: 'note', typeName: 'varchar' },
    ];
    const record = (i: number) => [
      { longValue: 9_000_000_000 + i },
      { longValue: i },
      { stringValue: `${i}.50` },
      { doubleValue: i / 4 },
      { booleanValue: i % 2 === 0 },
      i === 4 ? { isNull: true } : { stringValue: `n${i}` },
    ];
    api
      .on(GetStatementResultCommand, { Id: 'q-1', NextToken: undefined })
      .resolves({ ColumnMetadata: columns, Records: [record(1), record(2)], NextToken: 't2' })
      .on(GetStatementResultCommand, { Id: 'q-1', NextToken: 't2' })
      .resolves({ ColumnMetadata: columns, Records: [record(3)], NextToken: 't3' })
      .on(GetStatementResultCommand, { Id: 'q-1', NextToken: 't3' })
      .resolves({ ColumnMetadata: columns, Records: [record(4)] });

    const w = warehouse(`redshift-data:cluster/dev-rs/loads?secret=${SECRET}`);
    const rows = await w.query('SELECT * FROM stage.supplier');
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[0], { id: '9000000001', nation: 1, balance: '1.50', score: 0.25, active: false, note: 'n1' });
    assert.deepEqual(rows[3], { id: '9000000004', nation: 4, balance: '4.50', score: 1, active: true, note: null });

    const exec = api.commandCalls(ExecuteStatementCommand)[0].args[0].input;
    assert.equal(exec.ClusterIdentifier, 'dev-rs');
    assert.equal(exec.Database, 'loads');
    assert.equal(exec.SecretArn, SECRET);
    assert.equal(exec.WorkgroupName, undefined);
    assert.equal(exec.DbUser, undefined);
    assert.equal(exec.Sql, 'SELECT * FROM stage.supplier');
    assert.match(exec.ClientToken ?? '', UUID, 'an idempotency token: an SDK retry never runs it twice');
    assert.equal(api.commandCalls(DescribeStatementCommand).length, 5);
    assert.deepEqual(
      api.commandCalls(GetStatementResultCommand).map((c) => c.args[0].input.NextToken),
      [undefined, 't2', 't3'],
    );
    assert.deepEqual(clock.sleeps, [100, 200, 400, 800], 'exponential backoff between polls');
  });

  test('backoff is jittered and capped at 5 s', async () => {
    api.on(ExecuteStatementCommand).resolves({ Id: 'q' });
    const d = api.on(DescribeStatementCommand);
    for (let i = 0; i < 9; i++) d.resolvesOnce({ Id: 'q', Status: 'STARTED' });
    d.resolves({ Id: 'q', Status: 'FINISHED', HasResultSet: false });
    const w = warehouse('redshift-data:workgroup/wg/db', { random: () => 0 });
    assert.deepEqual(await w.query('ANALYZE stage.supplier'), []);
    assert.deepEqual(clock.sleeps, [50, 100, 200, 400, 800, 1600, 2500, 2500, 2500], 'equal jitter: half the delay at least');
    assert.equal(api.commandCalls(GetStatementResultCommand).length, 0, 'no result set, no GetStatementResult');
  });

  test('connection parameters: workgroup + secret, cluster + DbUser, cluster + IAM identity', async () => {
    api.on(ExecuteStatementCommand).resolves({ Id: 'x' });
    api.on(DescribeStatementCommand).resolves({ Id: 'x', Status: 'FINISHED' });
    await warehouse('redshift-data:workgroup/dev-wg/loads', { env: { RL_SECRET_ARN: SECRET } }).query('SELECT 1');
    await warehouse('redshift-data:cluster/dev-rs/loads?user=loader', { env: { RL_SECRET_ARN: SECRET } }).query('SELECT 1');
    await warehouse('redshift-data:cluster/dev-rs/loads').query('SELECT 1');
    const inputs = api.commandCalls(ExecuteStatementCommand).map((c) => {
      const { ClusterIdentifier, WorkgroupName, Database, SecretArn, DbUser } = c.args[0].input;
      return { ClusterIdentifier, WorkgroupName, Database, SecretArn, DbUser };
    });
    assert.deepEqual(inputs, [
      { ClusterIdentifier: undefined, WorkgroupName: 'dev-wg', Database: 'loads', SecretArn: SECRET, DbUser: undefined },
      { ClusterIdentifier: 'dev-rs', WorkgroupName: undefined, Database: 'loads', SecretArn: undefined, DbUser: 'loader' },
      { ClusterIdentifier: 'dev-rs', WorkgroupName: undefined, Database: 'loads', SecretArn: undefined, DbUser: undefined },
    ]);
  });

  test('transaction is one BatchExecuteStatement; a failed sub-statement is named with its error', async () => {
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'b-1' });
    api
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: 'b-1', Status: 'STARTED' })
      .resolves({
        Id: 'b-1',
        Status: 'FAILED',
        Error: 'Query #2 failed with ERROR: relation "history.supplier" does not exist',
        SubStatements: [
          { Id: 'b-1:1', Status: 'FINISHED', QueryString: 'DELETE FROM history.supplier WHERE batch_date = ...' },
          {
            Id: 'b-1:2',
            Status: 'FAILED',
            Error: 'ERROR: relation "history.supplier" does not exist',
            QueryString: 'INSERT INTO history.supplier (s_suppkey, s_name) SELECT s_suppkey, s_name FROM stage.supplier',
          },
          { Id: 'b-1:3', Status: 'ABORTED', QueryString: 'INSERT INTO audit.loads VALUES (...)' },
        ],
      });
    const statements = [
      'DELETE FROM history.supplier WHERE batch_date = ...',
      'INSERT INTO history.supplier (s_suppkey, s_name) SELECT s_suppkey, s_name FROM stage.supplier',
      'INSERT INTO audit.loads VALUES (...)',
    ];
    const w = warehouse(`redshift-data:cluster/dev-rs/loads?secret=${SECRET}`);
    const e = await userError(w.transaction(statements));
    assert.ok(e instanceof LoadError);
    assert.match(
      e.oneLine(),
      /^LoadError: statement 2 of 3 failed: ERROR: relation "history\.supplier" does not exist — INSERT INTO history\.supplier \(s_suppkey, s_name\) SELECT/,
    );
    const batches = api.commandCalls(BatchExecuteStatementCommand);
    assert.equal(batches.length, 1);
    assert.deepEqual(batches[0].args[0].input.Sqls, statements);
    assert.equal(batches[0].args[0].input.SecretArn, SECRET);
    assert.match(batches[0].args[0].input.ClientToken ?? '', UUID);
  });

  test(`more than ${MAX_BATCH_STATEMENTS} statements, or a TRUNCATE, are refused before anything is sent`, async () => {
    const w = warehouse('redshift-data:cluster/dev-rs/loads');
    const e = await userError(w.transaction(Array.from({ length: MAX_BATCH_STATEMENTS + 1 }, (_, i) => `SELECT ${i}`)));
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /41 statements.*at most 40/);
    assert.equal(api.calls().length, 0);
    const tr = await userError(w.transaction(['DELETE FROM history.supplier', 'TRUNCATE stage.supplier']));
    assert.match(tr.oneLine(), /statement 2 \(TRUNCATE stage\.supplier\) cannot run inside a Redshift transaction/);
    assert.equal(api.calls().length, 0, 'TRUNCATE would commit mid-batch: refused before sending');

    api.on(BatchExecuteStatementCommand).resolves({ Id: 'b' });
    api.on(DescribeStatementCommand).resolves({ Id: 'b', Status: 'FINISHED' });
    await w.transaction(Array.from({ length: MAX_BATCH_STATEMENTS }, (_, i) => `SELECT ${i}`));
    assert.equal(api.commandCalls(BatchExecuteStatementCommand)[0].args[0].input.Sqls?.length, 40);
  });

  test('an ABORTED statement is a LoadError "statement aborted"', async () => {
    api.on(ExecuteStatementCommand).resolves({ Id: 'q' });
    api.on(DescribeStatementCommand).resolvesOnce({ Id: 'q', Status: 'STARTED' }).resolves({ Id: 'q', Status: 'ABORTED' });
    const e = await userError(warehouse('redshift-data:cluster/c/d').query('SELECT 1'));
    assert.ok(e instanceof LoadError);
    assert.match(e.message, /^statement aborted/);
  });

  test('past the deadline the statement is cancelled and the call times out', async () => {
    api.on(ExecuteStatementCommand).resolves({ Id: 'slow' });
    api.on(DescribeStatementCommand).resolves({ Id: 'slow', Status: 'STARTED' });
    api.on(CancelStatementCommand).resolves({ Status: true });
    const w = warehouse('redshift-data:cluster/c/d', { queryTimeoutMs: 12_000 });
    const start = clock.t;
    const e = await userError(w.query('SELECT pg_sleep(60)'));
    assert.ok(e instanceof LoadError);
    assert.match(e.message, /^timed out after 12 s: statement slow was cancelled/);
    assert.deepEqual(api.commandCalls(CancelStatementCommand).map((c) => c.args[0].input), [{ Id: 'slow' }]);
    assert.equal(clock.t - start, 12_000, 'never sleeps past the deadline');
    assert.ok(Math.max(...clock.sleeps) <= 5_000);
  });

  test('a cancel that loses the race to FINISHED returns the finished statement', async () => {
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'race' });
    api
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: 'race', Status: 'STARTED' })
      .resolvesOnce({ Id: 'race', Status: 'STARTED' })
      .resolvesOnce({ Id: 'race', Status: 'STARTED' })
      .resolves({ Id: 'race', Status: 'FINISHED' });
    api.on(CancelStatementCommand).rejects(Object.assign(new Error('Could not cancel a query that is already in FINISHED state'), { name: 'ValidationException' }));
    await warehouse('redshift-data:cluster/c/d', { queryTimeoutMs: 150, pollInitialMs: 100 }).transaction(['DELETE FROM t']);
    assert.equal(api.commandCalls(CancelStatementCommand).length, 1);
  });

  test('API errors become one clear line: access denied is a ConfigError naming the permission', async () => {
    api.on(ExecuteStatementCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const e = await userError(warehouse(`redshift-data:workgroup/wg/db?secret=${SECRET}`).query('SELECT 1'));
    assert.ok(e instanceof ConfigError);
    assert.equal(
      e.oneLine(),
      `ConfigError: access denied to the Redshift Data API (ExecuteStatement) for redshift-data:workgroup/wg/db — the job role needs redshift-data:ExecuteStatement and secretsmanager:GetSecretValue on ${SECRET}`,
    );
    api.reset();
    api.on(BatchExecuteStatementCommand).rejects(Object.assign(new Error('Active statements exceeded'), { name: 'ActiveStatementsExceededException' }));
    const l = await userError(warehouse('redshift-data:cluster/c/d').transaction(['SELECT 1']));
    assert.ok(l instanceof LoadError, 'too many active statements: retryable');
  });
});

describe('redshift-data: COPY and slices', () => {
  const copyArgs = {
    table: 'stage.supplier',
    columns: ['s_suppkey', 's_name'],
    manifestUri: 's3://dev-staging/supplier/batch=2024-01-01/run=r1/manifest.json',
    manifest,
    store: undefined as never,
  };

  test('the COPY text: explicit columns, manifest, role, CSV settings, no stats updates', () => {
    assert.equal(
      copyManifestSql({ table: 'stage.supplier', columns: ['s_suppkey', 's_name'], manifestUrl: copyArgs.manifestUri, iamRoleArn: ROLE }),
      `COPY stage.supplier (s_suppkey, s_name) FROM 's3://dev-staging/supplier/batch=2024-01-01/run=r1/manifest.json' ` +
        `IAM_ROLE '${ROLE}' MANIFEST CSV DELIMITER '|' QUOTE '"' GZIP NULL AS '\\\\N' COMPUPDATE OFF STATUPDATE OFF`,
    );
    assert.throws(() => copyManifestSql({ table: 't', columns: ['a'], manifestUrl: '/tmp/manifest.json', iamRoleArn: ROLE }), /reads its manifest from S3/);
    assert.throws(() => copyManifestSql({ table: 't', columns: ['a'], manifestUrl: 's3://b/m', iamRoleArn: "x' --" }), ConfigError);
    assert.throws(() => copyManifestSql({ table: 't; DROP TABLE x', columns: ['a'], manifestUrl: 's3://b/m', iamRoleArn: ROLE }), ConfigError);
  });

  test('copyManifest checks the package against the load before sending anything (sql/copy.ts packageLayout)', async () => {
    const w = warehouse('redshift-data:cluster/dev-rs/loads');
    const other = { ...manifest, package: { csv: { ...manifest.package.csv!, columns: ['s_name', 's_suppkey'] } } } as Manifest;
    const e = await userError(w.copyManifest({ ...copyArgs, manifest: other }));
    assert.ok(e instanceof LoadError);
    assert.match(e.oneLine(), /the parts hold columns \(s_name, s_suppkey\), the load asks for \(s_suppkey, s_name\)/);
    const plain = { ...manifest, package: { csv: { ...manifest.package.csv!, gzip: false } } } as unknown as Manifest;
    assert.match((await userError(w.copyManifest({ ...copyArgs, manifest: plain }))).oneLine(), /parts must be gzip CSV/);
    assert.equal(api.calls().length, 0, 'refused before any COPY');
  });

  test('copyManifest: COPY and pg_last_copy_count() in one batch; the count comes from sub-statement 2', async () => {
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'copy-1' });
    api
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: 'copy-1', Status: 'SUBMITTED' })
      .resolves({
        Id: 'copy-1',
        Status: 'FINISHED',
        SubStatements: [
          { Id: 'copy-1:1', Status: 'FINISHED', HasResultSet: false },
          { Id: 'copy-1:2', Status: 'FINISHED', HasResultSet: true },
        ],
      });
    api
      .on(GetStatementResultCommand, { Id: 'copy-1:2' })
      .resolves({ ColumnMetadata: [{ name: 'loaded', typeName: 'int8' }], Records: [[{ longValue: 10_000_000 }]] });
    const w = warehouse(`redshift-data:cluster/dev-rs/loads?secret=${SECRET}`);
    assert.equal(await w.copyManifest(copyArgs), 10_000_000);
    const sqls = api.commandCalls(BatchExecuteStatementCommand)[0].args[0].input.Sqls!;
    assert.equal(sqls.length, 2);
    assert.match(sqls[0], /^COPY stage\.supplier \(s_suppkey, s_name\) FROM 's3:\/\/dev-staging\/.*\/manifest\.json' IAM_ROLE 'arn:aws:iam::123456789012:role\/dev-redshift-copy' MANIFEST CSV/);
    assert.equal(sqls[1], 'SELECT pg_last_copy_count() AS loaded');
    assert.deepEqual(api.commandCalls(GetStatementResultCommand).map((c) => c.args[0].input.Id), ['copy-1:2']);
  });

  test('copyManifest without RL_COPY_ROLE_ARN is a ConfigError before anything is sent', async () => {
    const e = await userError(warehouse('redshift-data:cluster/c/d', { copyRoleArn: undefined }).copyManifest(copyArgs));
    assert.ok(e instanceof ConfigError);
    assert.match(e.oneLine(), /no IAM role for COPY — set RL_COPY_ROLE_ARN/);
    assert.equal(api.calls().length, 0);
  });

  const failedCopy = {
    Id: 'copy-2',
    Status: 'FAILED' as const,
    Error: "Query #1 failed with ERROR: Load into table 'supplier' failed. Check 'stl_load_errors' system table for details.",
    SubStatements: [
      {
        Id: 'copy-2:1',
        Status: 'FAILED' as const,
        RedshiftQueryId: 4242,
        Error: "ERROR: Load into table 'supplier' failed. Check 'stl_load_errors' system table for details.",
        QueryString: 'COPY stage.supplier (s_suppkey, s_name) FROM ...',
      },
      { Id: 'copy-2:2', Status: 'ABORTED' as const, QueryString: 'SELECT pg_last_copy_count() AS loaded' },
    ],
  };
  const PART = 's3://dev-staging/supplier/batch=2024-01-01/run=r1/part-00003.csv.gz';

  test('a failed COPY on a cluster is explained from STL_LOAD_ERRORS: file, line, column, reason, value', async () => {
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'copy-2' });
    api.on(DescribeStatementCommand, { Id: 'copy-2' }).resolves(failedCopy);
    api.on(ExecuteStatementCommand).resolves({ Id: 'errs' });
    api.on(DescribeStatementCommand, { Id: 'errs' }).resolves({ Id: 'errs', Status: 'FINISHED', HasResultSet: true });
    api.on(GetStatementResultCommand, { Id: 'errs' }).resolves({
      ColumnMetadata: ['file', 'line', 'col', 'reason', 'value'].map((name) => ({ name, typeName: name === 'line' ? 'int8' : 'varchar' })),
      Records: [
        [
          { stringValue: PART },
          { longValue: 17 },
          { stringValue: 's_suppkey' },
          { stringValue: 'Invalid digit, Value \'x\', Pos 0, Type: Long' },
          { stringValue: `x${'9'.repeat(200)}` },
        ],
      ],
    });
    const w = warehouse(`redshift-data:cluster/dev-rs/loads?secret=${SECRET}`);
    const e = await userError(w.copyManifest(copyArgs));
    assert.ok(e instanceof LoadError);
    assert.deepEqual(e.where, { file: PART, row: 17, column: 's_suppkey' });
    const line = e.oneLine();
    assert.ok(line.startsWith("LoadError: COPY into stage.supplier failed: Invalid digit, Value 'x', Pos 0, Type: Long, value \"x999"), line);
    assert.ok(line.includes(`(${PART}, row 17, column s_suppkey)`), line);
    assert.ok(line.length < 400, 'the raw value is truncated');
    const lookup = api.commandCalls(ExecuteStatementCommand)[0].args[0].input;
    assert.match(lookup.Sql!, /FROM stl_load_errors WHERE query = 4242 /);
    assert.equal(lookup.ClusterIdentifier, 'dev-rs');
  });

  test('a failed COPY on a workgroup is explained from SYS_LOAD_ERROR_DETAIL', async () => {
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'copy-2' });
    api.on(DescribeStatementCommand, { Id: 'copy-2' }).resolves(failedCopy);
    api.on(ExecuteStatementCommand).resolves({ Id: 'errs' });
    api.on(DescribeStatementCommand, { Id: 'errs' }).resolves({ Id: 'errs', Status: 'FINISHED', HasResultSet: true });
    api.on(GetStatementResultCommand, { Id: 'errs' }).resolves({
      ColumnMetadata: ['file', 'line', 'col', 'reason'].map((name) => ({ name, typeName: name === 'line' ? 'int8' : 'varchar' })),
      Records: [[{ stringValue: PART }, { longValue: 5 }, { stringValue: 's_name' }, { stringValue: 'String length exceeds DDL length' }]],
    });
    const e = await userError(warehouse('redshift-data:workgroup/dev-wg/loads').copyManifest(copyArgs));
    assert.equal(e.oneLine(), `LoadError: COPY into stage.supplier failed: String length exceeds DDL length (${PART}, row 5, column s_name) — fix the file or the contract, then rerun the batch`);
    assert.match(api.commandCalls(ExecuteStatementCommand)[0].args[0].input.Sql!, /FROM sys_load_error_detail WHERE query_id = 4242 /);
  });

  test('when the load-error table has nothing, the COPY error itself is reported', async () => {
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'copy-2' });
    api.on(DescribeStatementCommand, { Id: 'copy-2' }).resolves({ ...failedCopy, SubStatements: [{ ...failedCopy.SubStatements[0], RedshiftQueryId: undefined }, failedCopy.SubStatements[1]] });
    api.on(ExecuteStatementCommand).resolves({ Id: 'errs' });
    api.on(DescribeStatementCommand, { Id: 'errs' }).resolves({ Id: 'errs', Status: 'FINISHED', HasResultSet: true });
    api.on(GetStatementResultCommand, { Id: 'errs' }).resolves({ ColumnMetadata: [{ name: 'file' }], Records: [] });
    const e = await userError(warehouse('redshift-data:cluster/c/d').copyManifest(copyArgs));
    assert.match(e.oneLine(), /^LoadError: COPY into stage\.supplier failed: ERROR: Load into table 'supplier' failed\. .* — see STL_LOAD_ERRORS$/);
    assert.match(api.commandCalls(ExecuteStatementCommand)[0].args[0].input.Sql!, /tbl IN \(SELECT oid FROM pg_class WHERE relname = 'supplier'\)/);
  });

  test('slices: STV_SLICES on a cluster; undefined on serverless without a query', async () => {
    api.on(ExecuteStatementCommand).resolves({ Id: 's' });
    api.on(DescribeStatementCommand).resolves({ Id: 's', Status: 'FINISHED', HasResultSet: true });
    api.on(GetStatementResultCommand).resolves({ ColumnMetadata: [{ name: 'slices', typeName: 'int8' }], Records: [[{ longValue: 4 }]] });
    assert.equal(await warehouse('redshift-data:cluster/c/d').slices(), 4);
    assert.match(api.commandCalls(ExecuteStatementCommand)[0].args[0].input.Sql!, /FROM stv_slices/i);
    api.resetHistory();
    assert.equal(await warehouse('redshift-data:workgroup/wg/d').slices(), undefined);
    assert.equal(api.calls().length, 0);
  });
});

describe('redshift-data: statement limits, lock waits and the load lock', () => {
  const LIMITS = { lockTimeoutMs: 30_000, statementTimeoutMs: 3_600_000 };
  const LOCK_COLUMNS = ['schema_name', 'table_name', 'relation', 'holder_pid', 'holder_user', 'holder_since', 'holder_mode'].map((name) => ({
    name,
    typeName: name === 'relation' || name === 'holder_pid' ? 'int4' : 'varchar',
  }));

  function recordingLog() {
    const lines: Array<{ level: string; msg: string }> = [];
    const log = {
      info: (msg: string) => lines.push({ level: 'info', msg }),
      warn: (msg: string) => lines.push({ level: 'warn', msg }),
      error: (msg: string) => lines.push({ level: 'error', msg }),
      debug: () => undefined,
      progress: () => undefined,
      endProgress: () => undefined,
    };
    return { log, lines };
  }

  test('with limits, a batch starts with SET statement_timeout, which error numbering leaves out', async () => {
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'b' });
    api.on(DescribeStatementCommand).resolves({
      Id: 'b',
      Status: 'FAILED',
      Error: 'Query #3 failed with ERROR: permission denied for relation supplier_data',
      SubStatements: [
        { Id: 'b:1', Status: 'FINISHED', QueryString: 'SET statement_timeout TO 60000' },
        { Id: 'b:2', Status: 'FINISHED', QueryString: 'DELETE FROM t' },
        { Id: 'b:3', Status: 'FAILED', Error: 'ERROR: permission denied for relation supplier_data', QueryString: 'INSERT INTO assignment.supplier_data SELECT 1' },
      ],
    });
    const w = warehouse('redshift-data:cluster/c/d', { limits: { lockTimeoutMs: 5_000, statementTimeoutMs: 60_000 } });
    const e = await userError(w.transaction(['DELETE FROM t', 'INSERT INTO assignment.supplier_data SELECT 1']));
    assert.match(e.message, /^statement 2 of 2 failed: ERROR: permission denied for relation supplier_data — INSERT INTO assignment\.supplier_data/);
    assert.deepEqual(api.commandCalls(BatchExecuteStatementCommand)[0].args[0].input.Sqls, [
      'SET statement_timeout TO 60000',
      'DELETE FROM t',
      'INSERT INTO assignment.supplier_data SELECT 1',
    ]);
  });

  test('a statement waiting for a lock: one line at 10 s naming the table and the holder from SVV_TRANSACTIONS; cancelled past the lock timeout', async () => {
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'pub' });
    api.on(DescribeStatementCommand, { Id: 'pub' }).resolves({ Id: 'pub', Status: 'STARTED', RedshiftPid: 1111 });
    api.on(ExecuteStatementCommand).resolves({ Id: 'locks' });
    api.on(DescribeStatementCommand, { Id: 'locks' }).resolves({ Id: 'locks', Status: 'FINISHED', HasResultSet: true });
    api.on(GetStatementResultCommand, { Id: 'locks' }).resolves({
      ColumnMetadata: LOCK_COLUMNS,
      Records: [[
        { stringValue: 'assignment' }, { stringValue: 'supplier_stage' }, { longValue: 100123 },
        { longValue: 2222 }, { stringValue: 'analyst' }, { stringValue: '2026-11-25 01:02:03' }, { stringValue: 'AccessShareLock' },
      ]],
    });
    api.on(CancelStatementCommand).resolves({ Status: true });
    const { log, lines } = recordingLog();
    const w = warehouse('redshift-data:cluster/c/d', { limits: LIMITS, log });
    const start = clock.t;
    const e = await userError(w.transaction(['LOCK assignment.supplier_data, assignment.load_audit, assignment.supplier_stage', 'SELECT 1']));
    assert.ok(e instanceof LoadError);
    assert.match(
      e.oneLine(),
      /^LoadError: gave up waiting 30 s for a lock on assignment\.supplier_stage held by pid 2222 \(user analyst, since 2026-11-25 01:02:03 UTC\): statement pub was cancelled \(LOCK assignment\.supplier_data.*\) — end that session's transaction \(SELECT pg_terminate_backend\(2222\)\) or raise --lock-timeout/,
    );
    assert.deepEqual(api.commandCalls(CancelStatementCommand).map((c) => c.args[0].input), [{ Id: 'pub' }]);
    const waited = clock.t - start;
    assert.ok(waited >= 30_000 && waited < 36_000, `cancelled ${waited} ms after submitting, not at the 1 h statement deadline`);
    assert.deepEqual(lines.filter((l) => l.level === 'warn').length, 1, 'one line');
    assert.match(lines[0].msg, /^waiting 1\d(\.\d)? s for a lock on assignment\.supplier_stage: LOCK assignment\.supplier_data.* — blocked by pid 2222 \(user analyst, since 2026-11-25 01:02:03 UTC\) \(gives up after 30 s\)$/);
    const looks = api.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql!);
    assert.ok(looks.length >= 2 && looks.length <= 6, `looked every 5 s from 10 s on (${looks.length})`);
    assert.match(looks[0], /FROM svv_transactions w LEFT JOIN svv_transactions h ON h\.relation = w\.relation AND h\.granted AND h\.pid <> w\.pid .*WHERE w\.pid = 1111 AND NOT w\.granted/);
  });

  test('the statement deadline names the lock it was waiting for, even when the holder is not visible to the ETL user', async () => {
    api.on(ExecuteStatementCommand, { StatementName: 'redshift-loader' }).callsFake((input: { Sql?: string }) => ({ Id: /svv_transactions/.test(input.Sql ?? '') ? 'locks' : 'trunc' }));
    api.on(DescribeStatementCommand, { Id: 'trunc' }).resolves({ Id: 'trunc', Status: 'STARTED', RedshiftPid: 1111 });
    api.on(DescribeStatementCommand, { Id: 'locks' }).resolves({ Id: 'locks', Status: 'FINISHED', HasResultSet: true });
    api.on(GetStatementResultCommand, { Id: 'locks' }).resolves({
      ColumnMetadata: LOCK_COLUMNS,
      Records: [[{ stringValue: 'assignment' }, { stringValue: 'supplier_stage' }, { longValue: 100123 }, { isNull: true }, { isNull: true }, { isNull: true }, { isNull: true }]],
    });
    api.on(CancelStatementCommand).resolves({ Status: true });
    const w = warehouse('redshift-data:cluster/c/d', { limits: { lockTimeoutMs: 300_000, statementTimeoutMs: 20_000 } });
    const start = clock.t;
    const e = await userError(w.query('TRUNCATE assignment.supplier_stage'));
    assert.match(
      e.oneLine(),
      /^LoadError: timed out after 20 s, waiting for a lock on assignment\.supplier_stage held by a session this user cannot see \(ALTER USER … SYSLOG ACCESS UNRESTRICTED shows it\): statement trunc was cancelled/,
    );
    assert.equal(clock.t - start, 20_000, 'the polling deadline is the statement timeout');
    assert.deepEqual(api.commandCalls(CancelStatementCommand).map((c) => c.args[0].input), [{ Id: 'trunc' }]);
  });

  test('the load lock is a ledger row: claimed in one batch (LOCK, clear an expired lease, INSERT … WHERE NOT EXISTS), released by DELETE', async () => {
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'claim' });
    api.on(DescribeStatementCommand, { Id: 'claim' }).resolves({ Id: 'claim', Status: 'FINISHED' });
    api.on(ExecuteStatementCommand).resolves({ Id: 'q' });
    api.on(DescribeStatementCommand, { Id: 'q' }).resolves({ Id: 'q', Status: 'FINISHED', HasResultSet: true });
    const holderColumns = ['run_id', 'batch_date', 'claimed_at', 'lease_until'].map((name) => ({ name, typeName: 'varchar' }));
    api.on(GetStatementResultCommand, { Id: 'q' }).resolves({
      ColumnMetadata: holderColumns,
      Records: [[{ stringValue: 'run-1' }, { stringValue: '2026-01-02' }, { stringValue: '2026-01-02 03:00:00' }, { stringValue: '2026-01-02 07:10:00' }]],
    });
    const w = warehouse('redshift-data:cluster/c/d', { limits: { lockTimeoutMs: 300_000, statementTimeoutMs: 3_600_000 } });
    const lock = await w.acquireLoadLock({ dataset: 'supplier', schema: 'assignment', batchDate: '2026-01-02', runId: 'run-1', timeoutMs: 300_000 });
    const sqls = api.commandCalls(BatchExecuteStatementCommand)[0].args[0].input.Sqls!;
    assert.equal(sqls[0], 'SET statement_timeout TO 3600000');
    assert.equal(sqls[1], 'LOCK assignment.load_lock');
    assert.match(sqls[2], /^DELETE FROM assignment\.load_lock WHERE dataset = 'supplier' AND \(lease_until < CAST\('\d{4}-\d\d-\d\d [0-9:.]+' AS TIMESTAMP\) OR run_id = 'run-1'\)$/);
    assert.match(sqls[3], /^INSERT INTO assignment\.load_lock \(dataset, run_id, batch_date, claimed_at, lease_until\)\nSELECT 'supplier', 'run-1', CAST\('2026-01-02' AS DATE\), .*\nWHERE NOT EXISTS \(SELECT 1 FROM assignment\.load_lock WHERE dataset = 'supplier'\)$/);
    // The lease: the run's clock + 4 statement timeouts + 10 min (no CURRENT_TIMESTAMP on Redshift).
    const [, claimed, lease] = /SELECT .*, CAST\('([^']+)' AS TIMESTAMP\), CAST\('([^']+)' AS TIMESTAMP\)/.exec(sqls[3])!;
    assert.equal(Date.parse(`${lease.replace(' ', 'T')}Z`) - Date.parse(`${claimed.replace(' ', 'T')}Z`), 4 * 3_600_000 + 600_000);
    await lock.release();
    assert.equal(api.commandCalls(ExecuteStatementCommand).at(-1)!.args[0].input.Sql, "DELETE FROM assignment.load_lock WHERE dataset = 'supplier' AND run_id = 'run-1'");
  });

  test('the load lock held by another run: polls until the lock timeout, then LoadError naming its run id and lease', async () => {
    api.on(BatchExecuteStatementCommand).resolves({ Id: 'claim' });
    api.on(DescribeStatementCommand, { Id: 'claim' }).resolves({ Id: 'claim', Status: 'FINISHED' });
    api.on(ExecuteStatementCommand).resolves({ Id: 'q' });
    api.on(DescribeStatementCommand, { Id: 'q' }).resolves({ Id: 'q', Status: 'FINISHED', HasResultSet: true });
    api.on(GetStatementResultCommand, { Id: 'q' }).resolves({
      ColumnMetadata: ['run_id', 'batch_date', 'claimed_at', 'lease_until'].map((name) => ({ name, typeName: 'varchar' })),
      Records: [[{ stringValue: 'other-run' }, { stringValue: '2026-01-01' }, { stringValue: '2026-01-02 03:00:00' }, { stringValue: '2026-01-02 07:10:00' }]],
    });
    const { log, lines } = recordingLog();
    const w = warehouse('redshift-data:cluster/c/d', { limits: { lockTimeoutMs: 12_000, statementTimeoutMs: 3_600_000 } });
    const start = clock.t;
    const e = await userError(w.acquireLoadLock({ dataset: 'supplier', schema: 'assignment', batchDate: '2026-01-02', runId: 'run-2', timeoutMs: 12_000, log }));
    assert.ok(e instanceof LoadError);
    assert.equal(
      e.oneLine(),
      'LoadError: another run of supplier 2026-01-01 (run id other-run, lease until 2026-01-02 07:10:00 UTC) is loading into redshift-data:cluster/c/d; gave up after waiting 12 s — let it finish, then rerun this batch (or raise --lock-timeout to wait longer)',
    );
    assert.ok(clock.t - start >= 12_000 && clock.t - start < 15_000);
    assert.ok(api.commandCalls(BatchExecuteStatementCommand).length >= 5, 'claimed again every 2 s');
    assert.match(lines.find((l) => l.level === 'warn')?.msg ?? '', /^waiting 1[0-2](\.\d)? s for the load lock of supplier: held by a session \(run id other-run, since 2026-01-02 03:00:00, lease until/);
  });
});
