/**
 * openWarehouse: which URIs open which adapter, what comes back from a query (text for exact types),
 * and that a password never shows — not in `name`, not in any error.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import pg from 'pg';
import { ConfigError, LoadError } from '../../core/errors.ts';
import { openWarehouse, SUPPORTED_WAREHOUSES } from '../../jobs/warehouse/index.ts';
import { describeTarget } from '../../jobs/warehouse/postgres.ts';
import { redactUri } from '../../jobs/warehouse/redact.ts';
import type { Warehouse } from '../../jobs/warehouse/warehouse.ts';
import { freshDatabase, requirePostgres } from '../support/services.ts';
import { pgliteDataDir } from '../sql/support/engines.ts';

const EXACT = `SELECT CAST(9223372036854775807 AS BIGINT) AS b, CAST('12345678901234567890.123' AS DECIMAL(38,3)) AS n,
  CAST('2024-02-29' AS DATE) AS d, CAST('2024-01-01 00:00:00.123456' AS TIMESTAMP) AS ts, 7 AS i, 'x' AS s, NULL AS z`;

async function exactTypes(wh: Warehouse): Promise<void> {
  assert.deepEqual(await wh.query(EXACT), [
    { b: '9223372036854775807', n: '12345678901234567890.123', d: '2024-02-29', ts: '2024-01-01 00:00:00.123456', i: 7, s: 'x', z: null },
  ]);
}

test('unsupported schemes are a ConfigError that lists what is supported, without secrets', async () => {
  await assert.rejects(openWarehouse('pglite://.local/x'), ConfigError);
  for (const uri of ['ftp://example.com/x', 'mysql://u:hunter2secret@host/db', '', 'sqlite:///tmp/x.db']) {
    await assert.rejects(openWarehouse(uri), (e: ConfigError) => {
      assert.ok(e instanceof ConfigError, uri);
      assert.equal(e.exitCode, 2);
      assert.ok(e.hint?.includes(SUPPORTED_WAREHOUSES));
      assert.ok(!e.oneLine().includes('hunter2secret'), e.oneLine());
      return true;
    });
  }
});

test('redaction and targets of PostgreSQL URIs', () => {
  assert.equal(redactUri('postgres://u:pa%20ss@h:5433/db'), 'postgres://u:***@h:5433/db');
  assert.equal(redactUri('postgresql://u@h/db?password=x&sslmode=require'), 'postgresql://u@h/db?password=***&sslmode=require');
  assert.equal(describeTarget('postgres://u:p@db.example.com:5439/dev'), 'db.example.com:5439/dev');
  assert.equal(describeTarget('postgres://root@localhost/postgres?host=/var/run/postgresql'), '/var/run/postgresql (socket, port 5432)/postgres');
});

test('pglite:<dir> opens the embedded warehouse; numerics, bigints, dates and timestamps come back as text', async () => {
  const { dir, root } = await pgliteDataDir();
  const wh = await openWarehouse(`pglite:${dir}`);
  try {
    assert.equal(wh.name, `pglite:${dir}`);
    assert.equal(wh.dialect, 'postgres');
    assert.equal(await wh.slices(), undefined);
    await exactTypes(wh);
  } finally {
    await wh.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('postgres:// opens a PostgreSQL warehouse over the socket form; exact types come back as text', async (t) => {
  if (!(await requirePostgres(t))) return;
  const db = await freshDatabase('rl_open');
  const u = new URL(db.url);
  u.password = 'hunter2secret'; // trust auth on the socket ignores it; it must still never show
  const wh = await openWarehouse(u.toString());
  try {
    assert.equal(wh.dialect, 'postgres');
    assert.ok(!wh.name.includes('hunter2secret'), wh.name);
    assert.match(wh.name, /^postgres:\/\/root:\*\*\*@localhost\//);
    assert.equal(await wh.slices(), undefined);
    await exactTypes(wh);
    await assert.rejects(wh.query(`SELECT CAST('hunter2secret' AS INTEGER) AS x`), (e: LoadError) => {
      assert.ok(e instanceof LoadError);
      assert.ok(!e.message.includes('hunter2secret'), e.message);
      return true;
    });
  } finally {
    await wh.close();
    await db.drop();
  }
});

test('connection failures are a LoadError naming the host, never the password', async () => {
  await assert.rejects(openWarehouse('postgres://someone:hunter2secret@127.0.0.1:1/db'), (e: LoadError) => {
    assert.ok(e instanceof LoadError);
    assert.equal(e.exitCode, 5);
    assert.match(e.message, /^cannot connect to PostgreSQL at 127\.0\.0\.1:1\/db: /);
    assert.ok(!e.oneLine().includes('hunter2secret'));
    return true;
  });
});

test('a connection lost mid-run is a LoadError naming the host', async (t) => {
  if (!(await requirePostgres(t))) return;
  const db = await freshDatabase('rl_lost');
  const wh = await openWarehouse(db.url);
  try {
    const [me] = await wh.query('SELECT pg_backend_pid() AS pid');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [me.pid]);
    await admin.end();
    await assert.rejects(wh.query('SELECT 1 AS x'), (e: LoadError) => {
      assert.ok(e instanceof LoadError);
      assert.match(e.message, /PostgreSQL at \/var\/run\/postgresql \(socket, port 5432\)\/rl_lost_/);
      return true;
    });
  } finally {
    await wh.close();
    await db.drop();
  }
});

test('redshift:// and postgres://…?dialect=redshift go to the Redshift endpoint adapter, never the PostgreSQL translation', async (t) => {
  if (process.env.RL_SECRET_ARN) return t.skip('RL_SECRET_ARN is set: the adapter would fetch a real secret');
  // Without a secret the endpoint adapter refuses before any network call; the PostgreSQL adapter would have tried to connect.
  for (const uri of ['redshift://example.invalid:5439/dev', 'postgres://example.invalid:5439/dev?dialect=redshift']) {
    await assert.rejects(openWarehouse(uri), (e: ConfigError) => e instanceof ConfigError && /secret/i.test(e.oneLine()), uri);
  }
});

test('redshift-data: URIs open the Data API adapter (dialect redshift)', async () => {
  const wh = await openWarehouse('redshift-data:workgroup/wg/dev');
  try {
    assert.equal(wh.dialect, 'redshift');
  } finally {
    await wh.close();
  }
});
