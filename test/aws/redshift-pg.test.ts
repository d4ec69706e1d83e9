/**
 * The Redshift wire adapter's secret-fetch and connection path, on real components: the credentials
 * come from moto's Secrets Manager and authenticate (SCRAM, over TCP) against the local PostgreSQL.
 * The password must never show up in a name, an error, a log line, JSON or util.inspect.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import { inspect } from 'node:util';
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { secretsClient } from '../../core/aws/clients.ts';
import { getDbCredentials, parseDbSecret } from '../../core/aws/secrets.ts';
import { ConfigError, LoadError, UserError } from '../../core/errors.ts';
import { RedshiftPgWarehouse, isRedshiftPgUri, parseRedshiftPgUri } from '../../jobs/warehouse/redshift-pg.ts';
import { loadLockDdl } from '../../sql/load-lock.ts';
import { toLocalDialect } from '../../sql/local.ts';
import { freshDatabase, pgUrl, requireMoto, requirePostgres } from '../support/services.ts';
import { TEST_CREDENTIALS, motoOptions, uniqueName, userError } from './moto.ts';

const PASSWORD = `Pa:ss@w/rd+%ü-${Math.random().toString(36).slice(2, 10)}`;
const ROLE = `rl_rspg_${process.pid}_${Math.random().toString(36).slice(2, 6)}`;

/** Everything console.* printed while `f` ran. */
async function captureConsole<T>(f: () => Promise<T>): Promise<{ result?: T; error?: unknown; output: string }> {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => Object.getOwnPropertyDescriptor(console, m)!);
  for (const m of methods) console[m] = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  try {
    return { result: await f(), output: lines.join('\n') };
  } catch (error) {
    return { error, output: lines.join('\n') };
  } finally {
    methods.forEach((m, i) => Object.defineProperty(console, m, saved[i]));
  }
}

describe('redshift:// URIs', () => {
  test('host, port, database and secret; postgres://…?dialect=redshift alike', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:redshift!dev-admin-AbCdEf';
    assert.deepEqual(parseRedshiftPgUri(`redshift://dev.abc.us-east-1.redshift.amazonaws.com:5439/loads?secret=${arn}`, {}), {
      host: 'dev.abc.us-east-1.redshift.amazonaws.com',
      port: 5439,
      database: 'loads',
      secretId: arn,
    });
    assert.deepEqual(parseRedshiftPgUri('postgres://h:5439/db?dialect=redshift&secret=prod/rs+admin', {}), {
      host: 'h',
      port: 5439,
      database: 'db',
      secretId: 'prod/rs+admin',
    });
    assert.deepEqual(parseRedshiftPgUri('redshift:///', { RL_SECRET_ARN: arn }), { secretId: arn }, 'all from the secret');
    assert.equal(isRedshiftPgUri('postgres://h/db'), false);
    assert.equal(isRedshiftPgUri('postgresql://h/db?dialect=redshift'), true);
  });

  test('a password in the URI, no secret, or sslmode=disable are ConfigErrors (the password is not echoed)', () => {
    const e = (() => {
      try {
        parseRedshiftPgUri('redshift://admin:hunter22@h/db?secret=x', {});
      } catch (err) {
        return err as UserError;
      }
    })();
    assert.ok(e instanceof ConfigError);
    assert.ok(!e.oneLine().includes('hunter22'), e.oneLine());
    assert.throws(() => parseRedshiftPgUri('redshift://h/db', {}), /no secret for the Redshift credentials/);
    assert.throws(() => parseRedshiftPgUri('redshift://h/db?secret=x&sslmode=disable', {}), /TLS is required/);
  });
});

