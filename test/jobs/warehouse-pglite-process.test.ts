/**
 * PGlite process safety: one process per data directory, and a process SIGKILLed in the middle of a
 * COPY or a publish leaves a directory the next open recovers, without the half transaction.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { supplier } from '../../datasets/index.ts';
import { LoadError } from '../../core/errors.ts';
import { LocalStore } from '../../jobs/store/index.ts';
import { lockPathFor } from '../../jobs/warehouse/dir-lock.ts';
import { PgliteWarehouse } from '../../jobs/warehouse/pglite.ts';
import type { Warehouse } from '../../jobs/warehouse/warehouse.ts';
import { renderDdl } from '../../sql/ddl.ts';
import { checksumMismatches, emptyStage, publishStatements, stageChecksQuery } from '../../sql/load.ts';
import { pgliteDataDir } from '../sql/support/engines.ts';
import { supplierRows, writePackage, type TestPackage } from '../sql/support/parts.ts';

const CHILD = fileURLToPath(new URL('../sql/support/pglite-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const store = new LocalStore();
const COLUMNS = supplier.columns.map((c) => c.name);
const roots: string[] = [];
const children: ChildProcess[] = [];

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const { dir, root } = await pgliteDataDir();
  roots.push(root);
  return dir;
}

interface Child {
  proc: ChildProcess;
  lines: string[];
  waitFor(re: RegExp, ms?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  createInterface({ input: proc.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) if (w.re.test(line)) w.resolve(line);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    lines,
    exited,
    waitFor(re, ms = 60_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child did not print ${re} within ${ms} ms; stdout: ${lines.join(' / ')}; stderr: ${stderr}`)), ms);
        waiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void exited.then(({ code, signal }) => reject(new Error(`child exited (${code ?? signal}) before printing ${re}; stdout: ${lines.join(' / ')}; stderr: ${stderr}`)));
      });
    },
  };
}

async function kill(c: Child): Promise<void> {
  c.proc.kill('SIGKILL');
  const { signal } = await c.exited;
  assert.equal(signal, 'SIGKILL');
}

async function stage(wh: Warehouse, pkg: TestPackage): Promise<void> {
  await wh.query(emptyStage(supplier));
  await wh.copyManifest({ table: 'assignment.supplier_stage', columns: COLUMNS, manifestUri: pkg.manifestUri, manifest: pkg.manifest, store });
  const [checks] = await wh.query(stageChecksQuery(supplier));
  assert.deepEqual(checksumMismatches(supplier, checks, pkg.manifest.package.checksums), []);
}

async function publish(wh: Warehouse, pkg: TestPackage, batchDate: string, loadTs: string): Promise<void> {
  const rows = pkg.manifest.package.checksums.rows;
  await wh.transaction(
    publishStatements({
      contract: supplier,
      runId: 'parent-run',
      batchDate,
      loadTs,
      expected: pkg.manifest.package.checksums,
      audit: { started_at: loadTs, source_files: 1, source_rows: rows, part_rows: rows, manifest_rows: rows, staged_rows: rows, manifest_url: pkg.manifestUri, timings: {} },
    }),
  );
}

async function state(wh: Warehouse): Promise<{ stage: string; history: Record<string, string>; audit: string[] }> {
  const [s] = await wh.query('SELECT CAST(COUNT(*) AS VARCHAR(20)) AS n FROM assignment.supplier_stage');
  const h = await wh.query('SELECT CAST(load_ts AS VARCHAR(40)) AS ts, CAST(COUNT(*) AS VARCHAR(20)) AS n FROM assignment.supplier_data GROUP BY load_ts ORDER BY load_ts');
  const a = await wh.query(`SELECT CAST(load_ts AS VARCHAR(40)) AS ts, status FROM assignment.load_audit ORDER BY load_ts, status`);
  return { stage: String(s.n), history: Object.fromEntries(h.map((r) => [String(r.ts), String(r.n)])), audit: a.map((r) => `${String(r.ts)} ${String(r.status)}`) };
}

/** A data directory with the tables, one published batch (50 rows) and an empty stage. */
async function preparedDir(pkgDir: string): Promise<{ dir: string; small: TestPackage }> {
  const dir = await freshDir();
  const small = writePackage(join(pkgDir, 'small'), [supplierRows(50, 1)]);
  const wh = await PgliteWarehouse.open(dir);
  try {
    for (const s of renderDdl(supplier)) await wh.query(s);
    await stage(wh, small);
    await publish(wh, small, '2024-01-01', '2024-01-02 00:00:00.000001');
    await wh.query(emptyStage(supplier));
  } finally {
    await wh.close();
  }
  return { dir, small };
}

const BEFORE = {
  stage: '0',
  history: { '2024-01-02 00:00:00.000001': '50' },
  audit: ['2024-01-02 00:00:00.000001 published'],
};

