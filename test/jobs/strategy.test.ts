/**
 * The two load processes give identical warehouse contents: --strategy csv (re-partitioned gzip CSV
 * parts) and --strategy parquet (the landing Parquet files, COPY FORMAT AS PARQUET; locally transcoded).
 * Parquet whose types differ from the table is refused before anything loads.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateSupplier } from '../../tpch/index.ts';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { published, referenceRows } from '../support/supplier.ts';

for (const engine of ENGINES) {
  describe(`load strategies on ${engine}`, () => {
    let generated: string;
    const fx = warehouseFixture(engine, 'strategy', async (dir) => {
      generated = join(dir, 'generated');
      await generateSupplier({ scale: 2, files: 2, format: 'parquet', outDir: generated, rowGroupSize: 4000 });
    });

    const run = (source: string, strategy: string) =>
      // --force: each strategy loads the same files again (else the second is "already published").
      runCli(['run', '--dataset', 'supplier', '--date', '2026-11-10', '--source', source, '--warehouse', fx.warehouse, '--strategy', strategy, '--force'], { cwd: fx.dir });

    for (const [label, source, rows] of [
      ['DuckDB zstd DECIMAL(12,2)', join(SHARED_TPCH, 'duckdb-zstd-decimal.parquet'), 10_000],
      ['generated, 2 files, many row groups', '', 20_000],
    ] as Array<[string, string, number]>) {
      it(`csv and parquet publish the same rows: ${label}`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const src = source || generated;
        const viaCsv = await run(src, 'csv');
        assert.equal(viaCsv.code, 0, viaCsv.stderr);
        const a = (await published(fx.warehouse)).rows;
        const viaParquet = await run(src, 'parquet');
        assert.equal(viaParquet.code, 0, viaParquet.stderr);
        const b = (await published(fx.warehouse)).rows;
        assert.equal(a.length, rows);
        assert.deepEqual(b, a);
        if (rows === 10_000) assert.deepEqual(b, referenceRows());
      });
    }

    it('refuses Parquet whose types differ from the table (DOUBLE acctbal, BIGINT nationkey): exit 3, nothing loaded', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const before = (await published(fx.warehouse)).rows;
      const r = await runCli(
        ['run', '--dataset', 'supplier', '--date', '2026-11-11', '--source', join(SHARED_TPCH, 'duckdb-snappy'), '--warehouse', fx.warehouse, '--strategy', 'parquet'],
        { cwd: fx.dir },
      );
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /s_acctbal is double, the table's is decimal\(12,2\)/);
      assert.match(r.stderr, /--strategy csv/);
      assert.deepEqual((await published(fx.warehouse)).rows, before);
    });
  });
}
