/**
 * The decoder's arena is reused between the units of a column chunk and grows when a unit needs more (more
 * pages, or DELTA_BYTE_ARRAY values rebuilt after them). A growing arena carries the chunk's dictionary
 * along (jobs/readers/parquet-pages.ts, dictionary-reuse.ts): the next unit of the chunk reuses it instead of
 * decompressing and parsing it again. Proved on an arrow-rs chunk (parquet-wasm, v2 pages, a dictionary
 * that fills up and falls back to DELTA_BYTE_ARRAY mid-chunk) by zeroing the dictionary page's bytes after
 * the first unit: the later, larger units still read every value right, so the dictionary came along.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import * as arrow from 'parquet-wasm';
import { ChunkScratch, decodeChunk, DICTIONARY_PAGE, readPageHeader, type BytesColumn, type ChunkSpec } from '../../jobs/readers/parquet-pages.ts';

const ROWS = 20000;
const DELTA_BYTE_ARRAY = 7;
const RLE_DICTIONARY = 8;

/** Row r's text: 3,000 distinct values, more than the 16 KiB dictionary holds, so later pages fall back. */
const name = (r: number): string | null => (r % 37 === 0 ? null : `supplier-name-${(r * 7919) % 3000}`);

function arrowChunk(): { bytes: Uint8Array; spec: ChunkSpec } {
  const plain = parquetWriteBuffer({ columnData: [{ name: 'name', data: Array.from({ length: ROWS }, (_, r) => name(r)), type: 'STRING' }] } as never);
  const table = arrow.readParquet(new Uint8Array(plain));
  const props = new arrow.WriterPropertiesBuilder()
    .setWriterVersion(arrow.WriterVersion.V2)
    .setDictionaryEnabled(true)
    .setDictionaryPageSizeLimit(16 * 1024)
    .setDataPageSizeLimit(4 * 1024)
    .setCompression(arrow.Compression.SNAPPY)
    .setMaxRowGroupSize(1024 * 1024)
    .build();
  const bytes = arrow.writeParquet(table, props).slice();
  const md = parquetMetadata(bytes.slice().buffer);
  assert.equal(md.row_groups.length, 1);
  const m = md.row_groups[0].columns[0].meta_data!;
  const start = Number(m.dictionary_page_offset || m.data_page_offset);
  return { bytes, spec: { physical: 'BYTE_ARRAY', optional: true, codec: m.codec, start, end: start + Number(m.total_compressed_size), chunkKey: '0/0/0' } };
}

const texts = (c: BytesColumn): Array<string | null> =>
  Array.from({ length: c.rows }, (_, r) => (c.valid && c.valid[r] === 0 ? null : Buffer.from(c.data.subarray(c.offsets[r], c.offsets[r] + c.lengths[r])).toString()));

describe('a growing decoder arena', () => {
  it('carries the chunk\'s dictionary along to the next, larger unit (dictionary pages, then DELTA_BYTE_ARRAY ones)', () => {
    const { bytes, spec } = arrowChunk();
    const encodings = new Set<number>();
    const dict = readPageHeader(bytes, spec.start, spec.end);
    assert.equal(dict.type, DICTIONARY_PAGE);
    for (let pos = dict.dataStart + dict.compressed; pos < spec.end; ) {
      const h = readPageHeader(bytes, pos, spec.end);
      encodings.add(h.encoding);
      pos = h.dataStart + h.compressed;
    }
    assert.deepEqual([...encodings].sort(), [DELTA_BYTE_ARRAY, RLE_DICTIONARY], 'dictionary pages, then the fallback');
    const want = Array.from({ length: ROWS }, (_, r) => name(r));
    assert.deepEqual(texts(decodeChunk(bytes, spec, ROWS, 0, ROWS, new ChunkScratch()) as BytesColumn), want);

    const scratch = new ChunkScratch();
    assert.deepEqual(texts(decodeChunk(bytes, spec, ROWS, 0, 300, scratch) as BytesColumn), want.slice(0, 300));
    const small = scratch.arena;
    bytes.fill(0, dict.dataStart, dict.dataStart + dict.compressed); // the dictionary page's bytes are gone now
    assert.deepEqual(texts(decodeChunk(bytes, spec, ROWS, 0, ROWS, scratch) as BytesColumn), want, 'the whole chunk, in a larger arena');
    assert.notEqual(scratch.arena, small, 'the arena grew');
    assert.deepEqual(texts(decodeChunk(bytes, spec, ROWS, ROWS / 2, ROWS, scratch) as BytesColumn), want.slice(ROWS / 2));
    // Another chunk's key never gets it: the zeroed page is decoded, and refused.
    assert.throws(() => decodeChunk(bytes, { ...spec, chunkKey: '0/1/0' }, ROWS, 0, 300, scratch));
  });
});
