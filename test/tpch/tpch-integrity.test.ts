/**
 * The eight TPC-H tables at SF 0.01 hold together (clause 4.2.3), checked by SQL on three engines: DuckDB
 * reads the generator's Parquet (and finds the DuckDB column types), PGlite and PostgreSQL load its dbgen
 * .tbl text. On every engine: each o_custkey is a customer not divisible by 3, each lineitem's
 * (partkey, suppkey) is a PARTSUPP row and its order exists, every order has lines, o_totalprice and
 * o_orderstatus follow from the lines; and the three engines agree on counts and aggregates, so the
 * Parquet and the .tbl carry the same values. LINEITEM is written by `redshift-loader generate` itself.
 */
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { generateTable, tpchTableNames } from '../../tpch/index.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';

const SCALE = 0.01;
const work = mkdtempSync(join(tmpdir(), 'tpch-integrity-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The DuckDB shape of every table (what `DESCRIBE` of the Parquet must say), in column order. */
const SHAPES: Record<string, Array<[string, string]>> = {
  region: [['r_regionkey', 'INTEGER'], ['r_name', 'VARCHAR'], ['r_comment', 'VARCHAR']],
  nation: [['n_nationkey', 'INTEGER'], ['n_name', 'VARCHAR'], ['n_regionkey', 'INTEGER'], ['n_comment', 'VARCHAR']],
  supplier: [
    ['s_suppkey', 'BIGINT'], ['s_name', 'VARCHAR'], ['s_address', 'VARCHAR'], ['s_nationkey', 'INTEGER'],
    ['s_phone', 'VARCHAR'], ['s_acctbal', 'DECIMAL(12,2)'], ['s_comment', 'VARCHAR'],
  ],
  customer: [
    ['c_custkey', 'BIGINT'], ['c_name', 'VARCHAR'], ['c_address', 'VARCHAR'], ['c_nationkey', 'INTEGER'], ['c_phone', 'VARCHAR'],
    ['c_acctbal', 'DECIMAL(15,2)'], ['c_mktsegment', 'VARCHAR'], ['c_comment', 'VARCHAR'],
  ],
  part: [
    ['p_partkey', 'BIGINT'], ['p_name', 'VARCHAR'], ['p_mfgr', 'VARCHAR'], ['p_brand', 'VARCHAR'], ['p_type', 'VARCHAR'],
    ['p_size', 'INTEGER'], ['p_container', 'VARCHAR'], ['p_retailprice', 'DECIMAL(15,2)'], ['p_comment', 'VARCHAR'],
  ],
  partsupp: [['ps_partkey', 'BIGINT'], ['ps_suppkey', 'BIGINT'], ['ps_availqty', 'INTEGER'], ['ps_supplycost', 'DECIMAL(15,2)'], ['ps_comment', 'VARCHAR']],
  orders: [
    ['o_orderkey', 'BIGINT'], ['o_custkey', 'BIGINT'], ['o_orderstatus', 'VARCHAR'], ['o_totalprice', 'DECIMAL(15,2)'],
    ['o_orderdate', 'DATE'], ['o_orderpriority', 'VARCHAR'], ['o_clerk', 'VARCHAR'], ['o_shippriority', 'INTEGER'], ['o_comment', 'VARCHAR'],
  ],
  lineitem: [
    ['l_orderkey', 'BIGINT'], ['l_partkey', 'BIGINT'], ['l_suppkey', 'BIGINT'], ['l_linenumber', 'INTEGER'],
    ['l_quantity', 'DECIMAL(15,2)'], ['l_extendedprice', 'DECIMAL(15,2)'], ['l_discount', 'DECIMAL(15,2)'], ['l_tax', 'DECIMAL(15,2)'],
    ['l_returnflag', 'VARCHAR'], ['l_linestatus', 'VARCHAR'], ['l_shipdate', 'DATE'], ['l_commitdate', 'DATE'], ['l_receiptdate', 'DATE'],
    ['l_shipinstruct', 'VARCHAR'], ['l_shipmode', 'VARCHAR'], ['l_comment', 'VARCHAR'],
  ],
};

/** Integrity checks: each counts the rows that break a rule, so every one must be 0. IDIV(a, b) is integer division. */
const BROKEN: Record<string, string> = {
  'o_custkey not a customer': 'SELECT count(*) FROM orders LEFT JOIN customer ON c_custkey = o_custkey WHERE c_custkey IS NULL',
  'o_custkey divisible by 3': 'SELECT count(*) FROM orders WHERE o_custkey % 3 = 0',
  'lineitem (partkey, suppkey) not in PARTSUPP':
    'SELECT count(*) FROM lineitem LEFT JOIN partsupp ON ps_partkey = l_partkey AND ps_suppkey = l_suppkey WHERE ps_partkey IS NULL',
  'lineitem without its order': 'SELECT count(*) FROM lineitem LEFT JOIN orders ON o_orderkey = l_orderkey WHERE o_orderkey IS NULL',
  'order without lines': 'SELECT count(*) FROM orders WHERE o_orderkey NOT IN (SELECT l_orderkey FROM lineitem)',
  'o_totalprice or o_orderstatus not from the lines': `
    SELECT count(*) FROM orders JOIN (
      SELECT l_orderkey,
             sum(IDIV(IDIV(CAST(l_extendedprice * 100 AS BIGINT) * (100 - CAST(l_discount * 100 AS BIGINT)), 100) * (100 + CAST(l_tax * 100 AS BIGINT)), 100)) AS cents,
             count(*) AS n, sum(CASE WHEN l_linestatus = 'F' THEN 1 ELSE 0 END) AS f
      FROM lineitem GROUP BY l_orderkey) l ON l.l_orderkey = o_orderkey
    WHERE CAST(o_totalprice * 100 AS BIGINT) <> l.cents
       OR o_orderstatus <> CASE WHEN l.f = l.n THEN 'F' WHEN l.f = 0 THEN 'O' ELSE 'P' END`,
  'linenumbers not 1 … n': 'SELECT count(*) FROM (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey HAVING min(l_linenumber) <> 1 OR max(l_linenumber) <> count(*)) x',
  'PARTSUPP row of no part': 'SELECT count(*) FROM partsupp LEFT JOIN part ON p_partkey = ps_partkey WHERE p_partkey IS NULL',
  'PARTSUPP row of no supplier': 'SELECT count(*) FROM partsupp LEFT JOIN supplier ON s_suppkey = ps_suppkey WHERE s_suppkey IS NULL',
  'PARTSUPP (partkey, suppkey) twice': 'SELECT count(*) FROM (SELECT ps_partkey, ps_suppkey FROM partsupp GROUP BY 1, 2 HAVING count(*) > 1) x',
  'part without 4 suppliers': 'SELECT count(*) FROM (SELECT ps_partkey FROM partsupp GROUP BY 1 HAVING count(*) <> 4) x',
  'nation of no region': 'SELECT count(*) FROM nation LEFT JOIN region ON r_regionkey = n_regionkey WHERE r_regionkey IS NULL',
  'supplier or customer of no nation':
    'SELECT (SELECT count(*) FROM supplier WHERE s_nationkey NOT IN (SELECT n_nationkey FROM nation)) + (SELECT count(*) FROM customer WHERE c_nationkey NOT IN (SELECT n_nationkey FROM nation))',
  'lineitem dates off the order date': `
    SELECT count(*) FROM lineitem JOIN orders ON o_orderkey = l_orderkey
    WHERE l_shipdate - o_orderdate NOT BETWEEN 1 AND 121 OR l_commitdate - o_orderdate NOT BETWEEN 30 AND 90
       OR l_receiptdate - l_shipdate NOT BETWEEN 1 AND 30`,
};

/** Aggregates all three engines must agree on (every value cast to text). */
const AGGREGATES = [
  'SELECT count(*), CAST(sum(l_extendedprice) AS VARCHAR), CAST(sum(l_quantity) AS VARCHAR), CAST(sum(l_discount) AS VARCHAR), CAST(min(l_shipdate) AS VARCHAR), CAST(max(l_receiptdate) AS VARCHAR), count(DISTINCT l_orderkey), sum(l_partkey), count(DISTINCT l_comment) FROM lineitem',
  "SELECT count(*), CAST(sum(o_totalprice) AS VARCHAR), CAST(min(o_orderdate) AS VARCHAR), CAST(max(o_orderdate) AS VARCHAR), sum(o_custkey), max(o_orderkey), sum(CASE WHEN o_orderstatus = 'P' THEN 1 ELSE 0 END) FROM orders",
  'SELECT count(*), CAST(sum(ps_supplycost) AS VARCHAR), sum(ps_availqty), sum(ps_suppkey) FROM partsupp',
  'SELECT count(*), CAST(sum(p_retailprice) AS VARCHAR), sum(p_size), count(DISTINCT p_type), count(DISTINCT p_container) FROM part',
  'SELECT count(*), CAST(sum(c_acctbal) AS VARCHAR), count(DISTINCT c_mktsegment), sum(c_nationkey) FROM customer',
  'SELECT count(*), CAST(sum(s_acctbal) AS VARCHAR) FROM supplier',
  'SELECT count(*), sum(n_regionkey), max(n_name) FROM nation',
  'SELECT count(*), min(r_name), max(r_comment) FROM region',
];

const text = (rows: unknown[][]): string[][] => rows.map((r) => r.map((v) => String(v)));

const folder = (table: string, format: 'csv' | 'parquet'): string => join(work, `${table}-${format}`);

let duckAnswers: string[][][] = [];

before(async () => {
  for (const format of ['csv', 'parquet'] as const) {
    const r = await runCli(['generate', '--dataset', 'lineitem', '--scale', String(SCALE), '--format', format, '--files', '2', '--out', folder('lineitem', format)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`wrote \\d+ LINEITEM rows into 2 ${format} file\\(s\\)`));
    for (const table of tpchTableNames().filter((t) => t !== 'lineitem')) {
      await generateTable(table, { scale: SCALE, format, outDir: folder(table, format) });
    }
  }
});

describe('DuckDB reads the Parquet of all eight tables', () => {
  it('with the DuckDB column types, the integrity rules holding and the row counts of the .tbl text', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      for (const table of tpchTableNames()) {
        await con.run(`CREATE VIEW ${table} AS SELECT * FROM read_parquet('${folder(table, 'parquet')}/*.parquet')`);
        const described = (await con.runAndReadAll(`DESCRIBE ${table}`)).getRows().map((r) => [String(r[0]), String(r[1])]);
        assert.deepEqual(described, SHAPES[table], table);
        const count = (await con.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRows()[0][0];
        assert.equal(Number(count), tblLines(table), `${table}: Parquet and .tbl rows`);
      }
      for (const [rule, sql] of Object.entries(BROKEN)) {
        const [[broken]] = (await con.runAndReadAll(sql.replace(/IDIV\(/g, 'divide('))).getRows() as unknown[][] as [[bigint]];
        assert.equal(Number(broken), 0, `DuckDB: ${rule}`);
      }
      duckAnswers = [];
      for (const sql of AGGREGATES) duckAnswers.push(text((await con.runAndReadAll(sql)).getRows()));
      const [lineitem, orders] = duckAnswers as [string[][], string[][]];
      assert.equal(Number(lineitem[0][0]), tblLines('lineitem'));
      assert.equal(lineitem[0][6], '15000', 'every order has lines');
      assert.equal(orders[0][0], '15000');
      assert.equal(orders[0][5], String(Math.floor((15000 - 1) / 8) * 32 + ((15000 - 1) % 8) + 1), 'sparse keys: the last order key');
      assert.ok(Number(orders[0][6]) > 0, 'some orders are partly shipped (status P)');
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });
});

function tblLines(table: string): number {
  let n = 0;
  for (const f of ['part-00000.tbl', 'part-00001.tbl']) {
    try {
      n += readFileSync(join(folder(table, 'csv'), f), 'latin1').split('\n').length - 1;
    } catch {
      // a table written as one file
    }
  }
  return n;
}

/** PostgreSQL DDL of a table from its DuckDB shape, plus a last column for the .tbl line's trailing "|". */
function ddl(table: string): string {
  const cols = SHAPES[table].map(([name, type]) => `${name} ${type === 'VARCHAR' ? 'text' : type}`);
  return `CREATE TABLE ${table} (${cols.join(', ')}, tbl_end text)`;
}

function tblFiles(table: string): string[] {
  return table === 'lineitem' ? ['part-00000.tbl', 'part-00001.tbl'] : ['part-00000.tbl'];
}

for (const engine of ENGINES) {
  describe(`the .tbl text loaded into ${engine}`, () => {
    const fx = warehouseFixture(engine, 'tpch_integrity');

    it('keeps every integrity rule and gives the aggregates DuckDB found in the Parquet', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      let query: (sql: string) => Promise<unknown[][]>;
      let close: () => Promise<void>;
      let load: (table: string, file: string) => Promise<void>;
      if (engine === 'pglite') {
        const db = new PGlite(fx.warehouse.slice('pglite:'.length));
        query = async (sql) => (await db.query<unknown[]>(sql, [], { rowMode: 'array' })).rows;
        load = async (table, file) => {
          await db.query(`COPY ${table} FROM '/dev/blob' WITH (DELIMITER '|')`, [], { blob: new Blob([readFileSync(file)]) });
        };
        close = () => db.close();
      } else {
        const client = new pg.Client({ connectionString: fx.warehouse });
        await client.connect();
        query = async (sql) => (await client.query<unknown[]>({ text: sql, rowMode: 'array' })).rows;
        load = (table, file) => pipeline(createReadStream(file), client.query(copyFrom(`COPY ${table} FROM STDIN WITH (DELIMITER '|')`)));
        close = () => client.end();
      }
      try {
        for (const table of tpchTableNames()) {
          await query(ddl(table));
          for (const f of tblFiles(table)) await load(table, join(folder(table, 'csv'), f));
        }
        for (const [rule, sql] of Object.entries(BROKEN)) {
          const [[broken]] = (await query(sql.replace(/IDIV\(/g, 'div('))) as [[unknown]];
          assert.equal(Number(broken), 0, `${engine}: ${rule}`);
        }
        assert.equal(duckAnswers.length, AGGREGATES.length, 'the DuckDB test ran first');
        for (const [i, sql] of AGGREGATES.entries()) {
          assert.deepEqual(text(await query(sql)), duckAnswers[i], `${engine} vs DuckDB: ${sql}`);
        }
      } finally {
        await close();
      }
    });
  });
}
