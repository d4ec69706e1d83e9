import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DatasetContract } from '../../datasets/contract.ts';
import { supplier } from '../../datasets/index.ts';
import { ConfigError, LoadError } from '../../core/errors.ts';
import type { Checksums } from '../../core/manifest.ts';
import {
  checksAliases,
  checksumMismatches,
  compareDecimal,
  emptyStage,
  failedAuditStatement,
  auditChecksumsJson,
  previousPublishedRowsQuery,
  PUBLISH_STEPS,
  publishStatements,
  stageChecksQuery,
  truncateUtf8,
  type PublishArgs,
} from '../../sql/load.ts';
import { formatTimestamp } from '../../sql/sql-text.ts';
import { checkRedshiftTransaction } from '../../sql/transaction.ts';
import { RETENTION_STEPS } from '../../sql/retention.ts';
import { parseJson } from '../support/json.ts';

const expected: Checksums = { rows: 10000, sums: { s_acctbal: '45103548.65' }, min: { s_suppkey: '1' }, max: { s_suppkey: '10000' } };

function publishArgs(patch: Partial<PublishArgs> = {}): PublishArgs {
  return {
    contract: supplier,
    runId: '20240102T030405123Z-abc123',
    batchDate: '2024-01-01',
    loadTs: '2024-01-02 03:04:05.123456',
    expected,
    audit: {
      started_at: '2024-01-02 03:00:00.000000',
      source_files: 1,
      source_rows: 10000,
      part_rows: 10000,
      manifest_rows: 10000,
      staged_rows: 10000,
      manifest_url: 's3://dev-staging/supplier/batch=2024-01-01/run=x/manifest.json',
      timings: { partition: 1200, stage: 300 },
    },
    ...patch,
  };
}

describe('sql/load: stage', () => {
  test('emptyStage is a TRUNCATE of its own', () => {
    assert.equal(emptyStage(supplier), 'TRUNCATE assignment.supplier_stage');
  });
});

