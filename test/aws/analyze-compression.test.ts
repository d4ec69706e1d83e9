/**
 * `advise` on Redshift: ANALYZE COMPRESSION through the Data API adapter (its statement lifecycle driven
 * by aws-sdk-client-mock, as DESIGN.md allows for this API), and the advice re-based on its figures:
 * Redshift's encoding, the sample's RAW bytes less its Est_reduction_pct, the DDL rebuilt, source
 * 'analyze-compression'. A row it cannot read is a LoadError, not a silent skip.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DescribeStatementCommand, ExecuteStatementCommand, GetStatementResultCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { LoadError } from '../../core/errors.ts';
import { datasets } from '../../datasets/index.ts';
import { storageAdvice } from '../../jobs/advice/advisor.ts';
import { analyzeCompression } from '../../jobs/advice/analyze-compression.ts';
import { RedshiftDataWarehouse } from '../../jobs/warehouse/redshift-data.ts';
import { SHARED_TPCH } from '../support/cli.ts';
import { TEST_CREDENTIALS } from './moto.ts';

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:redshift!dev-admin-AbCdEf';
const client = new RedshiftDataClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
const api = mockClient(client);
const clock = { now: () => 0, sleep: () => Promise.resolve() };

/** 500 SUPPLIER rows of TPC-H's reference file, as the parts' text. */
function sampleAdvice() {
  const contract = datasets.supplier;
  const rows = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, 500).map((l) => l.split('|').slice(0, 7));
  const widest = new Map(contract.columns.map((c, i) => [c.name, Math.max(...rows.map((r) => Buffer.byteLength(r[i])))]));
  return storageAdvice({
    contract, batchDate: '2026-03-02', runId: 'r1', rowCount: 500, profile: [],
    sample: { columns: contract.columns.map((c) => c.name), rows }, widest, widestFromBatches: ['2026-03-02'],
  });
}

function analyzeResult(rows: Array<[string, string, string]>) {
  api.on(ExecuteStatementCommand).resolves({ Id: 'ac-1' });
  api.on(DescribeStatementCommand).resolves({ Id: 'ac-1', Status: 'FINISHED', HasResultSet: true });
  api.on(GetStatementResultCommand).resolves({
    ColumnMetadata: [{ name: 'Table', typeName: 'name' }, { name: 'Column', typeName: 'name' }, { name: 'Encoding', typeName: 'text' }, { name: 'Est_reduction_pct', typeName: 'text' }],
    Records: rows.map(([c, e, p]) => [{ stringValue: 'supplier_data' }, { stringValue: c }, { stringValue: e }, { stringValue: p }]),
  });
}

beforeEach(() => api.reset());
afterEach(() => api.reset());

describe('advise on Redshift: ANALYZE COMPRESSION', () => {
  const wh = () => new RedshiftDataWarehouse(`redshift-data:cluster/dev-rs/loads?secret=${SECRET}`, { client, clock, random: () => 1, env: {} });

  test("the advice takes Redshift's encodings and reductions, and the DDL follows them", async () => {
    const sample = sampleAdvice();
    analyzeResult([
      ['s_suppkey', 'az64', '75.00'],
      ['s_name', 'zstd', '80.00'],
      ['s_phone', 'bytedict', '50.00'],
    ]);
    const a = await analyzeCompression(wh(), sample, 'assignment.supplier_stage');
    const sql = api.commandCalls(ExecuteStatementCommand)[0].args[0].input.Sql;
    assert.equal(sql, 'ANALYZE COMPRESSION assignment.supplier_data COMPROWS 100000');
    assert.equal(a.source, 'analyze-compression');
    const col = (c: string) => a.columns.find((x) => x.column === c)!;
    const raw = (c: string) => sample.columns.find((x) => x.column === c)!.measured!.find((m) => m.encoding === 'raw')!.bytesPerMillion;
    assert.equal(col('s_suppkey').suggestedEncoding, 'az64');
    assert.equal(col('s_suppkey').bytesPerMillionSuggested, col('s_suppkey').bytesPerMillionNow, 'same encoding: nothing saved');
    assert.equal(col('s_phone').suggestedEncoding, 'bytedict');
    assert.equal(col('s_phone').bytesPerMillionSuggested, Math.round(raw('s_phone') * 0.5));
    assert.match(col('s_phone').reason, /^ANALYZE COMPRESSION suggests BYTEDICT, 50% smaller than RAW; widest value 15 bytes/);
    assert.equal(col('s_name').bytesPerMillionSuggested, Math.round(raw('s_name') * 0.2));
    // A column Redshift did not report keeps the sample's figures.
    assert.deepEqual(col('s_comment'), sample.columns.find((x) => x.column === 's_comment'));
    // VARCHAR(32) before BYTEDICT: Redshift cannot resize a BYTEDICT column.
    const phone = a.ddl.filter((s) => s.includes('s_phone'));
    assert.deepEqual(phone, ['ALTER TABLE assignment.supplier_data ALTER COLUMN s_phone TYPE VARCHAR(32)', 'ALTER TABLE assignment.supplier_data ALTER COLUMN s_phone ENCODE BYTEDICT']);
    assert.ok(!a.ddl.some((s) => s.includes('s_suppkey')));
    assert.equal(a.bytesSavedPerMillionRows, a.columns.reduce((s, c) => s + c.bytesPerMillionNow - c.bytesPerMillionSuggested, 0));
  });

  test('an encoding a contract cannot declare is reported and not applied', async () => {
    analyzeResult([['s_nationkey', 'mostly8', '70.00']]);
    const a = await analyzeCompression(wh(), sampleAdvice(), 'assignment.supplier_stage');
    const c = a.columns.find((x) => x.column === 's_nationkey')!;
    assert.equal(c.suggestedEncoding, c.currentEncoding);
    assert.match(c.reason, /MOSTLY8, which a contract cannot declare/);
  });

  test('a row without its figures is a LoadError', async () => {
    analyzeResult([['s_name', 'zstd', 'n/a']]);
    await assert.rejects(analyzeCompression(wh(), sampleAdvice(), 'assignment.supplier_stage'), (e) => e instanceof LoadError && /est_reduction_pct/.test(e.message));
  });
});
