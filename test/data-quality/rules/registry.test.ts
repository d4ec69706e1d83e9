/**
 * The registry is the only place that knows rule types: a new type registered through it alone (no
 * other file touched) is compiled, checked per value, left to the per-value path by the byte-level
 * check (it has no byte-level form), judged and reported; and no code outside the rule modules asks
 * which type a rule is.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { QualityEvaluator, defaultRuleTypes, renderQualityMarkdown, type ColumnRuleModule } from '../../../data-quality/index.ts';
import { ROOT } from '../../support/cli.ts';
import { batchOf, contractWith, numbers, rows, rule } from './support.ts';

/** A toy rule type: every value of an integer column is a multiple of `of`. */
const multipleOf: ColumnRuleModule<number> = {
  type: 'multiple_of',
  scope: 'column',
  counts: 'loadable',
  compile(decl, ctx) {
    const of = (decl as unknown as { of: number }).of;
    if (!Number.isInteger(of) || of < 1) ctx.bad(`multiple_of on ${ctx.column.name} needs a positive integer "of"`);
    return { params: of, description: `${ctx.column.name} is a multiple of ${of}` };
  },
  values({ params: of }, show) {
    return { test: (v) => (v as number) % of === 0, message: (v) => `${show(v)} is not a multiple of ${of}` };
  },
};

const contract = contractWith([{ type: 'multiple_of', column: 's_nationkey', of: 5, severity: 'warn' }]);

describe('rule registry', () => {
  it('takes a new rule type through the ruleTypes option alone, and the report shows it', () => {
    const q = new QualityEvaluator(contract, { ruleTypes: { multiple_of: multipleOf } });
    q.observe(batchOf(rows(1, 12)));
    const report = q.finish({ batchFolder: 'landing/', files: 1 });
    const r = rule(report, 'multiple_of:s_nationkey');
    assert.deepEqual([r.type, r.checked, r.failed, r.status, r.description], ['multiple_of', 12, 10, 'warn', 's_nationkey is a multiple of 5']);
    assert.deepEqual(r.samples[0], { file: 'landing/part-0.parquet', row: 1, value: '1', message: '1 is not a multiple of 5' });
    assert.equal(report.decision, 'pass');
    const md = renderQualityMarkdown(report);
    assert.match(md, /\| ⚠️ \| `multiple_of:s_nationkey` \| warn \| 12 \| 10 \| s_nationkey is a multiple of 5 \|/);
    assert.match(md, /### ⚠️ `multiple_of:s_nationkey` \(warn\)/);
  });

  it('compiles the new type\'s parameters, and refuses an unregistered type', () => {
    assert.throws(() => new QualityEvaluator(contractWith([{ type: 'multiple_of', column: 's_nationkey', of: 0, severity: 'warn' }]), { ruleTypes: { multiple_of: multipleOf } }),
      /quality rule multiple_of in the supplier contract: multiple_of on s_nationkey needs a positive integer "of"/);
    assert.throws(() => new QualityEvaluator(contract), /unknown rule type multiple_of/);
  });

  it('sends a column whose rule has no byte-level form through the per-value path', () => {
    const q = new QualityEvaluator(contract, { ruleTypes: { multiple_of: multipleOf } });
    const u = numbers([5, 10]);
    q.begin('landing/unit.parquet', 1, 2);
    assert.equal(q.byteLevel(3).checkNumbers(u.values, u.valid, 2, u.nulls, 0), false);
    const plain = new QualityEvaluator(contractWith([]));
    plain.begin('landing/unit.parquet', 1, 2);
    assert.equal(plain.byteLevel(3).checkNumbers(u.values, u.valid, 2, u.nulls, 0), true);
  });

  it('has a module for every built-in type, and no code outside the rule modules switches on a rule type', () => {
    assert.deepEqual(Object.keys(defaultRuleTypes), ['not_null', 'unique', 'range', 'allowed_values', 'pattern', 'max_bytes', 'decimal_fit', 'type_fit', 'row_count_change', 'freshness']);
    // A switch case or a comparison with a rule type's name: what adding a type used to have to edit.
    const literal = new RegExp(`(case\\s+|[!=]==\\s*)'(${Object.keys(defaultRuleTypes).join('|')})'`);
    const offenders: string[] = [];
    for (const dir of ['data-quality', 'jobs/partition']) {
      for (const f of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.ts'))) {
        readFileSync(join(ROOT, dir, f), 'utf8').split('\n').forEach((line, i) => {
          if (literal.test(line)) offenders.push(`${dir}/${f}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    assert.deepEqual(offenders, []);
  });
});
