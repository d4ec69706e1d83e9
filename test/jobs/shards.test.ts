/**
 * A batch cut into shards (plan -> partition --plan --shard I -> load --plan, and run --shards N) publishes
 * exactly what the one-process run publishes, exactly once: N = 1, 3 and 8 give the same rows and
 * checksums; a shard run twice writes the same bytes; load refuses a missing shard, a shard of another
 * plan and a key repeated across shards; a shard or the loader SIGKILLed and rerun leaves one copy.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateSupplier } from '../../tpch/index.ts';
import { runCli, spawnCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { published } from '../support/supplier.ts';

const ROWS = 20_000;

/** sha256 of every file of a folder, by name. */
function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
  return out;
}

function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as Record<string, unknown>;
}

/** Starts the CLI paused at `point` (RL_PAUSE_AT) and SIGKILLs it there: a kill at a known moment. */
async function killAt(point: string, args: string[], cwd: string): Promise<NodeJS.Signals | null> {
  const child = spawnCli(args, { cwd, env: { RL_PAUSE_AT: point } });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(`paused at ${point}`)) resolve();
    });
    child.on('close', () => reject(new Error(`ended before ${point}: ${stderr}`)));
  });
  child.kill('SIGKILL');
  return new Promise((resolve) => child.on('close', (_c, s) => resolve(s)));
}

