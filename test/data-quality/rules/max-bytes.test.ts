/** max_bytes as a module: compile, per-value (the coercer's width in bytes), byte-level length, verdict. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { supplier } from '../../../datasets/index.ts';
import { QualityEvaluator } from '../../../data-quality/index.ts';
import { batchOf, byteLevel, contractWith, evaluate, rows, rule } from './support.ts';

describe('rule module max_bytes', () => {
  it('compiles on varchar and char only, always as an error; implicit on every text column', () => {
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'max_bytes', column: 's_acctbal', severity: 'warn' }])), /max_bytes on s_acctbal: the column is decimal\(12,2\), not varchar or char/);
    const r = evaluate(contractWith([{ type: 'max_bytes', column: 's_name', severity: 'warn' }]), [batchOf(rows(1, 1))]);
    assert.equal(rule(r, 'max_bytes:s_name').severity, 'error');
    assert.equal(rule(r, 'max_bytes:s_address').implicit, true);
  });

  it('per value: counts bytes in UTF-8, not characters', () => {
    const r = rule(evaluate(supplier, [batchOf(rows(1, 2, { 2: { s_name: 'é'.repeat(51) } }))]), 'max_bytes:s_name');
    assert.equal(r.failed, 1);
    assert.match(r.samples[0].message, /is 102 bytes in UTF-8 \(51 characters\); the column holds 100 bytes/);
  });

  it('byte level: the value length in bytes against the width', () => {
    assert.equal(byteLevel(supplier, 's_name', { texts: ['x'.repeat(100), 'é'.repeat(50)] }).ok, true);
    assert.equal(byteLevel(supplier, 's_name', { texts: ['é'.repeat(51)] }).ok, false);
  });

  it('verdict: fail blocks', () => {
    assert.equal(evaluate(supplier, [batchOf(rows(1, 2, { 2: { s_name: 'x'.repeat(101) } }))]).decision, 'blocked');
  });
});
