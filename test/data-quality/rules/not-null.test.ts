/** not_null as a module: compile (severity, implicit), per-value check, byte-level NULL counts, verdict. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { supplier } from '../../../datasets/index.ts';
import { batchOf, byteLevel, contractWith, evaluate, rows, rule } from './support.ts';

describe('rule module not_null', () => {
  it('compiles: a warning on a nullable column stays a warning, on a NOT NULL column it is an error; NOT NULL columns get it implicitly', () => {
    const r = evaluate(contractWith([{ type: 'not_null', column: 's_name', severity: 'warn' }, { type: 'not_null', column: 's_suppkey', severity: 'warn' }]), [batchOf(rows(1, 2))]);
    assert.equal(rule(r, 'not_null:s_name').severity, 'warn');
    assert.equal(rule(r, 'not_null:s_suppkey').severity, 'error');
    const implicit = evaluate(contractWith([]), [batchOf(rows(1, 2))]);
    assert.deepEqual([rule(implicit, 'not_null:s_suppkey').implicit, rule(implicit, 'not_null:s_suppkey').description], [true, 's_suppkey is NOT NULL in the contract']);
  });

  it('checks every row per value, NULL on a nullable column included', () => {
    const r = evaluate(contractWith([{ type: 'not_null', column: 's_name', severity: 'warn' }]), [batchOf(rows(1, 4, { 3: { s_name: null } }))]);
    assert.deepEqual({ ...rule(r, 'not_null:s_name'), samples: rule(r, 'not_null:s_name').samples[0] }, {
      ...rule(r, 'not_null:s_name'), checked: 4, failed: 1, status: 'warn',
      samples: { file: 'landing/part-0.parquet', row: 3, value: 'NULL', message: 'NULL where the rule demands a value' },
    });
  });

  it('byte level: a unit with a NULL in the column goes per value; without one, every row is counted', () => {
    assert.equal(byteLevel(supplier, 's_suppkey', { numbers: [1, null, 3] }).ok, false);
    const clean = byteLevel(supplier, 's_suppkey', { numbers: [1, 2, 3] });
    assert.equal(clean.ok, true);
    assert.equal(rule(clean.report, 'not_null:s_suppkey').checked, 3);
    const declared = contractWith([{ type: 'not_null', column: 's_name', severity: 'warn' }]);
    assert.equal(byteLevel(declared, 's_name', { texts: ['a', null] }).ok, false);
    assert.equal(byteLevel(contractWith([]), 's_name', { texts: ['a', null] }).ok, true, 'NULL passes a nullable column without the rule');
  });

  it('verdict: fail for an error, warn for a warning', () => {
    assert.equal(rule(evaluate(supplier, [batchOf(rows(1, 2, { 1: { s_suppkey: null } }))]), 'not_null:s_suppkey').status, 'fail');
  });
});
