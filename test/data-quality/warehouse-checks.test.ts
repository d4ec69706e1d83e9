/**
 * The rules' SQL forms (--quality-in warehouse) as text: every built-in column rule type has one, literals
 * read the same on Redshift and PostgreSQL (decimals at their scale, dates cast, a backslash as CHR(92)),
 * and what cannot run in the warehouse is refused before any data moves: a registered rule type without
 * an SQL form, a pattern in JavaScript-only syntax.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatasetContract } from '../../datasets/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { sqlString } from '../../core/sql-literal.ts';
import { defaultRuleTypes, WarehouseChecks, type ColumnRuleModule } from '../../data-quality/index.ts';
import { QW_CONTRACT } from '../support/quality-fixtures.ts';

const contract = QW_CONTRACT as unknown as DatasetContract;

describe('rules as SQL on the stage', () => {
  it('every built-in column rule type has an SQL form', () => {
    for (const m of Object.values(defaultRuleTypes)) if (m.scope === 'column') assert.equal(typeof m.sqlForm, 'function', m.type);
  });

  it('writes each rule with literals both engines read alike', () => {
    const sql = new WarehouseChecks(contract).countsQuery();
    assert.match(sql, /WHEN NOT \(code ~ \('\^\[A-Z\]\{2\}' \|\| CHR\(92\) \|\| 'd\$'\)\) THEN 1/);
    assert.match(sql, /WHEN \(n < 0 OR n > 100\) THEN 1/);
    assert.match(sql, /WHEN status NOT IN \('open', 'closed'\) THEN 1/);
    assert.match(sql, /WHEN \(amount < -999\.99 OR amount > 9999\.99\) THEN 1/);
    assert.match(sql, /WHEN note IS NULL THEN 1/);
    assert.match(sql, /WHEN d < CAST\('2020-01-01' AS DATE\) THEN 1/);
    assert.match(sql, /WHEN OCTET_LENGTH\(code\) > 10 THEN 1/);
    assert.match(sql, /WHEN ABS\(amount\) > 9999999999\.99 THEN 1/);
    assert.match(sql, /FROM qw\.qw_stage$/);
    assert.equal(sqlString("it's"), "'it''s'");
    assert.equal(sqlString('a\\b'), "('a' || CHR(92) || 'b')");
  });

  it('refuses a registered rule type without an SQL form, and a JavaScript-only pattern (exit 2)', () => {
    const noSql: ColumnRuleModule<null> = {
      type: 'no_sql', scope: 'column', counts: 'loadable',
      compile: (_d, ctx) => ({ params: null, description: `${ctx.column.name} is fine` }),
      values: () => ({ test: () => true, message: () => '' }),
    };
    const withNoSql = { ...contract, quality: [...contract.quality, { type: 'no_sql', column: 'n', severity: 'error' }] } as unknown as DatasetContract;
    assert.throws(() => new WarehouseChecks(withNoSql, { ruleTypes: { no_sql: noSql } }), (e: unknown) =>
      e instanceof ConfigError && /rule no_sql:n \(type no_sql\) has no SQL form/.test(e.message) && e.hint === 'use --quality-in stream for this dataset');
    const lookahead = { ...contract, quality: [{ type: 'pattern', column: 'code', pattern: '^(?!XX)[A-Z]{2}', severity: 'error' }] } as unknown as DatasetContract;
    assert.throws(() => new WarehouseChecks(lookahead), (e: unknown) => e instanceof ConfigError && /JavaScript-only syntax/.test(e.message));
  });
});
