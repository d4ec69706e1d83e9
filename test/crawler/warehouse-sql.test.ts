/**
 * sql/catalog.ts on real engines: the information_schema query, its rows mapped to drift's warehouse
 * input, and policy evolve's ALTER TABLE statements — on PGlite (in-process) and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { supplier } from '../../datasets/supplier.ts';
import { compareSchemas } from '../../crawler/drift.ts';
import { ConfigError } from '../../core/errors.ts';
import { evolveStatements, warehouseColumnsFrom, warehouseColumnsQuery } from '../../sql/catalog.ts';
import { freshDatabase, requirePostgres } from '../support/services.ts';
import { NOW, cleanWarehouse, file, withPolicy } from './fixtures.ts';

interface Engine {
  rows(sql: string): Promise<Array<Record<string, unknown>>>;
  exec(sql: string): Promise<void>;
}

/** The SUPPLIER tables as the contract's DDL creates them, in PostgreSQL's dialect. */
const CREATE = `
CREATE SCHEMA assignment;
CREATE TABLE assignment.supplier_stage (
  s_suppkey BIGINT NOT NULL, s_name VARCHAR(100), s_address VARCHAR(100), s_nationkey INTEGER,
  s_phone VARCHAR(40), s_acctbal DECIMAL(12,2), s_comment VARCHAR(65535));
CREATE TABLE assignment.supplier_data (
  s_suppkey BIGINT NOT NULL, s_name VARCHAR(100), s_address VARCHAR(100), s_nationkey INTEGER,
  s_phone VARCHAR(40), s_acctbal DECIMAL(12,2), s_comment VARCHAR(65535), load_ts TIMESTAMP NOT NULL);
`;

/** What a local engine runs of Redshift's ADD COLUMN (no ENCODE; VARCHAR(MAX) is 65535 bytes). */
function forPostgres(sql: string): string {
  return sql.replace(/ ENCODE \w+/g, '').replace(/VARCHAR\(MAX\)/g, 'VARCHAR(65535)');
}

async function scenario(engine: Engine): Promise<void> {
  await engine.exec(CREATE);
  const history = () => engine.rows(warehouseColumnsQuery('assignment', 'supplier_data'));

  // the table created from the contract: drift finds nothing
  const columns = warehouseColumnsFrom(await history());
  assert.deepEqual(columns, cleanWarehouse());
  assert.deepEqual(compareSchemas({ contract: supplier, warehouse: columns, now: NOW }).findings, []);

  // a table that does not exist: no rows
  assert.deepEqual(await engine.rows(warehouseColumnsQuery('assignment', 'nothing_here')), []);

  // evolve: the batch brings s_rating; the statements add it to both tables; the next run loads it
  const contract = withPolicy('evolve');
  const batch = [file('a.parquet', {}, [{ name: 's_rating', type: 'int', nullable: true }, { name: 's_note', type: 'string', nullable: true }])];
  const before = compareSchemas({ contract, files: batch, warehouse: columns, now: NOW });
  assert.deepEqual(before.addColumns.map((c) => c.name), ['s_rating', 's_note']);
  for (const s of evolveStatements(contract, before.addColumns)) await engine.exec(forPostgres(s));

  const evolved = warehouseColumnsFrom(await history());
  assert.deepEqual(evolved.slice(-2), [
    { name: 's_rating', type: 'integer', nullable: true },
    { name: 's_note', type: 'character varying(65535)', nullable: true },
  ]);
  const stage = warehouseColumnsFrom(await engine.rows(warehouseColumnsQuery('assignment', 'supplier_stage')));
  assert.deepEqual(stage.map((c) => c.name).slice(-2), ['s_rating', 's_note']);

  const afterwards = compareSchemas({ contract, files: batch, warehouse: evolved, now: NOW });
  assert.equal(afterwards.decision, 'proceed');
  assert.deepEqual(afterwards.addColumns, []);
  assert.deepEqual(afterwards.evolve, [
    { name: 's_rating', type: { kind: 'integer' }, nullable: true },
    { name: 's_note', type: { kind: 'varchar', bytes: 'max' }, nullable: true },
  ]);
  assert.deepEqual(afterwards.findings.filter((f) => f.severity !== 'info'), []);

  // a narrower column than the contract: breaking
  await engine.exec('ALTER TABLE assignment.supplier_data ALTER COLUMN s_name TYPE VARCHAR(50)');
  const narrow = compareSchemas({ contract: supplier, warehouse: warehouseColumnsFrom(await history()), now: NOW });
  assert.equal(narrow.decision, 'block');
  assert.deepEqual(
    narrow.findings.filter((f) => f.severity === 'breaking').map((f) => [f.kind, f.column, f.expected, f.found]),
    [['type_breaking', 's_name', 'varchar(100)', 'character varying(50)']],
  );
}

