/**
 * One golden DDL file per built-in contract (test/sql/golden/<dataset>.ddl.sql), each compared byte for
 * byte with what `ddl --dataset NAME` prints: the distribution and sort keys chosen per table are
 * reviewed in the files, and a change to a contract or the renderer shows up as a diff there.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { datasets } from '../../datasets/index.ts';
import { renderDdl, renderDdlScript } from '../../sql/ddl.ts';
import { runCli } from '../support/cli.ts';

const dir = new URL('./golden/', import.meta.url);
const goldenFile = (name: string): URL => new URL(`${name}.ddl.sql`, dir);

describe('golden DDL for every built-in contract', () => {
  test('there is exactly one golden file per built-in dataset', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ddl.sql')).map((f) => f.slice(0, -'.ddl.sql'.length)).sort();
    assert.deepEqual(files, Object.keys(datasets).sort());
  });

  for (const [name, contract] of Object.entries(datasets)) {
    test(`${name}: the rendered DDL equals ${name}.ddl.sql byte for byte`, () => {
      assert.equal(renderDdlScript(contract), readFileSync(goldenFile(name), 'utf8'));
    });
  }

  test('the retailer\'s joins: what each table is distributed and sorted on', () => {
    const layout = (name: string): string => {
      const history = renderDdl(datasets[name])[2];
      return history.slice(history.lastIndexOf('\n)\n') + 3).replace(/\n/g, ' ');
    };
    // REGION and NATION: a full copy on every node, so every join to them is local.
    assert.equal(layout('region'), 'DISTSTYLE ALL COMPOUND SORTKEY(load_ts)');
    assert.equal(layout('nation'), 'DISTSTYLE ALL COMPOUND SORTKEY(load_ts)');
    // ORDERS ⋈ LINEITEM on the order key and PART ⋈ PARTSUPP on the part key are co-located.
    assert.equal(layout('orders'), 'DISTSTYLE KEY DISTKEY(o_orderkey) COMPOUND SORTKEY(load_ts, o_orderdate)');
    assert.equal(layout('lineitem'), 'DISTSTYLE KEY DISTKEY(l_orderkey) COMPOUND SORTKEY(load_ts, l_shipdate)');
    assert.equal(layout('part'), 'DISTSTYLE KEY DISTKEY(p_partkey) COMPOUND SORTKEY(load_ts)');
    assert.equal(layout('partsupp'), 'DISTSTYLE KEY DISTKEY(ps_partkey) COMPOUND SORTKEY(load_ts)');
    assert.equal(layout('customer'), 'DISTSTYLE KEY DISTKEY(c_custkey) COMPOUND SORTKEY(load_ts, c_mktsegment)');
    assert.equal(layout('supplier'), 'DISTSTYLE KEY DISTKEY(s_suppkey) COMPOUND SORTKEY(load_ts)');
    // Stage and history share the distribution, so INSERT … SELECT into history never redistributes.
    for (const [name, c] of Object.entries(datasets)) {
      const [, stage, history] = renderDdl(c);
      const dist = (sql: string): string => /\n(DISTSTYLE [A-Z]+(?:\nDISTKEY\(\w+\))?)/.exec(sql)?.[1] ?? 'none';
      assert.equal(dist(stage), dist(history), name);
    }
  });

  test('ddl --dataset NAME prints the golden file (through the CLI)', async () => {
    for (const name of ['region', 'lineitem']) {
      const r = await runCli(['ddl', '--dataset', name]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, readFileSync(goldenFile(name), 'utf8'));
    }
  });
});
