import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetCrawlerCommand,
  GetTableVersionsCommand,
  GlueClient,
  StartCrawlerCommand,
  UpdateTableCommand,
  type TableInput,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { glueClient } from '../../core/aws/clients.ts';
import { ConfigError, LoadError } from '../../core/errors.ts';
import { GlueCatalog, glueCatalogFor, startCrawlerAndWait } from '../../crawler/glue-catalog.ts';
import { requireMoto } from '../support/services.ts';
import { TEST_CREDENTIALS, motoOptions, uniqueName, userError } from './moto.ts';

const supplierInput = (columns: Array<[string, string]>, location = 's3://dev-landing/supplier/'): TableInput => ({
  Name: 'supplier',
  StorageDescriptor: {
    Columns: columns.map(([Name, Type]) => ({ Name, Type })),
    Location: location,
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  },
  PartitionKeys: [{ Name: 'partition_0', Type: 'string' }],
  Parameters: { classification: 'parquet' },
});

describe('GlueCatalog against moto Glue', () => {
  let glue: GlueClient | undefined;
  const setup = async (t: TestContext): Promise<GlueClient | undefined> => {
    if (!(await requireMoto(t))) return undefined;
    glue ??= glueClient(motoOptions());
    return glue;
  };

  test('GetTable and GetTableVersions map into CatalogTable, newest first, canonical type names', async (t) => {
    const g = await setup(t);
    if (!g) return;
    const db = uniqueName('rl_glue').replace(/-/g, '_');
    await g.send(new CreateDatabaseCommand({ DatabaseInput: { Name: db } }));
    await g.send(new CreateTableCommand({ DatabaseName: db, TableInput: supplierInput([['s_suppkey', 'BIGINT'], ['s_name', 'string']]) }));
    await g.send(
      new UpdateTableCommand({
        DatabaseName: db,
        TableInput: supplierInput([['s_suppkey', 'bigint'], ['s_name', 'string'], ['s_acctbal', 'decimal(12, 2)']]),
      }),
    );
    await g.send(
      new UpdateTableCommand({
        DatabaseName: db,
        TableInput: supplierInput([['s_suppkey', 'bigint'], ['s_name', 'varchar(25)'], ['s_acctbal', 'double'], ['s_nationkey', 'INTEGER']]),
      }),
    );

    const catalog = new GlueCatalog({ database: db, client: g });
    assert.equal(catalog.name, `glue:${db}`);
    const latest = await catalog.getTable('supplier');
    assert.ok(latest);
    assert.equal(latest.versionId, '3');
    assert.equal(latest.database, db);
    assert.equal(latest.location, 's3://dev-landing/supplier/');
    assert.equal(latest.classification, 'parquet');
    assert.deepEqual(latest.columns, [
      { name: 's_suppkey', type: 'bigint' },
      { name: 's_name', type: 'varchar(25)' },
      { name: 's_acctbal', type: 'double' },
      { name: 's_nationkey', type: 'int' },
    ]);
    assert.deepEqual(latest.partitionKeys, [{ name: 'partition_0', type: 'string' }]);
    assert.ok(!Number.isNaN(Date.parse(latest.updatedAt)));

    const versions = await catalog.getTableVersions('supplier');
    assert.deepEqual(versions.map((v) => v.versionId), ['3', '2', '1'], 'moto keeps every version; newest first');
    assert.deepEqual(versions[1].columns.map((c) => `${c.name} ${c.type}`), ['s_suppkey bigint', 's_name string', 's_acctbal decimal(12,2)']);
    assert.deepEqual(versions[2].columns.map((c) => c.type), ['bigint', 'string']);
  });

  test('a missing table is undefined / no versions; a missing database is a ConfigError', async (t) => {
    const g = await setup(t);
    if (!g) return;
    const db = uniqueName('rl_glue').replace(/-/g, '_');
    await g.send(new CreateDatabaseCommand({ DatabaseInput: { Name: db } }));
    const catalog = glueCatalogFor(`glue:${db}`, { client: g });
    assert.equal(await catalog.getTable('supplier'), undefined);
    assert.deepEqual(await catalog.getTableVersions('supplier'), []);

    const missing = new GlueCatalog({ database: `${db}_nope`, client: g });
    for (const call of [() => missing.getTable('supplier'), () => missing.getTableVersions('supplier')]) {
      const e = await userError(call());
      assert.ok(e instanceof ConfigError);
      assert.match(e.oneLine(), new RegExp(`^ConfigError: Glue database ${db}_nope does not exist — check --catalog glue:<database>`));
    }
  });

  test('nested types pass through for drift to report; strictTypes refuses them naming the column', async (t) => {
    const g = await setup(t);
    if (!g) return;
    const db = uniqueName('rl_glue').replace(/-/g, '_');
    await g.send(new CreateDatabaseCommand({ DatabaseInput: { Name: db } }));
    await g.send(
      new CreateTableCommand({
        DatabaseName: db,
        TableInput: supplierInput([['s_suppkey', 'bigint'], ['s_tags', 'array<string>'], ['s_addr', 'struct<street:string,zip:int>']]),
      }),
    );
    const lenient = new GlueCatalog({ database: db, client: g });
    assert.deepEqual((await lenient.getTable('supplier'))!.columns.map((c) => c.type), ['bigint', 'array<string>', 'struct<street:string,zip:int>']);

    const strict = new GlueCatalog({ database: db, client: g, strictTypes: true });
    const e = await userError(strict.getTable('supplier'));
    assert.ok(e instanceof ConfigError);
    assert.match(e.oneLine(), new RegExp(`^ConfigError: Glue table ${db}\\.supplier: column s_tags has type array<string>, which the loader cannot map — flatten nested columns`));
  });

  test('bad catalog URIs', () => {
    assert.throws(() => glueCatalogFor('glue:Bad-Name', { client: new GlueClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS }) }), ConfigError);
  });
});

