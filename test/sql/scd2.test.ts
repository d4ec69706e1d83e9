/**
 * sql/scd2.ts and sql/scd2-hash.ts as text: the publish is one legal Redshift transaction (≤ 40
 * statements, no TRUNCATE), the order guard goes only without --rebuild-from, the text-size guard only
 * when a VARCHAR(MAX) is tracked, and the write-mode dispatch picks the scd2 statements.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { datasets, supplier } from '../../datasets/index.ts';
import { ConfigError } from '../../core/errors.ts';
import type { Checksums } from '../../core/manifest.ts';
import { publishStatements, type PublishArgs } from '../../sql/load.ts';
import { scd2PublishStatements, SCD2_STEPS } from '../../sql/scd2.ts';
import { hashTextFitsGuard, maxHashTextBytes, rowHashExpression } from '../../sql/scd2-hash.ts';
import { checkRedshiftTransaction } from '../../sql/transaction.ts';
import { publishedChecksQuery, publishStatementsFor } from '../../sql/write-mode.ts';

const dim = datasets.supplier_dim;
const expected: Checksums = { rows: 3, sums: { s_acctbal: '600.00' }, min: { s_suppkey: '1' }, max: { s_suppkey: '3' } };
const args = (patch: Partial<PublishArgs & { rebuildFrom: string }> = {}) => ({
  contract: dim,
  runId: '20261102T030405123Z-abc123',
  batchDate: '2026-11-02',
  loadTs: '2026-11-02 03:04:05.123456',
  expected,
  audit: { started_at: '2026-11-02 03:00:00', source_files: 1, source_rows: 3, part_rows: 3, manifest_rows: 3, staged_rows: 3, manifest_url: 's3://x/manifest.json', timings: {} },
  ...patch,
});

describe('sql/scd2', () => {
  test('the publish is one legal Redshift transaction, with the order guard only without --rebuild-from', () => {
    const plain = scd2PublishStatements(args());
    checkRedshiftTransaction(plain);
    assert.equal(plain.length, 12);
    assert.ok(plain.some((s) => s.includes(SCD2_STEPS.order)));
    assert.match(plain.at(-1)!, /guard: the current versions hold exactly the manifest rows .* FROM assignment\.supplier_dim WHERE is_current$/);
    const rebuild = scd2PublishStatements(args({ rebuildFrom: '2026-11-01' }));
    checkRedshiftTransaction(rebuild);
    assert.ok(!rebuild.some((s) => s.includes(SCD2_STEPS.order)));
    assert.throws(() => scd2PublishStatements(args({ rebuildFrom: '2026-11-03' })), ConfigError);
  });

  test('the row hash: MD5 over length-prefixed, NULL-marked fields of the tracked columns; a size guard only for VARCHAR(MAX)', () => {
    const h = rowHashExpression(dim, 's');
    assert.match(h, /^MD5\(CASE WHEN s\.s_name IS NULL THEN 'n' ELSE CAST\(OCTET_LENGTH\(s\.s_name\) AS VARCHAR\(12\)\) \|\| ':' \|\| s\.s_name END \|\| /);
    assert.ok(!h.includes('s_suppkey'), 'the key is not tracked');
    assert.match(hashTextFitsGuard(dim, 'assignment.supplier_dim_stage')!, /<= 65535 THEN 1 ELSE 0 END\) AS hash_text_ok/);
    const narrow = { ...dim, columns: dim.columns.map((c) => (c.name === 's_comment' ? { ...c, type: { kind: 'varchar' as const, bytes: 101 } } : c)) };
    assert.equal(maxHashTextBytes(narrow), 100 + 100 + 64 + 40 + 64 + 101 + 6 * 6);
    assert.equal(hashTextFitsGuard(narrow, 'x'), undefined);
    assert.equal(scd2PublishStatements(args({ contract: narrow })).length, 11);
  });

  test('the write mode picks the statements and the read-back', () => {
    assert.deepEqual(publishStatementsFor(args()), scd2PublishStatements(args()));
    const snap = { ...args(), contract: supplier };
    assert.deepEqual(publishStatementsFor(snap), publishStatements(snap));
    assert.deepEqual(publishStatementsFor({ ...snap, contract: datasets.orders, expected: { rows: 1, sums: { o_totalprice: '1.00' }, min: { o_orderkey: '1', o_custkey: '1' }, max: { o_orderkey: '1', o_custkey: '1' } } }).length, 8);
    assert.match(publishedChecksQuery(dim, '2026-11-02 03:04:05.123456'), /FROM assignment\.supplier_dim\nWHERE is_current$/);
    assert.match(publishedChecksQuery(supplier, '2026-11-02 03:04:05.123456'), /WHERE load_ts = CAST\('2026-11-02 03:04:05\.123456' AS TIMESTAMP\)$/);
  });
});
