/**
 * A many-page arrow-rs row group larger than a unit (issue 12, item 5: arrow-rs writes one row group of up
 * to 1M rows in small pages). The pass reads it as units of bounded rows, each decoding only the pages
 * that hold its rows, and decodes each column chunk's dictionary page once per worker
 * (jobs/readers/dictionary-reuse.ts). Through the real command line, on a file arrow-rs (parquet-wasm)
 * wrote with v2 pages, dictionaries that fill up and fall back mid-chunk, FIXED_LEN_BYTE_ARRAY decimals and
 * NULLs: the parts are byte for byte the generic per-value path's (decoder off), with the same column
 * figures, every row once; a key repeated across the two units is refused on both paths. At the decoder:
 * a second unit of the same chunk reuses the dictionary (it reads right even when the page's bytes are
 * gone), and another chunk never gets it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'parquet-wasm';
import { parquetMetadata } from 'hyparquet';
import type { Manifest } from '../../core/manifest.ts';
import { ChunkScratch, decodeChunk, DICTIONARY_PAGE, readPageHeader, type BytesColumn, type ChunkSpec } from '../../jobs/readers/parquet-pages.ts';
import { SLICE_ROWS, unitsOf } from '../../jobs/partition/partition.ts';
import { runCli } from '../support/cli.ts';
import { lastJson, readJson, type PartitionSummary } from '../support/json.ts';

const DECODER_OFF = fileURLToPath(new URL('../support/decoder-off.ts', import.meta.url));
/** One row group of more rows than a unit holds: the pass cuts it in two. */
const ROWS = SLICE_ROWS + 7000;

const contract = {
  name: 'arrowgroup',
  description: 'one large arrow-rs row group',
  schema: 'assignment',
  stageTable: 'arrowgroup_stage',
  historyTable: 'arrowgroup_data',
  auditTable: 'load_audit',
  columns: [
    { name: 'id', type: { kind: 'bigint' }, nullable: false },
    { name: 'name', type: { kind: 'varchar', bytes: 40 }, nullable: true },
    { name: 'note', type: { kind: 'varchar', bytes: 80 }, nullable: true },
    { name: 'amount', type: { kind: 'decimal', precision: 20, scale: 2 }, nullable: true },
    { name: 'nation', type: { kind: 'integer' }, nullable: false },
  ],
  loadTimestampColumn: 'load_ts',
  distKey: 'id',
  sortKey: { style: 'compound', columns: ['load_ts', 'id'] },
  key: ['id'],
  source: {
    prefix: '{dataset}/{yyyymmdd}/',
    formats: ['parquet'],
    delimited: { delimiter: '|', header: false, quote: null, nullMarker: '', trailingDelimiter: false },
  },
  checksums: { sum: ['amount'], minMax: ['id'] },
  drift: { policy: 'freeze' },
  quality: [
    { type: 'not_null', column: 'id', severity: 'error' },
    { type: 'unique', column: 'id', severity: 'error' },
  ],
};

/** An arrow-rs file of one ROWS-row group: DuckDB makes the rows, parquet-wasm writes them (ids: `idSql` of i). */
async function writeArrowFile(path: string, idSql = 'i'): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const tmp = `${path}.duck`;
  try {
    await c.run(`COPY (SELECT (${idSql})::BIGINT AS id,
        CASE WHEN i % 13 = 0 THEN NULL ELSE 'name-' || (i % 700)::VARCHAR END AS name,
        CASE WHEN i % 17 = 0 THEN NULL ELSE 'note ' || md5(i::VARCHAR) END AS note,
        CASE WHEN i % 11 = 0 THEN NULL ELSE (((i * 7919) % 2000000 - 1000000)::VARCHAR || '.' || lpad((i % 100)::VARCHAR, 2, '0'))::DECIMAL(20,2) END AS amount,
        (i % 25)::INTEGER AS nation
      FROM range(1, ${ROWS + 1}) t(i) ORDER BY i) TO '${tmp}' (FORMAT parquet)`);
  } finally {
    c.closeSync();
  }
  const table = arrow.readParquet(new Uint8Array(readFileSync(tmp)));
  rmSync(tmp);
  const props = new arrow.WriterPropertiesBuilder()
    .setWriterVersion(arrow.WriterVersion.V2)
    .setDictionaryEnabled(true)
    .setDictionaryPageSizeLimit(64 * 1024) // `note` falls back to plain pages once its dictionary is full
    .setDataPageSizeLimit(16 * 1024)
    .setCompression(arrow.Compression.SNAPPY)
    .setMaxRowGroupSize(1024 * 1024)
    .build();
  writeFileSync(path, arrow.writeParquet(table, props));
}

