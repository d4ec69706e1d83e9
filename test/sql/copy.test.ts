/**
 * sql/copy.ts: the one COPY path of both Redshift adapters — the COPY text from a load package, the
 * package's layout checked against the load, and a failed COPY explained from the load-error tables.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { supplier } from '../../datasets/index.ts';
import { ConfigError, LoadError } from '../../core/errors.ts';
import type { Manifest } from '../../core/manifest.ts';
import { copyLoadError, copyPackageSql, copyStatement, loadErrorFromRow, loadErrorSql, packageLayout } from '../../sql/copy.ts';
import { businessColumns, tablesOf } from '../../sql/ddl.ts';

const ROLE = 'arn:aws:iam::123456789012:role/rl-copy';
const URL_ = 's3://dev-staging/supplier/batch=2024-01-01/run=r/manifest.json';
const columns = businessColumns(supplier);
const csv = { delimiter: '|', quote: '"', nullMarker: '\\N', gzip: true as const, columns };

function pkg(patch: Partial<Manifest['package']> = {}): Manifest {
  return { entries: [], package: { format: 'csv', csv, ...patch } } as unknown as Manifest;
}

function load(manifest: Manifest, manifestUri = URL_) {
  return { table: tablesOf(supplier).stage, columns, manifestUri, manifest };
}

describe('sql/copy: the COPY of a load package', () => {
  test('explicit columns, the package CSV layout, GZIP, NULL AS \\\\N, no lenient options', () => {
    const sql = copyPackageSql(load(pkg()), ROLE);
    assert.equal(
      sql,
      [
        'COPY assignment.supplier_stage (s_suppkey, s_name, s_address, s_nationkey, s_phone, s_acctbal, s_comment)',
        `FROM '${URL_}'`,
        `IAM_ROLE '${ROLE}'`,
        `MANIFEST CSV DELIMITER '|' QUOTE '"' GZIP`,
        "NULL AS '\\\\N'",
        'COMPUPDATE OFF STATUPDATE OFF',
      ].join(' '),
    );
    for (const never of ['EMPTYASNULL', 'BLANKSASNULL', 'TRUNCATECOLUMNS', 'ACCEPTINVCHARS', 'DATEFORMAT', 'TIMEFORMAT', 'MAXERROR']) {
      assert.ok(!sql.includes(never), never);
    }
    assert.equal(sql, copyStatement({ table: 'assignment.supplier_stage', columns, manifestUrl: URL_, iamRoleArn: ROLE }), 'one builder');
  });

  test("the delimiter, quote and null marker are the package's own; 'default' is the cluster's role", () => {
    const sql = copyPackageSql(load(pkg({ csv: { ...csv, delimiter: '\t', quote: "'", nullMarker: 'NUL' } })), 'default');
    assert.match(sql, /CSV DELIMITER '\t' QUOTE ''''/);
    assert.match(sql, /NULL AS 'NUL'/);
    assert.match(sql, /IAM_ROLE default/);
  });

  test('Parquet: FORMAT AS PARQUET MANIFEST, no column list', () => {
    assert.equal(
      copyPackageSql(load(pkg({ format: 'parquet', csv: undefined })), ROLE),
      `COPY assignment.supplier_stage FROM '${URL_}' IAM_ROLE '${ROLE}' FORMAT AS PARQUET MANIFEST`,
    );
  });

  test('refused before any COPY: parts of other columns, parts not gzip, no CSV layout, no role, bad URL or role, bad characters', () => {
    assert.throws(() => copyPackageSql(load(pkg({ csv: { ...csv, columns: ['s_suppkey'] } })), ROLE), (e: unknown) => {
      assert.ok(e instanceof LoadError);
      assert.match(e.oneLine(), /the parts hold columns \(s_suppkey\), the load asks for \(s_suppkey, s_name/);
      return true;
    });
    assert.throws(() => copyPackageSql(load(pkg({ csv: { ...csv, gzip: false as true } })), ROLE), /parts must be gzip CSV/);
    assert.throws(() => copyPackageSql(load(pkg({ csv: undefined })), ROLE), /parts are csv, not CSV/);
    assert.throws(() => copyPackageSql(load(pkg()), undefined), /no IAM role for COPY/);
    assert.throws(() => copyPackageSql(load(pkg(), '/tmp/m.json'), ROLE), ConfigError);
    assert.throws(() => copyPackageSql(load(pkg(), "s3://b-1/m.json' CREDENTIALS 'x"), ROLE), ConfigError);
    assert.throws(() => copyPackageSql(load(pkg()), "arn:aws:iam::1:role/x' x"), ConfigError);
    assert.throws(() => copyPackageSql(load(pkg({ csv: { ...csv, delimiter: '"' } })), ROLE), LoadError);
    assert.deepEqual(packageLayout(load(pkg())), { format: 'csv', csv: { delimiter: '|', quote: '"', nullMarker: '\\N' } });
  });
});

describe('sql/copy: a failed COPY explained', () => {
  test('STL_LOAD_ERRORS on a cluster (with the raw value), SYS_LOAD_ERROR_DETAIL on serverless', () => {
    assert.match(loadErrorSql('provisioned', 42, 'assignment.supplier_stage'), /FROM stl_load_errors WHERE query = 42 /);
    assert.match(loadErrorSql('serverless', undefined, 'assignment.supplier_stage'), /FROM sys_load_error_detail WHERE table_id IN \(SELECT oid FROM pg_class WHERE relname = 'supplier_stage'\)/);
    const detail = loadErrorFromRow({ file: ' s3://b/p/part-00001.csv.gz ', line: '7', col: 's_acctbal ', reason: 'Invalid digit', value: 'x'.repeat(80) + '  ' });
    const e = copyLoadError('assignment.supplier_stage', 'Load into table failed', detail, 'provisioned', 42);
    assert.match(e.oneLine(), /COPY into assignment\.supplier_stage failed: Invalid digit, value "x{59}…"/);
    assert.match(e.oneLine(), /part-00001\.csv\.gz/);
    assert.match(copyLoadError('t', 'boom', undefined, 'serverless', 9).oneLine(), /see SYS_LOAD_ERROR_DETAIL for query 9/);
  });
});
