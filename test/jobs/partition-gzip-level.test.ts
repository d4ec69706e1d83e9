/**
 * The parts' gzip level as a user sees it: `partition` compresses at level 4 by default (DuckDB's gzip,
 * zlib's level 6, is the byte budget: within 1.15x of it at 1.5x its speed, README "Benchmark"), says so
 * on its result line, and `--gzip-level` still picks another level — different bytes, never other text.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import type { Manifest } from '../../core/manifest.ts';
import { runCli } from '../support/cli.ts';

const SUPPLIER_TBL = '/work/shared/data/tpch/supplier_sf1.tbl';

const root = mkdtempSync(join(tmpdir(), 'rl-gzip-level-'));
after(() => rmSync(root, { recursive: true, force: true }));
const source = join(root, 'batch');
mkdirSync(source);
copyFileSync(SUPPLIER_TBL, join(source, 'supplier.tbl'));

interface Outcome {
  line: { status: string; message: string; bytes: number; gzipLevel: number };
  manifest: Manifest;
  text: Buffer;
}

async function partitionAt(name: string, extra: string[]): Promise<Outcome> {
  const out = join(root, name);
  const r = await runCli(['partition', '--dataset', 'supplier', '--source', source, '--out', out, '--date', '2026-11-25', '--json', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as Outcome['line'];
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
  const text = Buffer.concat(manifest.entries.map((e) => gunzipSync(readFileSync(e.url.replace(/^file:\/\//, '')))));
  return { line, manifest, text };
}

const sha = (m: Manifest): string[] => m.entries.map((e) => e.meta.sha256);

describe('gzip level of the parts', () => {
  it('is 4 by default, reported on the result line, and --gzip-level picks another without changing a byte of text', async () => {
    const byDefault = await partitionAt('default', []);
    assert.equal(byDefault.line.status, 'ok');
    assert.equal(byDefault.line.gzipLevel, 4);
    assert.match(byDefault.line.message, /^wrote 10000 rows into \d+ parts \([\d,]+ bytes gzip, level 4\)/);

    const four = await partitionAt('four', ['--gzip-level', '4']);
    assert.equal(four.line.gzipLevel, 4);
    assert.deepEqual(sha(four.manifest), sha(byDefault.manifest), 'the default is level 4, byte for byte');

    const two = await partitionAt('two', ['--gzip-level', '2']);
    assert.equal(two.line.gzipLevel, 2);
    assert.match(two.line.message, /bytes gzip, level 2\)/);
    assert.ok(two.line.bytes > byDefault.line.bytes, `level 2 (${two.line.bytes} bytes) is larger than the default (${byDefault.line.bytes})`);
    assert.deepEqual(two.text, byDefault.text, 'the level changes the compression, never the text');
    assert.equal(byDefault.text.toString('utf8').split('\n').length - 1, 10000);
  });
});