describe('GlueCatalog paging and the crawler wait (aws-sdk-client-mock)', () => {
  // moto ignores MaxResults (one page) and its crawlers never crawl, so these run against a mock.
  const client = new GlueClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
  const api = mockClient(client);

  function fakeClock(start = Date.parse('2024-05-01T02:00:00Z')) {
    const c = { t: start, sleeps: [] as number[], now: () => c.t, sleep: (ms: number): Promise<void> => (c.sleeps.push(ms), (c.t += ms), Promise.resolve()) };
    return c;
  }
  const version = (v: string, cols: number) => ({
    VersionId: v,
    Table: { Name: 'supplier', DatabaseName: 'landing', VersionId: v, StorageDescriptor: { Columns: Array.from({ length: cols }, (_, i) => ({ Name: `c${i}`, Type: 'int' })) } },
  });

  test('GetTableVersions follows NextToken across pages', async () => {
    api.reset();
    api
      .on(GetTableVersionsCommand, { NextToken: undefined })
      .resolves({ TableVersions: [version('5', 5), version('4', 4)], NextToken: 'p2' })
      .on(GetTableVersionsCommand, { NextToken: 'p2' })
      .resolves({ TableVersions: [version('3', 3), version('2', 2)], NextToken: 'p3' })
      .on(GetTableVersionsCommand, { NextToken: 'p3' })
      .resolves({ TableVersions: [version('1', 1)] });
    const versions = await new GlueCatalog({ database: 'landing', client }).getTableVersions('supplier');
    assert.deepEqual(versions.map((v) => [v.versionId, v.columns.length]), [['5', 5], ['4', 4], ['3', 3], ['2', 2], ['1', 1]]);
    assert.equal(api.commandCalls(GetTableVersionsCommand).length, 3);
  });

  test('start, poll until READY, SUCCEEDED', async () => {
    api.reset();
    const clock = fakeClock();
    api.on(StartCrawlerCommand).resolves({});
    api
      .on(GetCrawlerCommand)
      .resolvesOnce({ Crawler: { Name: 'c', State: 'READY', LastCrawl: { Status: 'FAILED', StartTime: new Date(clock.t - 86_400_000) } } })
      .resolvesOnce({ Crawler: { Name: 'c', State: 'RUNNING', LastCrawl: { Status: 'FAILED', StartTime: new Date(clock.t - 86_400_000) } } })
      .resolvesOnce({ Crawler: { Name: 'c', State: 'STOPPING', LastCrawl: { Status: 'SUCCEEDED', StartTime: new Date(clock.t) } } })
      .resolves({ Crawler: { Name: 'c', State: 'READY', LastCrawl: { Status: 'SUCCEEDED', StartTime: new Date(clock.t) } } });
    const r = await startCrawlerAndWait('c', { client, clock, pollMs: 10_000 });
    assert.equal(r.status, 'SUCCEEDED');
    assert.equal(r.joinedRunning, false);
    assert.equal(r.waitedMs, 30_000, 'the stale READY (yesterday\'s failed crawl) was not taken as done');
    assert.deepEqual(api.commandCalls(StartCrawlerCommand).map((c) => c.args[0].input), [{ Name: 'c' }]);
  });

  test('a crawl already running is waited for; a FAILED crawl is a LoadError with Glue\'s message', async () => {
    api.reset();
    const clock = fakeClock();
    api.on(StartCrawlerCommand).rejects(Object.assign(new Error('Crawler with name c has already started'), { name: 'CrawlerRunningException' }));
    api
      .on(GetCrawlerCommand)
      .resolvesOnce({ Crawler: { Name: 'c', State: 'RUNNING' } })
      .resolves({
        Crawler: {
          Name: 'c',
          State: 'READY',
          LastCrawl: { Status: 'FAILED', ErrorMessage: 'Insufficient Lake Formation permission(s) on s3://dev-landing', LogGroup: '/aws-glue/crawlers', LogStream: 'c' },
        },
      });
    const e = await userError(new GlueCatalog({ database: 'landing', client }).startCrawlerAndWait('c', { clock, pollMs: 5_000 }));
    assert.ok(e instanceof LoadError);
    assert.equal(
      e.oneLine(),
      'LoadError: Glue crawler c failed: Insufficient Lake Formation permission(s) on s3://dev-landing — see CloudWatch /aws-glue/crawlers/c',
    );
  });

  test('CANCELLED is an error; past the deadline is an error naming the state; a missing crawler is a ConfigError', async () => {
    api.reset();
    api.on(StartCrawlerCommand).resolves({});
    api.on(GetCrawlerCommand).resolvesOnce({ Crawler: { State: 'RUNNING' } }).resolves({ Crawler: { State: 'READY', LastCrawl: { Status: 'CANCELLED' } } });
    await assert.rejects(startCrawlerAndWait('c', { client, clock: fakeClock(), pollMs: 1 }), /Glue crawler c was cancelled/);

    api.reset();
    const clock = fakeClock();
    api.on(StartCrawlerCommand).resolves({});
    api.on(GetCrawlerCommand).resolves({ Crawler: { State: 'RUNNING' } });
    const e = await userError(startCrawlerAndWait('c', { client, clock, timeoutMs: 60_000, pollMs: 25_000 }));
    assert.match(e.message, /^Glue crawler c did not finish within 60 s \(state RUNNING\)/);
    assert.deepEqual(clock.sleeps, [25_000, 25_000, 10_000]);

    api.reset();
    api.on(StartCrawlerCommand).rejects(Object.assign(new Error('Crawler entry with name x does not exist'), { name: 'EntityNotFoundException' }));
    const m = await userError(startCrawlerAndWait('x', { client, clock: fakeClock() }));
    assert.ok(m instanceof ConfigError);
    assert.equal(m.message, 'Glue crawler x does not exist');
  });
});
