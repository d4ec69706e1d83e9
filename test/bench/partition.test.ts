/** The benchmark's own logic (its runs are `npm run bench`, not a test): arguments and the results table. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs, table } from '../../bench/partition.ts';

describe('bench', () => {
  it('reads its flags: --quick is 1M rows only, --rows N one size, the rest as given', () => {
    assert.deepEqual(parseArgs([]).sizes, [1_000_000, 10_000_000]);
    assert.deepEqual(parseArgs(['--quick']).sizes, [1_000_000]);
    const a = parseArgs(['--rows', '20000', '--rounds', '1', '--keep', '--gzip-level', '3', '--inputs', 'duck', '--tsx', '--no-build']);
    assert.deepEqual(a, { sizes: [20_000], rounds: 1, keep: true, gzipLevel: 3, inputs: ['duck'], tsx: true, build: false });
    assert.throws(() => parseArgs(['--rows', 'many']), /--rows/);
    assert.throws(() => parseArgs(['--inputs', 'csv']), /--inputs/);
    assert.throws(() => parseArgs(['--fast']), /unknown argument/);
  });

  it('tabulates medians: rows/s of both, the speed and bytes ratios, peak RSS and the zlib floor', () => {
    const run = (seconds: number, bytes: number, rss: number) => ({ seconds, bytes, rss, rows: 1_000_000 });
    const [head, , line] = table([{
      rows: 1_000_000, input: 'gen',
      ours: [run(2, 60e6, 300 * 2 ** 20), run(3, 60e6, 320 * 2 ** 20), run(2.5, 60e6, 310 * 2 ** 20)],
      duck: [{ ...run(5, 50e6, 400 * 2 ** 20), wall: 5.5 }, { ...run(5, 50e6, 410 * 2 ** 20), wall: 5.5 }],
      floor: 0.8,
    }], 1);
    assert.match(head, /speed ratio/);
    assert.equal(line, '| 1,000,000 | gen | 2.50 | 400,000 | 5.00 / 5.50 | 200,000 | **2.00×** | 60.0 MB | 50.0 MB | 1.200× | 320 MiB | 410 MiB | 0.80 |');
  });
});
