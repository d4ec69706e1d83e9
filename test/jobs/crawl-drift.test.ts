/**
 * `crawl` keeps every version of the inferred table, as Glue does; `drift` (what a crawl triggers in AWS)
 * reports catalog versions against the contract without a batch, and stops on a breaking change.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { renderDriftJson, type DriftReport } from '../../crawler/drift.ts';
import { parseJson, readJson, type CrawlSummary, type DriftSummary } from '../support/json.ts';
import type { CatalogTable } from '../../crawler/catalog.ts';

describe('crawl and drift commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-crawl-'));
  const catalog = `local:${join(dir, 'catalog')}`;
  const reports = join(dir, 'reports');
  const crawl = (source: string) => runCli(['crawl', '--dataset', 'supplier', '--source', source, '--catalog', catalog, '--json'], { cwd: dir });
  const drift = () => runCli(['drift', '--dataset', 'supplier', '--catalog', catalog, '--reports', reports, '--json'], { cwd: dir });

  it('drift without a crawled table is a usage error (exit 2) that says to crawl first', async () => {
    const r = await drift();
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /has no table supplier.*crawl/);
  });

  it('crawl writes version 1, keeps it when nothing changed, and adds version 2 when types change', async () => {
    const v1 = await crawl(join(SHARED_TPCH, 'duckdb-zstd-decimal.parquet'));
    assert.equal(v1.code, 0, v1.stderr);
    const first = parseJson<CrawlSummary>(v1.stdout);
    assert.equal(first.created, true);
    assert.equal(first.table.versionId, '1');
    assert.deepEqual(
      first.table.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`),
      ['s_suppkey:bigint', 's_name:string', 's_address:string', 's_nationkey:int', 's_phone:string', 's_acctbal:decimal(12,2)', 's_comment:string'],
    );
    const same = parseJson<CrawlSummary>((await crawl(join(SHARED_TPCH, 'duckdb-zstd-decimal.parquet'))).stdout);
    assert.equal(same.created, false);
    const v2 = parseJson<CrawlSummary>((await crawl(join(SHARED_TPCH, 'duckdb-snappy'))).stdout);
    assert.equal(v2.table.versionId, '2');
    assert.ok(existsSync(join(dir, 'catalog', 'landing', 'supplier', 'v1.json')), 'the earlier version is kept');
  });

  it('drift reports the checked narrowing of version 2 as warnings, writes JSON and Markdown, exit 0', async () => {
    const r = await drift();
    assert.equal(r.code, 0, r.stderr);
    const out = parseJson<DriftSummary>(r.stdout);
    assert.equal(out.status, 'proceed');
    assert.ok(out.summary.warn > 0);
    const text = readFileSync(out.report, 'utf8');
    const report = parseJson<DriftReport>(text);
    assert.equal(report.decision, 'proceed');
    // The same place and the same text as any drift report: <reports>/<dataset>/drift/<stamp>/, renderDriftJson.
    const at = join(reports, 'supplier', 'drift', report.generatedAt.replace(/[-:.]/g, ''));
    assert.deepEqual([out.report, out.markdown], [join(at, 'drift.json'), join(at, 'drift.md')]);
    assert.equal(text, renderDriftJson(report));
    assert.match(readFileSync(out.markdown, 'utf8'), /s_acctbal/);
  });

  it('a number turned into a string in the newest version stops drift with exit 3, naming column, types and version', async () => {
    // The catalog as a crawler would write it after the export changed s_acctbal to text.
    const v2 = readJson<CatalogTable>(join(dir, 'catalog', 'landing', 'supplier', 'v2.json'));
    v2.versionId = '3';
    v2.columns = v2.columns.map((c: { name: string; type: string }) => (c.name === 's_acctbal' ? { ...c, type: 'string' } : c));
    writeFileSync(join(dir, 'catalog', 'landing', 'supplier', 'v3.json'), JSON.stringify(v2));
    const r = await drift();
    assert.equal(r.code, 3, r.stderr);
    const line = r.stderr.trim().split('\n').filter((l) => !l.startsWith('{')).pop()!;
    assert.match(line, /s_acctbal/);
    assert.match(line, /decimal\(12,2\)/);
    assert.match(line, /string/);
    assert.match(line, /v3/);
  });
});
