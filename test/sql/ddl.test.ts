import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { DatasetContract } from '../../datasets/contract.ts';
import { supplier } from '../../datasets/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { createTableStatement, defaultEncoding, encodingFor, renderDdl, renderDdlScript, renderType } from '../../sql/ddl.ts';
import { createUserStatement, grantStatements, setupPlan, setupScript, userExistsQuery } from '../../sql/setup.ts';
import { loadLockDdl } from '../../sql/load-lock.ts';
import { ident, literal } from '../../sql/sql-text.ts';

const golden = new URL('./golden/supplier.ddl.sql', import.meta.url);

function variant(patch: Partial<DatasetContract>): DatasetContract {
  return { ...supplier, ...patch };
}

describe('sql/ddl', () => {
  test('the supplier DDL matches the reviewed golden file byte for byte', () => {
    assert.equal(renderDdlScript(supplier), readFileSync(golden, 'utf8'));
  });

  test('statements come in order, without trailing semicolons, and are all idempotent', () => {
    const ddl = renderDdl(supplier);
    assert.equal(ddl.length, 4);
    assert.equal(ddl[0], 'CREATE SCHEMA IF NOT EXISTS assignment');
    assert.match(ddl[1], /^CREATE TABLE IF NOT EXISTS assignment\.supplier_stage \(/);
    assert.match(ddl[2], /^CREATE TABLE IF NOT EXISTS assignment\.supplier_data \(/);
    assert.match(ddl[3], /^CREATE TABLE IF NOT EXISTS assignment\.load_audit \(/);
    for (const s of ddl) assert.ok(!s.trimEnd().endsWith(';'), s);
  });

  test('stage: business columns only, same types/nullability, co-located DISTKEY, no sort key', () => {
    const stage = renderDdl(supplier)[1];
    assert.ok(!stage.includes('load_ts'));
    assert.match(stage, /s_suppkey BIGINT ENCODE AZ64 NOT NULL,/);
    assert.match(stage, /s_comment VARCHAR\(MAX\) ENCODE ZSTD\n\)/);
    assert.match(stage, /DISTSTYLE KEY\nDISTKEY\(s_suppkey\)$/);
    assert.ok(!/SORTKEY/.test(stage));
  });

  test('history: business columns + load_ts NOT NULL, RAW on the first sort key column', () => {
    const history = renderDdl(supplier)[2];
    assert.match(history, /load_ts TIMESTAMP ENCODE RAW NOT NULL\n\)/);
    assert.match(history, /DISTSTYLE KEY\nDISTKEY\(s_suppkey\)\nCOMPOUND SORTKEY\(load_ts\)$/);
    assert.match(history, /s_acctbal DECIMAL\(12,2\) ENCODE AZ64,/);
    assert.match(history, /s_name VARCHAR\(100\) ENCODE ZSTD,/);
  });

  test('audit: DISTSTYLE ALL, SORTKEY(dataset, batch_date), first sort key RAW', () => {
    const audit = renderDdl(supplier)[3];
    assert.match(audit, /dataset VARCHAR\(128\) ENCODE RAW NOT NULL/);
    assert.match(audit, /batch_date DATE ENCODE AZ64 NOT NULL/);
    assert.match(audit, /DISTSTYLE ALL\nCOMPOUND SORTKEY\(dataset, batch_date\)$/);
    for (const col of ['run_id', 'status', 'load_ts', 'published_rows', 'replaced_rows', 'checksums', 'timings', 'message']) {
      assert.match(audit, new RegExp(`\\n  ${col} `));
    }
  });

  test('encoding rule: AZ64 for numbers and datetimes, ZSTD for text, boolean, floats', () => {
    assert.equal(defaultEncoding({ kind: 'smallint' }), 'az64');
    assert.equal(defaultEncoding({ kind: 'decimal', precision: 38, scale: 10 }), 'az64');
    assert.equal(defaultEncoding({ kind: 'date' }), 'az64');
    assert.equal(defaultEncoding({ kind: 'timestamp' }), 'az64');
    assert.equal(defaultEncoding({ kind: 'varchar', bytes: 'max' }), 'zstd');
    assert.equal(defaultEncoding({ kind: 'char', bytes: 2 }), 'zstd');
    assert.equal(defaultEncoding({ kind: 'boolean' }), 'zstd');
    assert.equal(defaultEncoding({ kind: 'real' }), 'zstd');
    assert.equal(defaultEncoding({ kind: 'double precision' }), 'zstd');
    // A column's own encoding wins, even on the first sort key column.
    assert.equal(encodingFor({ name: 'x', type: { kind: 'integer' }, nullable: true, encoding: 'delta' }, 'x'), 'delta');
    // Encodings Redshift refuses for the type are a ConfigError, not a failed deploy.
    assert.throws(() => encodingFor({ name: 'x', type: { kind: 'varchar', bytes: 10 }, nullable: true, encoding: 'az64' }, undefined), ConfigError);
    assert.throws(() => encodingFor({ name: 'x', type: { kind: 'boolean' }, nullable: true, encoding: 'bytedict' }, undefined), ConfigError);
  });

  test('types render as Redshift spells them, widths in bytes', () => {
    assert.equal(renderType({ kind: 'varchar', bytes: 'max' }), 'VARCHAR(MAX)');
    assert.equal(renderType({ kind: 'varchar', bytes: 65535 }), 'VARCHAR(65535)');
    assert.equal(renderType({ kind: 'decimal', precision: 38, scale: 0 }), 'DECIMAL(38,0)');
    assert.equal(renderType({ kind: 'double precision' }), 'DOUBLE PRECISION');
    assert.throws(() => renderType({ kind: 'varchar', bytes: 65536 }), ConfigError);
    assert.throws(() => renderType({ kind: 'decimal', precision: 39, scale: 2 }), ConfigError);
    assert.throws(() => renderType({ kind: 'decimal', precision: 5, scale: 6 }), ConfigError);
  });

  test('identifiers are validated: lower case, not reserved, and a bad one is a ConfigError', () => {
    assert.equal(ident('s_suppkey'), 's_suppkey');
    for (const bad of ['S_SUPPKEY', '1abc', 'a-b', 'a b', 'a;drop', '', 'table', 'user', 'x'.repeat(128), 'a"b']) {
      assert.throws(() => ident(bad), ConfigError, bad);
    }
    assert.throws(() => renderDdl(variant({ schema: 'Assignment' })), ConfigError);
    assert.throws(() => renderDdl(variant({ historyTable: 'supplier data' })), ConfigError);
    assert.throws(() => renderDdl(variant({ columns: [...supplier.columns, { name: 'order', type: { kind: 'integer' }, nullable: true }] })), ConfigError);
    assert.throws(() => renderDdl(variant({ distKey: 'nope' })), ConfigError);
    assert.throws(() => renderDdl(variant({ sortKey: { style: 'compound', columns: ['nope'] } })), ConfigError);
    assert.throws(() => renderDdl(variant({ columns: [...supplier.columns, { name: 'load_ts', type: { kind: 'timestamp' }, nullable: true }] })), ConfigError);
  });

  test('an interleaved sort key on a business column gets RAW there', () => {
    const s = createTableStatement('a.b', [
      { name: 'k', type: { kind: 'bigint' }, nullable: false },
      { name: 'd', type: { kind: 'date' }, nullable: true },
    ], { distStyle: 'even', sortKey: { style: 'interleaved', columns: ['d', 'k'] } });
    assert.match(s, /k BIGINT ENCODE AZ64 NOT NULL/);
    assert.match(s, /d DATE ENCODE RAW/);
    assert.match(s, /DISTSTYLE EVEN\nINTERLEAVED SORTKEY\(d, k\)$/);
  });
});

describe('sql/setup', () => {
  test('the ETL user gets no password and only the grants a load needs', () => {
    assert.equal(createUserStatement('etl_loader'), 'CREATE USER etl_loader PASSWORD DISABLE');
    assert.equal(userExistsQuery('etl_loader'), "SELECT 1 AS present FROM pg_user WHERE usename = 'etl_loader'");
    assert.deepEqual(grantStatements(supplier, 'etl_loader'), [
      'GRANT USAGE ON SCHEMA assignment TO etl_loader',
      'ALTER TABLE assignment.supplier_stage OWNER TO etl_loader',
      'GRANT SELECT, INSERT, DELETE ON TABLE assignment.supplier_data TO etl_loader',
      'GRANT SELECT, INSERT, UPDATE ON TABLE assignment.load_audit TO etl_loader',
      'GRANT SELECT, INSERT, DELETE ON TABLE assignment.load_lock TO etl_loader',
    ]);
    const plan = setupPlan(supplier, { etlUser: 'etl_loader' });
    assert.deepEqual(plan.ddl, [...renderDdl(supplier), loadLockDdl(supplier)]);
    assert.ok(!/PASSWORD\s+'/i.test(setupScript(supplier, { etlUser: 'etl_loader' })));
    assert.throws(() => setupPlan(supplier, { etlUser: "x'; DROP TABLE y; --" }), ConfigError);
  });

  test('literals double quotes and backslashes (Redshift reads backslash escapes) and refuse NUL', () => {
    assert.equal(literal("it's"), "'it''s'");
    assert.equal(literal('a\\b'), "'a\\\\b'");
    assert.equal(literal("\\'; DROP TABLE x; --"), "'\\\\''; DROP TABLE x; --'");
    assert.throws(() => literal('a\0b'), ConfigError);
    assert.throws(() => literal('\ud800'), ConfigError);
  });
});
