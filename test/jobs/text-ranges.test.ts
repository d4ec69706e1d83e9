/**
 * Text without quotes (dbgen `.tbl`) is cut into byte ranges at line ends and parsed on the worker
 * threads (jobs/readers/delimited-ranges.ts). Through the CLI: the parts and the manifest's checksums are
 * byte for byte those of the whole-file reader (the same contract with a quote character, which keeps the
 * old path), on one thread and on two; and an error in a later range names the file's own row, with the
 * same message as the whole-file reader gives.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import type { Manifest } from '../../core/manifest.ts';
import { runCli } from '../support/cli.ts';

const SUPPLIER_TBL = '/work/shared/data/tpch/supplier_sf1.tbl';
const ROWS_A = 70_000; // past the first range (65,536 lines)

const root = mkdtempSync(join(tmpdir(), 'rl-text-ranges-'));
after(() => rmSync(root, { recursive: true, force: true }));

const base = readFileSync(SUPPLIER_TBL, 'utf8').split('\n').filter((l) => l !== '');
/** SUPPLIER lines with keys from..from+n-1 (sf1's rows again, each copy with its own keys). */
function supplierLines(from: number, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const line = base[i % base.length];
    out.push(`${from + i}${line.slice(line.indexOf('|'))}`);
  }
  return out;
}

/** The built-in supplier contract with a quote character: the same parse, through the whole-file reader. */
const contracts = join(root, 'contracts');
mkdirSync(contracts);
const builtIn = JSON.parse(readFileSync(new URL('../../datasets/supplier.json', import.meta.url), 'utf8')) as { source: { delimited: { quote: string | null } } };
assert.equal(builtIn.source.delimited.quote, null);
builtIn.source.delimited.quote = '"';
writeFileSync(join(contracts, 'supplier.json'), JSON.stringify(builtIn, null, 2));

function batch(name: string, files: Record<string, Buffer | string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [f, body] of Object.entries(files)) writeFileSync(join(dir, f), body);
  return dir;
}

let runs = 0;
async function partition(source: string, extra: string[]) {
  const out = join(root, `out-${runs++}`);
  const r = await runCli(['partition', '--dataset', 'supplier', '--source', source, '--out', out, '--date', '2026-11-25', ...extra]);
  const manifest = r.code === 0 ? (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest) : undefined;
  return { ...r, manifest };
}

const lines = supplierLines(1, ROWS_A);
const tail = supplierLines(ROWS_A + 1, 3_000);
const good = batch('good', {
  'a.tbl': lines.join('\n') + '\n',
  // gzip, a byte-order mark, CRLF line ends and no line end after the last line
  'b.tbl.gz': gzipSync(Buffer.from('\ufeff' + tail.join('\r\n'), 'utf8')),
});

describe('.tbl text cut into ranges for the workers', () => {
  it('writes the same parts and checksums as the whole-file reader, on one thread or two', async () => {
    const whole = await partition(good, ['--contracts', contracts, '--workers', '2']);
    assert.equal(whole.code, 0, whole.stderr);
    const two = await partition(good, ['--workers', '2']);
    assert.equal(two.code, 0, two.stderr);
    const one = await partition(good, ['--workers', '0']);
    assert.equal(one.code, 0, one.stderr);
    const rows = ROWS_A + tail.length;
    for (const m of [whole.manifest!, two.manifest!, one.manifest!]) assert.equal(m.package.checksums.rows, rows);
    const sha = (m: Manifest) => m.entries.map((e) => [e.meta.record_count, e.meta.sha256]);
    assert.deepEqual(sha(two.manifest!), sha(whole.manifest!));
    assert.deepEqual(sha(one.manifest!), sha(whole.manifest!));
    assert.deepEqual(two.manifest!.package.checksums, whole.manifest!.package.checksums);
    assert.deepEqual(one.manifest!.package.checksums, whole.manifest!.package.checksums);
  });

  const faults: Array<[string, number, (line: string) => Buffer | string, RegExp]> = [
    ['a line with a field too few', 66_000, (l) => l.slice(0, l.lastIndexOf('|', l.length - 2) + 1), /row 66000 has 6 fields, expected 7/],
    ['a line that is not UTF-8', 67_890, (l) => Buffer.concat([Buffer.from(l.slice(0, 10)), Buffer.from([0xff]), Buffer.from(l.slice(10))]), /row 67890 is not valid UTF-8 text \(byte 0xff\)/],
    ['a line without its trailing delimiter', 69_999, (l) => l.slice(0, -1), /row 69999 does not end with the delimiter/],
    ['a value that breaks a rule', 68_001, (l) => l.replace(/^(\d+\|[^|]*\|[^|]*\|)\d+\|/, '$1x|'), /row 68001/],
  ];
  for (const [what, row, spoil, message] of faults) {
    it(`names the file's own row for ${what} in a later range, as the whole-file reader does`, async () => {
      const parts = lines.map((l, i) => (i === row - 1 ? spoil(l) : l));
      const body = Buffer.concat(parts.flatMap((p) => [Buffer.isBuffer(p) ? p : Buffer.from(p), Buffer.from('\n')]));
      const dir = batch(`fault-${row}`, { 'a.tbl': body });
      const ranges = await partition(dir, ['--workers', '2']);
      const whole = await partition(dir, ['--contracts', contracts, '--workers', '2']);
      assert.equal(ranges.code, 4, ranges.stderr);
      assert.match(ranges.stderr, message);
      assert.match(ranges.stderr, /a\.tbl/);
      assert.equal(whole.code, ranges.code);
      const last = (s: string) => s.trim().split('\n').pop();
      assert.equal(last(ranges.stderr), last(whole.stderr));
    });
  }
});