describe('RedshiftPgWarehouse: secret from moto, connection to the local PostgreSQL', () => {
  let sm: SecretsManagerClient;
  let db: { url: string; drop: () => Promise<void> } | undefined;
  let dbName: string;
  let roleMade = false;
  let ready: Promise<void> | undefined;

  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: pgUrl() });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  /** Both services, a login role with a password and a database it owns; false when skipped. */
  const setup = async (t: TestContext): Promise<boolean> => {
    if (!(await requireMoto(t)) || !(await requirePostgres(t))) return false;
    ready ??= (async () => {
      sm = secretsClient(motoOptions());
      await admin(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
      roleMade = true;
      db = await freshDatabase('rl_rspg');
      dbName = new URL(db.url).pathname.slice(1);
      await admin(`ALTER DATABASE ${dbName} OWNER TO ${ROLE}`);
    })();
    await ready;
    return true;
  };

  after(async () => {
    await db?.drop();
    if (roleMade) await admin(`DROP ROLE IF EXISTS ${ROLE}`);
  });

  const secret = async (body: Record<string, unknown> | string): Promise<string> => {
    const res = await sm.send(
      new CreateSecretCommand({ Name: uniqueName('rl/redshift+admin'), SecretString: typeof body === 'string' ? body : JSON.stringify(body) }),
    );
    return res.ARN!;
  };
  const open = (uri: string) => RedshiftPgWarehouse.open(uri, { secretsClient: sm, insecureForTests: true, env: {} });

  test('the secret’s credentials authenticate; statements run; the password is nowhere to be seen', async (t) => {
    if (!(await setup(t))) return;
    const arn = await secret({ username: ROLE, password: PASSWORD, host: '127.0.0.1', port: 5432, dbname: dbName, engine: 'redshift' });
    const { result: wh, output, error } = await captureConsole(() => open(`redshift:///?secret=${encodeURIComponent(arn)}`));
    assert.equal(error, undefined, String(error));
    assert.ok(wh);
    try {
      assert.equal(wh.dialect, 'redshift');
      assert.equal(wh.name, `redshift://127.0.0.1:5432/${dbName}`);
      const [who] = await wh.query('SELECT current_user AS u, current_database() AS d');
      assert.deepEqual(who, { u: ROLE, d: dbName });
      await wh.transaction(['CREATE TABLE t (id BIGINT, v VARCHAR(10))', "INSERT INTO t VALUES (1, 'a'), (2, NULL)"]);
      assert.deepEqual(await wh.query('SELECT COUNT(*) AS n FROM t'), [{ n: '2' }], 'BIGINT as text, as the port promises');

      // A server error that quotes the password: redacted before it reaches anyone.
      const e = await userError(wh.query(`SELECT CAST('${PASSWORD.replace(/'/g, "''")}' AS INTEGER)`));
      assert.ok(e instanceof LoadError);
      assert.ok(!e.oneLine().includes(PASSWORD), e.oneLine());
      assert.match(e.oneLine(), /invalid input syntax for type integer/);

      for (const text of [wh.name, JSON.stringify(wh), inspect(wh, { depth: 5, showHidden: true }), output]) {
        assert.ok(!text.includes(PASSWORD) && !text.includes(encodeURIComponent(PASSWORD)), text);
      }
    } finally {
      await wh.close();
    }
  });

  test('statement_timeout is set for the session; the load lock is the ledger row: a second session waits, then names the holder', async (t) => {
    if (!(await setup(t))) return;
    const arn = await secret({ username: ROLE, password: PASSWORD, host: '127.0.0.1', port: 5432, dbname: dbName });
    const uri = `redshift:///?secret=${encodeURIComponent(arn)}`;
    const a = await RedshiftPgWarehouse.open(uri, { secretsClient: sm, insecureForTests: true, env: {}, limits: { lockTimeoutMs: 1000, statementTimeoutMs: 90_000 } });
    const b = await open(uri);
    try {
      assert.deepEqual(await a.query('SHOW statement_timeout'), [{ statement_timeout: '90s' }]);
      assert.deepEqual(await b.query('SHOW statement_timeout'), [{ statement_timeout: '1h' }], 'the default: 3600 s');
      await a.query('CREATE SCHEMA IF NOT EXISTS assignment');
      await a.query(toLocalDialect(loadLockDdl({ schema: 'assignment' })));
      const claim = { dataset: 'supplier', schema: 'assignment', batchDate: '2026-01-02', timeoutMs: 1000 };
      const held = await a.acquireLoadLock({ ...claim, runId: 'run-a' });
      const e = await userError(b.acquireLoadLock({ ...claim, runId: 'run-b' }));
      assert.ok(e instanceof LoadError);
      assert.match(e.oneLine(), /^LoadError: another run of supplier 2026-01-02 \(run id run-a, lease until [0-9 :.-]+ UTC\) is loading into redshift:\/\/127\.0\.0\.1:5432\/\S+; gave up after waiting 1 s/);
      await held.release();
      const mine = await b.acquireLoadLock({ ...claim, runId: 'run-b' });
      assert.deepEqual(await a.query('SELECT run_id FROM assignment.load_lock'), [{ run_id: 'run-b' }]);
      await mine.release();
      assert.deepEqual(await a.query('SELECT run_id FROM assignment.load_lock'), []);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('the URI’s host and database win over the secret’s; the secret fills in the rest', async (t) => {
    if (!(await setup(t))) return;
    const arn = await secret({ username: ROLE, password: PASSWORD, host: 'nowhere.invalid', dbname: 'nope' });
    const wh = await open(`redshift://127.0.0.1:5432/${dbName}?secret=${encodeURIComponent(arn)}`);
    try {
      assert.deepEqual(await wh.query('SELECT current_database() AS d'), [{ d: dbName }]);
    } finally {
      await wh.close();
    }
  });

  test('a wrong password fails to connect with one line that names the endpoint, not the password', async (t) => {
    if (!(await setup(t))) return;
    const wrong = `${PASSWORD}-wrong`;
    const arn = await secret({ username: ROLE, password: wrong, host: '127.0.0.1', port: 5432, dbname: dbName });
    const { error, output } = await captureConsole(() => open(`redshift:///?secret=${arn}`));
    assert.ok(error instanceof LoadError, String(error));
    const line = error.oneLine();
    assert.match(line, new RegExp(`^LoadError: cannot connect to Redshift at 127\\.0\\.0\\.1:5432/${dbName}: password authentication failed for user "${ROLE}"`));
    assert.match(line, /credentials in secret arn:aws:secretsmanager:/);
    for (const text of [line, error.stack ?? '', output]) assert.ok(!text.includes(wrong) && !text.includes(PASSWORD), text);
  });

  test('TLS is required unless a test turns it off', async (t) => {
    if (!(await setup(t))) return;
    const arn = await secret({ username: ROLE, password: PASSWORD, host: '127.0.0.1', port: 5432, dbname: dbName });
    const e = await userError(RedshiftPgWarehouse.open(`redshift:///?secret=${arn}`, { secretsClient: sm, env: {} }));
    assert.ok(e instanceof LoadError);
    assert.match(e.oneLine(), /does not support SSL/i, 'the local server has ssl=off: a TLS-only client must refuse it');
    assert.ok(!e.oneLine().includes(PASSWORD));
  });

  test('secret errors name the secret id only', async (t) => {
    if (!(await setup(t))) return;
    const missing = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${uniqueName('nope')}`;
    const m = await userError(getDbCredentials(missing, { client: sm }));
    assert.ok(m instanceof ConfigError);
    assert.equal(m.message, `secret ${missing} does not exist`);

    const garbled = await secret(`{"username": "x", "password": "${PASSWORD}"`); // not JSON: cut short
    const g = await userError(getDbCredentials(garbled, { client: sm }));
    assert.ok(g instanceof ConfigError);
    assert.ok(!g.oneLine().includes(PASSWORD), g.oneLine());
    assert.match(g.message, /is not a JSON object with string "username" and "password"/);

    const creds = await getDbCredentials(await secret({ username: 'u', password: PASSWORD, port: '5439' }), { client: sm });
    assert.equal(creds.password, PASSWORD);
    assert.equal(creds.port, 5439);
    assert.ok(!JSON.stringify(creds).includes(PASSWORD));
    assert.ok(!inspect(creds).includes(PASSWORD));
    assert.ok(!Object.keys(creds).includes('password'));
  });
});

describe('secrets: access denied over HTTP', () => {
  let server: ReturnType<typeof createServer>;
  let endpoint: string;
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'AccessDeniedException' });
        res.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'User is not authorized to perform: secretsmanager:GetSecretValue' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('AccessDeniedException names the permission', async () => {
    const id = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rs-AbCdEf';
    const e = await userError(getDbCredentials(id, { clientOptions: { endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 } }));
    assert.equal(e.oneLine(), `ConfigError: access denied to secret ${id} — the job role needs secretsmanager:GetSecretValue on it (and kms:Decrypt on its key)`);
  });

  test('parseDbSecret never echoes the text it could not parse', () => {
    assert.throws(() => parseDbSecret('password=hunter22', 's'), (e: Error) => !e.message.includes('hunter22'));
    assert.throws(() => parseDbSecret(JSON.stringify({ username: 'u', password: 'hunter22', port: 'x' }), 's'), /not a port number/);
  });
});
