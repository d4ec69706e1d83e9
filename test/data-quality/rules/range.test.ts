/** range as a module: compile (bounds read as the column type), per-value messages, byte-level bounds, verdict. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../core/errors.ts';
import { QualityEvaluator } from '../../../data-quality/index.ts';
import { batchOf, byteLevel, contractWith, evaluate, rows, rule } from './support.ts';

describe('rule module range', () => {
  it('compiles bounds with the column type; bad parameters are a ConfigError naming rule and column', () => {
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'range', column: 's_nationkey', severity: 'error' }])),
      (e: unknown) => e instanceof ConfigError && /range on s_nationkey needs min or max/.test(e.message));
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'range', column: 's_nationkey', min: '5', max: '1', severity: 'error' } as never])),
      /min 5 is above max 1/);
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'range', column: 's_acctbal', min: 'abc', severity: 'error' } as never])),
      (e: unknown) => e instanceof ConfigError && (e as ConfigError & { where: { column: string; rule: string } }).where.column === 's_acctbal');
  });

  it('per value: says which bound a value breaks, at the column scale', () => {
    const r = evaluate(contractWith([{ type: 'range', column: 's_acctbal', min: '0', severity: 'warn' } as never]), [batchOf(rows(1000, 1002, { 1001: { s_acctbal: '-1.50' } }))]);
    assert.equal(rule(r, 'range:s_acctbal').samples[0].message, '-1.50 is below the minimum 0.00');
    assert.equal(rule(r, 'range:s_acctbal').status, 'warn');
  });

  it('byte level: number columns compare canonical numbers with the bounds; text columns their bytes, as JS compares strings', () => {
    const c = contractWith([{ type: 'range', column: 's_nationkey', min: '0', max: '24', severity: 'error' } as never]);
    assert.equal(byteLevel(c, 's_nationkey', { numbers: [0, 24] }).ok, true);
    assert.equal(byteLevel(c, 's_nationkey', { numbers: [0, 25] }).ok, false);
    const d = contractWith([{ type: 'range', column: 's_acctbal', max: '9999.99', severity: 'error' } as never]);
    assert.equal(byteLevel(d, 's_acctbal', { numbers: [999999] }).ok, true);
    assert.equal(byteLevel(d, 's_acctbal', { numbers: [1000000] }).ok, false, 'unscaled 10000.00');
    const t = contractWith([{ type: 'range', column: 's_name', min: 'B', max: 'Supplier#9', severity: 'error' } as never]);
    assert.equal(byteLevel(t, 's_name', { texts: ['B', 'Supplier#000000001', 'Supplier#9', null] }).ok, true);
    assert.equal(byteLevel(t, 's_name', { texts: ['A'] }).ok, false, 'below the minimum');
    assert.equal(byteLevel(t, 's_name', { texts: ['Supplier#90'] }).ok, false, 'above the maximum: a longer string after its prefix');
    assert.equal(byteLevel(t, 's_name', { texts: ['é'] }).ok, false, 'non-ASCII compares as a string: above the maximum');
    assert.equal(byteLevel(t, 's_name', { texts: ['Cé'] }).ok, true);
  });

  it('verdict: an error range blocks', () => {
    const r = evaluate(contractWith([{ type: 'range', column: 's_nationkey', max: '3', severity: 'error' } as never]), [batchOf(rows(1, 5))]);
    assert.deepEqual([rule(r, 'range:s_nationkey').status, r.decision], ['fail', 'blocked']);
  });
});
