/** row_count_change as a module: compile, judge against the previous batch, its report header, verdict. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QualityEvaluator } from '../../../data-quality/index.ts';
import { batchOf, contractWith, evaluate, rows, rule } from './support.ts';

const c = contractWith([{ type: 'row_count_change', maxChangePercent: 20, severity: 'warn' } as never]);

describe('rule module row_count_change', () => {
  it('compiles: maxChangePercent >= 0, declared once', () => {
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'row_count_change', maxChangePercent: -1, severity: 'warn' } as never])), /maxChangePercent must be a number >= 0/);
    assert.throws(() => new QualityEvaluator(contractWith([
      { type: 'row_count_change', maxChangePercent: 1, severity: 'warn' }, { type: 'row_count_change', maxChangePercent: 2, severity: 'warn' },
    ] as never)), /declared twice/);
  });

  it('judges the batch against the previous one and owns the rowCountChange header', () => {
    const r = evaluate(c, [batchOf(rows(1, 13))], { previousRowCount: 10 });
    assert.equal(rule(r, 'row_count_change').detail, '13 rows against 10 in the previous published batch (+30%; limit ±20%)');
    assert.deepEqual(r.rowCountChange, { current: 13, previous: 10, changePercent: 30, maxChangePercent: 20, status: 'warn' });
    const first = evaluate(c, [batchOf(rows(1, 3))]);
    assert.deepEqual([rule(first, 'row_count_change').checked, first.rowCountChange.status], [0, 'pass']);
    assert.deepEqual(evaluate(contractWith([]), [batchOf(rows(1, 3))], { previousRowCount: 1 }).rowCountChange.maxChangePercent, null);
  });

  it('verdict: within the limit passes', () => {
    assert.equal(rule(evaluate(c, [batchOf(rows(1, 11))], { previousRowCount: 10 }), 'row_count_change').status, 'pass');
  });
});
