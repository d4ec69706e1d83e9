/**
 * The partition pass's memory bound on huge Parquet pages, through the real command line: a row group
 * stored as one page per column (DuckDB with a large ROW_GROUP_SIZE) whose largest page decompresses to
 * more than --max-page-bytes is refused with exit 4 and one line naming the file, row group, page, column
 * and size, before anything is decompressed (the child's peak RSS stays far below the 512 MiB budget); the
 * same file under a larger bound is partitioned; and a row group of more than MAX_UNIT_ROWS rows in one
 * page per column is cut into several units.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { MAX_UNIT_ROWS, unitsOf } from '../../jobs/partition/partition.ts';
import { DEFAULT_MAX_PAGE_BYTES } from '../../jobs/partition/page-size-limit.ts';
import { runCli } from '../support/cli.ts';
import { lastJson, type PartitionSummary } from '../support/json.ts';

/** Preloaded into the child: writes its peak RSS and CPU seconds (getrusage, every thread) to $BENCH_RSS_FILE on exit. */
const RSS_REPORT = fileURLToPath(new URL('../../bench/rss-report.mjs', import.meta.url));
const MIB = 1024 * 1024;

/** SUPPLIER at `scale` from the generator, rewritten by DuckDB as ONE row group (one page per column). */
async function onePageSupplier(root: string, name: string, scale: string): Promise<string> {
  const gen = join(root, `${name}-gen`);
  const r = await runCli(['generate', '--dataset', 'supplier', '--scale', scale, '--files', '1', '--out', gen, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const dir = join(root, name);
  mkdirSync(dir);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT * FROM read_parquet('${gen}/**/*.parquet')) TO '${join(dir, 'supplier.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)`);
  c.closeSync();
  rmSync(gen, { recursive: true });
  return dir;
}

describe('partition: the page size bound', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'page-limit-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a page above --max-page-bytes with exit 4 and one line; a larger bound partitions the same file', async () => {
    // 20,000 rows in one row group: s_comment's one page holds ~1.3 MB of text.
    const source = await onePageSupplier(root, 'small', '2');
    const refused = await runCli(['partition', '--dataset', 'supplier', '--source', source, '--out', join(root, 'out-refused'), '--max-page-bytes', String(MIB)]);
    assert.equal(refused.code, 4, refused.stderr);
    const lines = refused.stderr.trim().split('\n');
    assert.equal(lines.length, 1, refused.stderr);
    assert.match(lines[0], /^QualityError: row group 0, data page 0 \(rows 1-20000 of the file\) decompresses to [\d,]+ bytes, more than the 1,048,576 bytes a page may take \(--max-page-bytes\)/);
    assert.match(lines[0], /supplier\.parquet, row 1, column s_comment\) — write the file with smaller pages or row groups/);
    assert.ok(!refused.stderr.includes('    at '), 'no stack trace');
    assert.equal(readdirSync(root).includes('out-refused') && readdirSync(join(root, 'out-refused')).some((f) => f.endsWith('manifest.json')), false, 'no manifest');

    const ok = await runCli(['partition', '--dataset', 'supplier', '--source', source, '--out', join(root, 'out-ok'), '--workers', '0', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(lastJson<PartitionSummary>(ok.stdout).rows, 20000);

    const bad = await runCli(['partition', '--dataset', 'supplier', '--source', source, '--out', join(root, 'out-bad'), '--max-page-bytes', '1000']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--max-page-bytes must be an integer from 1048576 to 2147483647, got "1000"/);
  });

  it('refuses a page above the default bound before decompressing it: peak RSS stays far below 512 MiB', async () => {
    // 300,000 rows in one row group: s_comment's page is ~19 MB decompressed, above the 16 MiB default.
    const source = await onePageSupplier(root, 'huge', '30');
    const rssFile = join(root, 'rss');
    const r = await runCli(['partition', '--dataset', 'supplier', '--source', source, '--out', join(root, 'out-huge')], {
      preload: [RSS_REPORT],
      env: { BENCH_RSS_FILE: rssFile },
    });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr.trim(), /^QualityError: row group 0, data page 0 \(rows 1-300000 of the file\) decompresses to [\d,]+ bytes, more than the 16,777,216 bytes a page may take/);
    const rss = Number(readFileSync(rssFile, 'utf8').split(' ')[0]); // "<peak RSS bytes> <CPU seconds>"
    assert.ok(rss < 400 * MIB, `peak RSS ${Math.round(rss / MIB)} MiB`);
  });

  it('cuts a row group of few huge pages into units of at most MAX_UNIT_ROWS rows', () => {
    assert.equal(DEFAULT_MAX_PAGE_BYTES, 16 * MIB);
    assert.equal(unitsOf(122_880, 32768, 1), 1); // DuckDB's default row group: one unit, as before
    assert.equal(unitsOf(450_000, 32768, 1), Math.ceil(450_000 / MAX_UNIT_ROWS)); // one page per column, 450k rows
    assert.equal(unitsOf(1_000_000, 32768, -1), 1); // headers that do not parse: the decoder decides
  });
});
