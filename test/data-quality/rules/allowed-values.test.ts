/** allowed_values as a module: compile, per-value check, byte-level set lookup, verdict. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QualityEvaluator } from '../../../data-quality/index.ts';
import { batchOf, byteLevel, contractWith, evaluate, rows, rule } from './support.ts';

const nations = contractWith([{ type: 'allowed_values', column: 's_nationkey', values: ['1', '2', '3'], severity: 'error' } as never]);

describe('rule module allowed_values', () => {
  it('compiles: needs values, reads them as the column type, describes the first eight', () => {
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'allowed_values', column: 's_nationkey', values: [], severity: 'error' } as never])), /needs values/);
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'allowed_values', column: 's_nationkey', values: ['x'], severity: 'error' } as never])), /"x" is not a integer value/);
    const many = contractWith([{ type: 'allowed_values', column: 's_nationkey', values: ['1', '2', '3', '4', '5', '6', '7', '8', '9'], severity: 'warn' } as never]);
    assert.equal(rule(evaluate(many, [batchOf(rows(1, 1))]), 'allowed_values:s_nationkey').description, 's_nationkey in (1, 2, 3, 4, 5, 6, 7, 8, …)');
  });

  it('per value: names the value that is not allowed', () => {
    const r = rule(evaluate(nations, [batchOf(rows(1, 5))]), 'allowed_values:s_nationkey');
    assert.equal(r.failed, 2);
    assert.equal(r.samples[0].message, '4 is not one of the allowed values');
  });

  it('byte level: number columns look values up, text columns their bytes; bigint columns go per value', () => {
    assert.equal(byteLevel(nations, 's_nationkey', { numbers: [1, 3, null] }).ok, true);
    assert.equal(byteLevel(nations, 's_nationkey', { numbers: [1, 4] }).ok, false);
    const keys = contractWith([{ type: 'allowed_values', column: 's_suppkey', values: ['1'], severity: 'error' } as never]);
    assert.equal(byteLevel(keys, 's_suppkey', { numbers: [1] }).ok, false);
    const names = contractWith([{ type: 'allowed_values', column: 's_name', values: ['AIR', 'REG AIR', 'café'], severity: 'error' } as never]);
    assert.equal(byteLevel(names, 's_name', { texts: ['AIR', 'REG AIR', 'café', null] }).ok, true);
    assert.equal(byteLevel(names, 's_name', { texts: ['AI'] }).ok, false, 'a prefix is not the value');
    assert.equal(byteLevel(names, 's_name', { texts: ['AIR '] }).ok, false);
    assert.equal(byteLevel(names, 's_name', { texts: ['cafe'] }).ok, false);
  });

  it('verdict: fail blocks', () => {
    assert.equal(evaluate(nations, [batchOf(rows(1, 5))]).decision, 'blocked');
  });
});