describe('warehouse columns and evolve DDL', () => {
  test('the query names the table by literals, validated', () => {
    assert.equal(
      warehouseColumnsQuery('assignment', 'supplier_data'),
      'SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable\n' +
        'FROM information_schema.columns\n' +
        "WHERE table_schema = 'assignment' AND table_name = 'supplier_data'\n" +
        'ORDER BY ordinal_position',
    );
    assert.throws(() => warehouseColumnsQuery("x' OR '1'='1", 't'), ConfigError);
  });

  test('rows map whatever the driver hands back: key case, numbers as text or bigint', () => {
    assert.deepEqual(
      warehouseColumnsFrom([
        { COLUMN_NAME: 's_acctbal', DATA_TYPE: 'numeric', CHARACTER_MAXIMUM_LENGTH: null, NUMERIC_PRECISION: '12', NUMERIC_SCALE: 2n, IS_NULLABLE: 'YES' },
        { column_name: 's_name', data_type: 'character varying', character_maximum_length: 100, numeric_precision: null, numeric_scale: null, is_nullable: 'NO' },
        { column_name: 's_nationkey', data_type: 'integer', character_maximum_length: null, numeric_precision: 32, numeric_scale: 0, is_nullable: 'YES' },
      ]),
      [
        { name: 's_acctbal', type: 'numeric(12,2)', nullable: true },
        { name: 's_name', type: 'character varying(100)', nullable: false },
        { name: 's_nationkey', type: 'integer', nullable: true },
      ],
    );
    assert.throws(() => warehouseColumnsFrom([{ foo: 1 }]), ConfigError);
  });

  test('evolve statements: one ADD COLUMN per column and table, NULL, with the encoding rule, in Redshift dialect', () => {
    assert.deepEqual(
      evolveStatements(supplier, [
        { name: 's_rating', type: { kind: 'integer' }, nullable: true },
        { name: 's_note', type: { kind: 'varchar', bytes: 'max' }, nullable: true, encoding: 'lzo' },
      ]),
      [
        'ALTER TABLE assignment.supplier_stage ADD COLUMN s_rating INTEGER ENCODE AZ64 NULL',
        'ALTER TABLE assignment.supplier_stage ADD COLUMN s_note VARCHAR(MAX) ENCODE LZO NULL',
        'ALTER TABLE assignment.supplier_data ADD COLUMN s_rating INTEGER ENCODE AZ64 NULL',
        'ALTER TABLE assignment.supplier_data ADD COLUMN s_note VARCHAR(MAX) ENCODE LZO NULL',
      ],
    );
    assert.deepEqual(evolveStatements(supplier, []), []);
    assert.throws(() => evolveStatements(supplier, [{ name: 'load_ts', type: { kind: 'timestamp' }, nullable: true }]), ConfigError);
    assert.throws(() => evolveStatements(supplier, [{ name: 'Bad Name', type: { kind: 'integer' }, nullable: true }]), ConfigError);
    assert.throws(() => evolveStatements(supplier, [{ name: 'select', type: { kind: 'integer' }, nullable: true }]), ConfigError);
  });

  test('on PGlite', async () => {
    const db = new PGlite();
    try {
      await scenario({
        rows: async (sql) => (await db.query<Record<string, unknown>>(sql)).rows,
        exec: async (sql) => {
          await db.exec(sql);
        },
      });
    } finally {
      await db.close();
    }
  });

  test('on PostgreSQL', async (t: TestContext) => {
    if (!(await requirePostgres(t))) return;
    const fresh = await freshDatabase('drift');
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    try {
      await scenario({
        rows: async (sql) => (await client.query<Record<string, unknown>>(sql)).rows,
        exec: async (sql) => {
          await client.query(sql);
        },
      });
    } finally {
      await client.end();
      await fresh.drop();
    }
  });
});
