/**
 * Parquet modular encryption in plaintext-footer mode (issue 12 item 4): the footer reads, but a column is
 * encrypted. The run refuses it in our words — exit 4, one line naming the file and the column, saying the
 * loader does not decrypt — before any data is read, with the footer key or a column key (no plaintext
 * meta_data). The unedited file partitions, so the refusal is the encryption's.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parquetMetadata } from 'hyparquet';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { withEncryptedColumn } from '../support/encrypted-column-parquet.ts';

const duck = new Uint8Array(readFileSync(join(SHARED_TPCH, 'duckdb-snappy', 'data_0.parquet')));

async function partition(bytes: Uint8Array): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rl-encrypted-col-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'supplier.parquet'), bytes);
  const r = await runCli(['partition', '--dataset', 'supplier', '--source', join(dir, 'src'), '--out', join(dir, 'out')]);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
  return { code: r.code, lines, stderr: r.stderr };
}

describe('an encrypted column under a plaintext footer', () => {
  it('the file as written partitions (the refusals below are the encryption\'s)', async () => {
    const r = await partition(duck);
    assert.equal(r.code, 0, r.stderr);
  });

  for (const key of ['footer', 'column'] as const) {
    it(`encrypted with the ${key} key: exit 4, one line naming the file and the column`, async () => {
      const bytes = withEncryptedColumn(duck, 's_phone', key);
      const md = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      const chunk = md.row_groups[0].columns.find((_c, j) => md.schema.filter((e) => !e.num_children)[j].name === 's_phone')!;
      assert.ok(chunk.crypto_metadata !== undefined && chunk.encrypted_column_metadata !== undefined, 'the fixture carries fields 8 and 9');
      assert.equal(chunk.meta_data === undefined, key === 'column');
      const r = await partition(bytes);
      assert.equal(r.code, 4, r.stderr);
      assert.equal(r.lines.length, 1, r.stderr);
      assert.match(r.lines[0], /^QualityError: column s_phone is encrypted \(Parquet modular encryption, plaintext footer; first in row group 1\): the loader does not decrypt Parquet \(\/\S+supplier\.parquet, column s_phone\) — export it without column encryption \(S3 SSE-KMS already encrypts it at rest\)$/);
    });
  }
});
