/**
 * Drift on the real reference files (../shared/data/tpch), their schemas read by the project's own
 * readers: three writers, three shapes of the same SUPPLIER rows, all of which must load.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { supplier } from '../../datasets/supplier.ts';
import { catalogInput, compareSchemas, driftErrorFrom, type DriftReport } from '../../crawler/drift.ts';
import { inferCatalogTable } from '../../crawler/infer.ts';
import { LocalCatalog } from '../../crawler/local-catalog.ts';
import { readDelimitedSchema } from '../../jobs/readers/delimited.ts';
import { readParquetSchema } from '../../jobs/readers/parquet.ts';
import { LocalStore } from '../../jobs/store/local-store.ts';
import type { FileSchema } from '../../core/values.ts';

const TPCH = resolve(import.meta.dirname, '../../../shared/data/tpch');
const SNAPPY = [0, 1, 2].map((i) => join(TPCH, 'duckdb-snappy', `data_${i}.parquet`));
const ZSTD = join(TPCH, 'duckdb-zstd-decimal.parquet');
const ARROW = join(TPCH, 'arrow-rs-gzip-v2.parquet');
const TBL = join(TPCH, 'supplier_sf1.tbl');

const schemas = new Map<string, FileSchema>();
async function parquet(path: string): Promise<FileSchema> {
  return readParquetSchema(await new LocalStore().open(path));
}

before(async () => {
  for (const p of [...SNAPPY, ZSTD, ARROW]) schemas.set(p, await parquet(p));
  schemas.set(TBL, await readDelimitedSchema(createReadStream(TBL), {
    ...supplier.source.delimited,
    file: TBL,
    columnNames: supplier.columns.map((c) => c.sourceName ?? c.name),
  }));
});

const tmp: string[] = [];
after(async () => {
  for (const d of tmp) await rm(d, { recursive: true, force: true });
});

function drift(files: FileSchema[], extra: Partial<Parameters<typeof compareSchemas>[0]> = {}): DriftReport {
  return compareSchemas({ contract: supplier, files, now: new Date(0), ...extra });
}

function summary(r: DriftReport): string[] {
  return r.findings.map((f) => `${f.severity} ${f.kind} ${f.column} ${f.expected} ${f.found}`);
}

describe('clean TPC-H batches pass the SUPPLIER contract (policy freeze)', () => {
  test('the readers see the shapes the writers wrote', () => {
    const types = (p: string) => Object.fromEntries(schemas.get(p)!.columns.map((c) => [c.name, c.type]));
    assert.deepEqual([types(SNAPPY[0]).s_nationkey, types(SNAPPY[0]).s_acctbal], ['bigint', 'double']);
    assert.deepEqual([types(ZSTD).s_nationkey, types(ZSTD).s_acctbal], ['int', 'decimal(12,2)']);
    assert.deepEqual([types(ARROW).s_nationkey, types(ARROW).s_acctbal], ['int', 'double']);
  });

  test('DuckDB snappy (BIGINT s_nationkey, DOUBLE s_acctbal, all OPTIONAL): warnings, checked per value, no error', () => {
    const r = drift(SNAPPY.map((p) => schemas.get(p)!));
    assert.equal(r.decision, 'proceed');
    assert.deepEqual(summary(r), [
      'warn nullability_changed s_suppkey not null nullable',
      'warn type_narrowed_checked s_nationkey integer bigint',
      'warn type_narrowed_checked s_acctbal decimal(12,2) double',
    ]);
    assert.ok(r.findings.every((f) => f.sources.length === 3), 'one finding for the three files');
  });

  test('DuckDB zstd (INT32 + DECIMAL(12,2)): only the OPTIONAL key', () => {
    const r = drift([schemas.get(ZSTD)!]);
    assert.equal(r.decision, 'proceed');
    assert.deepEqual(summary(r), ['warn nullability_changed s_suppkey not null nullable']);
  });

  test('arrow-rs (INT32 + DOUBLE, REQUIRED key): only the double', () => {
    const r = drift([schemas.get(ARROW)!]);
    assert.equal(r.decision, 'proceed');
    assert.deepEqual(summary(r), ['warn type_narrowed_checked s_acctbal decimal(12,2) double']);
  });

  test('dbgen .tbl (text, no header, trailing |): no finding', () => {
    const r = drift([schemas.get(TBL)!]);
    assert.deepEqual(r.findings, []);
    assert.equal(r.decision, 'proceed');
  });

  test('all of them in one batch, with the catalog a crawl of them writes, pass', async () => {
    const all = [...schemas.values()];
    const dir = await mkdtemp(join(tmpdir(), 'catalog-'));
    tmp.push(dir);
    const catalog = new LocalCatalog({ dir });
    const crawled = inferCatalogTable({ database: 'landing', table: 'supplier', location: TPCH, schemas: all });
    const byName = Object.fromEntries(crawled.columns.map((c) => [c.name, c.type]));
    // as Glue would: int + bigint → bigint; double + decimal → double; CSV text does not widen
    assert.deepEqual(byName, {
      s_suppkey: 'bigint', s_name: 'string', s_address: 'string', s_nationkey: 'bigint', s_phone: 'string',
      s_acctbal: 'double', s_comment: 'string',
    });
    assert.equal(crawled.classification, 'mixed');
    const v1 = await catalog.putTable(crawled);
    assert.equal((await catalog.putTable(crawled)).created, false, 'crawling the same files again writes no version');

    const r = drift(all, { catalog: catalogInput(await catalog.getTableVersions('supplier')) });
    assert.equal(r.decision, 'proceed', JSON.stringify(r.findings, null, 1));
    assert.equal(r.summary.breaking, 0);
    assert.equal(r.inputs.catalog?.latestVersion, v1.table.versionId);
    assert.equal(r.inputs.catalog?.stale, false);
    assert.match(r.notes.join('\n'), /files disagree on column s_nationkey: bigint \(3 files\), int \(2 files\)/);
  });
});

describe('batches that must be refused', () => {
  test('a missing column', () => {
    const z = schemas.get(ZSTD)!;
    const r = drift([{ ...z, columns: z.columns.filter((c) => c.name !== 's_phone') }]);
    assert.equal(r.decision, 'block');
    const e = driftErrorFrom(r);
    assert.equal(e.exitCode, 3);
    assert.equal(e.oneLine(), `DriftError: column s_phone: contract varchar(40), missing from file ${ZSTD} — the source dropped a column; fix the export or change the contract`);
  });

  test('a number turned into a string', () => {
    const a = schemas.get(ARROW)!;
    const r = drift([{ ...a, columns: a.columns.map((c) => (c.name === 's_acctbal' ? { ...c, type: 'string' } : c)) }]);
    assert.equal(r.decision, 'block');
    assert.equal(driftErrorFrom(r).oneLine(),
      `DriftError: column s_acctbal: contract decimal(12,2), found string in file ${ARROW} — the source changed type; fix the export or change the contract`);
  });
});
