/**
 * The local store reads a listed file only as it was listed: fstat of the opened handle is compared with
 * the listed identity at open and again after the last byte, so a file rewritten in place while it is
 * being read is caught too (the CLI tests in batch-listing.test.ts cover replacement and removal).
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LoadError } from '../../core/errors.ts';
import { LocalStore } from '../../jobs/store/index.ts';

const store = new LocalStore();

async function listed(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'rl-identity-'));
  writeFileSync(join(dir, 'x.tbl'), text);
  const [entry] = await store.listFolder(dir);
  return entry.info!;
}

test('a file grown while its stream is read fails after the last byte, naming both identities', async () => {
  const file = await listed('1|a|\n');
  const stream = await store.readStream(file.uri, file.identity);
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  assert.equal(String(first.value), '1|a|\n', 'the listed bytes come first');
  appendFileSync(file.uri, '2|b|\n');
  await assert.rejects(
    async () => {
      while (!(await it.next()).done);
    },
    (e: unknown) => e instanceof LoadError && /x\.tbl changed during the run \(listed: size 5, .*; now: size 10, /.test(e.oneLine()),
  );
});

test('readAll and random access refuse a file replaced since the listing; an unchanged one reads', async () => {
  const file = await listed('1|a|\n');
  assert.equal((await store.readAll(file.uri, file.identity)).toString(), '1|a|\n');
  const access = await store.open(file.uri, file.identity);
  writeFileSync(`${file.uri}.new`, '1|a|\n'); // same bytes, another inode
  renameSync(`${file.uri}.new`, file.uri);
  await assert.rejects(store.readAll(file.uri, file.identity), LoadError);
  await assert.rejects(access.read(0, 5), /changed during the run/);
});
