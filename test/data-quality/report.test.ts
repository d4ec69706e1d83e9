/** The report a person reads and the one line a blocked run ends with. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { supplier } from '../../datasets/index.ts';
import { QualityError } from '../../core/errors.ts';
import { qualityErrorFrom, renderQualityMarkdown } from '../../data-quality/index.ts';
import { batchOf, evaluate, rows, rule, supplierWith } from './helpers.ts';

const euro34 = '€'.repeat(34);

describe('qualityErrorFrom', () => {
  it('names rule, column, first file and row, the value and how many rows failed, in one line (exit 4)', () => {
    const report = evaluate(supplier, [
      batchOf(rows(1, 10), 'landing/part-0.parquet'),
      batchOf(rows(11, 40, { 27: { s_name: euro34 }, 33: { s_name: `${euro34}€` } }), 'landing/part-1.parquet', 1),
    ]);
    const err = qualityErrorFrom(report);
    assert.ok(err instanceof QualityError);
    assert.equal(err.exitCode, 4);
    assert.deepEqual(err.where, { file: 'landing/part-1.parquet', row: 17, column: 's_name', rule: 'max_bytes:s_name' });
    assert.equal(
      err.oneLine(),
      `QualityError: rule max_bytes failed on column s_name in 2 rows, first: "${euro34}" is 102 bytes in UTF-8 (34 characters); `
        + 'the column holds 100 bytes (landing/part-1.parquet, row 17, column s_name, rule max_bytes:s_name)'
        + ' — the quality report lists every failing rule with samples',
    );
  });

  it('truncates long values to 40 characters and mentions the other failing rules', () => {
    const long = 'y'.repeat(45);
    const report = evaluate(supplier, [batchOf(rows(1, 5, { 2: { s_phone: long }, 3: { s_suppkey: null }, 4: { s_nationkey: 99 } }))]);
    const err = qualityErrorFrom(report)!;
    assert.equal(err.where.rule, 'not_null:s_suppkey');
    assert.match(err.oneLine(), /in 1 row: NULL in a NOT NULL column \(landing\/part-0\.parquet, row 3, column s_suppkey/);
    assert.match(err.hint!, /2 more rules failed \(range:s_nationkey, max_bytes:s_phone\)/);
    const phone = rule(report, 'max_bytes:s_phone').samples[0];
    assert.equal(phone.value, `"${'y'.repeat(40)}…"`);
  });

  it('is undefined when only warnings fired', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 5, { 2: { s_phone: 'n/a' } }))]);
    assert.equal(rule(report, 'pattern:s_phone').status, 'warn');
    assert.equal(qualityErrorFrom(report), undefined);
  });

  it('names the batch folder for a batch-level rule', () => {
    const err = qualityErrorFrom(evaluate(supplier, [], {}, 0))!;
    assert.equal(err.oneLine().split(' — ')[0],
      'QualityError: rule freshness failed: the batch folder landing/supplier/20240101/ holds no data files (landing/supplier/20240101/, rule freshness)');
  });
});

describe('the report', () => {
  const report = evaluate(supplier, [batchOf(rows(1, 60, {
    5: { s_name: euro34 }, 6: { s_suppkey: 2n }, 7: { s_name: null }, 8: { s_acctbal: '12.345' }, 9: { s_phone: 'call|me' },
    10: { s_comment: 'ü'.repeat(50) },
  }))], { previousRowCount: 48 });

  it('is plain JSON (bigints as text) and round-trips', () => {
    const json = JSON.stringify(report);
    assert.deepEqual(JSON.parse(json), report);
  });

  it('profiles every column: nulls, min/max, widest bytes, declared bytes, distinct estimate', () => {
    const c = Object.fromEntries(report.columns.map((p) => [p.column, p]));
    const { distinctEstimate, ...name } = c.s_name;
    assert.deepEqual(name, {
      column: 's_name', type: 'varchar(100)', nulls: 1, failedCells: 1,
      min: 'Supplier#000000001', max: 'Supplier#000000060', maxBytes: 18, declaredBytes: 100,
    });
    // an estimate (HyperLogLog): exact up to the odd register collision at small counts
    assert.ok(Math.abs(distinctEstimate - 58) <= 1, `s_name: ${distinctEstimate} for 58 distinct`);
    assert.ok(Math.abs(c.s_suppkey.distinctEstimate - 59) <= 1, `s_suppkey: ${c.s_suppkey.distinctEstimate} for 59 distinct`);
    assert.equal(c.s_acctbal.failedCells, 1);
    assert.equal(c.s_acctbal.min, '-998.01');
    assert.equal(c.s_acctbal.maxBytes, null);
    assert.equal(c.s_comment.maxBytes, 100, '50 × ü = 100 bytes');
    assert.equal(c.s_comment.declaredBytes, 65535);
  });

  it('gives storage notes: widest value per varchar next to its declared width', () => {
    assert.deepEqual(report.storageNotes.map((n) => n.note), [
      's_name varchar(100): widest 18 bytes — varchar(32) would do',
      's_address varchar(100): widest 10 bytes — varchar(16) would do',
      's_phone varchar(40): widest 15 bytes — varchar(32) would do',
      's_comment varchar(max): widest 100 bytes — varchar(128) would do',
    ]);
    const fits = evaluate(supplierWith([]), [batchOf(rows(1, 2, { 1: { s_phone: 'x'.repeat(30) } }))]);
    assert.equal(fits.storageNotes.find((n) => n.column === 's_phone')!.note, 's_phone varchar(40): widest 30 bytes — the declared width fits');
  });

  it('renders Markdown: summary, rules table, failures with samples, profile, storage notes', () => {
    const md = renderQualityMarkdown(report);
    assert.match(md, /^# Quality report: supplier\n\n\*\*BLOCKED\*\* — 3 error rules failed: 60 rows in 1 file from `landing\/supplier\/20240101\/`; previous batch 48 rows \(\+25%\); 19 rules: 14 passed, 2 warned, 3 failed; 2 cells could not be loaded as is\.\n/);
    assert.match(md, /\| ❌ \| `max_bytes:s_name` \| error \| 59 \| 1 \| s_name fits varchar\(100\) in UTF-8 bytes \|/);
    assert.match(md, /\| ⚠️ \| `row_count_change` \| warn \| 1 \| 1 \| 60 rows against 48 in the previous published batch \(\+25%; limit ±20%\) \|/);
    assert.match(md, /### ❌ `unique:s_suppkey` \(error\)\n\n1 row of 60 checked failed: s_suppkey holds no value twice\.\n/);
    assert.match(md, /\| landing\/part-0\.parquet \| 6 \| 2 \| landing\/part-0\.parquet row 6 repeats key \(s_suppkey=2\) first seen at row 2 of the same file \|/);
    assert.match(md, /\| landing\/part-0\.parquet \| 9 \| "call\\\|me" \|/, 'pipes escaped in cells');
    assert.ok(md.indexOf('### ❌') < md.indexOf('### ⚠️'), 'errors before warnings');
    assert.match(md, /\| s_comment \| varchar\(max\) \| 0 \| 0 \| .* \| 100 \| 65,535 \| \d+ \|/);
    assert.match(md, /## Storage notes\n\n.*\n\n- s_name varchar\(100\): widest 18 bytes — varchar\(32\) would do\n/);
  });
});
