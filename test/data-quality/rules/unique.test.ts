/**
 * unique as a module: compile, per-value keys, byte-level keys, verdict with the repeated key's message;
 * over several columns (`columns`), and as the contract's key, enforced with no rule declared.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../core/errors.ts';
import type { Value } from '../../../core/values.ts';
import { datasets, supplier, type DatasetContract, type QualityRule } from '../../../datasets/index.ts';
import { QualityEvaluator, qualityErrorFrom } from '../../../data-quality/index.ts';
import { batchOf, byteLevel, contractWith, evaluate, numbers, rows, rule } from './support.ts';

const partsupp = datasets.partsupp;

/** PARTSUPP rows from (partkey, suppkey) pairs, every other value clean. */
function pairs(keys: Array<[bigint | null, bigint | null]>): Array<Record<string, Value>> {
  return keys.map(([p, s], i) => ({ ps_partkey: p, ps_suppkey: s, ps_availqty: 1 + i, ps_supplycost: '10.00', ps_comment: `comment ${i}` }));
}

const withQuality = (c: DatasetContract, quality: QualityRule[]): DatasetContract => ({ ...c, quality });

describe('rule module unique', () => {
  it('compiles to its description', () => {
    const r = evaluate(contractWith([{ type: 'unique', column: 's_phone', severity: 'warn' }]), [batchOf(rows(1, 2))]);
    assert.equal(rule(r, 'unique:s_phone').description, 's_phone holds no value twice');
  });

  it('per value: counts loadable values and names both rows and the key', () => {
    const r = rule(evaluate(supplier, [batchOf(rows(1, 5, { 4: { s_suppkey: 2n } }))]), 'unique:s_suppkey');
    assert.deepEqual([r.checked, r.failed, r.status], [5, 1, 'fail']);
    assert.equal(r.samples[0].message, 'landing/part-0.parquet row 4 repeats key (s_suppkey=2) first seen at row 2 of the same file');
  });

  it('byte level: number keys come from the canonical numbers; a text key column goes per value', () => {
    const dup = byteLevel(supplier, 's_suppkey', { numbers: [7, 8, 7] });
    assert.equal(dup.ok, true, 'the unit is clean; uniqueness is judged over every key at the end');
    assert.deepEqual([rule(dup.report, 'unique:s_suppkey').failed, rule(dup.report, 'unique:s_suppkey').samples[0].value], [1, '7']);
    const text = byteLevel(contractWith([{ type: 'unique', column: 's_name', severity: 'error' }]), 's_name', { texts: ['é', 'a', 'é'] });
    assert.equal(text.ok, false, 'text keys are confirmed on their values: the per-value path');
    const perValue = evaluate(contractWith([{ type: 'unique', column: 's_name', severity: 'error' }]), [batchOf(rows(1, 3, { 1: { s_name: 'é' }, 3: { s_name: 'é' } }))]);
    assert.equal(rule(perValue, 'unique:s_name').failed, 1);
    assert.equal(rule(perValue, 'unique:s_name').samples[0].value, '"é"');
  });

  it('verdict: a warning does not block', () => {
    const r = evaluate(contractWith([{ type: 'unique', column: 's_phone', severity: 'warn' }]), [batchOf(rows(1, 3, { 3: { s_phone: rows(1, 1)[0].s_phone } }))]);
    assert.deepEqual([rule(r, 'unique:s_phone').status, r.decision], ['warn', 'pass']);
  });
});

