/**
 * The generator keyed by table: the registry, the table-generic writers (a new table is one module plus
 * one registry line), and `generate --dataset NAME` through the real CLI.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { ConfigError } from '../../core/errors.ts';
import {
  SUPPLIER_PARQUET_SCHEMA,
  centsColumn,
  encodeTbl,
  generateTable,
  int32Column,
  maxTblLineBytes,
  parquetSchema,
  planFile,
  rowKeyColumn,
  supplierTable,
  tableRowCount,
  textColumn,
  tpchTable,
  tpchTableNames,
  tpchTables,
  writeTableFile,
  type TpchBatch,
  type TpchRowGenerator,
  type TpchTable,
} from '../../tpch/index.ts';
import { runCli } from '../support/cli.ts';
import { runCliWithExtraDatasets } from '../support/cli-with-extra-datasets.ts';

const work = mkdtempSync(join(tmpdir(), 'tpch-tables-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('the table registry', () => {
  for (const [name, table] of Object.entries(tpchTables)) {
    it(`${name}: registered under its own name, one Parquet column per column, rows as the scale says`, () => {
      assert.equal(table.name, name);
      assert.deepEqual(parquetSchema(table).slice(1).map((e) => e.name), table.columns.map((c) => c.name));
      assert.equal(parquetSchema(table)[0].num_children, table.columns.length);
      for (const scale of [0.00001, 0.01, 0.3001, 1, 7.5]) {
        assert.equal(table.generator({ scale, seed: 1n }).rows, tableRowCount(table, scale), `SF ${scale}`);
      }
    });

    it(`${name}: every .tbl field of a sample fits the width its column declares`, () => {
      const generator = table.generator({ scale: 1, seed: 5n });
      const batch = generator.batch(1, Math.min(2000, generator.rows));
      const lines = encodeTbl(table, batch).toString('latin1').trimEnd().split('\n');
      assert.equal(lines.length, batch.numRows);
      for (const line of lines) {
        const fields = line.slice(0, -1).split('|');
        assert.equal(fields.length, table.columns.length);
        table.columns.forEach((c, i) => assert.ok(fields[i].length <= c.maxTblBytes, `${c.name} "${fields[i]}" over ${c.maxTblBytes} bytes`));
      }
    });
  }

  it('SUPPLIER keeps its DuckDB Parquet schema and dbgen line bound', () => {
    assert.deepEqual(Object.keys(tpchTables), ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders', 'lineitem']);
    assert.equal(maxTblLineBytes(supplierTable), 202);
    assert.deepEqual(
      SUPPLIER_PARQUET_SCHEMA.map((e) => [e.name, e.type, e.converted_type, e.precision, e.scale, e.repetition_type]),
      [
        ['schema', undefined, undefined, undefined, undefined, 'REQUIRED'],
        ['s_suppkey', 'INT64', 'INT_64', undefined, undefined, 'OPTIONAL'],
        ['s_name', 'BYTE_ARRAY', 'UTF8', undefined, undefined, 'OPTIONAL'],
        ['s_address', 'BYTE_ARRAY', 'UTF8', undefined, undefined, 'OPTIONAL'],
        ['s_nationkey', 'INT32', 'INT_32', undefined, undefined, 'OPTIONAL'],
        ['s_phone', 'BYTE_ARRAY', 'UTF8', undefined, undefined, 'OPTIONAL'],
        ['s_acctbal', 'INT64', 'DECIMAL', 12, 2, 'OPTIONAL'],
        ['s_comment', 'BYTE_ARRAY', 'UTF8', undefined, undefined, 'OPTIONAL'],
      ],
    );
  });

  it('an unknown table is a ConfigError that lists the known ones, and nothing is written', async () => {
    assert.throws(() => tpchTable('widgets'), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.oneLine(), /the TPC-H generator has no table "widgets" — it knows: customer, lineitem, nation, orders, part, partsupp, region, supplier$/);
      return true;
    });
    assert.throws(() => tpchTable('toString'), ConfigError, 'not fooled by Object.prototype');
    const out = join(work, 'unknown');
    await assert.rejects(generateTable('widgets', { scale: 1, outDir: out }), ConfigError);
    assert.ok(!existsSync(out));
    assert.deepEqual(tpchTableNames(), ['customer', 'lineitem', 'nation', 'orders', 'part', 'partsupp', 'region', 'supplier']);
  });
});

/** A REGION-shaped table, declared the way a new table module would be (fixed row count, every column type). */
interface RegionBatch extends TpchBatch {
  name: string[];
  code: Int32Array;
  cents: Int32Array;
}
const NAMES = ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'];
class RegionRows implements TpchRowGenerator<RegionBatch> {
  readonly rows = 5;
  batch(firstKey: number, count: number): RegionBatch {
    const keys = Array.from({ length: count }, (_, i) => firstKey + i);
    return {
      firstKey,
      numRows: count,
      name: keys.map((k) => NAMES[k - 1]),
      code: Int32Array.from(keys, (k) => k * 7),
      cents: Int32Array.from(keys, (k) => (k % 2 ? -1 : 1) * k * 12_345),
    };
  }
  *batches(o: { firstKey?: number; lastKey?: number; batchSize?: number } = {}): Generator<RegionBatch> {
    const last = o.lastKey ?? this.rows;
    for (let k = o.firstKey ?? 1; k <= last; k += o.batchSize ?? 2) yield this.batch(k, Math.min(o.batchSize ?? 2, last - k + 1));
  }
}
const region: TpchTable<RegionBatch> = {
  name: 'region',
  rowsPerScaleFactor: 0,
  fixedRows: 5,
  columns: [
    rowKeyColumn('r_regionkey', 1),
    textColumn('r_name', 25, (b) => b.name),
    int32Column('r_code', 2, (b) => b.code),
    centsColumn('r_money', 12, 9, (b) => b.cents),
  ],
  generator: () => new RegionRows(),
};

