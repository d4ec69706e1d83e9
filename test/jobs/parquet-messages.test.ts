/**
 * Parquet refusals in our own words (issue 12 item 4): an encrypted file, an unknown logical type, and
 * files damaged at the footer length, the footer, a page header or page data. Each is one line with the
 * right exit code, naming the file, with no decoder internals (JS error class names, hyparquet's texts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parquetMetadata } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { pagesOf } from '../support/page-crc-parquet.ts';

const duck = new Uint8Array(readFileSync(join(SHARED_TPCH, 'duckdb-snappy', 'data_0.parquet')));
const INTERNALS = /TypeError|RangeError|SyntaxError|Invalid typed array|Cannot destructure|Cannot read prop|undefined|\n\s+at /;

async function partition(bytes: Uint8Array): Promise<{ code: number | null; line: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rl-parquet-msg-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'supplier.parquet'), bytes);
  const r = await runCli(['partition', '--dataset', 'supplier', '--source', join(dir, 'src'), '--out', join(dir, 'out')]);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
  assert.equal(lines.length, 1, r.stderr);
  return { code: r.code, line: lines[0], stderr: r.stderr };
}

/** The file with its footer written again, s_comment's schema element given a LogicalType hyparquet does not know (field 9). */
function unknownLogicalType(file: Uint8Array): Uint8Array {
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  const md = parquetMetadata(buffer);
  const footerStart = file.length - 8 - new DataView(buffer).getUint32(file.length - 8, true);
  const footer = (withString: boolean): Uint8Array => {
    const w = new ByteWriter();
    const schema = md.schema.map((e) => (e.name === 's_comment' ? { ...e, converted_type: undefined, logical_type: withString ? { type: 'STRING' as const } : undefined } : e));
    writeMetadata(w, { ...md, schema } as never);
    return new Uint8Array(w.getBuffer());
  };
  const a = footer(true);
  const b = footer(false);
  let i = 0;
  while (a[i] === b[i]) i++;
  // a[i]: SchemaElement field 10 (LogicalType) header; a[i + 1]: LogicalType field 1 (STRING, a struct) -> field 9
  assert.equal(a[i + 1], 0x1c);
  a[i + 1] = 0x9c;
  const out = new Uint8Array(footerStart + a.length + 8);
  out.set(file.subarray(0, footerStart));
  out.set(a, footerStart);
  new DataView(out.buffer).setUint32(footerStart + a.length, a.length, true);
  out.set(new TextEncoder().encode('PAR1'), footerStart + a.length + 4);
  return out;
}

describe('Parquet refusals in our words', () => {
  it('an encrypted Parquet file (PARE) is named as such: exit 4', async () => {
    const bytes = duck.slice();
    bytes.set(new TextEncoder().encode('PARE'), 0);
    bytes.set(new TextEncoder().encode('PARE'), bytes.length - 4);
    const r = await partition(bytes);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.line, /^QualityError: an encrypted Parquet file \(PARE\): the loader cannot read encrypted Parquet \(\/\S+supplier\.parquet\) — export it without Parquet modular encryption \(S3 SSE-KMS already encrypts it at rest\)$/);
  });

  it('a logical type the reader does not know names the column and the types: exit 3', async () => {
    const r = await partition(unknownLogicalType(duck));
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.line, /^DriftError: column s_comment has Parquet type BYTE_ARRAY with a logical type the loader does not know \(LogicalType field 9, newer than this reader\), which the loader cannot carry into Redshift \(\S+supplier\.parquet, column s_comment\) — cast it/);
    assert.doesNotMatch(r.stderr, INTERNALS);
  });

  const footerLength = new DataView(duck.buffer, duck.byteOffset).getUint32(duck.length - 8, true);
  const footerStart = duck.length - 8 - footerLength;
  const page = pagesOf(duck).find((p) => p.column === 's_comment' && p.type !== 'DICTIONARY_PAGE')!;
  const flip = (at: number, mask = 0xff) => (b: Uint8Array) => ((b[at] ^= mask), b);
  const DAMAGE: Array<[string, (b: Uint8Array) => Uint8Array]> = [
    ['cut in half', (b) => b.slice(0, b.length >> 1)],
    ['cut 9 bytes before the end', (b) => b.slice(0, b.length - 9)],
    ['footer length too small', (b) => (new DataView(b.buffer).setUint32(b.length - 8, 4, true), b)],
    ['footer length one short', (b) => (new DataView(b.buffer).setUint32(b.length - 8, footerLength - 1, true), b)],
    ['first footer byte flipped', flip(footerStart)],
    ['schema bytes flipped', (b) => { for (let i = footerStart + 8; i < footerStart + 40; i++) b[i] ^= 0x5a; return b; }],
    ['page header flipped', flip(page.headerOffset + 1)],
    ['page header zeroed', (b) => (b.fill(0, page.headerOffset, page.dataOffset), b)],
    ['page data zeroed', (b) => (b.fill(0, page.dataOffset, page.dataOffset + 64), b)],
  ];
  for (const [name, damage] of DAMAGE) {
    it(`damaged (${name}): one line, exit 4, no decoder internals`, async () => {
      const r = await partition(damage(duck.slice()));
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.line, /^QualityError: .*supplier\.parquet/);
      assert.doesNotMatch(r.line, INTERNALS);
    });
  }
});
