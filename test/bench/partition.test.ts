/** The benchmark's own logic (its runs are `npm run bench`, not a test): arguments and the results table. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { fallbackColumns } from '../../bench/fallback-columns.ts';
import { fallbackNotes, IMAGE_ENV, parseArgs, table, verdict } from '../../bench/partition.ts';
import { ROOT, SHARED_TPCH } from '../support/cli.ts';

describe('bench', () => {
  it('runs our process with the environment the Batch image sets (Dockerfile ENV), so peak RSS is production\'s', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    for (const [name, value] of Object.entries(IMAGE_ENV)) assert.match(dockerfile, new RegExp(`^(?:ENV)?\\s+${name}=${value}\\b`, 'm'), `${name}=${value} in the Dockerfile`);
    // And nothing the runtime sets that changes how Node runs is missing from the bench's process.
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    const set = [...runtime.matchAll(/^(?:ENV\s+|\s+)(NODE_\w+|MALLOC_\w+)=(\S+?)\s*\\?$/gm)].map((m) => [m[1], m[2]]);
    assert.ok(set.length >= 2, 'the runtime ENV block is read');
    for (const [name, value] of set) assert.equal((IMAGE_ENV as Record<string, string>)[name], value, `${name}=${value} (Dockerfile runtime ENV) in bench IMAGE_ENV`);
  });

  it('reads its flags: --quick is 1M rows only, --rows N one size, the rest as given', () => {
    assert.deepEqual(parseArgs([]).sizes, [1_000_000, 10_000_000]);
    assert.deepEqual(parseArgs(['--quick']).sizes, [1_000_000]);
    assert.deepEqual(parseArgs([]).datasets, ['supplier', 'lineitem']);
    assert.deepEqual(parseArgs([]).inputs, ['gen', 'duck', 'duckv2', 'arrow', 'tbl']);
    assert.deepEqual(parseArgs(['--inputs', 'tbl,arrow,duckv2']).inputs, ['tbl', 'arrow', 'duckv2']);
    assert.match(parseArgs([]).results, /bench\/RESULTS\.md$/);
    assert.throws(() => parseArgs(['--results']), /--results needs/);
    const a = parseArgs(['--rows', '20000', '--rounds', '1', '--keep', '--gzip-level', '3', '--inputs', 'duck', '--datasets', 'lineitem', '--results', 'r.md', '--tsx', '--no-build']);
    assert.deepEqual(a, { sizes: [20_000], rounds: 1, keep: true, gzipLevel: 3, inputs: ['duck'], datasets: ['lineitem'], results: 'r.md', tsx: true, build: false });
    assert.throws(() => parseArgs(['--rows', 'many']), /--rows/);
    assert.throws(() => parseArgs(['--inputs', 'csv']), /--inputs takes gen,duck,duckv2,arrow,tbl; got csv/);
    assert.throws(() => parseArgs(['--datasets', 'supplier,orders']), /--datasets takes supplier,lineitem/);
    assert.throws(() => parseArgs(['--fast']), /unknown argument/);
  });

  it('tabulates medians per dataset: rows/s of both, the speed ratio of whole processes, CPU seconds, the bytes ratio, the noise, peak RSS, the zlib floor and the targets', () => {
    const run = (seconds: number, bytes: number, rss: number) => ({ seconds, cpu: 2 * seconds, bytes, rss, rows: 1_000_000 });
    const [head, , line] = table([{
      dataset: 'lineitem', rows: 1_000_000, input: 'gen',
      ours: [run(2, 60e6, 300 * 2 ** 20), run(3, 60e6, 320 * 2 ** 20), run(2.5, 60e6, 310 * 2 ** 20)],
      duck: [{ ...run(5.5, 50e6, 400 * 2 ** 20), copy: 5 }, { ...run(5.5, 50e6, 410 * 2 ** 20), copy: 5 }],
      floor: 0.8,
    }], 1);
    assert.match(head, /speed ratio.*\| targets \(≥ 1\.5× rows\/s, ≤ 1\.15× bytes, ours ≤ 512 MiB\) \|$/);
    assert.equal(line, '| lineitem | 1,000,000 | gen | 2.50 | 400,000 | 5.50; 5.00 | 181,818 | **2.20×** | 5.0 / 11.0 | 40% / 0% | 60.0 MB | 50.0 MB | 1.200× | 320 MiB | 410 MiB | 0.80 | missed: bytes 1.200× > 1.15× |');
  });

  it('says per row whether it meets the targets, and by how much it misses each', () => {
    assert.equal(verdict(1.5, 1.15, 512), 'met');
    assert.equal(verdict(1.49, 1.151, 513), 'missed: speed 1.49× < 1.5×, bytes 1.151× > 1.15×, RSS 513 MiB > 512 MiB');
    assert.equal(verdict(2.1, 1.0, 600), 'missed: RSS 600 MiB > 512 MiB');
  });

  it('names, per input, the columns the byte-level decoder leaves to the per-value path', () => {
    const notes = fallbackNotes([
      { input: 'lineitem gen', columns: [{ name: 'l_shipdate', parquetType: 'INT32 DATE', contractType: 'date' }] },
      { input: 'supplier gen', columns: [] },
    ]);
    assert.deepEqual(notes.slice(2, 4), [
      '- lineitem gen: `l_shipdate` (INT32 DATE → date)',
      '- supplier gen: none — every column on the byte-level path',
    ]);
  });

  it('finds those columns in the Parquet footers: none in DuckDB\'s SUPPLIER, none for FLOAT, an unsigned INT32 one in a file that has it', async () => {
    assert.deepEqual(await fallbackColumns('supplier', join(SHARED_TPCH, 'duckdb-snappy')), []);
    const dir = mkdtempSync(join(tmpdir(), 'bench-fallback-'));
    try {
      const buf = parquetWriteBuffer({
        schema: [
          { name: 'root', num_children: 3 },
          { name: 's_suppkey', type: 'INT64', repetition_type: 'REQUIRED' },
          { name: 's_ratio', type: 'FLOAT', repetition_type: 'REQUIRED' },
          { name: 's_count', type: 'INT32', converted_type: 'UINT_32', repetition_type: 'REQUIRED' },
        ],
        columnData: [
          { name: 's_suppkey', data: [1n, 2n] },
          { name: 's_ratio', data: [0.5, 1.5] },
          { name: 's_count', data: [1, 2] },
        ],
      });
      writeFileSync(join(dir, 'a.parquet'), new Uint8Array(buf));
      assert.deepEqual(await fallbackColumns('supplier', dir), [{ name: 's_count', parquetType: 'INT32 UINT_32', contractType: 'not in the contract' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