interface Layout {
  rowGroups: number;
  rows: number;
  /** Per column: [name, physical type, data pages, has a dictionary page]. */
  columns: Array<[string, string, number, boolean]>;
}

function layoutOf(path: string): Layout {
  const buf = readFileSync(path);
  const u8 = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  const md = parquetMetadata(u8.slice().buffer);
  const columns = md.row_groups[0].columns.map((ch): [string, string, number, boolean] => {
    const m = ch.meta_data!;
    let pos = Number(m.dictionary_page_offset || m.data_page_offset);
    const end = pos + Number(m.total_compressed_size);
    let pages = 0;
    let dict = false;
    while (pos < end) {
      const h = readPageHeader(u8, pos, end);
      if (h.type === DICTIONARY_PAGE) dict = true;
      else pages++;
      pos = h.dataStart + h.compressed;
    }
    return [m.path_in_schema.join('.'), m.type, pages, dict];
  });
  return { rowGroups: md.row_groups.length, rows: Number(md.num_rows), columns };
}

async function partitionCli(dir: string, source: string, out: string, preload: string[] = []) {
  return runCli(['partition', '--dataset', 'arrowgroup', '--contracts', join(dir, 'contracts'), '--source', join(dir, source),
    '--out', join(dir, out), '--date', '2026-12-01', '--slices', '2', '--workers', '1', '--json'], { cwd: dir, preload });
}

function partsText(dir: string, out: string): string {
  const names = readdirSync(join(dir, out)).filter((f) => f.endsWith('.csv.gz')).sort();
  return names.map((f) => gunzipSync(readFileSync(join(dir, out, f))).toString('utf8')).join('');
}

