import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { supplier } from '../../datasets/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { PgliteWarehouse } from '../../jobs/warehouse/pglite.ts';
import { renderDdl } from '../../sql/ddl.ts';
import { copyStatement } from '../../sql/copy.ts';
import { emptyStage } from '../../sql/load.ts';
import { localCopyStatement, segments, toLocalDialect } from '../../sql/local.ts';
import { literal } from '../../sql/sql-text.ts';
import { checkRedshiftTransaction } from '../../sql/transaction.ts';
import { pgliteDataDir } from './support/engines.ts';

describe('sql/local: one rule at a time', () => {
  test('ENCODE x is dropped', () => {
    assert.equal(toLocalDialect('CREATE TABLE a.b (\n  x BIGINT ENCODE AZ64 NOT NULL,\n  y INTEGER encode raw\n)'), 'CREATE TABLE a.b (\n  x BIGINT NOT NULL,\n  y INTEGER\n)');
  });

  test('DISTSTYLE, DISTKEY(…), BACKUP NO and [COMPOUND|INTERLEAVED] SORTKEY(…) are dropped', () => {
    assert.equal(toLocalDialect('CREATE TABLE a.b (x INT)\nBACKUP NO\nDISTSTYLE KEY\nDISTKEY(x)\nCOMPOUND SORTKEY(x, y)'), 'CREATE TABLE a.b (x INT)');
    assert.equal(toLocalDialect('CREATE TABLE a.b (x INT) DISTSTYLE ALL INTERLEAVED SORTKEY (x,y)'), 'CREATE TABLE a.b (x INT)');
    assert.equal(toLocalDialect('CREATE TABLE a.b (x INT) DISTSTYLE EVEN SORTKEY(x)'), 'CREATE TABLE a.b (x INT)');
    assert.equal(toLocalDialect('CREATE TABLE a.b (x INT) DISTSTYLE AUTO SORTKEY AUTO ENCODE AUTO'), 'CREATE TABLE a.b (x INT)');
    assert.equal(toLocalDialect('CREATE TABLE a.b (x INT DISTKEY SORTKEY NOT NULL)'), 'CREATE TABLE a.b (x INT NOT NULL)');
  });

  test('VARCHAR(MAX) becomes TEXT; VARCHAR(n) stays', () => {
    assert.equal(toLocalDialect('CREATE TABLE a.b (x VARCHAR(MAX), y varchar ( max ), z VARCHAR(10))'), 'CREATE TABLE a.b (x TEXT, y TEXT, z VARCHAR(10))');
  });

  test('LOCK a, b becomes LOCK TABLE a, b IN EXCLUSIVE MODE', () => {
    assert.equal(toLocalDialect('LOCK assignment.supplier_data, assignment.load_audit'), 'LOCK TABLE assignment.supplier_data, assignment.load_audit IN EXCLUSIVE MODE');
    assert.equal(toLocalDialect('lock table x'), 'LOCK TABLE x IN EXCLUSIVE MODE');
    assert.equal(toLocalDialect('LOCK TABLE x IN SHARE MODE'), 'LOCK TABLE x IN SHARE MODE');
  });

  test('CREATE USER x PASSWORD DISABLE becomes CREATE ROLE x LOGIN', () => {
    assert.equal(toLocalDialect('CREATE USER etl_loader PASSWORD DISABLE'), 'CREATE ROLE etl_loader LOGIN');
  });

  test('a literal holding a backslash becomes E-quoted; others stay as they are', () => {
    assert.equal(toLocalDialect(`SELECT ${literal('a\\b')} AS x`), "SELECT E'a\\\\b' AS x");
    assert.equal(toLocalDialect(`SELECT ${literal("it's")} AS x`), "SELECT 'it''s' AS x");
    assert.equal(toLocalDialect("SELECT E'a\\\\b' AS x"), "SELECT E'a\\\\b' AS x");
  });

  test('rules never reach inside literals, quoted identifiers or comments', () => {
    const sql = `INSERT INTO a.b (m) VALUES ('DISTKEY(x) ENCODE ZSTD VARCHAR(MAX) SORTKEY(y)') /* ENCODE RAW */`;
    assert.equal(toLocalDialect(sql), sql);
    assert.deepEqual(
      segments(`SELECT 'a''b\\'c' AS "x""y" -- ENCODE z\nFROM t`).map((s) => s.kind),
      ['code', 'string', 'code', 'identifier', 'code', 'comment', 'code'],
    );
  });

  test('COPY from S3 is not translated: asking for it throws', () => {
    const copy = copyStatement({
      table: 'assignment.supplier_stage',
      columns: supplier.columns.map((c) => c.name),
      manifestUrl: 's3://bucket-1/p/manifest.json',
      iamRoleArn: 'arn:aws:iam::123456789012:role/r',
    });
    assert.throws(() => toLocalDialect(copy), ConfigError);
    const local = localCopyStatement('assignment.supplier_stage', ['s_suppkey'], { delimiter: '|', quote: '"', nullMarker: '\\N' }, 'STDIN');
    assert.equal(local, `COPY assignment.supplier_stage (s_suppkey) FROM STDIN WITH (FORMAT csv, DELIMITER '|', QUOTE '"', ESCAPE '"', NULL '\\N')`);
    assert.equal(toLocalDialect(local), local);
  });

  test('statements without Redshift-isms pass through unchanged', () => {
    for (const s of [emptyStage(supplier), 'SELECT 1 AS x', 'GRANT SELECT ON TABLE a.b TO u']) assert.equal(toLocalDialect(s), s);
  });
});

