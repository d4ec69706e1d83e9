import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { CatalogTable } from '../../crawler/catalog.ts';
import { inferCatalogTable } from '../../crawler/infer.ts';
import { LocalCatalog, parseCatalogUri } from '../../crawler/local-catalog.ts';
import { ConfigError } from '../../core/errors.ts';
import { file } from './fixtures.ts';
import { parseJson } from '../support/json.ts';

const dirs: string[] = [];
async function fresh(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'catalog-'));
  dirs.push(d);
  return d;
}
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const crawl = (...schemas: ReturnType<typeof file>[]) =>
  inferCatalogTable({ database: 'landing', table: 'supplier', location: '/landing/supplier/', schemas });

describe('parseCatalogUri', () => {
  test('local:<dir>, the default, and glue:<database>', () => {
    assert.deepEqual(parseCatalogUri(undefined), { kind: 'local', dir: '.local/catalog', database: 'landing' });
    assert.deepEqual(parseCatalogUri('local:'), { kind: 'local', dir: '.local/catalog', database: 'landing' });
    assert.deepEqual(parseCatalogUri('local:/tmp/cat'), { kind: 'local', dir: '/tmp/cat', database: 'landing' });
    assert.deepEqual(parseCatalogUri('local:file:///tmp/cat'), { kind: 'local', dir: '/tmp/cat', database: 'landing' });
    assert.deepEqual(parseCatalogUri('glue:prod_landing'), { kind: 'glue', database: 'prod_landing' });
  });

  test('anything else is a ConfigError (exit 2)', () => {
    for (const bad of ['s3://bucket/x', '/tmp/cat', 'glue:', 'glue:Bad-Name']) {
      assert.throws(() => parseCatalogUri(bad), (e: unknown) => e instanceof ConfigError && e.exitCode === 2, bad);
    }
  });
});

describe('LocalCatalog', () => {
  test('an empty catalog has no table and no versions', async () => {
    const cat = new LocalCatalog({ dir: await fresh() });
    assert.equal(await cat.getTable('supplier'), undefined);
    assert.deepEqual(await cat.getTableVersions('supplier'), []);
    assert.match(cat.name, /^local:/);
  });

  test('writes v1, keeps it when nothing changed, writes v2 on a change, keeps every version', async () => {
    const dir = await fresh();
    const cat = new LocalCatalog({ dir });
    const t0 = new Date('2026-01-01T00:00:00Z');
    const first = await cat.putTable(crawl(file('a.parquet')), t0);
    assert.equal(first.created, true);
    assert.equal(first.table.versionId, '1');
    assert.equal(first.table.updatedAt, t0.toISOString());

    // the same schema again (other files, other spelling): no new version
    const again = crawl(file('b.parquet'));
    again.columns = again.columns.map((c) => ({ ...c, type: c.type.toUpperCase() }));
    const same = await cat.putTable(again, new Date('2026-01-02T00:00:00Z'));
    assert.equal(same.created, false);
    assert.equal(same.table.versionId, '1');
    assert.equal(same.table.updatedAt, t0.toISOString());
    assert.deepEqual(await readdir(join(dir, 'landing', 'supplier')), ['v1.json']);

    // a type change: v2
    const changed = await cat.putTable(crawl(file('c.parquet', { s_acctbal: 'double' })));
    assert.equal(changed.created, true);
    assert.equal(changed.table.versionId, '2');
    // nullability is part of the schema too: v3
    const nullable = await cat.putTable(crawl(file('d.parquet', { s_acctbal: 'double', s_suppkey: { nullable: true } })));
    assert.equal(nullable.table.versionId, '3');

    const versions = await cat.getTableVersions('supplier');
    assert.deepEqual(versions.map((v) => v.versionId), ['3', '2', '1']);
    assert.equal(versions[1].columns.find((c) => c.name === 's_acctbal')?.type, 'double');
    assert.equal(versions[2].columns.find((c) => c.name === 's_acctbal')?.type, 'decimal(12,2)');
    assert.equal((await cat.getTable('supplier'))?.versionId, '3');

    // a new catalog object over the same folder reads the same history (versions live on disk)
    assert.equal((await new LocalCatalog({ dir }).getTable('supplier'))?.versionId, '3');
    const json = parseJson<CatalogTable>(await readFile(join(dir, 'landing', 'supplier', 'v2.json'), 'utf8'));
    assert.equal(json.versionId, '2');
    assert.equal(json.database, 'landing');
  });

  test('versions sort numerically (v10 after v9)', async () => {
    const dir = await fresh();
    const cat = new LocalCatalog({ dir });
    for (let i = 0; i < 10; i++) {
      await cat.putTable(crawl(file('a.parquet', {}, [{ name: `extra_${i}`, type: 'int', nullable: true }])));
    }
    assert.deepEqual((await cat.getTableVersions('supplier')).map((v) => v.versionId), ['10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
    assert.equal((await cat.getTable('supplier'))?.columns.at(-1)?.name, 'extra_9');
  });

  test('two crawlers at once never overwrite each other', async () => {
    const dir = await fresh();
    const a = new LocalCatalog({ dir });
    const b = new LocalCatalog({ dir });
    await a.putTable(crawl(file('a.parquet')));
    const [ra, rb] = await Promise.all([
      a.putTable(crawl(file('a.parquet', { s_acctbal: 'double' }))),
      b.putTable(crawl(file('a.parquet', { s_nationkey: 'bigint' }))),
    ]);
    assert.deepEqual([ra.table.versionId, rb.table.versionId].sort(), ['2', '3']);
    assert.deepEqual((await readdir(join(dir, 'landing', 'supplier'))).sort(), ['v1.json', 'v2.json', 'v3.json']);
  });

  test('a damaged version file is a ConfigError naming it; unsafe names are refused', async () => {
    const dir = await fresh();
    const cat = new LocalCatalog({ dir });
    await cat.putTable(crawl(file('a.parquet')));
    await writeFile(join(dir, 'landing', 'supplier', 'v2.json'), '{"half');
    await assert.rejects(cat.getTable('supplier'), (e: unknown) => e instanceof ConfigError && /v2\.json is not readable JSON/.test(e.message));
    await assert.rejects(cat.getTable('../etc'), ConfigError);
    assert.throws(() => new LocalCatalog({ dir, database: 'a/b' }), ConfigError);
  });
});