describe('the writers take any table', () => {
  it('a fixed-size table has its rows at every scale', () => {
    assert.deepEqual([0.01, 1, 1000].map((sf) => tableRowCount(region, sf)), [5, 5, 5]);
    assert.throws(() => tableRowCount(region, 0), ConfigError, 'the scale is still checked');
  });

  it('writes a new table as dbgen text and as Parquet with its own schema and values', async () => {
    const generator = region.generator({ scale: 1, seed: 0n });
    const tbl = await writeTableFile(region, generator, planFile(work, 5, 1, 0, 'csv'), { format: 'csv', rowGroupSize: 2 });
    assert.equal(
      readFileSync(tbl.path, 'latin1'),
      '1|AFRICA|7|-123.45|\n2|AMERICA|14|246.90|\n3|ASIA|21|-370.35|\n4|EUROPE|28|493.80|\n5|MIDDLE EAST|35|-617.25|\n',
    );
    const pq = await writeTableFile(region, generator, planFile(work, 5, 1, 0, 'parquet'), {
      format: 'parquet',
      rowGroupSize: 2,
      metadata: { origin: 'test' },
    });
    assert.deepEqual([pq.rows, pq.firstKey, pq.lastKey], [5, 1, 5]);
    const file = await asyncBufferFromFile(pq.path);
    const meta = await parquetMetadataAsync(file);
    assert.deepEqual(meta.row_groups.map((g) => g.num_rows), [2n, 2n, 1n], 'one row group per batch');
    assert.deepEqual(
      meta.schema.slice(1).map((e) => [e.name, e.type, e.converted_type]),
      [['r_regionkey', 'INT64', 'INT_64'], ['r_name', 'BYTE_ARRAY', 'UTF8'], ['r_code', 'INT32', 'INT_32'], ['r_money', 'INT64', 'DECIMAL']],
    );
    assert.deepEqual(meta.key_value_metadata, [{ key: 'origin', value: 'test' }]);
    const rows: Array<Record<string, unknown>> = await parquetReadObjects({ file });
    assert.deepEqual(
      rows.map((r) => [r.r_regionkey, r.r_name, r.r_code, r.r_money]),
      [[1n, 'AFRICA', 7, -123.45], [2n, 'AMERICA', 14, 246.9], [3n, 'ASIA', 21, -370.35], [4n, 'EUROPE', 28, 493.8], [5n, 'MIDDLE EAST', 35, -617.25]],
    );
  });
});

describe('generate --dataset through the CLI', () => {
  it('an unknown table: exit 2, one line naming it and listing the tables the generator knows, nothing written', async () => {
    const out = join(work, 'cli-widgets');
    const r = await runCli(['generate', '--dataset', 'widgets', '--scale', '1', '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /ConfigError: --dataset widgets: the generator has no TPC-H table of that name — the TPC-H tables it knows: customer, lineitem, nation, orders, part, partsupp, region, supplier$/m);
    assert.ok(!existsSync(out));
  });

  it('no --dataset: exit 2 listing the tables', async () => {
    const r = await runCli(['generate', '--scale', '1', '--out', join(work, 'cli-none')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /ConfigError: --dataset is required — the TPC-H tables it knows: customer, lineitem, nation, orders, part, partsupp, region, supplier$/m);
  });

  it('any table of the registry: a table added by one registry line is generated, named in the files and the summary', async () => {
    const out = join(work, 'cli-copy');
    const r = await runCliWithExtraDatasets(['generate', '--dataset', 'supplier_copy', '--scale', '0.01', '--files', '2', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote 100 SUPPLIER_COPY rows into 2 parquet file\(s\)/);
    assert.deepEqual(readdirSync(out), ['part-00000.parquet', 'part-00001.parquet']);
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(join(out, 'part-00001.parquet')));
    const provenance: unknown = JSON.parse(meta.key_value_metadata!.find((kv) => kv.key === 'redshift-loader.generate')!.value!);
    assert.deepEqual(provenance, { dataset: 'supplier_copy', scale: 0.01, seed: '19920101', files: 2, file: 1, firstKey: 51, lastKey: 100 });
  });

  it('a dataset with a contract but no TPC-H table is refused the same way (exit 2)', async () => {
    const r = await runCliWithExtraDatasets(['generate', '--dataset', 'orphan_parts', '--scale', '1', '--out', join(work, 'cli-orphan')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--dataset orphan_parts: the generator has no TPC-H table of that name — the TPC-H tables it knows: customer, lineitem, nation, orders, part, partsupp, region, supplier, supplier_copy$/m);
  });
});