describe('the contract key, composite: PARTSUPP (ps_partkey, ps_suppkey)', () => {
  it('is enforced with no unique rule declared: a repeated pair fails, with both rows and every key value', () => {
    const c = withQuality(partsupp, []);
    const report = evaluate(c, [batchOf(pairs([[1n, 2n], [1n, 3n], [2n, 2n]]), 'partsupp.tbl'), batchOf(pairs([[5n, 6n], [1n, 3n]]), 'more.tbl')]);
    const r = rule(report, 'unique:ps_partkey,ps_suppkey');
    assert.deepEqual([r.implicit, r.columns, r.column, r.checked, r.failed, r.status], [true, ['ps_partkey', 'ps_suppkey'], undefined, 5, 1, 'fail']);
    assert.deepEqual(r.samples[0], {
      file: 'more.tbl', row: 2, value: '(ps_partkey=1, ps_suppkey=3)',
      message: 'more.tbl row 2 repeats key (ps_partkey=1, ps_suppkey=3) first seen at partsupp.tbl, row 2',
    });
    assert.equal(r.description, "(ps_partkey, ps_suppkey) holds no combination of values twice (the partsupp contract's key)");
    assert.equal(qualityErrorFrom(report)!.oneLine(),
      'QualityError: rule unique failed on columns ps_partkey, ps_suppkey in 1 row: more.tbl row 2 repeats key (ps_partkey=1, ps_suppkey=3) first seen at partsupp.tbl, row 2 '
      + '(more.tbl, row 2, column ps_partkey, ps_suppkey, rule unique:ps_partkey,ps_suppkey) — the quality report lists every failing rule with samples');
  });

  it('the same part with another supplier is a different key', () => {
    const report = evaluate(withQuality(partsupp, []), [batchOf(pairs([[1n, 2n], [1n, 3n], [2n, 2n], [3n, 1n]]))]);
    assert.deepEqual([rule(report, 'unique:ps_partkey,ps_suppkey').status, report.decision], ['pass', 'pass']);
  });

  it('a NULL key column is the column\'s not_null failure, and the tuple is not a key', () => {
    const report = evaluate(withQuality(partsupp, []), [batchOf(pairs([[1n, 2n], [1n, null]]), 'partsupp.tbl')]);
    const nn = rule(report, 'not_null:ps_suppkey');
    assert.deepEqual([nn.failed, nn.samples[0].file, nn.samples[0].row], [1, 'partsupp.tbl', 2]);
    assert.equal(rule(report, 'unique:ps_partkey,ps_suppkey').checked, 1);
    assert.match(qualityErrorFrom(report)!.oneLine(), /not_null.*ps_suppkey.*\(partsupp\.tbl, row 2, column ps_suppkey/);
  });

  it('a declared unique on exactly the key columns (any order) is the key rule: reported once', () => {
    const c = withQuality(partsupp, [{ type: 'unique', columns: ['ps_suppkey', 'ps_partkey'], severity: 'error' }]);
    const report = evaluate(c, [batchOf(pairs([[1n, 2n], [1n, 2n]]))]);
    const uniques = report.rules.filter((r) => r.type === 'unique');
    assert.deepEqual(uniques.map((r) => [r.id, r.implicit, r.failed]), [['unique:ps_suppkey,ps_partkey', false, 1]]);
    assert.equal(uniques[0].samples[0].value, '(ps_suppkey=2, ps_partkey=1)');
  });

  it('a unique on one key column is its own rule beside the key', () => {
    const c = withQuality(partsupp, [{ type: 'unique', column: 'ps_partkey', severity: 'warn' }]);
    const report = evaluate(c, [batchOf(pairs([[1n, 2n], [1n, 3n]]))]);
    assert.deepEqual(report.rules.filter((r) => r.type === 'unique').map((r) => [r.id, r.status]), [['unique:ps_partkey', 'warn'], ['unique:ps_partkey,ps_suppkey', 'pass']]);
  });

  it('compile: exactly one of column or columns, every column known and named once', () => {
    const bad = (rule: Record<string, unknown>): void => {
      assert.throws(() => new QualityEvaluator(withQuality(partsupp, [rule as never])), ConfigError);
    };
    bad({ type: 'unique', columns: ['ps_partkey', 'nope'], severity: 'error' });
    bad({ type: 'unique', columns: ['ps_partkey', 'ps_partkey'], severity: 'error' });
    bad({ type: 'unique', column: 'ps_partkey', columns: ['ps_suppkey'], severity: 'error' });
    bad({ type: 'unique', severity: 'error' });
  });

  it('byte level: both key columns from typed arrays (no JS value per cell), the tuple judged at the end', () => {
    const ev = new QualityEvaluator(withQuality(partsupp, []));
    const base = ev.begin('landing/unit.parquet', 1, 4);
    const part = numbers([1, 1, 2, 1]);
    const supp = numbers([2, 3, 2, 3]);
    assert.equal(ev.byteLevel(0).checkNumbers(part.values, part.valid, 4, 0, base), true);
    assert.equal(ev.byteLevel(1).checkNumbers(supp.values, supp.valid, 4, 0, base), true);
    const r = rule(ev.finish({ batchFolder: 'landing/', files: 1 }), 'unique:ps_partkey,ps_suppkey');
    assert.deepEqual([r.checked, r.failed, r.samples[0].row, r.samples[0].value], [4, 1, 4, '(ps_partkey=1, ps_suppkey=3)']);
  });
});
