/**
 * CloudWatch Embedded Metric Format through the real command line, on PGlite and on PostgreSQL: the
 * last JSON log lines of a run carry one EMF document per run (published or failed) whose every named
 * metric is a top-level number, whose dimension keys are present, and whose Timestamp is epoch ms.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { RUN_METRICS, STEP_METRICS } from '../../core/metric-names.ts';
import type { Manifest } from '../../core/manifest.ts';
import { emfDocuments, metricNames } from '../support/emf.ts';

const names = metricNames;

function tblRows(n: number): string[] {
  return readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, n);
}

for (const engine of ENGINES) {
  describe(`EMF metrics on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'metrics', (dir) => {
      const write = (date: string, lines: string[]) => {
        mkdirSync(join(dir, 'landing', 'supplier', date), { recursive: true });
        writeFileSync(join(dir, 'landing', 'supplier', date, 'supplier.tbl'), `${lines.join('\n')}\n`);
      };
      write('20261124', tblRows(1000));
      write('20261125', tblRows(900));
      const bad = tblRows(900);
      write('20261126', [...bad, bad[0]]); // the key s_suppkey twice: exit 4
      write('20261127', tblRows(1000));
    });
    const run = (date: string) =>
      runCli(
        ['run', '--dataset', 'supplier', '--date', date, '--source', join(fx.dir, 'landing', 'supplier', date.replaceAll('-', '')),
          '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse, '--json'],
        { cwd: fx.dir, env: { RL_METRICS_NAMESPACE: 'redshift-loader/test' } },
      );

    it('a published run: rows, bytes staged, step seconds, quality and drift counts, RunFailed 0; no change without a previous batch', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const started = Date.now();
      const r = await run('2026-11-24');
      assert.equal(r.code, 0, r.stderr);
      const docs = emfDocuments(r.stderr, started);
      assert.equal(docs.length, 1, 'one EMF line per run');
      const d = docs[0];
      assert.equal(d._aws.CloudWatchMetrics[0].Namespace, 'redshift-loader/test', 'RL_METRICS_NAMESPACE names the namespace');
      assert.deepEqual(d._aws.CloudWatchMetrics[0].Dimensions, [['Dataset']]);
      assert.equal(d.Dataset, 'supplier');
      assert.equal(d.RowsPublished, 1000);
      assert.equal(d.RunFailed, 0);
      assert.equal(d.QualityFailures, 0);
      assert.equal(d.BreakingDrift, 0);
      assert.equal(typeof d.DriftFindings, 'number');
      assert.equal(d.RowCountChangePercent, undefined, 'no previous published batch: no change metric');
      const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { manifest: string };
      const manifest = JSON.parse(readFileSync(summary.manifest, 'utf8')) as Manifest;
      assert.equal(d.BytesStaged, manifest.entries.reduce((s, e) => s + e.meta.content_length, 0));
      for (const step of ['ListSeconds', 'ConnectSeconds', 'DriftSeconds', 'PartitionSeconds', 'StageSeconds', 'PublishSeconds', 'TotalSeconds']) {
        assert.ok(typeof d[step] === 'number' && d[step] >= 0, step);
      }
      assert.ok((d.TotalSeconds as number) >= (d.PartitionSeconds as number));
      const units = Object.fromEntries(d._aws.CloudWatchMetrics[0].Metrics.map((m) => [m.Name, m.Unit]));
      assert.equal(units.RowsPublished, 'Count');
      assert.equal(units.BytesStaged, 'Bytes');
      assert.equal(units.TotalSeconds, 'Seconds');
      assert.ok(names(d).every((n) => n in RUN_METRICS || Object.values<string>(STEP_METRICS).includes(n)), names(d).join(','));
    });

    it('the next batch: RowCountChangePercent against the previous published batch', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const started = Date.now();
      const r = await run('2026-11-25');
      assert.equal(r.code, 0, r.stderr);
      const [d] = emfDocuments(r.stderr, started);
      assert.equal(d.RowsPublished, 900);
      assert.equal(d.RowCountChangePercent, -10);
      assert.equal(d._aws.CloudWatchMetrics[0].Metrics.find((m) => m.Name === 'RowCountChangePercent')?.Unit, 'Percent');
    });

    it('a failed run: RunFailed 1, its quality failures, and no RowsPublished', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const started = Date.now();
      const r = await run('2026-11-26');
      assert.equal(r.code, 4, r.stderr);
      const docs = emfDocuments(r.stderr, started);
      assert.equal(docs.length, 1);
      const d = docs[0];
      assert.equal(d.RunFailed, 1);
      assert.ok((d.QualityFailures as number) >= 1, `QualityFailures ${String(d.QualityFailures)}`);
      assert.equal(d.RowsPublished, undefined);
      assert.equal(d.RowCountChangePercent, undefined);
      assert.ok(!names(d).includes('RowsPublished') && !names(d).includes('PublishSeconds'));
    });

    it('load --plan (the nightly machine\'s last step) logs the same document, against the last published batch', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const common = ['--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports')];
      const p = await runCli(['plan', '--dataset', 'supplier', '--date', '2026-11-27', '--source', join(fx.dir, 'landing', 'supplier', '20261127'), '--shards', '1', '--json', '--staging', join(fx.dir, 'staging')], { cwd: fx.dir });
      assert.equal(p.code, 0, p.stderr);
      const plan = String((JSON.parse(p.stdout.trim().split('\n').at(-1)!) as { plan: string }).plan);
      const s = await runCli(['partition', '--plan', plan, '--shard', '0'], { cwd: fx.dir });
      assert.equal(s.code, 0, s.stderr);
      assert.equal(emfDocuments(s.stderr, 0).length, 0, 'a shard publishes nothing: no run metrics');
      const started = Date.now();
      const r = await runCli(['load', '--plan', plan, '--warehouse', fx.warehouse, '--json', ...common], { cwd: fx.dir, env: { RL_METRICS_NAMESPACE: 'redshift-loader/test' } });
      assert.equal(r.code, 0, r.stderr);
      const docs = emfDocuments(r.stderr, started);
      assert.equal(docs.length, 1);
      assert.equal(docs[0].RowsPublished, 1000);
      assert.equal(docs[0].RunFailed, 0);
      assert.equal(docs[0].RowCountChangePercent, 11.11, '1000 rows after the 900 of 2026-11-25 (2026-11-26 failed)');
    });
  });
}
