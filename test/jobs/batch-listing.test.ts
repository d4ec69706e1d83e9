/**
 * The batch is exactly what was listed, through the real command line on PGlite and PostgreSQL:
 * links to files are followed; dangling links, links to folders and non-UTF-8 names are refused (exit 2);
 * hidden files, markers, .crc files and subfolders are ignored and named in the run report; a file
 * replaced, grown or removed between the listing and its reading stops the run (exit 5); a 0-byte file
 * is refused in every format (exit 4); a --source of another date is refused before any work (exit 2).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, SHARED_TPCH, type CliResult } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { published } from '../support/supplier.ts';
import { lastJson, readJson, type RunSummary } from '../support/json.ts';
import type { RunReport } from '../../jobs/report.ts';
import type { Manifest } from '../../core/manifest.ts';

const LINES = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, 10).map((l) => `${l}\n`);
const rows = (from: number, to: number): string => LINES.slice(from, to).join('');
const HOOK = new URL('../support/source-hook.mjs', import.meta.url).href;

/** The lines a user reads on the terminal (JSON log lines aside). */
function humanLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
}

/** The run.json a failed run left under the reports folder (the only one there). */
function onlyRunReport(reports: string): RunReport {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n === 'run.json') found.push(p);
    }
  };
  walk(reports);
  assert.equal(found.length, 1, `one run report under ${reports}`);
  return readJson<RunReport>(found[0]);
}

