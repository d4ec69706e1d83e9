/**
 * The parts as files: each one a single standard gzip member (header, one deflate stream of
 * independently compressed blocks, CRC and size of the whole text), the same bytes whatever the number of
 * worker threads, and CRCs of blocks combined exactly.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { supplier } from '../../datasets/index.ts';
import { generateSupplier } from '../../tpch/index.ts';
import { crc32, crc32Combine } from '../../jobs/partition/crc32.ts';
import { BlockDeflater } from '../../jobs/partition/part-set.ts';
import { blockBytesFor, partition, unitsOf } from '../../jobs/partition/partition.ts';
import { LocalStore } from '../../jobs/store/index.ts';

const store = new LocalStore();
const root = mkdtempSync(join(tmpdir(), 'rl-parts-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('block CRCs', () => {
  it('combine to the CRC of the whole text', () => {
    const text = randomBytes(300_000);
    for (const cut of [0, 1, 7, 65536, 150_001, 299_999, 300_000]) {
      const a = text.subarray(0, cut);
      const b = text.subarray(cut);
      assert.equal(crc32Combine(crc32(a), crc32(b), b.length), crc32(text), `cut at ${cut}`);
    }
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  });

  it('blocks compressed one by one make one deflate stream, and a reused compressor gives the same bytes as a new one', () => {
    const blocks = [randomBytes(5000), Buffer.from('a|b|c\n'.repeat(20_000)), Buffer.alloc(0), Buffer.from('x\n')];
    const reused = new BlockDeflater(1);
    const out = blocks.map((b) => reused.deflate(b, 1));
    blocks.forEach((b, i) => assert.deepEqual(new BlockDeflater(1).deflate(b, 1).bytes, out[i].bytes));
    const stream = Buffer.concat([...out.map((o) => o.bytes), Uint8Array.of(0x03, 0x00)]);
    assert.deepEqual(inflateRawSync(stream), Buffer.concat(blocks));
  });
});

describe('units and blocks', () => {
  it('cuts a row group only as finely as its pages allow', () => {
    assert.equal(unitsOf(100_000, 32768, 6), 3); // hyparquet-writer: 1 MB pages
    assert.equal(unitsOf(122_880, 32768, 1), 1); // DuckDB: one page per column chunk
    assert.equal(unitsOf(1_000_000, 32768, 66), 31); // pyarrow: a 1M-row group of 1 MB pages
    assert.equal(unitsOf(1_000_000, 32768, -1), 1); // headers that do not parse: one unit, the decoder decides
  });

  it('sizes blocks between 4 KiB and 1 MiB, so parts stay even', () => {
    assert.equal(blockBytesFor(1_000, 8), 4096);
    assert.equal(blockBytesFor(80_000_000, 8), 625_000);
    assert.equal(blockBytesFor(800_000_000, 8), 1 << 20);
  });
});

describe('parts', () => {
  it('are single gzip members, the same bytes with 0, 1 or 3 worker threads', async () => {
    const src = join(root, 'src');
    await generateSupplier({ scale: 6, files: 3, format: 'parquet', outDir: src, rowGroupSize: 7000 });
    const digests: string[][] = [];
    for (const workers of [0, 1, 3]) {
      const out = join(root, `out-${workers}`);
      const r = await partition({ contract: supplier, sourceStore: store, sourceUri: src, outStore: store, outUri: out, batchDate: '2026-11-25', runId: 'x', slices: 4, workers });
      assert.equal(r.readRows, 60_000);
      digests.push(r.manifest.entries.map((e) => e.meta.sha256));
      let rows = 0;
      for (const e of r.manifest.entries) {
        const file = readFileSync(e.url);
        assert.equal(createHash('sha256').update(file).digest('hex'), e.meta.sha256);
        assert.deepEqual([...file.subarray(0, 4)], [0x1f, 0x8b, 8, 0]);
        // One member: the whole body is one deflate stream, followed by CRC-32 and size of the text.
        const text = inflateRawSync(file.subarray(10, file.length - 8));
        assert.deepEqual(gunzipSync(file), text);
        assert.equal(file.readUInt32LE(file.length - 8), crc32(text));
        assert.equal(file.readUInt32LE(file.length - 4), text.length);
        rows += text.toString('utf8').split('\n').length - 1;
      }
      assert.equal(rows, 60_000);
    }
    assert.deepEqual(digests[1], digests[0]);
    assert.deepEqual(digests[2], digests[0]);
  });
});
