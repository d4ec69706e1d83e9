/**
 * The contract's key is enforced through the CLI, composite keys included: PARTSUPP's (ps_partkey,
 * ps_suppkey) with no unique rule declared. A repeated pair (.tbl and Parquet) refuses the batch with exit
 * 4 and one line naming both rows and both values, and so do run.md, quality.md and quality.json; the same
 * part with another supplier is published; a NULL key column is exit 4 naming file, row and column; a
 * contract whose key names a missing column is exit 2 naming the file and the JSON path. On PGlite and
 * PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { generateTable, parquetSchema, tpchTable } from '../../tpch/index.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { filesUnder, oneErrorLine } from '../support/hostile.ts';
import { lastJson, type RunSummary } from '../support/json.ts';

const gen = mkdtempSync(join(tmpdir(), 'rl-composite-gen-'));
after(() => rmSync(gen, { recursive: true, force: true }));

/** The first 40 PARTSUPP rows (parts 1–10, four suppliers each) of SF 0.01, as .tbl lines. */
let LINES: string[] = [];
before(async () => {
  await generateTable('partsupp', { scale: 0.01, format: 'csv', outDir: gen });
  const file = filesUnder(gen).find((f) => f.endsWith('.tbl'))!;
  LINES = readFileSync(file, 'utf8').split('\n').slice(0, 40);
});

const fields = (line: string): string[] => line.split('|');
/** Line i (1-based) with its key set to (partkey, suppkey). */
const withKey = (lines: string[], row: number, partkey: string, suppkey: string): string[] =>
  lines.map((l, i) => (i + 1 === row ? [partkey, suppkey, ...fields(l).slice(2)].join('|') : l));

function writeTbl(dir: string, lines: string[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'partsupp.tbl'), lines.map((l) => `${l}\n`).join(''));
  return dir;
}

function writeParquet(dir: string, lines: string[]): string {
  mkdirSync(dir, { recursive: true });
  const rows = lines.map(fields);
  const cents = (s: string): bigint => BigInt(s.replace('.', ''));
  const buf = parquetWriteBuffer({
    schema: parquetSchema(tpchTable('partsupp')),
    columnData: [
      { name: 'ps_partkey', data: rows.map((r) => BigInt(r[0])) },
      { name: 'ps_suppkey', data: rows.map((r) => BigInt(r[1])) },
      { name: 'ps_availqty', data: rows.map((r) => Number(r[2])) },
      { name: 'ps_supplycost', data: rows.map((r) => cents(r[3])) },
      { name: 'ps_comment', data: rows.map((r) => r[4]) },
    ] as never,
  });
  writeFileSync(join(dir, 'partsupp.parquet'), new Uint8Array(buf));
  return dir;
}

for (const engine of ENGINES) {
  describe(`the PARTSUPP key (ps_partkey, ps_suppkey), through the CLI on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'compositekey');
    let n = 0;
    const run = (source: string, extra: string[] = []) => {
      const reports = join(fx.dir, `reports-${++n}`);
      return runCli(
        ['run', '--dataset', 'partsupp', '--date', '2026-11-19', '--source', source, '--staging', join(fx.dir, 'staging'), '--reports', reports, '--warehouse', fx.warehouse, ...extra],
        { cwd: fx.dir },
      ).then((r) => ({ ...r, reports }));
    };

    for (const format of ['tbl', 'parquet'] as const) {
      it(`${format}: a repeated pair is exit 4 naming both rows and both values, in the line and every report`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const [part, supp] = fields(LINES[11]); // row 12: part 3, its fourth supplier
        const lines = withKey(LINES, 17, part, supp);
        const write = format === 'tbl' ? writeTbl : writeParquet;
        const r = await run(write(join(fx.dir, `dup-${format}`), lines));
        assert.equal(r.code, 4, r.stderr);
        const file = `partsupp.${format}`;
        const said = `row 17 repeats key (ps_partkey=${part}, ps_suppkey=${supp}) first seen at row 12 of the same file`;
        const line = oneErrorLine(r);
        assert.match(line, /^QualityError: rule unique failed on columns ps_partkey, ps_suppkey in 1 row: /);
        assert.ok(line.includes(`${file} ${said}`) || line.includes(`/${file} ${said}`), line);
        assert.match(line, /row 17, column ps_partkey, ps_suppkey, rule unique:ps_partkey,ps_suppkey\)/);
        const written = filesUnder(r.reports);
        for (const name of ['run.md', 'quality.md', 'quality.json']) {
          const text = readFileSync(written.find((f) => f.endsWith(`/${name}`))!, 'utf8');
          assert.ok(text.includes(said), `${name} says ${said}`);
        }
        const quality = JSON.parse(readFileSync(written.find((f) => f.endsWith('/quality.json'))!, 'utf8')) as {
          rules: Array<{ id: string; columns?: string[]; implicit: boolean; failed: number; samples: Array<{ row: number; value: string }> }>;
        };
        const key = quality.rules.find((x) => x.id === 'unique:ps_partkey,ps_suppkey')!;
        assert.deepEqual([key.columns, key.implicit, key.failed, key.samples[0].row, key.samples[0].value],
          [['ps_partkey', 'ps_suppkey'], true, 1, 17, `(ps_partkey=${part}, ps_suppkey=${supp})`]);
      });

      it(`${format}: the same part with a supplier it does not have yet is a new key, published`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const part = fields(LINES[11])[0];
        const taken = new Set(LINES.filter((l) => fields(l)[0] === part).map((l) => fields(l)[1]));
        const supp = LINES.map((l) => fields(l)[1]).find((s) => !taken.has(s))!;
        const write = format === 'tbl' ? writeTbl : writeParquet;
        const r = await run(write(join(fx.dir, `new-${format}`), withKey(LINES, 17, part, supp)), ['--json']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(lastJson<RunSummary>(r.stdout).rows.published, 40);
      });
    }

    it('a NULL key column is exit 4 naming file, row and column', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const lines = withKey(LINES, 5, fields(LINES[4])[0], '');
      const r = await run(writeTbl(join(fx.dir, 'null-key'), lines));
      assert.equal(r.code, 4, r.stderr);
      assert.match(oneErrorLine(r), /^QualityError: rule not_null failed on column ps_suppkey .*partsupp\.tbl, row 5, column ps_suppkey/);
    });

    it('a contract whose key names a missing column is exit 2 with the file and the JSON path', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const contracts = join(fx.dir, 'contracts');
      mkdirSync(contracts, { recursive: true });
      const c = JSON.parse(readFileSync(new URL('../../datasets/partsupp.json', import.meta.url), 'utf8')) as { key: string[] };
      writeFileSync(join(contracts, 'partsupp.json'), JSON.stringify({ ...c, key: ['ps_partkey', 'ps_supkey'] }, null, 2));
      const r = await run(writeTbl(join(fx.dir, 'bad-contract'), LINES), ['--contracts', contracts]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(oneErrorLine(r), /^ConfigError: .*contracts\/partsupp\.json: \$\.key\[1\] names "ps_supkey", which is not a column \(columns: ps_partkey, ps_suppkey, /);
    });
  });
}