describe('sql/transaction: Redshift transaction rules, checked before any engine runs', () => {
  test('TRUNCATE, VACUUM, transaction control and multi-statement strings are refused', () => {
    assert.throws(() => checkRedshiftTransaction([emptyStage(supplier)]), /TRUNCATE commits on Redshift/);
    assert.throws(() => checkRedshiftTransaction(['/* x */ truncate a.b']), ConfigError);
    assert.throws(() => checkRedshiftTransaction(['VACUUM a.b']), ConfigError);
    assert.throws(() => checkRedshiftTransaction(['COMMIT']), ConfigError);
    assert.throws(() => checkRedshiftTransaction(['SELECT 1; SELECT 2']), ConfigError);
    assert.throws(() => checkRedshiftTransaction(Array.from({ length: 41 }, () => 'SELECT 1')), /at most 40/);
    assert.throws(() => checkRedshiftTransaction([]), ConfigError);
    checkRedshiftTransaction([`INSERT INTO a.b (m) VALUES ('TRUNCATE; x')`, 'DELETE FROM a.b']);
  });
});

describe('sql/local on PGlite: translated statements mean what Redshift means', () => {
  let wh: PgliteWarehouse;
  let root: string;
  before(async () => {
    const d = await pgliteDataDir();
    root = d.root;
    wh = await PgliteWarehouse.open(d.dir);
  });
  after(async () => {
    await wh?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('the translated DDL runs, twice', async () => {
    for (let i = 0; i < 2; i++) for (const s of renderDdl(supplier)) await wh.query(s);
    const cols = await wh.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'assignment' AND table_name = 'supplier_data' ORDER BY ordinal_position`,
    );
    assert.deepEqual(cols.map((c) => c.column_name), [...supplier.columns.map((c) => c.name), 'load_ts']);
    assert.equal(cols.find((c) => c.column_name === 's_comment')?.data_type, 'text');
    assert.equal(cols.find((c) => c.column_name === 'load_ts')?.is_nullable, 'NO');
  });

  test('escaped literals come back byte for byte', async () => {
    for (const v of ['a\\b', "it's", "\\'", 'tab\\t', '\\\\', 'end\\', '€😀\n\r', '\\N']) {
      const [r] = await wh.query(`SELECT ${literal(v)} AS v`);
      assert.equal(r?.v, v, JSON.stringify(v));
    }
  });
});
