/**
 * Users' own contracts through the real command line, on PGlite and on PostgreSQL: a new 3-column
 * dataset from `--contracts DIR` loaded end to end by `run`, a file named like a built-in replacing it
 * (given through RL_CONTRACTS), and a bad file in the folder stopping the run with exit 2 and one line.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';

const widgets = {
  $schema: './contract.schema.json',
  name: 'widgets',
  description: 'a user dataset of three columns',
  schema: 'assignment',
  stageTable: 'widgets_stage',
  historyTable: 'widgets_data',
  auditTable: 'load_audit',
  columns: [
    { name: 'w_id', type: { kind: 'bigint' }, nullable: false },
    { name: 'w_label', type: { kind: 'varchar', bytes: 20 }, nullable: true },
    { name: 'w_price', type: { kind: 'decimal', precision: 15, scale: 2 }, nullable: true },
  ],
  loadTimestampColumn: 'load_ts',
  distKey: 'w_id',
  sortKey: { style: 'compound', columns: ['load_ts'] },
  key: ['w_id'],
  source: {
    prefix: '{dataset}/{yyyymmdd}/',
    formats: ['csv'],
    delimited: { delimiter: ',', header: true, quote: '"', nullMarker: '', trailingDelimiter: false },
  },
  checksums: { sum: ['w_price'], minMax: ['w_id'] },
  drift: { policy: 'freeze' },
  quality: [
    { type: 'not_null', column: 'w_id', severity: 'error' },
    { type: 'unique', column: 'w_id', severity: 'error' },
  ],
};

const supplierBuiltIn = JSON.parse(readFileSync(new URL('../../datasets/supplier.json', import.meta.url), 'utf8')) as Record<string, unknown>;

async function rows(warehouse: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const wh = await openWarehouse(warehouse);
  try {
    return await wh.query(sql);
  } finally {
    await wh.close();
  }
}

const lastLine = (text: string): string => text.trim().split('\n').at(-1) ?? '';

for (const engine of ENGINES) {
  describe(`user contracts on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'contracts', (dir) => {
      mkdirSync(join(dir, 'contracts'));
      writeFileSync(join(dir, 'contracts', 'widgets.json'), JSON.stringify(widgets, null, 2));
      mkdirSync(join(dir, 'widgets-batch'));
      writeFileSync(join(dir, 'widgets-batch', 'widgets.csv'), 'w_id,w_label,w_price\n1,bolt,0.10\n2,"nut, hex",12.50\n3,,\n');
      // SUPPLIER, replaced: same columns and rules, other tables.
      mkdirSync(join(dir, 'override'));
      writeFileSync(join(dir, 'override', 'supplier.json'), JSON.stringify({ ...supplierBuiltIn, stageTable: 'supplier_mine_stage', historyTable: 'supplier_mine' }));
      mkdirSync(join(dir, 'supplier-batch'));
      const tbl = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, 5).join('\n') + '\n';
      writeFileSync(join(dir, 'supplier-batch', 'supplier.tbl'), tbl);
      mkdirSync(join(dir, 'bad'));
      writeFileSync(join(dir, 'bad', 'widgets.json'), JSON.stringify({ ...widgets, key: ['w_nope'] }));
      return Promise.resolve();
    });
    const flags = (dataset: string, source: string, extra: string[] = []): string[] => [
      'run', '--dataset', dataset, '--date', '2026-11-24', '--source', join(fx.dir, source),
      '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse, ...extra,
    ];

    it('loads a new dataset declared only in --contracts DIR, end to end', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const without = await runCli(flags('widgets', 'widgets-batch'), { cwd: fx.dir });
      assert.equal(without.code, 2, without.stderr);
      assert.match(lastLine(without.stderr), /unknown dataset "widgets"/);
      const r = await runCli(flags('widgets', 'widgets-batch', ['--contracts', join(fx.dir, 'contracts')]), { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(lastLine(r.stderr), /published 3 rows into assignment\.widgets_data/);
      const got = await rows(fx.warehouse, 'SELECT CAST(w_id AS VARCHAR(20)) AS id, w_label, CAST(w_price AS VARCHAR(20)) AS price FROM assignment.widgets_data ORDER BY w_id');
      assert.deepEqual(got.map((x) => [x.id, x.w_label, x.price]), [['1', 'bolt', '0.10'], ['2', 'nut, hex', '12.50'], ['3', null, null]]);
    });

    it('a contract in RL_CONTRACTS named like a built-in replaces it', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(flags('supplier', 'supplier-batch'), { cwd: fx.dir, env: { RL_CONTRACTS: join(fx.dir, 'override') } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(lastLine(r.stderr), /published 5 rows into assignment\.supplier_mine\b/);
      const got = await rows(fx.warehouse, 'SELECT COUNT(*) AS n FROM assignment.supplier_mine');
      assert.equal(Number(got[0].n), 5);
      const builtIn = await rows(fx.warehouse, "SELECT 1 AS x FROM information_schema.tables WHERE table_schema = 'assignment' AND table_name = 'supplier_data'");
      assert.equal(builtIn.length, 0, 'the built-in contract was not used');
    });

    it('a bad contract in the folder stops the run before any work: exit 2, one line with file and JSON path', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(flags('widgets', 'widgets-batch', ['--contracts', join(fx.dir, 'bad'), '--date', '2026-11-25']), { cwd: fx.dir });
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^ConfigError: .*bad\/widgets\.json: \$\.key\[0\] names "w_nope", which is not a column/);
    });
  });
}
