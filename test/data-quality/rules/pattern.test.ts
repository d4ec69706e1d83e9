/** pattern as a module: compile, per-value match, byte-level masks and matcher, verdict. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QualityEvaluator } from '../../../data-quality/index.ts';
import { batchOf, byteLevel, contractWith, evaluate, rows, rule } from './support.ts';

const phone = contractWith([{ type: 'pattern', column: 's_phone', pattern: '^[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{4}$', severity: 'warn' }]);

describe('rule module pattern', () => {
  it('compiles only on text columns and only valid regular expressions', () => {
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'pattern', column: 's_nationkey', pattern: '^1$', severity: 'error' }])), /s_nationkey: the column is integer, not text/);
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'pattern', column: 's_name', pattern: '([', severity: 'error' }])), /pattern on s_name is not a regular expression/);
  });

  it('per value: names the value that does not match', () => {
    const r = rule(evaluate(phone, [batchOf(rows(1, 3, { 2: { s_phone: '1-2-3' } }))]), 'pattern:s_phone');
    assert.deepEqual([r.failed, r.samples[0].message, r.status], [1, '"1-2-3" does not match /^[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{4}$/', 'warn']);
  });

  it('byte level: fixed masks on ASCII bytes, the matcher on other text', () => {
    assert.equal(byteLevel(phone, 's_phone', { texts: ['12-345-678-9012'] }).ok, true);
    assert.equal(byteLevel(phone, 's_phone', { texts: ['12-345-678-901x'] }).ok, false);
    assert.equal(byteLevel(phone, 's_phone', { texts: ['12-345-678-90é'] }).ok, false);
    const free = contractWith([{ type: 'pattern', column: 's_name', pattern: 'é|x', severity: 'error' }]);
    assert.equal(byteLevel(free, 's_name', { texts: ['café', 'xy'] }).ok, true);
    assert.equal(byteLevel(free, 's_name', { texts: ['cafe'] }).ok, false);
  });

  it('verdict: a warning does not block', () => {
    assert.equal(evaluate(phone, [batchOf(rows(1, 3, { 2: { s_phone: '1-2-3' } }))]).decision, 'pass');
  });
});