for (const engine of ENGINES) {
  describe(`the batch is what was listed, on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'listing');
    let n = 0;

    /** A fresh batch folder named by its date (every case its own date, so batches never meet). */
    function batch(files: Record<string, string>): { dir: string; date: string } {
      n += 1;
      const date = `2026-10-${String(n).padStart(2, '0')}`;
      const dir = join(fx.dir, 'landing', `case${n}`, date.replaceAll('-', ''));
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      return { dir, date };
    }

    function run(b: { dir: string; date: string }, opts: { env?: NodeJS.ProcessEnv; extra?: string[] } = {}): Promise<CliResult> {
      return runCli(
        ['run', '--dataset', 'supplier', '--date', b.date, '--source', b.dir, '--staging', join(fx.dir, 'staging'),
          '--reports', join(fx.dir, 'reports', b.date), '--warehouse', fx.warehouse, '--json', ...(opts.extra ?? [])],
        { cwd: fx.dir, env: opts.env },
      );
    }

    async function publishedOn(date: string): Promise<number> {
      const p = await published(fx.warehouse);
      return p.audit.filter((a) => a.batch_date === date && a.status === 'published').length;
    }

    it('follows a symbolic link to a file: 3 rows published, the link has its target identity', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const elsewhere = join(fx.dir, 'elsewhere');
      mkdirSync(elsewhere, { recursive: true });
      writeFileSync(join(elsewhere, 'one.tbl'), rows(2, 3));
      const b = batch({ 'a.tbl': rows(0, 2) });
      symlinkSync(join(elsewhere, 'one.tbl'), join(b.dir, 'b.tbl'));
      const r = await run(b);
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJson<RunSummary>(r.stdout);
      assert.match(summary.message, /^published 3 rows/);
      assert.equal(summary.rows.published, 3);
      assert.deepEqual(summary.files.map((f: { uri: string }) => f.uri), [join(b.dir, 'a.tbl'), join(b.dir, 'b.tbl')]);
      const target = statSync(join(elsewhere, 'one.tbl'), { bigint: true });
      assert.equal(summary.files[1].identity?.ino, target.ino.toString(), 'a link is read as its target');
      assert.equal(summary.files[1].size, Number(target.size));
      const manifest = readJson<Manifest>(summary.manifest!);
      assert.deepEqual(manifest.package.sourceFiles[1].identity, summary.files[1].identity, 'the manifest records the identity read');
      assert.equal(manifest.entries.length > 0, true, 'COPY entries keep their shape');
    });

    it('a dangling symbolic link is exit 2, naming it, and nothing is published', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const b = batch({ 'a.tbl': rows(0, 2) });
      symlinkSync(join(fx.dir, 'no-such-file.tbl'), join(b.dir, 'b.tbl'));
      const r = await run(b);
      assert.equal(r.code, 2, r.stderr);
      assert.deepEqual(humanLines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, /b\.tbl is a dangling symbolic link/);
      assert.equal(await publishedOn(b.date), 0);
    });

    it('a symbolic link to a folder is exit 2, naming it', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const folder = join(fx.dir, 'a-folder');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'x.tbl'), rows(5, 6));
      const b = batch({ 'a.tbl': rows(0, 2) });
      symlinkSync(folder, join(b.dir, 'more'));
      const r = await run(b);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(humanLines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, /more is a symbolic link to a folder/);
      assert.equal(await publishedOn(b.date), 0);
    });

    it('hidden files, markers, .crc files and subfolders are not loaded, and the report names each with its reason', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const b = batch({ 'a.tbl': rows(0, 2), '.a.tbl.swp': rows(0, 2), _SUCCESS: '', 'a.tbl.crc': 'xx', '.hidden.tbl': rows(3, 4) });
      mkdirSync(join(b.dir, 'backup'));
      writeFileSync(join(b.dir, 'backup', 'old.tbl'), rows(4, 6)); // loaded into the batch before this change
      mkdirSync(join(b.dir, '_temporary'));
      writeFileSync(join(b.dir, '_temporary', 'part.tbl'), rows(6, 7));
      const r = await run(b);
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJson<RunSummary>(r.stdout);
      assert.equal(summary.rows.published, 2, 'only a.tbl is the batch');
      assert.equal(summary.files.length, 1);
      const ignored = Object.fromEntries(summary.ignored.map((i: { uri: string; reason: string }) => [i.uri.slice(b.dir.length + 1), i.reason]));
      assert.deepEqual(Object.keys(ignored).sort(), ['.a.tbl.swp', '.hidden.tbl', '_SUCCESS', '_temporary/', 'a.tbl.crc', 'backup/']);
      assert.match(ignored['backup/'], /subfolder/);
      assert.match(ignored._SUCCESS, /marker/);
      assert.match(ignored['.hidden.tbl'], /hidden/);
      assert.match(ignored['a.tbl.crc'], /checksum/);
      const md = readFileSync(summary.reports.runMarkdown!, 'utf8');
      for (const name of Object.keys(ignored)) assert.ok(md.includes(join(b.dir, name)), `run.md names ${name}`);
      const json = readJson<RunReport>(summary.reports.runJson!);
      assert.equal(json.ignored.length, 6);
      for (const name of Object.keys(ignored)) assert.ok(r.stderr.includes(`ignored ${join(b.dir, name)}`), `a log line for ${name}`);
    });

    it('a file name that is not valid UTF-8 is exit 2, with its bad byte escaped', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const b = batch({ 'a.tbl': rows(0, 2) });
      writeFileSync(Buffer.concat([Buffer.from(`${b.dir}/b`), Buffer.from([0xff]), Buffer.from('.tbl')]), rows(2, 3));
      const r = await run(b);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(humanLines(r.stderr).length, 1, r.stderr);
      assert.ok(r.stderr.includes('b\\xff.tbl'), r.stderr);
      assert.match(r.stderr, /not valid UTF-8/);
    });

    it('a file replaced (atomic rename) after the listing is exit 5, naming both identities; nothing published', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const b = batch({ 'a.tbl': rows(0, 2), 'b.tbl': rows(2, 3) });
      const next = join(fx.dir, `next-${b.date}.tbl`);
      writeFileSync(next, rows(2, 5)); // the exporter's new version: 3 rows where 1 was listed
      const hook = { path: join(b.dir, 'b.tbl'), action: 'replace', with: next };
      const r = await run(b, { env: { NODE_OPTIONS: `--import ${HOOK}`, RL_TEST_SOURCE_HOOK: JSON.stringify(hook) } });
      assert.equal(r.code, 5, r.stderr);
      assert.equal(humanLines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, /b\.tbl changed during the run \(listed: size \d+, mtime [^,]+, inode \d+; now: size \d+, .*rerun/);
      assert.ok(!existsSync(next), 'the replacement did happen mid-run');
      assert.equal(await publishedOn(b.date), 0);
      const report = onlyRunReport(join(fx.dir, 'reports', b.date));
      assert.equal(report.exitCode, 5);
      assert.equal(report.files[1].size, LINES[2].length, 'the report keeps what was listed');
    });

    it('a file grown in place after it was opened is exit 5', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const b = batch({ 'a.tbl': rows(0, 2), 'b.tbl': rows(2, 3) });
      const hook = { path: join(b.dir, 'b.tbl'), action: 'append', text: rows(3, 4) };
      const r = await run(b, { env: { NODE_OPTIONS: `--import ${HOOK}`, RL_TEST_SOURCE_HOOK: JSON.stringify(hook) } });
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /b\.tbl changed during the run/);
      assert.equal(await publishedOn(b.date), 0);
    });

    it('a file removed after the listing is exit 5 (retryable), not a usage error', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const b = batch({ 'a.tbl': rows(0, 2), 'b.tbl': rows(2, 3) });
      const hook = { path: join(b.dir, 'b.tbl'), action: 'delete' };
      const r = await run(b, { env: { NODE_OPTIONS: `--import ${HOOK}`, RL_TEST_SOURCE_HOOK: JSON.stringify(hook) } });
      assert.equal(r.code, 5, r.stderr);
      assert.equal(humanLines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, /b\.tbl vanished during the run/);
      assert.equal(await publishedOn(b.date), 0);
    });

    for (const name of ['empty.csv', 'empty.parquet']) {
      it(`a 0-byte data file is refused, exit 4, whatever its format (${name})`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const b = batch({ 'a.tbl': rows(0, 2), [name]: '' });
        const r = await run(b);
        assert.equal(r.code, 4, r.stderr);
        assert.equal(humanLines(r.stderr).length, 1, r.stderr);
        assert.ok(r.stderr.includes(`0-byte data file: ${join(b.dir, name)}`), r.stderr);
        assert.equal(await publishedOn(b.date), 0);
      });
    }

    it('a --source of another date is exit 2 naming both dates, before any work', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const b = batch({ 'a.tbl': rows(0, 2) });
      const wrong = { dir: b.dir, date: '2026-09-30' };
      const r = await run(wrong);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(humanLines(r.stderr).length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`--source is the folder of ${b.date} but the batch date is 2026-09-30`));
      assert.ok(!existsSync(join(fx.dir, 'reports', wrong.date)), 'no report: nothing was started');
      assert.equal(await publishedOn(wrong.date), 0);
      assert.equal(await publishedOn(b.date), 0);
      const hive = batch({ 'a.tbl': rows(0, 2) });
      const r2 = await run({ dir: join(hive.dir, '..', '..', `batch=2026-09-29`), date: hive.date });
      assert.equal(r2.code, 2, r2.stderr);
      assert.match(r2.stderr, /folder of 2026-09-29/);
    });
  });
}
