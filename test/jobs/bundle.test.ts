/**
 * The installed command runs the bundle of `npm run build` (dist/bundle/, scripts/bundle.mjs), not the modules
 * the other tests run through tsx. These tests run the bundle as a user does (bin/redshift-loader.js) and
 * demand the same bytes as the sources: the partition pass on its worker threads (worker.js), the generator
 * on its file workers (file-worker.js), the built-in contracts and their schema found beside the chunks, and
 * `start`, the README's quick start, end to end on the embedded warehouse.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE, ROOT, runCli } from '../support/cli.ts';
import { inCI } from '../support/services.ts';

const SOURCE_FOLDERS = ['core', 'datasets', 'jobs', 'crawler', 'data-quality', 'sql', 'tpch'];

/** Newest modification time of the sources the bundle is built from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|json)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** False (the test skipped) when there is no bundle outside CI; under CI=true a missing or stale bundle fails. */
function requireBundle(t: TestContext): boolean {
  if (!existsSync(BUNDLE)) {
    const why = 'dist/bundle/main.js is missing: run "npm run build" (npm ci does it)';
    if (inCI) throw new Error(`${why} (CI=true: the installed command must be tested)`);
    t.skip(why);
    return false;
  }
  const sources = Math.max(...SOURCE_FOLDERS.map((f) => newestSource(join(ROOT, f))));
  assert.ok(statSync(BUNDLE).mtimeMs >= sources, 'dist/bundle is older than the sources: run "npm run build"');
  return true;
}

function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of readdirSync(dir).sort()) out.set(f, readFileSync(join(dir, f)));
  return out;
}

describe('the installed command (the bundle)', () => {
  it('says its version from package.json', async (t) => {
    if (!requireBundle(t)) return;
    const r = await runCli(['--version'], { built: true });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('generates and partitions on worker threads with the same bytes as the sources', async (t) => {
    if (!requireBundle(t)) return;
    const dir = mkdtempSync(join(tmpdir(), 'rl-bundle-'));
    try {
      // 200,000 rows in 2 files: the generator writes them on two file workers (tpch/write.ts, PARALLEL_MIN_ROWS).
      const gen = ['generate', '--dataset', 'supplier', '--scale', '20', '--files', '2'];
      const [a, b] = await Promise.all([
        runCli([...gen, '--out', join(dir, 'gen-built')], { built: true }),
        runCli([...gen, '--out', join(dir, 'gen-src')]),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const generated = filesOf(join(dir, 'gen-built'));
      assert.equal([...generated.keys()].filter((f) => f.endsWith('.parquet')).length, 2);
      assert.deepEqual(generated, filesOf(join(dir, 'gen-src')));

      const part = ['partition', '--dataset', 'supplier', '--source', join(dir, 'gen-built'), '--workers', '2', '--date', '2026-01-02', '--json'];
      const c = await runCli([...part, '--out', join(dir, 'out-built')], { built: true });
      const d = await runCli([...part, '--out', join(dir, 'out-src')]);
      assert.equal(c.code, 0, c.stderr);
      assert.equal(d.code, 0, d.stderr);
      const built = filesOf(join(dir, 'out-built'));
      const src = filesOf(join(dir, 'out-src'));
      const parts = [...built.keys()].filter((f) => f.endsWith('.csv.gz'));
      assert.ok(parts.length > 1, 'several parts');
      assert.deepEqual(parts, [...src.keys()].filter((f) => f.endsWith('.csv.gz')));
      for (const f of parts) assert.ok(built.get(f)!.equals(src.get(f)!), `${f}: the same bytes`);
      const manifest = (m: Buffer) => {
        const j = JSON.parse(m.toString('utf8')) as { entries: Array<{ url: string }>; package: Record<string, unknown> };
        const { createdAt: _c, runId: _r, ...rest } = j.package;
        return { entries: j.entries.map((e) => ({ ...e, url: e.url.slice(e.url.lastIndexOf('/')) })), package: rest };
      };
      const withoutRoots = (m: ReturnType<typeof manifest>) =>
        JSON.parse(JSON.stringify(m).replaceAll(join(dir, 'out-built'), 'OUT').replaceAll(join(dir, 'out-src'), 'OUT')) as unknown;
      assert.deepEqual(withoutRoots(manifest(built.get('manifest.json')!)), withoutRoots(manifest(src.get('manifest.json')!)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the quick start (`npm start`) end to end', async (t) => {
    if (!requireBundle(t)) return;
    const dir = mkdtempSync(join(tmpdir(), 'rl-bundle-start-'));
    try {
      const r = await runCli(['start'], { built: true, cwd: dir, killAfterMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout + r.stderr, /published 10000 rows into/);
      assert.ok(existsSync(join(dir, '.local', 'reports')), 'the run report is written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
