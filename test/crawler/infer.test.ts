import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalGlueType, inferCatalogTable, widerGlueType } from '../../crawler/infer.ts';
import { ConfigError } from '../../core/errors.ts';
import type { FileSchema } from '../../core/values.ts';
import { CLEAN, file } from './fixtures.ts';

const base = { database: 'landing', table: 'supplier', location: '/landing/supplier/20260101/' };

describe('widerGlueType: what a crawler records when files disagree', () => {
  test('integers widen to the wider, numbers to double or a decimal that holds both, anything with string to string', () => {
    const cases: Array<[string, string, string]> = [
      ['int', 'bigint', 'bigint'],
      ['tinyint', 'smallint', 'smallint'],
      ['double', 'decimal(12,2)', 'double'],
      ['decimal(12,2)', 'double', 'double'],
      ['float', 'double', 'double'],
      ['int', 'double', 'double'],
      ['int', 'decimal(12,2)', 'decimal(12,2)'],
      ['bigint', 'decimal(12,2)', 'decimal(21,2)'],
      ['decimal(10,4)', 'decimal(12,2)', 'decimal(14,4)'],
      ['decimal(38,0)', 'decimal(38,10)', 'double'],
      ['bigint', 'string', 'string'],
      ['string', 'decimal(12,2)', 'string'],
      ['varchar(10)', 'varchar(20)', 'varchar(20)'],
      ['varchar(10)', 'string', 'string'],
      ['date', 'timestamp', 'timestamp'],
      ['boolean', 'int', 'string'],
      ['int', 'integer', 'int'],
    ];
    for (const [a, b, want] of cases) {
      assert.equal(canonicalGlueType(widerGlueType(a, b)), want, `${a} + ${b}`);
      assert.equal(canonicalGlueType(widerGlueType(b, a)), want, `${b} + ${a}`);
    }
  });

  test('a nested type wins, so drift sees it and refuses it', () => {
    assert.equal(widerGlueType('string', 'array<string>'), 'array<string>');
  });
});

describe('inferCatalogTable', () => {
  test('one clean file: its columns, lower-cased, in order, with nullability; classification parquet', () => {
    const f = file('a.parquet');
    f.columns = f.columns.map((c) => ({ ...c, name: c.name.toUpperCase(), type: c.type.toUpperCase() }));
    const t = inferCatalogTable({ ...base, schemas: [f] });
    assert.deepEqual(t, {
      database: 'landing',
      name: 'supplier',
      location: '/landing/supplier/20260101/',
      classification: 'parquet',
      columns: CLEAN.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
      partitionKeys: [],
    });
  });

  test('files that disagree: the union of columns in first-seen order, the wider type, nullable when any file is', () => {
    const t = inferCatalogTable({
      ...base,
      schemas: [
        file('snappy.parquet', { s_nationkey: 'bigint', s_acctbal: 'double', s_suppkey: { nullable: true } }),
        file('zstd.parquet', {}, [{ name: 's_rating', type: 'int', nullable: false }]),
        file('arrow.parquet', {}, [{ name: 'S_Rating', type: 'bigint', nullable: false }]),
      ],
    });
    const by = Object.fromEntries(t.columns.map((c) => [c.name, c]));
    assert.deepEqual(t.columns.map((c) => c.name), [...CLEAN.map((c) => c.name), 's_rating']);
    assert.equal(by.s_nationkey.type, 'bigint');
    assert.equal(by.s_acctbal.type, 'double');
    assert.equal(by.s_suppkey.nullable, true);
    assert.equal(by.s_rating.type, 'bigint');
    assert.equal(by.s_rating.nullable, true, 'a column one file lacks is NULL in its rows');
  });

  test('CSV text does not widen the typed columns of Parquet files; a CSV-only batch stays string', () => {
    const csv: FileSchema = { file: 'a.csv', format: 'csv', columns: CLEAN.map((c) => ({ name: c.name, type: 'string', nullable: true })) };
    const mixed = inferCatalogTable({ ...base, schemas: [csv, file('b.parquet')] });
    assert.equal(mixed.classification, 'mixed');
    assert.deepEqual(mixed.columns.map((c) => c.type), CLEAN.map((c) => c.type));
    const only = inferCatalogTable({ ...base, schemas: [csv] });
    assert.equal(only.classification, 'csv');
    assert.ok(only.columns.every((c) => c.type === 'string'));
  });

  test('no files is a ConfigError', () => {
    assert.throws(() => inferCatalogTable({ ...base, schemas: [] }), ConfigError);
  });
});
