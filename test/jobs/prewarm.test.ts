/** The command line starts the partition's workers early only when the pass will use them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prewarmCount } from '../../jobs/commands/prewarm.ts';
import { defaultWorkers, prewarmedCount, prewarmWorkers, SMALL_INPUT_BYTES, startWorker, takePrewarmed } from '../../jobs/partition/worker-start.ts';
import { runCli } from '../support/cli.ts';

describe('prewarming the partition workers', () => {
  it('counts workers only for a pass that will use them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-prewarm-'));
    try {
      const small = join(dir, 'small');
      const big = join(dir, 'big');
      for (const [d, size] of [[small, 1024], [big, SMALL_INPUT_BYTES]] as const) {
        mkdirSync(d);
        writeFileSync(join(d, 'part-0.parquet'), Buffer.alloc(size));
      }
      const all = defaultWorkers();
      assert.equal(prewarmCount('partition', ['--dataset', 'supplier', '--source', small, '--out', 'o']), 0, 'below the threshold: the pass runs inline');
      assert.equal(prewarmCount('partition', ['--dataset', 'supplier', '--source', big, '--out', 'o']), all);
      assert.equal(prewarmCount('partition', ['--dataset', 'supplier', `--source=${big}`]), all);
      assert.equal(prewarmCount('partition', ['--source', 's3://bucket/prefix']), all);
      assert.equal(prewarmCount('partition', ['--plan', 's3://b/plans/p.json', '--shard', '0']), all);
      assert.equal(prewarmCount('partition', ['--source', small, '--workers', '3']), 3, '--workers wins');
      assert.equal(prewarmCount('partition', ['--source', big, '--workers', '0']), 0);
      assert.equal(prewarmCount('partition', ['--source', big, '--workers', 'two']), 0, 'a bad flag: no prewarm, the command says what is wrong');
      assert.equal(prewarmCount('partition', ['--source', join(dir, 'missing')]), 0);
      assert.equal(prewarmCount('partition', ['--source', big, '--help']), 0);
      assert.equal(prewarmCount('run', ['--source', big]), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands prewarmed workers to a pool once, and stops the ones it does not take', async () => {
    prewarmWorkers(3);
    assert.equal(prewarmedCount(), 3);
    const taken = takePrewarmed(2);
    assert.equal(taken.length, 2);
    assert.equal(prewarmedCount(), 0);
    assert.equal(takePrewarmed(2).length, 0);
    await Promise.all(taken.map((w) => w.terminate()));
  });

  it('a refused command with prewarmed workers exits at once with its own code and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-prewarm-cli-'));
    try {
      const started = performance.now();
      const r = await runCli(['partition', '--dataset', 'no_such_dataset', '--source', dir, '--out', join(dir, 'out'), '--workers', '2']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /unknown dataset "no_such_dataset"/);
      assert.ok(performance.now() - started < 20_000, 'the unadopted workers do not keep the process alive');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('worker threads of CPU-bound passes', () => {
  it('start after V8 is told to compile on the worker\'s own thread', async () => {
    const { workerCompilationTuned } = await import('../../core/worker-thread.ts');
    const w = startWorker({ partitionWorker: true });
    try {
      assert.equal(workerCompilationTuned(), true);
    } finally {
      await w.terminate();
    }
  });
});
