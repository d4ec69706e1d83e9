/**
 * The warehouse adapter registry (jobs/warehouse/adapter.ts, index.ts): every URI form goes to exactly
 * one adapter, the one meant for it; a URI no adapter takes is a ConfigError listing every adapter's
 * examples (exit 2 through the CLI, before any work); and a run on PGlite or PostgreSQL never loads the
 * AWS SDK, which only the Redshift adapters import, on open.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import { checkWarehouseUri, openWarehouse, SUPPORTED_WAREHOUSES, WAREHOUSE_ADAPTERS, warehouseAdapterFor } from '../../jobs/warehouse/index.ts';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';

const RECORD = new URL('../support/record-modules.mjs', import.meta.url).href;

const FORMS: Array<[uri: string, adapter: string]> = [
  ['pglite', 'pglite'],
  ['pglite:.local/warehouse', 'pglite'],
  ['pglite:memory', 'pglite'],
  ['postgres://u@h:5432/db', 'postgres'],
  ['postgresql://u@localhost/db?host=/var/run/postgresql', 'postgres'],
  ['redshift://dev.abc123.us-east-1.redshift.amazonaws.com:5439/dev?secret=arn', 'redshift-pg'],
  ['REDSHIFT://h/dev?secret=s', 'redshift-pg'],
  ['postgres://h:5439/dev?dialect=redshift&secret=s', 'redshift-pg'],
  ['postgresql://h:5439/dev?secret=s&dialect=redshift', 'redshift-pg'],
  ['redshift-data:cluster/dev-rs/loads', 'redshift-data'],
  ['redshift-data:workgroup/wg/loads?secret=arn', 'redshift-data'],
];

describe('warehouse adapters: which URI goes where', () => {
  test('each URI form is taken by exactly one adapter, the right one', () => {
    for (const [uri, name] of FORMS) {
      const takers = WAREHOUSE_ADAPTERS.filter((a) => a.accepts(uri)).map((a) => a.name);
      assert.deepEqual(takers, [name], uri);
      assert.equal(warehouseAdapterFor(` ${uri} `).name, name, uri);
    }
  });

  test('the supported list is every adapter\'s examples; each example is taken by its own adapter', () => {
    assert.equal(SUPPORTED_WAREHOUSES, WAREHOUSE_ADAPTERS.flatMap((a) => a.examples).join(', '));
    for (const a of WAREHOUSE_ADAPTERS) {
      assert.ok(a.examples.length > 0, a.name);
      for (const example of a.examples) assert.equal(warehouseAdapterFor(example.split(' ')[0]).name, a.name, example);
    }
    assert.deepEqual(
      Object.fromEntries(WAREHOUSE_ADAPTERS.map((a) => [a.name, a.capabilities.copyFrom])),
      { pglite: 'stdin', postgres: 'stdin', 'redshift-pg': 's3', 'redshift-data': 's3' },
    );
  });

  test('no adapter takes it: a ConfigError naming every example; a wrong URI of a known kind: its own check', () => {
    for (const uri of ['ftp://example.com/x', 'mysql://u:hunter2secret@host/db', '', 'redshiftdata:cluster/a/b', 'postgre://h/db']) {
      assert.throws(() => checkWarehouseUri(uri), (e: unknown) => {
        assert.ok(e instanceof ConfigError, uri);
        for (const a of WAREHOUSE_ADAPTERS) for (const example of a.examples) assert.ok(e.oneLine().includes(example), `${uri}: ${example}`);
        assert.ok(!e.oneLine().includes('hunter2secret'));
        return true;
      });
    }
    assert.throws(() => checkWarehouseUri('pglite://x'), /bad warehouse URI pglite:\/\/x/);
    assert.throws(() => checkWarehouseUri('postgres://h:99999/db'), /port 99999 is out of range/);
    assert.throws(() => checkWarehouseUri('redshift://h:0/db'), /port 0 is out of range|bad warehouse URI/);
    assert.throws(() => checkWarehouseUri('redshift-data:cluster/only-an-id'), /bad warehouse URI redshift-data:cluster\/only-an-id/);
    assert.throws(() => checkWarehouseUri('redshift-data:workgroup/wg/db?user=u'), /\?user= is for provisioned clusters/);
    checkWarehouseUri('redshift-data:cluster/dev-rs/loads?user=etl');
  });

  test("an opened local warehouse speaks its adapter's declared dialect", async () => {
    const wh = await openWarehouse('pglite:memory');
    try {
      assert.equal(wh.dialect, warehouseAdapterFor('pglite:memory').capabilities.dialect);
    } finally {
      await wh.close();
    }
  });
});

const LINES = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, 5).map((l) => `${l}\n`);

for (const engine of ENGINES) {
  describe(`warehouse adapters through the CLI, on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'adapters');

    function args(date: string, warehouse: string): string[] {
      const dir = join(fx.dir, 'landing', date.replaceAll('-', ''));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'a.tbl'), LINES.join(''));
      return ['run', '--dataset', 'supplier', '--date', date, '--source', dir, '--staging', join(fx.dir, 'staging'),
        '--reports', join(fx.dir, 'reports'), '--warehouse', warehouse, '--json'];
    }

    test('a run loads no AWS SDK module: the Redshift adapters are imported only when opened', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const record = join(fx.dir, 'modules.txt');
      const r = await runCli(args('2026-09-01', fx.warehouse), { cwd: fx.dir, env: { NODE_OPTIONS: `--import ${RECORD}`, RL_TEST_RECORD_MODULES: record } });
      assert.equal(r.code, 0, r.stderr);
      const loaded = readFileSync(record, 'utf8').split('\n');
      assert.ok(loaded.some((u) => u.includes('/jobs/warehouse/index.ts')), 'the hook saw the warehouse registry load');
      assert.ok(!loaded.some((u) => u.includes('/jobs/warehouse/redshift-') && !u.endsWith('-adapter.ts')), 'no Redshift adapter module');
      assert.deepEqual(loaded.filter((u) => u.includes('@aws-sdk/') || u.includes('@smithy/')), [], 'no AWS SDK module');
    });

    test('an unknown warehouse is exit 2 before any work, one line listing every form', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(args('2026-09-02', 'mysql://u:hunter2secret@db/x'), { cwd: fx.dir });
      assert.equal(r.code, 2, r.stderr);
      const human = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
      const text = human.length ? human.join('\n') : r.stderr;
      assert.match(text, /unsupported warehouse mysql:\/\/u:\*\*\*@db\/x/);
      for (const a of WAREHOUSE_ADAPTERS) for (const example of a.examples) assert.ok(text.includes(example), example);
      assert.ok(!r.stderr.includes('hunter2secret'));
      assert.ok(!r.stderr.includes('    at '), 'no stack trace');
      assert.equal(existsSync(join(fx.dir, 'staging', 'supplier', 'batch=2026-09-02')), false, 'nothing staged');
    });
  });
}
