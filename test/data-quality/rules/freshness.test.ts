/** freshness as a module: compile (implicit when not declared), judge, its report header, verdict. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchOf, contractWith, evaluate, rows, rule } from './support.ts';

describe('rule module freshness', () => {
  it('is implicit as an error when not declared, and keeps a declared severity', () => {
    assert.deepEqual([rule(evaluate(contractWith([]), [batchOf(rows(1, 1))]), 'freshness').implicit, rule(evaluate(contractWith([]), [batchOf(rows(1, 1))]), 'freshness').severity], [true, 'error']);
    assert.equal(rule(evaluate(contractWith([{ type: 'freshness', severity: 'warn' }]), [], {}, 0), 'freshness').status, 'warn');
  });

  it('judges the folder and owns the freshness header', () => {
    const empty = evaluate(contractWith([]), [], {}, 0);
    assert.equal(rule(empty, 'freshness').detail, 'the batch folder landing/supplier/20240101/ holds no data files');
    assert.deepEqual(empty.freshness, { files: 0, rowCount: 0, status: 'fail' });
    const noRows = evaluate(contractWith([]), [batchOf([])], {}, 2);
    assert.match(rule(noRows, 'freshness').detail!, /holds 2 files but no rows/);
  });

  it('verdict: rows in the folder pass', () => {
    assert.equal(evaluate(contractWith([]), [batchOf(rows(1, 2))]).freshness.status, 'pass');
  });
});