describe('a many-page arrow-rs row group larger than a unit', () => {
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arrowgroup-'));
    mkdirSync(join(dir, 'contracts'));
    mkdirSync(join(dir, 'batch'));
    mkdirSync(join(dir, 'dup'));
    writeFileSync(join(dir, 'contracts', 'arrowgroup.json'), JSON.stringify(contract));
    await writeArrowFile(join(dir, 'batch', 'group.parquet'));
    // id 5 again near the end: the repeat is in the second unit, its first copy in the first.
    await writeArrowFile(join(dir, 'dup', 'group.parquet'), `CASE WHEN i = ${ROWS - 3} THEN 5 ELSE i END`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is one row group, many pages per column, dictionaries, FIXED_LEN_BYTE_ARRAY decimals', () => {
    const l = layoutOf(join(dir, 'batch', 'group.parquet'));
    assert.equal(l.rowGroups, 1);
    assert.equal(l.rows, ROWS);
    const col = (n: string) => l.columns.find((c) => c[0] === n)!;
    assert.equal(col('amount')[1], 'FIXED_LEN_BYTE_ARRAY');
    for (const [name, , pages] of l.columns) assert.ok(pages >= 2, `${name}: ${pages} pages`);
    // `note`, the largest chunk, has pages enough for the pass to cut the group into two units.
    assert.equal(unitsOf(ROWS, SLICE_ROWS, col('note')[2]), 2, JSON.stringify(l.columns));
    assert.ok(col('name')[3] && col('note')[3] && col('nation')[3], JSON.stringify(l.columns));
  });

  it('writes the parts of the per-value path byte for byte, every row once, with the same column figures', async () => {
    const fast = await partitionCli(dir, 'batch', 'fast');
    assert.equal(fast.code, 0, fast.stderr);
    const generic = await partitionCli(dir, 'batch', 'generic', [DECODER_OFF]);
    assert.equal(generic.code, 0, generic.stderr);
    const fastManifest = readJson<Manifest>(lastJson<PartitionSummary>(fast.stdout).manifest);
    const genericManifest = readJson<Manifest>(lastJson<PartitionSummary>(generic.stdout).manifest);
    const text = partsText(dir, 'fast');
    assert.ok(text === partsText(dir, 'generic'), 'the CSV text of both paths');
    assert.deepEqual(fastManifest.package.checksums, genericManifest.package.checksums);
    assert.deepEqual(fastManifest.entries.map((e) => e.meta), genericManifest.entries.map((e) => e.meta));
    const ids = text.trim().split('\n').map((line) => Number(line.split('|')[0]));
    assert.equal(ids.length, ROWS);
    assert.equal(new Set(ids).size, ROWS);
    assert.equal(fastManifest.package.checksums.rows, ROWS);
  });

  it('finds a key repeated across the two units, on both paths', async () => {
    for (const preload of [[], [DECODER_OFF]]) {
      const r = await partitionCli(dir, 'dup', `dup-out-${preload.length}`, preload);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /unique/i);
      assert.match(r.stderr, /\b5\b/);
    }
  });

  it('decodes a chunk\'s dictionary once for all its units, and never hands it to another chunk', () => {
    const buf = readFileSync(join(dir, 'batch', 'group.parquet'));
    const bytes = new Uint8Array(buf.length);
    bytes.set(buf);
    const md = parquetMetadata(bytes.slice().buffer);
    const j = md.row_groups[0].columns.findIndex((c) => c.meta_data!.path_in_schema[0] === 'name');
    const m = md.row_groups[0].columns[j].meta_data!;
    const start = Number(m.dictionary_page_offset || m.data_page_offset);
    const spec: ChunkSpec = { physical: 'BYTE_ARRAY', optional: true, codec: m.codec, start, end: start + Number(m.total_compressed_size), chunkKey: '0/0/1' };
    const half = Math.floor(ROWS / 2);
    const texts = (c: BytesColumn): Array<string | null> =>
      Array.from({ length: c.rows }, (_, r) => (c.valid && c.valid[r] === 0 ? null : Buffer.from(c.data.subarray(c.offsets[r], c.offsets[r] + c.lengths[r])).toString()));
    const scratch = new ChunkScratch();
    const want = texts(decodeChunk(bytes, spec, ROWS, half, ROWS, scratch) as BytesColumn);
    assert.equal(want[0], `name-${(half + 1) % 700}`);
    const firstHalf = texts(decodeChunk(bytes, spec, ROWS, 0, half, scratch) as BytesColumn);
    const dict = readPageHeader(bytes, start, spec.end);
    assert.equal(dict.type, DICTIONARY_PAGE);
    bytes.fill(0, dict.dataStart, dict.dataStart + dict.compressed); // the page's bytes are gone now
    assert.deepEqual(texts(decodeChunk(bytes, spec, ROWS, half, ROWS, scratch) as BytesColumn), want, 'the next unit reuses the dictionary');
    assert.deepEqual(texts(decodeChunk(bytes, spec, ROWS, 0, half, scratch) as BytesColumn), firstHalf);
    // Another chunk (another row group's key) decodes its own page: here the zeroed one, which does not decode;
    // and the dictionary is forgotten from then on.
    assert.throws(() => decodeChunk(bytes, { ...spec, chunkKey: '0/1/1' }, ROWS, half, ROWS, scratch));
    assert.throws(() => decodeChunk(bytes, spec, ROWS, half, ROWS, scratch));
    assert.throws(() => decodeChunk(bytes, { ...spec, chunkKey: undefined }, ROWS, half, ROWS, new ChunkScratch()));
  });
});
