import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RedshiftType } from '../../datasets/contract.ts';
import { supplier } from '../../datasets/supplier.ts';
import {
  classifyCompatibility,
  contractTypeOfGlue,
  formatContractType,
  formatGlueType,
  glueTypeOfContract,
  isComplexGlueType,
  normalizeContractType,
  parseGlueType,
} from '../../crawler/glue-types.ts';
import { formatWarehouseType, parseWarehouseType } from '../../crawler/warehouse-types.ts';
import { DriftError } from '../../core/errors.ts';

describe('parseGlueType / formatGlueType', () => {
  test('round-trips every Glue type name the loader maps, in canonical spelling', () => {
    const cases: Array<[string, string]> = [
      ['bigint', 'bigint'], ['INT', 'int'], ['integer', 'int'], ['smallint', 'smallint'], ['tinyint', 'tinyint'],
      ['double', 'double'], ['float', 'float'], ['string', 'string'], ['boolean', 'boolean'], ['date', 'date'],
      ['timestamp', 'timestamp'], ['binary', 'binary'], ['decimal(12,2)', 'decimal(12,2)'], ['DECIMAL( 38 , 10 )', 'decimal(38,10)'],
      ['decimal(9)', 'decimal(9,0)'], ['decimal', 'decimal(10,0)'], ['varchar(100)', 'varchar(100)'], ['char(2)', 'char(2)'],
    ];
    for (const [text, canonical] of cases) assert.equal(formatGlueType(parseGlueType(text)), canonical, text);
    assert.deepEqual(parseGlueType('decimal(12,2)'), { kind: 'decimal', precision: 12, scale: 2 });
    assert.deepEqual(parseGlueType('varchar(100)'), { kind: 'string', length: 100 });
  });

  test('nested types throw a DriftError naming the column', () => {
    for (const t of ['array<int>', 'struct<a:int,b:string>', 'map<string,int>', 'uniontype<int,string>']) {
      assert.ok(isComplexGlueType(t));
      assert.throws(() => parseGlueType(t, 'x'), (e: unknown) => {
        assert.ok(e instanceof DriftError);
        assert.equal(e.exitCode, 3);
        assert.equal(e.message, `column x has type ${t}, which the loader cannot map`);
        assert.match(e.oneLine(), /flatten nested columns/);
        return true;
      });
    }
    assert.throws(() => parseGlueType('interval', 'y'), /column y has type interval, which the loader cannot map/);
    assert.throws(() => parseGlueType('decimal(2,5)', 'z'), DriftError);
  });
});

describe('contract types', () => {
  test('the Glue type a crawler records for files written in each contract type', () => {
    const cases: Array<[RedshiftType, string]> = [
      [{ kind: 'bigint' }, 'bigint'], [{ kind: 'integer' }, 'int'], [{ kind: 'smallint' }, 'smallint'],
      [{ kind: 'decimal', precision: 12, scale: 2 }, 'decimal(12,2)'], [{ kind: 'real' }, 'float'],
      [{ kind: 'double precision' }, 'double'], [{ kind: 'boolean' }, 'boolean'], [{ kind: 'varchar', bytes: 100 }, 'string'],
      [{ kind: 'varchar', bytes: 'max' }, 'string'], [{ kind: 'char', bytes: 2 }, 'string'], [{ kind: 'date' }, 'date'],
      [{ kind: 'timestamp' }, 'timestamp'],
    ];
    for (const [t, glue] of cases) {
      assert.equal(glueTypeOfContract(t), glue, JSON.stringify(t));
      // and what a crawler records is never breaking for the contract it came from
      assert.notEqual(classifyCompatibility(glue, t), 'breaking', glue);
    }
    assert.deepEqual(supplier.columns.map((c) => formatContractType(c.type)), [
      'bigint', 'varchar(100)', 'varchar(100)', 'integer', 'varchar(40)', 'decimal(12,2)', 'varchar(max)',
    ]);
  });

  test('the Redshift type policy evolve gives a new column', () => {
    const to = (t: string) => contractTypeOfGlue(parseGlueType(t));
    assert.deepEqual(to('int'), { kind: 'integer' });
    assert.deepEqual(to('tinyint'), { kind: 'smallint' });
    assert.deepEqual(to('double'), { kind: 'double precision' });
    assert.deepEqual(to('decimal(12,2)'), { kind: 'decimal', precision: 12, scale: 2 });
    assert.deepEqual(to('string'), { kind: 'varchar', bytes: 'max' });
    assert.deepEqual(to('varchar(10)'), { kind: 'varchar', bytes: 40 }, 'Glue counts characters; UTF-8 needs up to 4 bytes each');
    assert.equal(to('binary'), undefined);
  });
});

