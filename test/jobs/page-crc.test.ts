/**
 * Page CRCs (issue 12 item 3). DuckDB and arrow-rs write none, so test/support/page-crc-parquet.ts adds
 * them to a real DuckDB file. A file whose CRCs match loads; the same file with one byte flipped inside a
 * page is refused before any row moves (exit 4, one line naming row group, column and page), by the
 * byte-level decoder (partition, run) and by hyparquet's path (contract infer). A file without CRCs and
 * the same flip is not refused for its CRC (there is none to check).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { pagesOf, withPageCrcs } from '../support/page-crc-parquet.ts';
import { published } from '../support/supplier.ts';

const original = new Uint8Array(readFileSync(join(SHARED_TPCH, 'duckdb-snappy', 'data_0.parquet')));
const good = withPageCrcs(original);
const rows = 4096; // data_0.parquet of the SF 1 DuckDB export

/** `file` with one byte flipped in the middle of the s_name data page; where, for the assertion. */
function flipped(file: Uint8Array): { bytes: Uint8Array; page: ReturnType<typeof pagesOf>[number] } {
  const page = pagesOf(file).filter((p) => p.column === 's_name' && p.type !== 'DICTIONARY_PAGE').at(-1)!;
  const bytes = file.slice();
  bytes[page.dataOffset + (page.length >> 1)] ^= 0x01;
  return { bytes, page };
}

function batch(bytes: Uint8Array, parent = mkdtempSync(join(tmpdir(), 'rl-page-crc-'))): string {
  const src = join(parent, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'supplier.parquet'), bytes);
  return src;
}

function expectCrcRefusal(r: { code: number | null; stderr: string }, page: ReturnType<typeof pagesOf>[number]): void {
  assert.equal(r.code, 4, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
  assert.equal(lines.length, 1, r.stderr);
  assert.equal(
    lines[0].replace(/\(\/\S*supplier\.parquet/, '(FILE'),
    `QualityError: row group ${page.group + 1}, column s_name, page ${page.page} (data page at byte offset ${page.headerOffset}) fails its CRC-32 checksum: ` +
      'the file was damaged in transit or storage (FILE, column s_name) — re-export or re-copy it',
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

describe('page CRCs', () => {
  it('the fixture carries a CRC in every page, and the flip lands in a data page', () => {
    const pages = pagesOf(good);
    assert.ok(pages.length > 8);
    assert.ok(pages.every((p) => p.crc !== undefined));
    assert.ok(pagesOf(original).every((p) => p.crc === undefined));
    assert.equal(flipped(good).page.type.startsWith('DATA_PAGE'), true);
  });

  for (const workers of ['0', '2']) {
    it(`partition refuses a flipped byte inside a page with a CRC (--workers ${workers})`, async () => {
      const { bytes, page } = flipped(good);
      const src = batch(bytes);
      const r = await runCli(['partition', '--dataset', 'supplier', '--source', src, '--out', join(src, '..', 'out'), '--workers', workers]);
      expectCrcRefusal(r, page);
    });
  }

  it('contract infer (hyparquet reads every row group) refuses it too', async () => {
    const { bytes, page } = flipped(good);
    const src = batch(bytes);
    const r = await runCli(['contract', 'infer', '--dataset', 'crc_check', '--source', src, '--out', join(src, '..', 'crc_check.json')]);
    expectCrcRefusal(r, page);
  });

  it('the same flip in a file without CRCs is not a CRC refusal', async () => {
    const src = batch(flipped(original).bytes);
    const r = await runCli(['partition', '--dataset', 'supplier', '--source', src, '--out', join(src, '..', 'out')]);
    assert.doesNotMatch(r.stderr, /CRC-32/);
  });

  for (const engine of ENGINES) {
    describe(`run on ${engine}`, () => {
      const fx = warehouseFixture(engine, 'page_crc');
      it('a file whose CRCs match loads every row; the damaged one is refused and nothing of it is published', async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const ok = await runCli(['run', '--dataset', 'supplier', '--date', '2026-11-05', '--source', batch(good, join(fx.dir, 'good')), '--warehouse', fx.warehouse], { cwd: fx.dir });
        assert.equal(ok.code, 0, ok.stderr);
        assert.equal((await published(fx.warehouse)).rows.length, rows);
        const { bytes, page } = flipped(good);
        const bad = await runCli(['run', '--dataset', 'supplier', '--date', '2026-11-06', '--source', batch(bytes, join(fx.dir, 'bad')), '--warehouse', fx.warehouse], { cwd: fx.dir });
        expectCrcRefusal(bad, page);
        assert.equal((await published(fx.warehouse)).rows.length, rows);
      });
    });
  }
});
