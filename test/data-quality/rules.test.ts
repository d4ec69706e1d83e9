/**
 * Every rule type fires on a batch that breaks it and stays quiet on one that does not.
 * Batches are SUPPLIER rows as a reader hands them over (see helpers.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { supplier, type QualityRule } from '../../datasets/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { QualityEvaluator, qualityErrorFrom } from '../../data-quality/index.ts';
import { batchOf, evaluate, rows, rule, supplierWith } from './helpers.ts';

describe('not_null', () => {
  it('fires on a NULL key, naming file and row, and blocks the run', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 30, { 12: { s_suppkey: null } }))]);
    const r = rule(report, 'not_null:s_suppkey');
    assert.equal(r.status, 'fail');
    assert.equal(r.failed, 1);
    assert.equal(r.checked, 30);
    assert.deepEqual(r.samples[0], {
      file: 'landing/part-0.parquet', row: 12, value: 'NULL', message: 'NULL in a NOT NULL column',
    });
    assert.equal(report.decision, 'blocked');
    assert.equal(rule(report, 'unique:s_suppkey').checked, 29, 'a NULL key is not a key to compare');
  });

  it('stays quiet on a batch without NULL keys', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 30))]);
    assert.equal(rule(report, 'not_null:s_suppkey').status, 'pass');
    assert.equal(report.decision, 'pass');
  });

  it('is checked on a nullable column when the contract declares it', () => {
    const contract = supplierWith([{ type: 'not_null', column: 's_name', severity: 'warn' }]);
    const loud = evaluate(contract, [batchOf(rows(1, 5, { 4: { s_name: null } }))]);
    assert.equal(rule(loud, 'not_null:s_name').status, 'warn');
    assert.equal(rule(loud, 'not_null:s_name').samples[0].row, 4);
    assert.equal(loud.decision, 'pass', 'a warning does not block');
    const quiet = evaluate(contract, [batchOf(rows(1, 5))]);
    assert.equal(rule(quiet, 'not_null:s_name').status, 'pass');
  });

  it('treats a contract column missing from the batch as NULL', () => {
    const b = batchOf(rows(1, 3));
    delete b.columns.s_suppkey;
    const report = evaluate(supplier, [b]);
    assert.equal(rule(report, 'not_null:s_suppkey').failed, 3);
    assert.equal(report.columns[0].nulls, 3);
  });
});

describe('unique', () => {
  it('fires on a duplicate key and names the first repeated occurrence and the original', () => {
    const report = evaluate(supplier, [
      batchOf(rows(1, 10), 'landing/a.parquet'),
      batchOf(rows(11, 20, { 15: { s_suppkey: 7n }, 18: { s_suppkey: 7n } }), 'landing/b.parquet'),
    ]);
    const r = rule(report, 'unique:s_suppkey');
    assert.equal(r.status, 'fail');
    assert.equal(r.failed, 2, 'two rows repeat key 7');
    assert.equal(r.checked, 20);
    // rows are numbered within their file: b.parquet's first row is row 1, so key 15 is its row 5
    assert.deepEqual(r.samples[0], {
      file: 'landing/b.parquet', row: 5, value: '7',
      message: 'landing/b.parquet row 5 repeats key (s_suppkey=7) first seen at landing/a.parquet, row 7',
    });
    assert.equal(r.samples[1].row, 8);
  });

  it('stays quiet on distinct keys spread over files', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 10), 'a'), batchOf(rows(11, 20), 'b')]);
    assert.equal(rule(report, 'unique:s_suppkey').status, 'pass');
    assert.equal(rule(report, 'unique:s_suppkey').checked, 20);
  });

  it('finds duplicates across the spill path (tiny memory budget, keys in scrambled order)', () => {
    const n = 30_000;
    const batches = [];
    for (let start = 0; start < n; start += 1000) {
      const keys: bigint[] = [];
      for (let i = start; i < start + 1000; i++) keys.push(BigInt((i * 7919) % n)); // a permutation of 0..n-1
      batches.push({ file: `part-${start / 1000}.parquet`, firstRow: 1, numRows: 1000, columns: { s_suppkey: keys } });
    }
    // plant duplicates: the last file repeats a key of the first file and one of the middle
    batches[29].columns.s_suppkey[999] = batches[0].columns.s_suppkey[3];
    batches[29].columns.s_suppkey[500] = batches[15].columns.s_suppkey[0];
    const contract = supplierWith([{ type: 'unique', column: 's_suppkey', severity: 'error' }]);
    const report = evaluate(contract, batches, { uniqueMemoryBytes: 64 * 1024 });
    const r = rule(report, 'unique:s_suppkey');
    assert.equal(r.failed, 2);
    assert.deepEqual(r.samples.map((s) => [s.file, s.row]), [['part-29.parquet', 501], ['part-29.parquet', 1000]]);
    assert.equal(r.samples[1].message, `part-29.parquet row 1000 repeats key (s_suppkey=${(3 * 7919) % n}) first seen at part-0.parquet, row 4`);
  });

  it('works on text keys (hashed, confirmed on the values) and on integer keys', () => {
    const contract = supplierWith([
      { type: 'unique', column: 's_phone', severity: 'warn' },
      { type: 'unique', column: 's_nationkey', severity: 'warn' },
    ]);
    const distinct = rows(1, 25, {});
    const quiet = evaluate(contract, [batchOf(distinct)]);
    assert.equal(rule(quiet, 'unique:s_phone').status, 'pass');
    assert.equal(rule(quiet, 'unique:s_nationkey').status, 'pass');
    const loud = evaluate(contract, [batchOf(rows(1, 26, { 9: { s_phone: '11-101-101-1001' } }))]);
    assert.equal(rule(loud, 'unique:s_phone').failed, 1);
    assert.equal(rule(loud, 'unique:s_phone').samples[0].row, 9);
    assert.match(rule(loud, 'unique:s_phone').samples[0].message, /first seen at row 1 of the same file/);
    assert.equal(rule(loud, 'unique:s_nationkey').failed, 1, 'row 26 repeats nation key 1');
    assert.equal(rule(loud, 'unique:s_nationkey').samples[0].value, '1');
  });
});

describe('range', () => {
  it('fires on nation key 25 and -1, stays quiet on 0 and 24', () => {
    const loud = evaluate(supplier, [batchOf(rows(1, 10, { 3: { s_nationkey: 25 }, 6: { s_nationkey: -1 } }))]);
    const r = rule(loud, 'range:s_nationkey');
    assert.equal(r.status, 'fail');
    assert.equal(r.failed, 2);
    assert.equal(r.samples[0].message, '25 is outside the range 0 to 24');
    assert.equal(r.samples[1].row, 6);
    const quiet = evaluate(supplier, [batchOf(rows(1, 10, { 3: { s_nationkey: 0 }, 6: { s_nationkey: 24 } }))]);
    assert.equal(rule(quiet, 'range:s_nationkey').status, 'pass');
  });

  it('compares decimals exactly at the column scale (bounds parsed by the same coercer)', () => {
    const loud = evaluate(supplier, [batchOf(rows(1, 4, { 2: { s_acctbal: '9999.99' }, 3: { s_acctbal: '10000.00' }, 4: { s_acctbal: -1000 } }))]);
    const r = rule(loud, 'range:s_acctbal');
    assert.equal(r.status, 'warn', 'declared warn');
    assert.equal(r.failed, 2);
    assert.deepEqual(r.samples.map((s) => s.value), ['10000.00', '-1000.00']);
    assert.equal(loud.decision, 'pass');
    const quiet = evaluate(supplier, [batchOf(rows(1, 3, { 1: { s_acctbal: '-999.99' }, 2: { s_acctbal: 9999.99 } }))]);
    assert.equal(rule(quiet, 'range:s_acctbal').status, 'pass');
  });

  it('supports one-sided bounds and rejects a bound the column cannot hold', () => {
    const contract = supplierWith([{ type: 'range', column: 's_suppkey', min: '1', severity: 'error' }]);
    assert.equal(rule(evaluate(contract, [batchOf(rows(1, 3))]), 'range:s_suppkey').status, 'pass');
    const loud = evaluate(contract, [batchOf(rows(1, 3, { 2: { s_suppkey: 0n } }))]);
    assert.equal(rule(loud, 'range:s_suppkey').samples[0].message, '0 is below the minimum 1');
    assert.throws(
      () => new QualityEvaluator(supplierWith([{ type: 'range', column: 's_acctbal', max: '0.001', severity: 'warn' }])),
      (e: unknown) => e instanceof ConfigError && /0\.001/.test(e.message),
    );
  });
});

describe('allowed_values', () => {
  const contract = supplierWith([{ type: 'allowed_values', column: 's_nationkey', values: ['1', '2', '3'], severity: 'error' }]);
  it('fires on a value outside the set', () => {
    const report = evaluate(contract, [batchOf(rows(1, 3, { 1: { s_nationkey: 1 }, 2: { s_nationkey: 2 }, 3: { s_nationkey: 7 } }))]);
    const r = rule(report, 'allowed_values:s_nationkey');
    assert.equal(r.failed, 1);
    assert.equal(r.samples[0].message, '7 is not one of the allowed values');
    assert.equal(report.decision, 'blocked');
  });
  it('stays quiet when every value is allowed (NULL is not_null\'s business)', () => {
    const report = evaluate(contract, [batchOf(rows(1, 3, { 1: { s_nationkey: 1 }, 2: { s_nationkey: 3n }, 3: { s_nationkey: null } }))]);
    assert.equal(rule(report, 'allowed_values:s_nationkey').status, 'pass');
    assert.equal(rule(report, 'allowed_values:s_nationkey').checked, 2);
  });
});

describe('pattern', () => {
  it('fires on a phone that does not match, as a warning', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 4, { 2: { s_phone: '27-918-335-173' }, 4: { s_phone: '27-918-335-173x' } }))]);
    const r = rule(report, 'pattern:s_phone');
    assert.equal(r.status, 'warn');
    assert.equal(r.failed, 2);
    assert.equal(r.samples[0].message, '"27-918-335-173" does not match /^[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{4}$/');
  });
  it('stays quiet on well-formed phones', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 4, { 2: { s_phone: '27-918-335-1736' } }))]);
    assert.equal(rule(report, 'pattern:s_phone').status, 'pass');
  });
  it('runs patterns a bitmap cannot express through RegExp', () => {
    const contract = supplierWith([{ type: 'pattern', column: 's_name', pattern: '^Supplier#0+[1-9][0-9]*$', severity: 'error' }]);
    assert.equal(rule(evaluate(contract, [batchOf(rows(1, 20))]), 'pattern:s_name').status, 'pass');
    const loud = evaluate(contract, [batchOf(rows(1, 3, { 2: { s_name: 'Supplier#' } }))]);
    assert.equal(rule(loud, 'pattern:s_name').failed, 1);
  });
});

describe('max_bytes', () => {
  const euro34 = '€'.repeat(34); // 34 characters, 102 bytes in UTF-8

  it('fires on a name of 34 three-byte characters: 102 bytes, though only 34 characters', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 20, { 17: { s_name: euro34 } }), 'landing/part-0.parquet')]);
    const r = rule(report, 'max_bytes:s_name');
    assert.equal(r.status, 'fail');
    assert.equal(r.failed, 1);
    assert.equal(r.samples[0].row, 17);
    assert.equal(r.samples[0].message, `"${euro34}" is 102 bytes in UTF-8 (34 characters); the column holds 100 bytes`);
    assert.equal(report.columns[1].failedCells, 1);
  });

  it('stays quiet at exactly the width: 33 three-byte characters + 1, and 100 ASCII characters', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 3, { 1: { s_name: `${'€'.repeat(33)}a` }, 2: { s_name: 'x'.repeat(100) } }))]);
    assert.equal(rule(report, 'max_bytes:s_name').status, 'pass');
    assert.equal(report.columns[1].maxBytes, 100);
  });

  it('returns the failed cell as NULL in the canonical batch and counts it', () => {
    const q = new QualityEvaluator(supplier);
    const out = q.observe(batchOf(rows(1, 3, { 2: { s_name: euro34 } })));
    assert.equal(out.failedCells, 1);
    assert.equal(out.columns[1][1], null);
    assert.equal(out.columns[1][0], 'Supplier#000000001');
    assert.equal(out.columns[0][2], 3n);
    assert.equal(out.columns[5][0], -998n * 100n - 1n, 'decimal canonical: unscaled bigint at scale 2 (-998.01)');
    q.dispose();
  });
});

describe('decimal_fit', () => {
  it('fires on a decimal over 12 digits', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 3, { 2: { s_acctbal: '12345678901.23' } }))]);
    const r = rule(report, 'decimal_fit:s_acctbal');
    assert.equal(r.status, 'fail');
    assert.equal(r.samples[0].message, '"12345678901.23" does not fit decimal(12,2)');
    assert.equal(rule(report, 'range:s_acctbal').failed, 0, 'a failed cell is not range-checked');
  });

  it('fires on a value with 3 decimal places (Redshift would cut the third)', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 3, { 3: { s_acctbal: '12.345' } }))]);
    const r = rule(report, 'decimal_fit:s_acctbal');
    assert.equal(r.failed, 1);
    assert.match(r.samples[0].message, /more than 2 decimal places/);
  });

  it('stays quiet on 12 digits, on trailing zeros and on doubles with two places', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 4, {
      1: { s_acctbal: '9999999999.99' }, 2: { s_acctbal: '12.340' }, 3: { s_acctbal: 5755.94 }, 4: { s_acctbal: -0.1 },
    }))]);
    assert.equal(rule(report, 'decimal_fit:s_acctbal').status, 'pass');
    assert.equal(report.columns[5].max, '9999999999.99');
  });
});

describe('type_fit (implicit)', () => {
  it('stops the run on a value that cannot be loaded, whatever the declared severities', () => {
    const contract = supplierWith([{ type: 'range', column: 's_nationkey', min: '0', max: '24', severity: 'warn' }]);
    const report = evaluate(contract, [batchOf(rows(1, 3, { 2: { s_nationkey: 'seven' } }))]);
    const r = rule(report, 'type_fit:s_nationkey');
    assert.equal(r.implicit, true);
    assert.equal(r.severity, 'error');
    assert.equal(r.status, 'fail');
    assert.equal(r.samples[0].message, '"seven" is not an integer');
    assert.equal(report.decision, 'blocked');
  });

  it('stays quiet on values of the right type given as text or as wider integers', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 3, { 1: { s_nationkey: '7' }, 2: { s_nationkey: 8n } }))]);
    assert.equal(rule(report, 'type_fit:s_nationkey').status, 'pass');
  });

  it('checks widths even without a declared max_bytes rule (implicit, error)', () => {
    const report = evaluate(supplierWith([]), [batchOf(rows(1, 2, { 1: { s_phone: 'x'.repeat(41) } }))]);
    const r = rule(report, 'max_bytes:s_phone');
    assert.equal(r.implicit, true);
    assert.equal(r.status, 'fail');
  });
});

describe('row_count_change', () => {
  const contract = supplierWith([{ type: 'row_count_change', maxChangePercent: 20, severity: 'warn' }]);
  it('warns beyond 20% growth and beyond 20% shrinkage', () => {
    const grown = evaluate(contract, [batchOf(rows(1, 125))], { previousRowCount: 100 });
    assert.equal(rule(grown, 'row_count_change').status, 'warn');
    assert.equal(grown.rowCountChange.changePercent, 25);
    assert.match(rule(grown, 'row_count_change').detail!, /125 rows against 100 .*\+25%; limit ±20%/);
    assert.equal(grown.decision, 'pass');
    const shrunk = evaluate(contract, [batchOf(rows(1, 79))], { previousRowCount: 100 });
    assert.equal(rule(shrunk, 'row_count_change').status, 'warn');
    assert.equal(shrunk.rowCountChange.changePercent, -21);
  });
  it('stays quiet within 20% (and at exactly 20%), and without a previous batch', () => {
    for (const n of [80, 100, 110, 120]) {
      assert.equal(rule(evaluate(contract, [batchOf(rows(1, n))], { previousRowCount: 100 }), 'row_count_change').status, 'pass', `${n}`);
    }
    const first = evaluate(contract, [batchOf(rows(1, 10))], {});
    assert.equal(rule(first, 'row_count_change').status, 'pass');
    assert.equal(rule(first, 'row_count_change').checked, 0);
    assert.equal(first.rowCountChange.previous, null);
  });
  it('blocks when declared as an error', () => {
    const strict = supplierWith([{ type: 'row_count_change', maxChangePercent: 5, severity: 'error' }]);
    const report = evaluate(strict, [batchOf(rows(1, 50))], { previousRowCount: 100 });
    assert.equal(report.decision, 'blocked');
    assert.equal(qualityErrorFrom(report)?.message, 'rule row_count_change failed: 50 rows against 100 in the previous published batch (-50%; limit ±5%)');
  });
});

describe('freshness', () => {
  it('fails when the batch folder has no files, or files without rows', () => {
    const none = evaluate(supplier, [], {}, 0);
    assert.equal(rule(none, 'freshness').status, 'fail');
    assert.equal(none.freshness.status, 'fail');
    assert.equal(none.decision, 'blocked');
    const empty = evaluate(supplier, [batchOf([])], {}, 2);
    assert.equal(rule(empty, 'freshness').status, 'fail');
    assert.match(rule(empty, 'freshness').detail!, /holds 2 files but no rows/);
  });
  it('passes when the folder holds rows', () => {
    const report = evaluate(supplier, [batchOf(rows(1, 1))], {}, 1);
    assert.equal(rule(report, 'freshness').status, 'pass');
  });
});

describe('contract handling', () => {
  it('matches source columns case-insensitively and through sourceName', () => {
    const contract = {
      ...supplier,
      columns: supplier.columns.map((c) => (c.name === 's_name' ? { ...c, sourceName: 'SupplierName' } : c)),
    };
    const b = batchOf(rows(1, 3));
    b.columns.S_SUPPKEY = b.columns.s_suppkey;
    delete b.columns.s_suppkey;
    b.columns.suppliername = b.columns.s_name;
    delete b.columns.s_name;
    const report = evaluate(contract, [b]);
    assert.equal(report.decision, 'pass');
    assert.equal(report.columns[0].nulls, 0);
    assert.equal(report.columns[1].nulls, 0);
    assert.equal(report.columns[1].min, 'Supplier#000000001');
  });

  it('rejects rules on unknown columns or of the wrong kind', () => {
    const bad: QualityRule[] = [
      { type: 'not_null', column: 'nope', severity: 'error' },
      { type: 'max_bytes', column: 's_suppkey', severity: 'error' },
      { type: 'decimal_fit', column: 's_name', severity: 'error' },
      { type: 'pattern', column: 's_phone', pattern: '([', severity: 'warn' },
    ];
    for (const r of bad) assert.throws(() => new QualityEvaluator(supplierWith([r])), ConfigError, JSON.stringify(r));
  });

  it('keeps sampleLimit samples but counts every failure', () => {
    const edits: Record<number, Record<string, null>> = {};
    for (let i = 1; i <= 40; i += 2) edits[i] = { s_suppkey: null };
    const report = evaluate(supplier, [batchOf(rows(1, 40, edits))], { sampleLimit: 3 });
    const r = rule(report, 'not_null:s_suppkey');
    assert.equal(r.failed, 20);
    assert.deepEqual(r.samples.map((s) => s.row), [1, 3, 5]);
  });
});