test('a data directory held by a live process is refused, naming the process; once it is killed, it opens', async () => {
  const dir = await freshDir();
  const holder = startChild(['hold', dir]);
  await holder.waitFor(/^ready /);
  await assert.rejects(PgliteWarehouse.open(dir), (e: LoadError) => {
    assert.ok(e instanceof LoadError);
    assert.match(e.message, new RegExp(`^warehouse ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by process ${holder.proc.pid}$`));
    return true;
  });
  await kill(holder);
  assert.ok(existsSync(lockPathFor(dir)), 'the SIGKILLed holder left its lock behind');
  const wh = await PgliteWarehouse.open(dir);
  assert.match(readFileSync(lockPathFor(dir), 'utf8'), new RegExp(`^${process.pid} `));
  await wh.close();
  assert.ok(!existsSync(lockPathFor(dir)), 'close releases the lock');
});

test('the same process cannot open one data directory twice; locks of other hosts are respected', async () => {
  const dir = await freshDir();
  const wh = await PgliteWarehouse.open(dir);
  try {
    await assert.rejects(PgliteWarehouse.open(dir), new RegExp(`in use by process ${process.pid}$`));
  } finally {
    await wh.close();
  }
  writeFileSync(lockPathFor(dir), `1 not-${hostname()} abc\n`);
  await assert.rejects(PgliteWarehouse.open(dir), /in use by process 1 on not-/);
  // A dead pid on this host is stale: taken over.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  writeFileSync(lockPathFor(dir), `${dead} ${hostname()} abc\n`);
  const again = await PgliteWarehouse.open(dir);
  await again.close();
});

test('SIGKILL in the middle of a COPY transaction (paused between chunks): the next open recovers, nothing staged', async () => {
  const pkgDir = mkdtempSync(join(tmpdir(), 'rl-kill-copy-'));
  roots.push(pkgDir);
  const { dir, small } = await preparedDir(pkgDir);
  const big = writePackage(join(pkgDir, 'big'), [supplierRows(20_000, 1), supplierRows(20_000, 20_001)]);
  const child = startChild(['copy', dir, big.manifestUri, 'hang']);
  await child.waitFor(/^copying$/);
  await kill(child);
  assert.ok(existsSync(join(dir, 'postmaster.pid')), 'PGlite leaves its postmaster.pid behind');
  const wh = await PgliteWarehouse.open(dir);
  try {
    assert.deepEqual(await state(wh), BEFORE);
    // And the recovered directory works: stage and publish again.
    await stage(wh, small);
    await publish(wh, small, '2024-01-01', '2024-01-02 00:00:00.000002');
    assert.deepEqual((await state(wh)).history, { '2024-01-02 00:00:00.000002': '50' });
  } finally {
    await wh.close();
  }
});

test('SIGKILL while a COPY is running: the next open recovers, nothing staged', async () => {
  const pkgDir = mkdtempSync(join(tmpdir(), 'rl-kill-copy-run-'));
  roots.push(pkgDir);
  const { dir } = await preparedDir(pkgDir);
  const big = writePackage(join(pkgDir, 'big'), Array.from({ length: 4 }, (_, k) => supplierRows(50_000, 1 + k * 50_000)));
  const child = startChild(['copy', dir, big.manifestUri, 'run']);
  await child.waitFor(/^copying$/);
  await new Promise((r) => setTimeout(r, 150));
  await kill(child);
  assert.ok(!child.lines.some((l) => l.startsWith('done')), 'the copy was still running when killed');
  const wh = await PgliteWarehouse.open(dir);
  try {
    assert.deepEqual(await state(wh), BEFORE);
  } finally {
    await wh.close();
  }
});

test('SIGKILL in the middle of a publish transaction (after the DELETE and INSERT): the old copy stands', async () => {
  const pkgDir = mkdtempSync(join(tmpdir(), 'rl-kill-publish-'));
  roots.push(pkgDir);
  const { dir } = await preparedDir(pkgDir);
  const next = writePackage(join(pkgDir, 'next'), [supplierRows(30, 1, '-v2')]);
  let wh = await PgliteWarehouse.open(dir);
  await stage(wh, next);
  await wh.close();

  // Statement 7 is the history guard: the replaced marks, the audit row, the DELETE and the INSERT have run.
  const child = startChild(['publish', dir, next.manifestUri, '2024-01-01', '2024-01-03 00:00:00.000003', '7']);
  await child.waitFor(/^at 7$/);
  await kill(child);

  wh = await PgliteWarehouse.open(dir);
  try {
    assert.deepEqual(await state(wh), { ...BEFORE, stage: '30' });
    await publish(wh, next, '2024-01-01', '2024-01-03 00:00:00.000004');
    const after = await state(wh);
    assert.deepEqual(after.history, { '2024-01-03 00:00:00.000004': '30' });
    assert.deepEqual(after.audit, ['2024-01-02 00:00:00.000001 replaced', '2024-01-03 00:00:00.000004 published']);
  } finally {
    await wh.close();
  }
});
