/**
 * `redshift-loader report --dataset NAME [--reports URI]` through the real command line: index.html from
 * every run.json of the dataset, locally and on S3 (moto), with relative links that reach each run's page;
 * one line and exit 2 when there is nothing to build it from, or a run.json that is not a run report.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runCli, SHARED_TPCH, type CliResult } from '../support/cli.ts';
import { lastJson } from '../support/json.ts';
import { motoEndpoint, requireMoto } from '../support/services.ts';
import { createBucket, motoEnv, TEST_CREDENTIALS, TEST_KMS_KEY } from '../aws/moto.ts';

const LINES = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, 5);

interface IndexSummary {
  status: string;
  message: string;
  index: string;
  runs: number;
  failed: number;
}

function humanLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
}

function links(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
}

/** Two runs of supplier into `reports` (published, then one quality refuses), PGlite in `dir`. */
async function twoRuns(dir: string, reports: string, env?: NodeJS.ProcessEnv): Promise<void> {
  const batches: Array<[string, string, number]> = [
    ['2026-08-01', `${LINES.join('\n')}\n`, 0],
    ['2026-08-02', '7|Supplier#7|addr|99|11-111-111-1111|1.00|c|\n', 4], // s_nationkey 99: range 0–24
  ];
  for (const [date, text, code] of batches) {
    const src = join(dir, 'landing', date.replaceAll('-', ''));
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'a.tbl'), text);
    const r = await runCli(['run', '--dataset', 'supplier', '--date', date, '--source', src, '--staging', join(dir, 'staging'), '--reports', reports, '--warehouse', `pglite:${join(dir, 'wh')}`], { cwd: dir, env });
    assert.equal(r.code, code, r.stderr);
  }
}

describe('report: the dataset index, locally', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-report-'));
  const reports = join(dir, 'reports');
  const report = (extra: string[] = []): Promise<CliResult> => runCli(['report', '--dataset', 'supplier', '--reports', reports, ...extra], { cwd: dir });

  it('no run reports: exit 2, one line naming the dataset and where it looked', async () => {
    const r = await report();
    assert.equal(r.code, 2);
    const lines = humanLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.equal(lines[0], `ConfigError: no run reports for dataset supplier under ${join(reports, 'supplier')} (no batch=…/run=…/run.json) — run the dataset first, or name the reports location where its runs wrote with --reports (or RL_REPORTS)`);
  });

  it('builds index.html beside the runs, says where, and links each run page relatively', async () => {
    await twoRuns(dir, reports);
    const r = await report(['--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = lastJson<IndexSummary>(r.stdout);
    assert.equal(s.index, join(reports, 'supplier', 'index.html'));
    assert.deepEqual([s.runs, s.failed], [2, 1]);
    assert.equal(s.message, `wrote ${s.index}: 2 runs (1 failed) of dataset supplier`);
    const html = readFileSync(s.index, 'utf8');
    assert.deepEqual([...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]), ['rows-per-batch', 'run-time', 'failures', 'drift-events']);
    const hrefs = links(html);
    assert.equal(hrefs.length, 2);
    for (const h of hrefs) {
      assert.match(h, /^batch=2026-08-0[12]\/run=[0-9TZ]+-[0-9a-f]+\/run\.html$/);
      assert.match(readFileSync(join(reports, 'supplier', h), 'utf8'), /^<!doctype html>/);
    }
    assert.match(html, /<td data-label="batch">2026-08-01<\/td><td data-label="status"><span class="status published">published<\/span><\/td><td class="n" data-label="rows published">5<\/td>/);
    assert.match(html, /<span class="status failed">failed<\/span><\/td><td class="n" data-label="rows published">—<\/td>.*QualityError: rule range failed on column s_nationkey/);
  });

  it('a run.json that is not a run report: exit 2 naming the file', async () => {
    const bad = join(reports, 'supplier', 'batch=2026-08-03', 'run=broken');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'run.json'), '{"runId": 1}');
    const r = await report();
    assert.equal(r.code, 2);
    assert.deepEqual(humanLines(r.stderr), [
      `ConfigError: ${join(bad, 'run.json')} is not a run report (runId, batchDate, startedAt, status, rows and timings expected) — remove the file or put the run report back`,
    ]);
  });
});

describe('report: the dataset index on S3 (moto)', () => {
  let skip = false;
  let s3: S3Client;
  let bucket = '';
  const dir = mkdtempSync(join(tmpdir(), 'rl-report-s3-'));
  const env = (): NodeJS.ProcessEnv => motoEnv({ RL_KMS_KEY_ARN: TEST_KMS_KEY });

  before(async (t) => {
    if (!(await requireMoto(t as never))) {
      skip = true;
      return;
    }
    s3 = new S3Client({ endpoint: motoEndpoint(), region: 'us-east-1', credentials: TEST_CREDENTIALS, forcePathStyle: true });
    bucket = await createBucket(s3, 'reports');
  });
  after(() => s3?.destroy());

  it('reads the run reports from the bucket and writes index.html there, links relative to it', async (t) => {
    if (skip) return t.skip('no moto');
    const reports = `s3://${bucket}/nightly`;
    await twoRuns(dir, reports, env());
    const r = await runCli(['report', '--dataset', 'supplier', '--reports', reports, '--json'], { cwd: dir, env: env() });
    assert.equal(r.code, 0, r.stderr);
    const s = lastJson<IndexSummary>(r.stdout);
    assert.equal(s.index, `${reports}/supplier/index.html`);
    assert.deepEqual([s.runs, s.failed], [2, 1]);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'nightly/supplier/index.html' }));
    assert.equal(got.ContentType, 'text/html; charset=utf-8');
    const html = await got.Body!.transformToString();
    const hrefs = links(html);
    assert.equal(hrefs.length, 2);
    for (const h of hrefs) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `nightly/supplier/${h}` }));
      assert.equal(head.ContentType, 'text/html; charset=utf-8', `${h} is the run's page in the bucket`);
    }
  });

  it('an empty prefix: exit 2 naming the S3 location', async (t) => {
    if (skip) return t.skip('no moto');
    const r = await runCli(['report', '--dataset', 'supplier', '--reports', `s3://${bucket}/elsewhere`], { cwd: dir, env: env() });
    assert.equal(r.code, 2);
    assert.match(humanLines(r.stderr).join('\n'), new RegExp(`^ConfigError: no run reports for dataset supplier under s3://${bucket}/elsewhere/supplier `));
  });
});
