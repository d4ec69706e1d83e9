/**
 * `start` through the real command line, on PGlite and PostgreSQL: it samples the dataset it runs from
 * the TPC-H generator's registry (not a hard-coded SUPPLIER), and a dataset the generator does not know
 * stops it with one clear line and exit 2 (a ConfigError: AWS Batch does not retry it), nothing written.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { runCli } from '../support/cli.ts';
import { runCliWithExtraDatasets } from '../support/cli-with-extra-datasets.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';

const DATE = '2026-03-02';

async function historyRows(warehouse: string, table: string): Promise<number> {
  const wh = await openWarehouse(warehouse);
  try {
    const [row] = await wh.query(`SELECT CAST(COUNT(*) AS VARCHAR(20)) AS n FROM assignment.${table}`);
    return Number(row.n);
  } finally {
    await wh.close();
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

for (const engine of ENGINES) {
  describe(`start on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'start');
    const flags = (dataset?: string): string[] => [
      'start', ...(dataset ? ['--dataset', dataset] : []), '--date', DATE, '--warehouse', fx.warehouse,
    ];

    it('with no --dataset samples TPC-H SUPPLIER for the date and publishes it', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(flags(), { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /writing a sample TPC-H SUPPLIER batch \(SF 1, 3 Parquet files\)/);
      assert.match(lastLine(r.stderr), /published 10000 rows into assignment\.supplier_data/);
      assert.deepEqual(readdirSync(join(fx.dir, '.local/landing/supplier/20260302')).sort(), ['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet']);
      assert.equal(await historyRows(fx.warehouse, 'supplier_data'), 10_000);
    });

    it('samples the dataset it runs when the generator has a table of that name', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCliWithExtraDatasets(flags('supplier_copy'), { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /writing a sample TPC-H SUPPLIER_COPY batch/);
      assert.match(lastLine(r.stderr), /published 10000 rows into assignment\.supplier_copy_data/);
      assert.equal(readdirSync(join(fx.dir, '.local/landing/supplier_copy/20260302')).length, 3);
      assert.equal(await historyRows(fx.warehouse, 'supplier_copy_data'), 10_000);
    });

    it('a folder holding only a 0-byte export is the user\'s batch: refused (exit 4), never overwritten by a sample', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const folder = join(fx.dir, '.local/landing/nation/20260302');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'part-00000.parquet'), '');
      const r = await runCli(flags('nation'), { cwd: fx.dir });
      assert.equal(r.code, 4, r.stderr);
      assert.match(lastLine(r.stderr), /0-byte data file: .*part-00000\.parquet/);
      assert.doesNotMatch(r.stderr, /writing a sample/);
      assert.deepEqual(readdirSync(folder), ['part-00000.parquet']);
      assert.equal(statSync(join(folder, 'part-00000.parquet')).size, 0, 'the user\'s file is untouched');
    });

    it('a dataset the generator does not know: exit 2, one line naming it and the tables it knows, nothing written', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCliWithExtraDatasets(flags('orphan_parts'), { cwd: fx.dir });
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /ConfigError: no batch for 2026-03-02, and the TPC-H generator cannot write a sample of dataset orphan_parts \(it knows: customer, lineitem, nation, orders, part, partsupp, region, supplier, supplier_copy\)/);
      assert.match(lines[0], /landing\/orphan_parts\/20260302/, 'names the folder it looked in');
      assert.match(lines[0], /put the batch's files there/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(!existsSync(join(fx.dir, '.local/landing/orphan_parts')), 'no sample written');
      assert.ok(!existsSync(join(fx.dir, '.local/reports/orphan_parts')), 'no run started');
    });
  });
}
