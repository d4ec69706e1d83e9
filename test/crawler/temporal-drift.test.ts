/**
 * Dates, timestamps, CHAR and BOOLEAN through drift without false alarms: the Parquet reader types DATE as
 * `date`, every TIMESTAMP (MILLIS, MICROS, NANOS, TIMESTAMPTZ, legacy converted types) and INT96 as `timestamp`,
 * BOOLEAN as `boolean`; against a contract of date/timestamp/char(4)/boolean columns, those files, a Glue
 * table of `date`/`timestamp`/`boolean`/`char(4)` (or `string`) and the warehouse's own types are no drift.
 * Values a NANOS or INT96 column cannot keep are the pass's business (exit 4), not drift's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { DatasetContract } from '../../datasets/contract.ts';
import type { FileSchema } from '../../core/values.ts';
import { classifyCompatibility } from '../../crawler/glue-types.ts';
import { compareSchemas } from '../../crawler/drift.ts';
import { readParquetSchema } from '../../jobs/readers/parquet.ts';
import { LocalStore } from '../../jobs/store/index.ts';
import { momentsContract, writeDuckDbFiles, writeHyparquetFiles, writeInt96File } from '../support/temporal-fixtures.ts';
import { catalogVersion, NOW } from './fixtures.ts';

const contract = momentsContract as unknown as DatasetContract;
const schemas: FileSchema[] = [];

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-temporal-drift-'));
  await writeDuckDbFiles(dir);
  writeHyparquetFiles(dir);
  writeInt96File(dir);
  const store = new LocalStore();
  for (const name of readdirSync(dir).sort()) schemas.push(await readParquetSchema(await store.open(join(dir, name))));
});

describe('dates, timestamps, CHAR and BOOLEAN in drift', () => {
  test('every writer\'s DATE, TIMESTAMP unit, INT96 and BOOLEAN read as date, timestamp and boolean', () => {
    assert.equal(schemas.length, 7);
    for (const s of schemas) {
      const types = Object.fromEntries(s.columns.map((c) => [c.name, c.type]));
      assert.deepEqual(types, { m_id: 'int', m_day: 'date', m_ts: 'timestamp', m_code: 'string', m_flag: 'boolean' }, s.file);
    }
  });

  test('those files, a Glue table and the warehouse of the same types are no drift', () => {
    for (const code of ['char(4)', 'string']) {
      const catalog = catalogVersion('1', [
        { name: 'm_id', type: 'int' }, { name: 'm_day', type: 'date' }, { name: 'm_ts', type: 'timestamp' },
        { name: 'm_code', type: code }, { name: 'm_flag', type: 'boolean' },
      ]);
      const r = compareSchemas({
        contract, files: schemas, catalog: { latest: { ...catalog, name: 'moments' } }, now: NOW,
        warehouse: [
          { name: 'm_id', type: 'integer', nullable: false }, { name: 'm_day', type: 'date', nullable: true },
          { name: 'm_ts', type: 'timestamp without time zone', nullable: true }, { name: 'm_code', type: 'character(4)', nullable: true },
          { name: 'm_flag', type: 'boolean', nullable: true }, { name: 'load_ts', type: 'timestamp without time zone', nullable: false },
        ],
      });
      assert.equal(r.decision, 'proceed', JSON.stringify(r.findings));
      // DuckDB writes every column OPTIONAL: m_id's nullability is a warning; the typed columns have no finding
      assert.deepEqual(r.findings.map((f) => `${f.kind} ${f.column}`), ['nullability_changed m_id'], JSON.stringify(r.findings));
    }
  });

  test('what still is drift: a timestamp into a date, text or numbers into a typed column, a wider CHAR', () => {
    assert.equal(classifyCompatibility('timestamp', { kind: 'date' }), 'breaking');
    assert.equal(classifyCompatibility('string', { kind: 'timestamp' }), 'breaking');
    assert.equal(classifyCompatibility('int', { kind: 'boolean' }), 'breaking');
    assert.equal(classifyCompatibility('date', { kind: 'timestamp' }), 'widening');
    assert.equal(classifyCompatibility('char(10)', { kind: 'char', bytes: 4 }), 'narrowing-checked');
    assert.equal(classifyCompatibility('string', { kind: 'timestamp' }, { sourceIsText: true }), 'narrowing-checked');
  });
});
