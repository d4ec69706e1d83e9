/**
 * The `drift` job (what a crawl triggers in AWS) logs one EMF metrics line per run in JSON mode, checked
 * against the specification like a run's (test/jobs/run-metrics.test.ts): DriftFindings, BreakingDrift and
 * DriftFailed with the dimension Dataset in the RL_METRICS_NAMESPACE namespace. A check that could not run
 * logs DriftFailed 1 and no findings. (A terminal gets no metrics line: the logger's own rule, as for runs.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DRIFT_METRICS } from '../../core/metric-names.ts';
import type { CatalogTable } from '../../crawler/catalog.ts';
import type { DriftReport } from '../../crawler/drift.ts';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { emfDocuments, metricNames } from '../support/emf.ts';
import { parseJson, readJson, type DriftSummary } from '../support/json.ts';

describe('drift metrics (EMF)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-drift-metrics-'));
  const catalog = `local:${join(dir, 'catalog')}`;
  const env = { RL_METRICS_NAMESPACE: 'redshift-loader/test' };
  const drift = (extra: string[] = ['--json']) => runCli(['drift', '--dataset', 'supplier', '--catalog', catalog, '--reports', join(dir, 'reports'), ...extra], { cwd: dir, env });

  it('a check that cannot run (no catalog table, exit 2): DriftFailed 1 and no findings', async () => {
    const started = Date.now();
    const r = await drift();
    assert.equal(r.code, 2, r.stderr);
    const docs = emfDocuments(r.stderr, started);
    assert.equal(docs.length, 1, 'one EMF line');
    assert.equal(docs[0].Dataset, 'supplier');
    assert.deepEqual(metricNames(docs[0]), ['DriftFailed']);
    assert.equal(docs[0].DriftFailed, 1);
  });

  it('drift that allows loading: its findings, BreakingDrift 0, DriftFailed 0, in the namespace given', async () => {
    const c = await runCli(['crawl', '--dataset', 'supplier', '--source', join(SHARED_TPCH, 'duckdb-snappy'), '--catalog', catalog, '--json'], { cwd: dir });
    assert.equal(c.code, 0, c.stderr);
    const started = Date.now();
    const r = await drift();
    assert.equal(r.code, 0, r.stderr);
    const report = readJson<DriftReport>(parseJson<DriftSummary>(r.stdout).report);
    const [d, ...more] = emfDocuments(r.stderr, started);
    assert.equal(more.length, 0, 'one EMF line');
    assert.equal(d._aws.CloudWatchMetrics[0].Namespace, 'redshift-loader/test');
    assert.deepEqual(d._aws.CloudWatchMetrics[0].Dimensions, [['Dataset']]);
    assert.equal(d.Dataset, 'supplier');
    assert.deepEqual(metricNames(d), Object.keys(DRIFT_METRICS).sort());
    assert.ok(d._aws.CloudWatchMetrics[0].Metrics.every((m) => m.Unit === 'Count'));
    assert.equal(d.DriftFindings, report.findings.length);
    assert.equal(d.BreakingDrift, 0);
    assert.equal(d.DriftFailed, 0);
  });

  it('breaking drift (exit 3): BreakingDrift, DriftFailed 1', async () => {
    // The catalog as a crawler would write it after the export changed s_acctbal to text.
    const v1 = readJson<CatalogTable>(join(dir, 'catalog', 'landing', 'supplier', 'v1.json'));
    v1.versionId = '2';
    v1.columns = v1.columns.map((c) => (c.name === 's_acctbal' ? { ...c, type: 'string' } : c));
    writeFileSync(join(dir, 'catalog', 'landing', 'supplier', 'v2.json'), JSON.stringify(v1));
    const started = Date.now();
    const r = await drift();
    assert.equal(r.code, 3, r.stderr);
    const [d] = emfDocuments(r.stderr, started);
    assert.ok((d.BreakingDrift as number) >= 1, `BreakingDrift ${String(d.BreakingDrift)}`);
    assert.ok((d.DriftFindings as number) >= (d.BreakingDrift as number));
    assert.equal(d.DriftFailed, 1);
  });
});