describe('sql/load: checksums', () => {
  test('the stage check query returns only text, under stable aliases', () => {
    assert.deepEqual(checksAliases(supplier), ['rows', 'sum_s_acctbal', 'min_s_suppkey', 'max_s_suppkey']);
    const q = stageChecksQuery(supplier);
    assert.match(q, /CAST\(COUNT\(\*\) AS VARCHAR\(40\)\) AS rows/);
    assert.match(q, /CAST\(SUM\(s_acctbal\) AS VARCHAR\(64\)\) AS sum_s_acctbal/);
    assert.match(q, /CAST\(MIN\(s_suppkey\) AS VARCHAR\(64\)\) AS min_s_suppkey/);
    assert.match(q, /FROM assignment\.supplier_stage$/);
    const ints: DatasetContract = { ...supplier, checksums: { sum: ['s_suppkey'], minMax: [] } };
    assert.match(stageChecksQuery(ints), /SUM\(CAST\(s_suppkey AS DECIMAL\(38,0\)\)\)/);
    assert.throws(() => stageChecksQuery({ ...supplier, checksums: { sum: ['s_name'], minMax: [] } }), ConfigError);
    assert.throws(() => stageChecksQuery({ ...supplier, checksums: { sum: ['nope'], minMax: [] } }), ConfigError);
  });

  test('decimals compare exactly, whatever their written scale', () => {
    assert.equal(compareDecimal('45103548.65', '45103548.650'), 0);
    assert.equal(compareDecimal('-0', '0.00'), 0);
    assert.equal(compareDecimal('+1.5', '1.50'), 0);
    assert.equal(compareDecimal('9999999999999999999999999999.99', '9999999999999999999999999999.98'), 1);
    assert.equal(compareDecimal('-0.01', '0'), -1);
    assert.equal(compareDecimal('0.1', '0.10000000000000000001'), -1);
    assert.throws(() => compareDecimal('1e3', '1000'), LoadError);
  });

  test('mismatches are listed one per aggregate; equal values at other scales are no mismatch', () => {
    const row = { rows: '10000', sum_s_acctbal: '45103548.650', min_s_suppkey: '1', max_s_suppkey: '10000' };
    assert.deepEqual(checksumMismatches(supplier, row, expected), []);
    const off = { rows: '9999', sum_s_acctbal: '45103548.64', min_s_suppkey: '1', max_s_suppkey: null };
    assert.deepEqual(checksumMismatches(supplier, off, expected), [
      'rows: staged 9999, manifest 10000',
      'sum of s_acctbal: staged 45103548.64, manifest 45103548.65',
      'max of s_suppkey: staged NULL, manifest 10000',
    ]);
    const nulls: Checksums = { rows: 0, sums: { s_acctbal: null }, min: { s_suppkey: null }, max: { s_suppkey: null } };
    assert.deepEqual(checksumMismatches(supplier, { rows: '0', sum_s_acctbal: null, min_s_suppkey: null, max_s_suppkey: null }, nulls), []);
    assert.deepEqual(checksumMismatches(supplier, row, { ...expected, sums: {} }), ['sum of s_acctbal: the manifest has no value']);
    // A float is refused: it cannot be compared exactly.
    assert.throws(() => checksumMismatches(supplier, { ...row, sum_s_acctbal: 45103548.65 }, expected), LoadError);
  });

  test('every column has its figures: compared one line per figure, guarded exactly, refused when the manifest lacks one', () => {
    const columns = {
      s_suppkey: { count: 3, sum: '6', min: '1', max: '3' },
      s_name: { count: 3, bytes: '54' },
      s_address: { count: 2, bytes: '1234567' },
      s_nationkey: { count: 0, sum: null, min: null, max: null },
      s_phone: { count: 3, bytes: '45' },
      s_acctbal: { count: 3, sum: '10.50', min: '-1.00', max: '9.00' },
      s_comment: { count: 3, bytes: '12' },
    };
    const want: Checksums = { rows: 3, sums: { s_acctbal: '10.50' }, min: { s_suppkey: '1' }, max: { s_suppkey: '3' }, columns };
    const row: Record<string, unknown> = {
      rows: '3', sum_s_acctbal: '10.5', min_s_suppkey: '1', max_s_suppkey: '3',
      c0_count: '3', c0_sum: '6', c0_min: '1', c0_max: '3', c1_count: '3', c1_bytes: '54', c2_count: '2', c2_bytes: '1234566',
      c3_count: '0', c3_sum: null, c3_min: null, c3_max: null, c4_count: '3', c4_bytes: '45',
      c5_count: '3', c5_sum: '10.50', c5_min: '-1.00', c5_max: '9.01', c6_count: '2', c6_bytes: '12',
    };
    assert.deepEqual(checksumMismatches(supplier, row, want), [
      'staged column s_address holds 1,234,566 bytes, the manifest 1,234,567',
      'staged column s_acctbal has the maximum 9.01, the manifest 9.00',
      'staged column s_comment holds 2 non-null values, the manifest 3',
    ]);
    const guard = publishStatements(publishArgs({ expected: want }))[1];
    assert.match(guard, /COUNT\(s_comment\) = 3 AND SUM\(OCTET_LENGTH\(s_comment\)\) = 12/);
    assert.match(guard, /SUM\(CAST\(s_nationkey AS DECIMAL\(38,0\)\)\) IS NULL/);
    assert.match(guard, /MAX\(s_acctbal\) = 9\.00/);
    const { s_comment: _dropped, ...lacking } = columns;
    assert.throws(() => publishStatements(publishArgs({ expected: { ...want, columns: lacking } })), /lack the figures of column s_comment/);
    assert.deepEqual(checksumMismatches(supplier, row, { ...want, columns: lacking }).at(-1), 'column s_comment: the manifest has no figures');
  });

  test('the audit row keeps the figures when they fit in 4096 bytes, else the checksums and a pointer to the manifest', () => {
    const small: Checksums = { ...expected, columns: { s_suppkey: { count: 1, sum: '1', min: '1', max: '1' } } };
    assert.equal(auditChecksumsJson(small), JSON.stringify(small));
    const wide: Checksums = { ...expected, columns: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`c_${i}`, { count: 10000, bytes: '123456789' }])) };
    const json = parseJson<{ columns: unknown; sums: Checksums['sums'] }>(auditChecksumsJson(wide));
    assert.equal(json.columns, 'per-column figures: see the manifest');
    assert.equal(json.sums.s_acctbal, '45103548.65');
  });
});

