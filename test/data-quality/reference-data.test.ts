/**
 * The clean reference batches in ../shared/data/tpch (TPC-H SF1 SUPPLIER, 10,000 rows each, written
 * by arrow-rs, DuckDB and dbgen) pass every SUPPLIER rule, read through the real source readers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { supplier } from '../../datasets/index.ts';
import { listBatchFiles, openSource } from '../../jobs/readers/index.ts';
import { LocalStore } from '../../jobs/store/index.ts';
import { QualityEvaluator, qualityErrorFrom, renderQualityMarkdown, type QualityReport } from '../../data-quality/index.ts';

const TPCH = resolve('../shared/data/tpch');

async function evaluateFolder(uri: string): Promise<QualityReport> {
  const store = new LocalStore();
  const files = await listBatchFiles(store, uri);
  const q = new QualityEvaluator(supplier, { previousRowCount: 10_000 });
  for (const f of files) {
    const source = await openSource(store, f, supplier);
    for await (const batch of source.batches()) q.observe(batch);
  }
  return q.finish({ batchFolder: uri, files: files.length });
}

describe('reference TPC-H batches', { skip: !existsSync(TPCH) && `${TPCH} is missing` }, () => {
  for (const name of ['arrow-rs-gzip-v2.parquet', 'duckdb-zstd-decimal.parquet', 'duckdb-snappy', 'supplier_sf1.tbl']) {
    it(`${name} passes with no error and no warning`, async () => {
      const report = await evaluateFolder(join(TPCH, name));
      assert.equal(qualityErrorFrom(report), undefined, renderQualityMarkdown(report));
      assert.equal(report.decision, 'pass');
      assert.deepEqual(report.rules.filter((r) => r.status !== 'pass').map((r) => r.id), []);
      assert.equal(report.rowCount, 10_000);
      assert.equal(report.failedCells, 0);
      const col = (c: string) => report.columns.find((p) => p.column === c)!;
      assert.equal(col('s_suppkey').min, '1');
      assert.equal(col('s_suppkey').max, '10000');
      assert.ok(Math.abs(col('s_suppkey').distinctEstimate - 10_000) < 200, `${col('s_suppkey').distinctEstimate}`);
      assert.equal(col('s_nationkey').distinctEstimate, 25);
      assert.equal(col('s_acctbal').min, '-998.22');
      assert.equal(col('s_acctbal').max, '9999.72');
      assert.equal(col('s_phone').maxBytes, 15);
      assert.equal(col('s_comment').nulls, 0);
      const comment = report.storageNotes.find((n) => n.column === 's_comment')!;
      assert.equal(comment.widestBytes, col('s_comment').maxBytes);
      assert.match(comment.note, /^s_comment varchar\(max\): widest \d+ bytes — varchar\(128\) would do$/);
      assert.equal(report.rowCountChange.changePercent, 0);
    });
  }
});
