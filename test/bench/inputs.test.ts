/**
 * The benchmark's inputs are what they claim (bench/inputs/): each is built at 2,000 rows for both
 * datasets, its files show the writer, encodings, page types and physical types it is there for, and
 * `redshift-loader partition` on it writes exactly the rows it writes on `gen` — as does DuckDB's peer
 * command on the `.tbl` text against its own output on `gen`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { describeInput } from '../../bench/inputs/describe.ts';
import { duckdbTblColumns } from '../../bench/inputs/duckdb-columns.ts';
import { buildInput, INPUT_NAMES, type Input, type InputName } from '../../bench/inputs/index.ts';
import { BENCH } from '../../bench/measure.ts';
import { runCli } from '../support/cli.ts';

const ROWS = 2_000;

/** Every output row of a partition package, sorted (parts hold the rows in no promised order across files). */
async function partitionRows(dataset: string, source: string, out: string): Promise<string[]> {
  const r = await runCli(['partition', '--dataset', dataset, '--source', source, '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { entries: Array<{ url: string }> };
  return manifest.entries.flatMap((e) => gunzipSync(readFileSync(e.url)).toString('utf8').split('\n').filter(Boolean)).sort();
}

/** DuckDB's peer command (bench/duckdb-copy.mjs) on an input: its output rows, sorted. */
function duckdbRows(source: string, out: string, columns?: Record<string, string>): string[] {
  const r = spawnSync(process.execPath, [join(BENCH, 'duckdb-copy.mjs'), source, out, '1', ...(columns ? [JSON.stringify(columns)] : [])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readdirSync(out).flatMap((f) => gunzipSync(readFileSync(join(out, f))).toString('utf8').split('\n').filter(Boolean)).sort();
}

for (const dataset of ['supplier', 'lineitem'] as const) {
  describe(`bench inputs: ${dataset} at ${ROWS} rows`, () => {
    const tmp = mkdtempSync(join(tmpdir(), `bench-inputs-${dataset}-`));
    const inputs = {} as Record<InputName, Input>;
    let genRows: string[] = [];

    before(async () => {
      for (const name of INPUT_NAMES) inputs[name] = await buildInput(name, { dataset, size: ROWS, data: tmp, tsx: true });
      genRows = await partitionRows(dataset, inputs.gen.dir, join(tmp, 'out-gen'));
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it('every input holds the same number of rows as gen', () => {
      assert.ok(inputs.gen.rows > 1_000, `${inputs.gen.rows} rows`);
      assert.equal(genRows.length, inputs.gen.rows);
      for (const name of INPUT_NAMES) assert.equal(inputs[name].rows, inputs.gen.rows, name);
    });

    it('duck and duckv2 are DuckDB\'s; only V2 has the DELTA encodings (and BYTE_STREAM_SPLIT for a DOUBLE)', async () => {
      const duck = await describeInput(inputs.duck.dir);
      const v2 = await describeInput(inputs.duckv2.dir);
      for (const d of [duck, v2]) assert.match(d.writers.join(), /^DuckDB version/);
      assert.ok(v2.pageEncodings.DELTA_BINARY_PACKED?.length, JSON.stringify(v2.pageEncodings));
      assert.ok(v2.pageEncodings.DELTA_LENGTH_BYTE_ARRAY?.length, JSON.stringify(v2.pageEncodings));
      if (dataset === 'supplier') assert.deepEqual(v2.pageEncodings.BYTE_STREAM_SPLIT, ['s_acctbal']);
      assert.deepEqual(Object.keys(duck.pageEncodings).filter((e) => e.startsWith('DELTA') || e === 'BYTE_STREAM_SPLIT'), []);
    });

    it('arrow is arrow-rs\'s: data pages v2, dictionaries, every decimal as FIXED_LEN_BYTE_ARRAY', async () => {
      const d = await describeInput(inputs.arrow.dir);
      assert.match(d.writers.join(), /^parquet-rs version/);
      assert.deepEqual(Object.keys(d.pages).sort(), ['DATA_PAGE_V2', 'DICTIONARY_PAGE']);
      assert.ok(d.pageEncodings.RLE_DICTIONARY?.length, JSON.stringify(d.pageEncodings));
      const decimals = dataset === 'supplier' ? ['s_acctbal'] : ['l_quantity', 'l_extendedprice', 'l_discount', 'l_tax'];
      for (const c of decimals) assert.equal(d.types[c], 'FIXED_LEN_BYTE_ARRAY DECIMAL', c);
    });

    it('tbl is dbgen text: pipe-delimited with a trailing |', async () => {
      const d = await describeInput(inputs.tbl.dir);
      assert.equal(d.format, 'text');
      const first = readFileSync(join(inputs.tbl.dir, readdirSync(inputs.tbl.dir).find((f) => f.endsWith('.tbl'))!), 'utf8').split('\n')[0];
      assert.match(first, /^\d+\|.*\|$/);
    });

    for (const name of INPUT_NAMES.filter((n) => n !== 'gen')) {
      it(`partition writes the same rows from ${name} as from gen`, async () => {
        const rows = await partitionRows(dataset, inputs[name].dir, join(tmp, `out-${name}`));
        assert.equal(rows.length, genRows.length);
        assert.deepEqual(rows, genRows);
      });
    }

    it('DuckDB\'s peer writes the same rows from tbl (read_csv with the contract\'s columns) as from gen', () => {
      const fromGen = duckdbRows(inputs.gen.dir, join(tmp, 'duck-gen'));
      const fromTbl = duckdbRows(inputs.tbl.dir, join(tmp, 'duck-tbl'), duckdbTblColumns(dataset));
      assert.equal(fromTbl.length, inputs.gen.rows);
      assert.deepEqual(fromTbl, fromGen);
    });
  });
}
