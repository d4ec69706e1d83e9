/**
 * A page whose compressed bytes are damaged is a damaged file (exit 4, naming it), whatever the codec:
 * the byte-level decoder turns every codec's error into its own PageDecodeError, so the unit goes to
 * hyparquet, which names the damage. Before, zstd/lz4/brotli errors escaped as plain Errors: exit 1.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, SHARED_TPCH } from '../support/cli.ts';

describe('a damaged compressed page', () => {
  for (const workers of ['0', '2']) {
    it(`zstd bytes flipped mid-page: exit 4 naming the file (--workers ${workers})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rl-damaged-zstd-'));
      const src = join(dir, 'src');
      mkdirSync(src);
      const bytes = readFileSync(join(SHARED_TPCH, 'duckdb-zstd-decimal.parquet'));
      const at = Math.floor((bytes.length * 2) / 11);
      for (let i = at; i < at + 40; i++) bytes[i] ^= 0x5a;
      writeFileSync(join(src, 's.parquet'), bytes);
      const r = await runCli(['partition', '--dataset', 'supplier', '--source', src, '--out', join(dir, 'out'), '--workers', workers]);
      assert.equal(r.code, 4, r.stderr);
      const last = r.stderr.trim().split('\n').at(-1)!;
      assert.match(last, /^QualityError: damaged Parquet file: .*zstd.* \(.*s\.parquet\)/);
      assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
    });
  }
});