describe('classifyCompatibility', () => {
  const integer: RedshiftType = { kind: 'integer' };
  const bigint: RedshiftType = { kind: 'bigint' };
  const dec: RedshiftType = { kind: 'decimal', precision: 12, scale: 2 };
  const varchar100: RedshiftType = { kind: 'varchar', bytes: 100 };

  test('same', () => {
    assert.equal(classifyCompatibility('int', integer), 'same');
    assert.equal(classifyCompatibility('bigint', bigint), 'same');
    assert.equal(classifyCompatibility('decimal(12,2)', dec), 'same');
    assert.equal(classifyCompatibility('string', varchar100), 'same', 'Glue string has no width; max_bytes checks values');
  });

  test('widening: INT32 into bigint, a smaller decimal, an int into a decimal with room, date into timestamp', () => {
    assert.equal(classifyCompatibility('int', bigint), 'widening');
    assert.equal(classifyCompatibility('smallint', integer), 'widening');
    assert.equal(classifyCompatibility('decimal(10,2)', dec), 'widening');
    assert.equal(classifyCompatibility('int', dec), 'widening');
    assert.equal(classifyCompatibility('float', { kind: 'double precision' }), 'widening');
    assert.equal(classifyCompatibility('date', { kind: 'timestamp' }), 'widening');
    assert.equal(classifyCompatibility('varchar(50)', varchar100), 'widening');
  });

  test('narrowing-checked: BIGINT into integer, DOUBLE into decimal(12,2), wider decimals and varchars', () => {
    assert.equal(classifyCompatibility('bigint', integer), 'narrowing-checked');
    assert.equal(classifyCompatibility('double', dec), 'narrowing-checked');
    assert.equal(classifyCompatibility('float', dec), 'narrowing-checked');
    assert.equal(classifyCompatibility('bigint', dec), 'narrowing-checked', '19 digits into 10 integer digits');
    assert.equal(classifyCompatibility('decimal(15,4)', dec), 'narrowing-checked');
    assert.equal(classifyCompatibility('decimal(38,0)', bigint), 'narrowing-checked');
    assert.equal(classifyCompatibility('varchar(200)', varchar100), 'narrowing-checked');
    assert.equal(classifyCompatibility('int', varchar100), 'narrowing-checked', 'a number written as text');
    assert.equal(classifyCompatibility('string', dec, { sourceIsText: true }), 'narrowing-checked', 'CSV text is parsed per value');
  });

  test('breaking: a string where a number is expected, fractions into integers, lossy floats, timestamp into date', () => {
    assert.equal(classifyCompatibility('string', dec), 'breaking');
    assert.equal(classifyCompatibility('string', integer), 'breaking');
    assert.equal(classifyCompatibility('string', { kind: 'date' }), 'breaking');
    assert.equal(classifyCompatibility('decimal(12,2)', integer), 'breaking');
    assert.equal(classifyCompatibility('double', integer), 'breaking');
    assert.equal(classifyCompatibility('double', { kind: 'real' }), 'breaking');
    assert.equal(classifyCompatibility('bigint', { kind: 'double precision' }), 'breaking');
    assert.equal(classifyCompatibility('timestamp', { kind: 'date' }), 'breaking');
    assert.equal(classifyCompatibility('boolean', integer), 'breaking');
    assert.equal(classifyCompatibility('binary', varchar100), 'breaking');
  });
});

describe('warehouse types', () => {
  test('information_schema spellings on Redshift and PostgreSQL', () => {
    const cases: Array<[string, string]> = [
      ['bigint', 'bigint'], ['integer', 'integer'], ['smallint', 'smallint'], ['numeric(12,2)', 'numeric(12,2)'],
      ['character varying(100)', 'character varying(100)'], ['character(2)', 'character(2)'], ['real', 'real'],
      ['double precision', 'double precision'], ['boolean', 'boolean'], ['date', 'date'],
      ['timestamp without time zone', 'timestamp without time zone'], ['timestamp with time zone', 'timestamp with time zone'],
      ['text', 'text'], ['numeric', 'numeric'],
    ];
    for (const [text, shown] of cases) assert.equal(formatWarehouseType(parseWarehouseType(text)), shown, text);
    assert.throws(() => parseWarehouseType('super', 'c'), /column c has type super, which the loader cannot map/);
  });

  test('a contract type into the table a contract DDL created is the same', () => {
    const ddl: Array<[RedshiftType, string]> = [
      [{ kind: 'bigint' }, 'bigint'], [{ kind: 'integer' }, 'integer'], [{ kind: 'decimal', precision: 12, scale: 2 }, 'numeric(12,2)'],
      [{ kind: 'varchar', bytes: 100 }, 'character varying(100)'], [{ kind: 'varchar', bytes: 'max' }, 'character varying(65535)'],
      [{ kind: 'char', bytes: 2 }, 'character(2)'], [{ kind: 'timestamp' }, 'timestamp without time zone'],
      [{ kind: 'double precision' }, 'double precision'], [{ kind: 'boolean' }, 'boolean'], [{ kind: 'date' }, 'date'],
    ];
    for (const [t, text] of ddl) assert.equal(classifyCompatibility(normalizeContractType(t), parseWarehouseType(text)), 'same', text);
  });
});
