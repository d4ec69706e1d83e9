/** type_fit as a module: never declared, implicit on every column, takes unclaimed coercion failures; byte-level type range and NUL. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { supplier } from '../../../datasets/index.ts';
import { QualityEvaluator } from '../../../data-quality/index.ts';
import { batchOf, byteLevel, contractWith, evaluate, rows, rule } from './support.ts';

describe('rule module type_fit', () => {
  it('compiles only implicitly: one per column, last of the column', () => {
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'type_fit', column: 's_name', severity: 'error' }])), /unknown rule type type_fit/);
    const r = evaluate(supplier, [batchOf(rows(1, 1))]);
    assert.equal(r.rules.filter((x) => x.type === 'type_fit').length, supplier.columns.length);
    assert.equal(rule(r, 'type_fit:s_nationkey').description, 's_nationkey values load as integer');
  });

  it('per value: takes what no other rule claims', () => {
    const r = rule(evaluate(supplier, [batchOf(rows(1, 3, { 2: { s_nationkey: 'abc' }, 3: { s_comment: 'a\u0000b' } }))]), 'type_fit:s_nationkey');
    assert.deepEqual([r.failed, r.samples[0].message], [1, '"abc" is not an integer']);
  });

  it('byte level: integer columns within their type, text without NUL', () => {
    assert.equal(byteLevel(contractWith([]), 's_nationkey', { numbers: [2147483647] }).ok, true);
    assert.equal(byteLevel(contractWith([]), 's_nationkey', { numbers: [2147483648] }).ok, false);
    assert.equal(byteLevel(supplier, 's_comment', { texts: ['a\u0000b'] }).ok, false);
    assert.equal(byteLevel(supplier, 's_comment', { texts: [new Uint8Array([0x61, 0xff])] }).ok, false, 'not UTF-8: per value, where the reader says so');
  });

  it('verdict: always an error', () => {
    assert.equal(evaluate(supplier, [batchOf(rows(1, 1, { 1: { s_nationkey: 'abc' } }))]).decision, 'blocked');
  });
});
