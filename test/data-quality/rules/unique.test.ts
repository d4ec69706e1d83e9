/** unique as a module: compile, per-value keys, byte-level keys, verdict with the repeated key's message. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { supplier } from '../../../datasets/index.ts';
import { batchOf, byteLevel, contractWith, evaluate, rows, rule } from './support.ts';

describe('rule module unique', () => {
  it('compiles to its description', () => {
    const r = evaluate(contractWith([{ type: 'unique', column: 's_phone', severity: 'warn' }]), [batchOf(rows(1, 2))]);
    assert.equal(rule(r, 'unique:s_phone').description, 's_phone holds no value twice');
  });

  it('per value: counts loadable values and names where a repeated key was first seen', () => {
    const r = rule(evaluate(supplier, [batchOf(rows(1, 5, { 4: { s_suppkey: 2n } }))]), 'unique:s_suppkey');
    assert.deepEqual([r.checked, r.failed, r.status], [5, 1, 'fail']);
    assert.equal(r.samples[0].message, '2 repeats a key first seen at row 2 of the same file');
  });

  it('byte level: keys come from the canonical numbers and text bytes', () => {
    const dup = byteLevel(supplier, 's_suppkey', { numbers: [7, 8, 7] });
    assert.equal(dup.ok, true, 'the unit is clean; uniqueness is judged over every key at the end');
    assert.deepEqual([rule(dup.report, 'unique:s_suppkey').failed, rule(dup.report, 'unique:s_suppkey').samples[0].value], [1, '7']);
    const text = byteLevel(contractWith([{ type: 'unique', column: 's_name', severity: 'error' }]), 's_name', { texts: ['é', 'a', 'é'] });
    assert.equal(rule(text.report, 'unique:s_name').failed, 1);
  });

  it('verdict: a warning does not block', () => {
    const r = evaluate(contractWith([{ type: 'unique', column: 's_phone', severity: 'warn' }]), [batchOf(rows(1, 3, { 3: { s_phone: rows(1, 1)[0].s_phone } }))]);
    assert.deepEqual([rule(r, 'unique:s_phone').status, r.decision], ['warn', 'pass']);
  });
});
