/**
 * The partitioner: parts are a multiple of the slices and even in size, the CSV dialect is one that
 * PostgreSQL and Redshift read back exactly, and the manifest tells the truth about every part.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { supplier } from '../../datasets/index.ts';
import { coercerFor, type Canonical } from '../../data-quality/coerce.ts';
import { generateSupplier } from '../../tpch/index.ts';
import { csvField } from '../../core/csv-dialect.ts';
import { CsvRowEncoder } from '../../jobs/partition/csv.ts';
import { partCount, partition } from '../../jobs/partition/partition.ts';
import { LocalStore } from '../../jobs/store/index.ts';
import type { Manifest } from '../../core/manifest.ts';
import { QualityError } from '../../core/errors.ts';
import { SHARED_TPCH } from '../support/cli.ts';

const store = new LocalStore();

async function cut(source: string, slices: number, extra: Partial<Parameters<typeof partition>[0]> = {}) {
  const out = mkdtempSync(join(tmpdir(), 'rl-part-'));
  const result = await partition({
    contract: supplier,
    sourceStore: store,
    sourceUri: source,
    outStore: store,
    outUri: out,
    batchDate: '2026-11-25',
    runId: 'test',
    slices,
    ...extra,
  });
  return { out, ...result };
}

describe('CSV dialect', () => {
  it('quotes only what must be quoted, and keeps \\N apart from NULL and "" apart from NULL', () => {
    assert.equal(csvField('plain text, with commas'), 'plain text, with commas');
    assert.equal(csvField('a|b'), '"a|b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\r'), '"cr\r"');
    assert.equal(csvField('\\N'), '"\\N"');
    assert.equal(csvField(''), '""');
    assert.equal(csvField('back\\slash'), 'back\\slash');
  });

  it('writes NULL as an unquoted \\N and decimals at exactly their scale, from DOUBLE or DECIMAL text', () => {
    const enc = new CsvRowEncoder(supplier);
    const coerce = supplier.columns.map(coercerFor);
    const row = [1n, null, '\\N', 7, '', 4192.4, 'x'];
    const cols = row.map((v, i) => [coerce[i](v) as Canonical]);
    assert.equal(enc.line(cols, 0), '1|\\N|"\\N"|7|""|4192.40|x\n');
    const fromDecimal = coerce[5]('-0.10');
    assert.equal(enc.line([[1n], [null], [null], [null], [null], [fromDecimal as Canonical], [null]], 0), '1|\\N|\\N|\\N|\\N|-0.10|\\N\n');
  });
});

describe('part count', () => {
  it('is a multiple of the slices, growing with the input', () => {
    assert.equal(partCount(8, 8 * 64 * 1024), 8);
    assert.equal(partCount(8, 8 * 256 * 1024 * 1024 + 1), 16);
    assert.equal(partCount(2, 10 * 64 * 1024, 3), 6);
    assert.throws(() => partCount(0, 10));
  });

  it('never cuts a part from less than 64 KiB of input: fewer parts, a multiple of the slices where the input allows', () => {
    assert.equal(partCount(8, 1000), 1);
    assert.equal(partCount(10_000, 300), 1);
    assert.equal(partCount(8, 5 * 64 * 1024), 5);
    assert.equal(partCount(4, 21 * 64 * 1024, 1000), 20);
  });

  it('stays within 10,000 parts: explicit counts past it are refused, derived ones capped', () => {
    assert.throws(() => partCount(10_000, 1e15, 2), /the limit is 10,000/);
    assert.equal(partCount(5_000, 1e15), 10_000);
  });
});

describe('partition', () => {
  it('cuts the reference batch into k x slices even parts whose manifest is true', async () => {
    const { out, manifest, manifestUri, readRows } = await cut(join(SHARED_TPCH, 'duckdb-snappy'), 4, { partsPerSlice: 2 });
    assert.equal(readRows, 10_000);
    assert.equal(manifest.entries.length, 8);
    const written = JSON.parse(readFileSync(manifestUri, 'utf8')) as Manifest;
    assert.deepEqual(written, manifest);
    const sizes: number[] = [];
    let rows = 0;
    const lines: string[] = [];
    for (const e of manifest.entries) {
      assert.equal(e.mandatory, true);
      assert.ok(e.url.startsWith(out) && e.url.endsWith('.csv.gz'));
      const bytes = readFileSync(e.url);
      assert.equal(e.meta.content_length, bytes.length);
      assert.equal(e.meta.sha256, createHash('sha256').update(bytes).digest('hex'));
      const text = gunzipSync(bytes).toString('utf8');
      const partLines = text.split('\n').filter(Boolean);
      assert.equal(partLines.length, e.meta.record_count);
      rows += e.meta.record_count;
      sizes.push(text.length);
      lines.push(...partLines);
    }
    assert.equal(rows, 10_000);
    assert.ok(Math.max(...sizes) / Math.min(...sizes) < 1.1, `even parts: ${sizes.join(', ')}`);
    // Every source row appears once, decimals at their scale.
    const ref = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').filter(Boolean).map((l) => l.slice(0, -1));
    // Every column's figures, from dbgen's text: byte totals of the strings, exact sums and extremes of the numbers.
    const fields = ref.map((l) => l.split('|'));
    const bytes = (i: number): string => String(fields.reduce((s, f) => s + Buffer.byteLength(f[i]), 0));
    const cents = fields.map((f) => BigInt(f[5].replace('.', '')));
    const money = (c: bigint): string => `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;
    const nations = fields.map((f) => Number(f[3]));
    assert.deepEqual(manifest.package.checksums, {
      rows: 10_000,
      sums: { s_acctbal: '45103548.65' },
      min: { s_suppkey: '1' },
      max: { s_suppkey: '10000' },
      columns: {
        s_suppkey: { count: 10_000, sum: '50005000', min: '1', max: '10000' },
        s_name: { count: 10_000, bytes: bytes(1) },
        s_address: { count: 10_000, bytes: bytes(2) },
        s_nationkey: { count: 10_000, sum: String(nations.reduce((a, b) => a + b, 0)), min: '0', max: '24' },
        s_phone: { count: 10_000, bytes: bytes(4) },
        s_acctbal: { count: 10_000, sum: '45103548.65', min: money(cents.reduce((a, b) => (b < a ? b : a))), max: money(cents.reduce((a, b) => (b > a ? b : a))) },
        s_comment: { count: 10_000, bytes: bytes(6) },
      },
    });
    assert.deepEqual(lines.sort(), ref.sort());
  });

  it('gives the same parts for the same input', async () => {
    const a = await cut(join(SHARED_TPCH, 'duckdb-zstd-decimal.parquet'), 2);
    const b = await cut(join(SHARED_TPCH, 'duckdb-zstd-decimal.parquet'), 2);
    assert.deepEqual(a.manifest.entries.map((e) => e.meta.sha256), b.manifest.entries.map((e) => e.meta.sha256));
  });

  it('stays even over several row groups and files', async () => {
    const src = mkdtempSync(join(tmpdir(), 'rl-gen-'));
    await generateSupplier({ scale: 5, files: 3, format: 'csv', outDir: src });
    const { manifest } = await cut(src, 8);
    const counts = manifest.entries.map((e) => e.meta.content_length);
    assert.equal(manifest.package.checksums.rows, 50_000);
    assert.ok(Math.max(...counts) / Math.min(...counts) < 1.1, `even: ${counts.join(', ')}`);
  });

  it('refuses a value Redshift would cut, and leaves no part behind', async () => {
    const src = mkdtempSync(join(tmpdir(), 'rl-bad-'));
    const long = 'é'.repeat(34 * 3 / 2); // 51 characters, 102 bytes in UTF-8
    writeFileSync(join(src, 'bad.tbl'), `1|${long}|addr|1|11-111-111-1111|1.00|c|\n`);
    const out = mkdtempSync(join(tmpdir(), 'rl-out-'));
    await assert.rejects(
      partition({ contract: supplier, sourceStore: store, sourceUri: src, outStore: store, outUri: out, batchDate: '2026-11-25', runId: 'x', slices: 2 }),
      (e: unknown) => e instanceof QualityError && /s_name/.test(e.oneLine()) && /102 bytes/.test(e.oneLine()),
    );
    assert.deepEqual(await store.list(out), []);
  });
});
