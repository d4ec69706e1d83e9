/** decimal_fit as a module: compile, per-value (the coercer's exact digits and places), byte-level limit, verdict. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { supplier } from '../../../datasets/index.ts';
import { QualityEvaluator } from '../../../data-quality/index.ts';
import { batchOf, byteLevel, contractWith, evaluate, rows, rule } from './support.ts';

describe('rule module decimal_fit', () => {
  it('compiles on decimal columns only; implicit with a shorter description', () => {
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'decimal_fit', column: 's_name', severity: 'error' }])), /decimal_fit on s_name: the column is varchar\(100\), not decimal/);
    const r = evaluate(contractWith([]), [batchOf(rows(1, 1))]);
    assert.deepEqual([rule(r, 'decimal_fit:s_acctbal').implicit, rule(r, 'decimal_fit:s_acctbal').description], [true, 's_acctbal fits decimal(12,2)']);
  });

  it('per value: extra places and extra digits', () => {
    const r = rule(evaluate(supplier, [batchOf(rows(1, 3, { 1: { s_acctbal: '1.005' }, 2: { s_acctbal: '10000000000.00' } }))]), 'decimal_fit:s_acctbal');
    assert.equal(r.failed, 2);
    assert.match(r.samples[0].message, /more than 2 decimal places/);
    assert.match(r.samples[1].message, /does not fit decimal\(12,2\)/);
  });

  it('byte level: the unscaled integer within ±(10^p - 1)', () => {
    assert.equal(byteLevel(contractWith([]), 's_acctbal', { numbers: [999999999999, -999999999999] }).ok, true);
    assert.equal(byteLevel(contractWith([]), 's_acctbal', { numbers: [1000000000000] }).ok, false);
  });

  it('verdict: fail blocks', () => {
    assert.equal(evaluate(supplier, [batchOf(rows(1, 1, { 1: { s_acctbal: '1.005' } }))]).decision, 'blocked');
  });
});