describe('sql/load: publish', () => {
  test('eight statements in the exactly-once order, valid as one Redshift transaction (then retention\'s three)', () => {
    const s = publishStatements(publishArgs());
    // supplier.json keeps the last 7 batches and the first of each month: sql/retention.ts adds its statements last.
    assert.equal(s.length, PUBLISH_STEPS.length + RETENTION_STEPS.length);
    RETENTION_STEPS.forEach((step, i) => assert.ok(s[PUBLISH_STEPS.length + i].startsWith(`/* ${step} */ `), s[PUBLISH_STEPS.length + i]));
    assert.equal(publishStatements(publishArgs({ contract: { ...supplier, retention: undefined } })).length, PUBLISH_STEPS.length, 'no retention: the eight alone');
    checkRedshiftTransaction(s);
    assert.equal(s[0], 'LOCK assignment.supplier_data, assignment.load_audit, assignment.supplier_stage');
    assert.match(s[1], /SELECT 1 \/ \(CASE WHEN COUNT\(\*\) = 10000 AND SUM\(s_acctbal\) = 45103548\.65 AND MIN\(s_suppkey\) = 1 AND MAX\(s_suppkey\) = 10000 THEN 1 ELSE 0 END\) AS stage_ok FROM assignment\.supplier_stage$/);
    assert.match(s[2], /load_ts = CAST\('2024-01-02 03:04:05\.123456' AS TIMESTAMP\) AND batch_date <> CAST\('2024-01-01' AS DATE\)$/);
    assert.match(s[3], /^UPDATE assignment\.load_audit SET status = 'replaced' WHERE dataset = 'supplier' AND batch_date = CAST\('2024-01-01' AS DATE\) AND status = 'published'$/);
    assert.match(s[4], /^INSERT INTO assignment\.load_audit \(run_id, .*\)\nSELECT '20240102T030405123Z-abc123', 'supplier', .*'published'.* COUNT\(\*\), /s);
    assert.match(s[4], /FROM assignment\.supplier_data WHERE load_ts IN \(SELECT load_ts FROM assignment\.load_audit WHERE .* AND status = 'replaced'\)$/);
    assert.match(s[5], /^DELETE FROM assignment\.supplier_data WHERE load_ts IN \(SELECT load_ts FROM assignment\.load_audit WHERE dataset = 'supplier' AND batch_date = CAST\('2024-01-01' AS DATE\) AND status = 'replaced'\)$/);
    assert.equal(
      s[6],
      "INSERT INTO assignment.supplier_data (s_suppkey, s_name, s_address, s_nationkey, s_phone, s_acctbal, s_comment, load_ts)\nSELECT s_suppkey, s_name, s_address, s_nationkey, s_phone, s_acctbal, s_comment, CAST('2024-01-02 03:04:05.123456' AS TIMESTAMP) FROM assignment.supplier_stage",
    );
    assert.match(s[7], /AS history_ok FROM assignment\.supplier_data WHERE load_ts = CAST\('2024-01-02 03:04:05\.123456' AS TIMESTAMP\)$/);
    for (const stmt of s) {
      assert.ok(!/CURRENT_TIMESTAMP|GETDATE|SYSDATE|NOW\(\)|TRUNCATE/i.test(stmt.replace(/\/\*.*?\*\//g, '')), stmt);
    }
  });

  test('NULL sums and min/max become IS NULL in the guards', () => {
    const s = publishStatements(publishArgs({ expected: { rows: 3, sums: { s_acctbal: null }, min: { s_suppkey: '1' }, max: { s_suppkey: '3' } } }));
    assert.match(s[1], /COUNT\(\*\) = 3 AND SUM\(s_acctbal\) IS NULL AND MIN/);
  });

  test('values that would be written into SQL unquoted are validated', () => {
    assert.throws(() => publishStatements(publishArgs({ expected: { ...expected, sums: { s_acctbal: '1; DROP TABLE x' } } })), LoadError);
    assert.throws(() => publishStatements(publishArgs({ expected: { ...expected, sums: {} } })), LoadError);
    assert.throws(() => publishStatements(publishArgs({ expected: { ...expected, rows: 1.5 } })), LoadError);
    assert.throws(() => publishStatements(publishArgs({ loadTs: 'now()' })), ConfigError);
    assert.throws(() => publishStatements(publishArgs({ loadTs: '2024-02-30 00:00:00' })), ConfigError);
    assert.throws(() => publishStatements(publishArgs({ batchDate: '2024-1-1' })), ConfigError);
    assert.throws(() => publishStatements(publishArgs({ runId: "x'y" })), ConfigError);
    assert.throws(() => publishStatements(publishArgs({ audit: { ...publishArgs().audit, manifest_url: 'x'.repeat(1025) } })), LoadError);
  });

  test('a failed audit row carries the message escaped and cut to 1024 bytes', () => {
    const sql = failedAuditStatement({ contract: supplier, runId: 'r1', batchDate: '2024-01-01', loadTs: '2024-01-02 03:04:05.000000', message: "it's \\ bad" });
    assert.match(sql, /'failed'/);
    assert.match(sql, /'it''s \\\\ bad', NULL\)$/);
    const cut = truncateUtf8('€'.repeat(400), 1024);
    assert.ok(Buffer.byteLength(cut) <= 1024 && cut.endsWith('…'));
  });

  test('the previous published batch is the latest one before the batch date', () => {
    const q = previousPublishedRowsQuery(supplier, '2024-01-02');
    assert.match(q, /status = 'published' AND batch_date < CAST\('2024-01-02' AS DATE\)/);
    assert.match(q, /ORDER BY batch_date DESC, load_ts DESC\nLIMIT 1$/);
  });

  test('the run clock formats as Redshift TIMESTAMP text with microseconds, in UTC', () => {
    assert.equal(formatTimestamp(new Date('2024-05-01T02:03:04.567Z')), '2024-05-01 02:03:04.567000');
  });
});