for (const engine of ENGINES) {
  describe(`sharded runs on ${engine}`, () => {
    let source: string;
    let repeated: string;
    const fx = warehouseFixture(engine, 'shards', async (dir) => {
      source = join(dir, 'landing');
      // 2 files of 5 row groups each: up to 10 shards.
      await generateSupplier({ scale: ROWS / 10_000, files: 2, format: 'parquet', outDir: source, rowGroupSize: 2000 });
      // The same file twice: every key in both files, none twice within one.
      repeated = join(dir, 'repeated');
      cpSync(join(source, 'part-00000.parquet'), join(repeated, 'a.parquet'));
      copyFileSync(join(source, 'part-00000.parquet'), join(repeated, 'b.parquet'));
    });
    const common = () => ['--dataset', 'supplier', '--source', source, '--warehouse', fx.warehouse];
    const plan = async (date: string, shards: number, extra: string[] = []) => {
      const r = await runCli(['plan', '--dataset', 'supplier', '--date', date, '--source', source, '--shards', String(shards), '--json', ...extra], { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
      const out = lastJson(r.stdout);
      return { uri: String(out.plan), shards: Number(out.shards) };
    };
    const shard = async (uri: string, i: number) => {
      const r = await runCli(['partition', '--plan', uri, '--shard', String(i)], { cwd: fx.dir });
      assert.equal(r.code, 0, r.stderr);
    };
    const load = (uri: string) => runCli(['load', '--plan', uri, '--warehouse', fx.warehouse, '--json'], { cwd: fx.dir });

    it('--shards 1, 3 and 8 publish the same rows and the same checksums', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      let first: { rows: unknown; checksums: unknown } | undefined;
      for (const n of [1, 3, 8]) {
        // The same files each time: --force loads them again (else "already published").
        const r = await runCli(['run', ...common(), '--date', '2026-11-01', '--shards', String(n), '--json', ...(n > 1 ? ['--force'] : [])], { cwd: fx.dir });
        assert.equal(r.code, 0, r.stderr);
        const report = lastJson(r.stdout);
        const p = await published(fx.warehouse);
        assert.equal(p.rows.length, ROWS, `--shards ${n}: every row once`);
        assert.equal(p.loadTs.length, 1, `--shards ${n}: one copy of the batch`);
        if (n > 1) assert.match(String(report.manifest), /run=/);
        const got = { rows: p.rows, checksums: report.checksums };
        if (!first) first = got;
        else assert.deepEqual(got, first, `--shards ${n} publishes what --shards 1 does`);
      }
      // Without --force the same files are "already published": stopped after the plan, before any shard.
      const before = await published(fx.warehouse);
      const again = await runCli(['run', ...common(), '--date', '2026-11-01', '--shards', '3', '--json'], { cwd: fx.dir });
      assert.equal(again.code, 0, again.stderr);
      const line = lastJson(again.stdout);
      assert.equal(line.status, 'already-published');
      assert.match(String(line.message), /^already published: supplier batch 2026-11-01 is in assignment\.supplier_data /);
      assert.doesNotMatch(again.stderr, /partition|shard 0/i, 'no shard ran');
      assert.deepEqual(await published(fx.warehouse), before, 'nothing written');
      // `load --plan` honours the same rule: a plan of the unchanged batch, its shards run, then load.
      const p = await plan('2026-11-01', 2);
      await shard(p.uri, 0);
      await shard(p.uri, 1);
      const l = await load(p.uri);
      assert.equal(l.code, 0, l.stderr);
      assert.equal(lastJson(l.stdout).status, 'already-published');
      assert.match(String(lastJson(l.stdout).message), /^already published: supplier batch 2026-11-01 /);
      assert.deepEqual(await published(fx.warehouse), before, 'load --plan wrote nothing');
      const forced = await runCli(['load', '--plan', p.uri, '--warehouse', fx.warehouse, '--json', '--force'], { cwd: fx.dir });
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(lastJson(forced.stdout).status, 'published');
    });

    it('a shard run twice writes the same bytes; load refuses a missing shard and a shard of another plan', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const a = await plan('2026-11-02', 3);
      assert.equal(a.shards, 3);
      const folder = (uri: string, i: number) => join(uri.replace(/\/plan\.json$/, ''), `shard=0000${i}`);
      await shard(a.uri, 0);
      await shard(a.uri, 1);
      const once = hashes(folder(a.uri, 1));
      await shard(a.uri, 1);
      assert.deepEqual(hashes(folder(a.uri, 1)), once, 'a retried shard writes the same bytes');
      assert.ok(Object.keys(once).includes('manifest.json'));

      const before = await published(fx.warehouse);
      const missing = await load(a.uri);
      assert.equal(missing.code, 5, missing.stderr);
      assert.match(missing.stderr, /^LoadError: shard 2 of 3 has no manifest: it has not finished .*partition --plan .* --shard 2/m);
      assert.equal(missing.stderr.trim().split('\n').filter((l) => !l.startsWith('{')).length, 1, 'one line');

      // Another plan of the same batch (another gzip level: other bytes), its shard 2 copied into plan a.
      const b = await plan('2026-11-02', 3, ['--gzip-level', '3']);
      assert.notEqual(b.uri, a.uri);
      await shard(b.uri, 2);
      cpSync(folder(b.uri, 2), folder(a.uri, 2), { recursive: true });
      const foreign = await load(a.uri);
      assert.equal(foreign.code, 5, foreign.stderr);
      assert.match(foreign.stderr, /shard 2's manifest belongs to another plan/);
      assert.deepEqual(await published(fx.warehouse), before, 'nothing published by a refused load');

      await shard(a.uri, 2);
      const ok = await load(a.uri);
      assert.equal(ok.code, 0, ok.stderr);
      const p = await published(fx.warehouse);
      assert.equal(p.rows.length - before.rows.length, ROWS);
    });

    it('a key in two shards is refused (exit 4, naming the key); nothing is published', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const before = await published(fx.warehouse);
      const r = await runCli(['run', '--dataset', 'supplier', '--date', '2026-11-03', '--source', repeated, '--warehouse', fx.warehouse, '--shards', '2'], { cwd: fx.dir });
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /^QualityError: key \(s_suppkey=1\) appears 2 times in the batch, in different shards/m);
      const after = await published(fx.warehouse);
      assert.deepEqual([after.rows, after.loadTs], [before.rows, before.loadTs], 'nothing published');
      assert.equal(after.audit.at(-1)!.status, 'failed', 'the refusal is in the audit table');
      // One process sees both files: the same batch is refused there too (the within-shard check).
      const one = await runCli(['run', '--dataset', 'supplier', '--date', '2026-11-03', '--source', repeated, '--warehouse', fx.warehouse], { cwd: fx.dir });
      assert.equal(one.code, 4, one.stderr);
    });

    it('a shard SIGKILLed mid-write, or the loader SIGKILLed before its commit, then rerun: one copy', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const date = '2026-11-04';
      const before = await published(fx.warehouse);
      const p = await plan(date, 3);
      await shard(p.uri, 0);
      await shard(p.uri, 2);
      assert.equal(await killAt('partition', ['partition', '--plan', p.uri, '--shard', '1'], fx.dir), 'SIGKILL');
      const refused = await load(p.uri);
      assert.equal(refused.code, 5, 'a killed shard left no manifest: load refuses');
      await shard(p.uri, 1);
      assert.equal(await killAt('commit', ['load', '--plan', p.uri, '--warehouse', fx.warehouse], fx.dir), 'SIGKILL');
      assert.deepEqual((await published(fx.warehouse)).rows, before.rows, 'a load killed before its commit published nothing');
      for (const attempt of ['rerun', 'rerun on purpose']) {
        const again = await load(p.uri);
        assert.equal(again.code, 0, again.stderr);
        const after = await published(fx.warehouse);
        assert.equal(after.rows.length, before.rows.length + ROWS, `${attempt}: one copy of the batch`);
        assert.equal(after.loadTs.length, before.loadTs.length + 1, `${attempt}: one load of the batch`);
      }
    });
  });
}
