/**
 * copyManifest on the local warehouses (PGlite, PostgreSQL): the nastiest CSV values survive byte for
 * byte, all parts load in one transaction, and a bad part fails naming the part, row and column.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { supplier } from '../../datasets/index.ts';
import { LoadError } from '../../core/errors.ts';
import { LocalStore } from '../../jobs/store/index.ts';
import type { Warehouse } from '../../jobs/warehouse/warehouse.ts';
import { renderDdl } from '../../sql/ddl.ts';
import { checksumMismatches, emptyStage, stageChecksQuery } from '../../sql/load.ts';
import { openEngine, type EngineKind } from '../sql/support/engines.ts';
import { csvText, nastyRows, supplierRows, writePackage, type TestPackage, type TestRow } from '../sql/support/parts.ts';

const store = new LocalStore();
const COLUMNS = supplier.columns.map((c) => c.name);

function copy(wh: Warehouse, pkg: TestPackage): Promise<number> {
  return wh.copyManifest({ table: 'assignment.supplier_stage', columns: COLUMNS, manifestUri: pkg.manifestUri, manifest: pkg.manifest, store });
}

async function staged(wh: Warehouse): Promise<TestRow[]> {
  const rows = await wh.query(
    `SELECT CAST(s_suppkey AS VARCHAR(40)) AS k, s_name, s_address, CAST(s_nationkey AS VARCHAR(20)) AS n, s_phone,
            CAST(s_acctbal AS VARCHAR(40)) AS b, s_comment FROM assignment.supplier_stage ORDER BY s_suppkey`,
  );
  return rows.map((r) => [r.k, r.s_name, r.s_address, r.n, r.s_phone, r.b, r.s_comment] as TestRow);
}

async function stageCount(wh: Warehouse): Promise<number> {
  const [r] = await wh.query('SELECT CAST(COUNT(*) AS VARCHAR(20)) AS n FROM assignment.supplier_stage');
  return Number(r.n);
}

function byKey(rows: TestRow[]): TestRow[] {
  return [...rows].sort((a, b) => (BigInt(a[0]!) < BigInt(b[0]!) ? -1 : 1));
}

interface Case {
  kind: EngineKind;
  label: string;
  chunkBytes?: number;
}

const CASES: Case[] = [
  { kind: 'pglite', label: 'pglite (default chunks)' },
  { kind: 'pglite', label: 'pglite (64-byte chunks: splits next to every quoted CR/LF)', chunkBytes: 64 },
  { kind: 'postgres', label: 'postgres' },
];

async function withEngine(t: TestContext, c: Case, fn: (wh: Warehouse, dir: string) => Promise<void>): Promise<void> {
  const engine = await openEngine(t, c.kind, { pglite: c.chunkBytes ? { chunkBytes: c.chunkBytes } : {} });
  if (!engine) return;
  const dir = mkdtempSync(join(tmpdir(), 'rl-copy-'));
  try {
    for (const s of renderDdl(supplier)) await engine.wh.query(s);
    await fn(engine.wh, dir);
  } finally {
    await engine.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const c of CASES) {
  test(`nasty CSV values survive a copyManifest round trip byte for byte: ${c.label}`, async (t) => {
    await withEngine(t, c, async (wh) => {
      const nasty = nastyRows();
      // Spread over three parts, with plain rows around them, so parts and chunks start and end on nasty rows.
      const pkg = writePackage(mkdtempSync(join(tmpdir(), 'rl-nasty-')), [nasty.slice(0, 3), [...supplierRows(40, 100), ...nasty.slice(3, 6)], nasty.slice(6)]);
      assert.equal(await copy(wh, pkg), pkg.rows.length);
      const got = await staged(wh);
      assert.deepEqual(got, byKey(pkg.rows));
      for (const [i, row] of byKey(pkg.rows).entries()) {
        row.forEach((v, j) => {
          if (typeof v === 'string') assert.equal(Buffer.compare(Buffer.from(got[i][j]!, 'utf8'), Buffer.from(v, 'utf8')), 0, `row ${row[0]} column ${COLUMNS[j]}`);
        });
      }
      // The distinctions that matter, spelled out.
      const k = (key: string): TestRow => got.find((r) => r[0] === key)!;
      assert.equal(k('9223372036854775807')[2], '\\N', 'a quoted "\\N" is the text \\N');
      assert.equal(k('9223372036854775807')[6], null, 'the unquoted \\N is NULL');
      assert.equal(k('9223372036854775807')[4], '', 'a quoted "" is the empty string, not NULL');
      assert.equal(k('-9223372036854775808')[5], '-9999999999.99');
      assert.equal(Buffer.byteLength(k('2')[1]!), 100);
      assert.equal(Buffer.byteLength(k('2')[2]!), 100);
      const [checks] = await wh.query(stageChecksQuery(supplier));
      assert.deepEqual(checksumMismatches(supplier, checks, pkg.manifest.package.checksums), []);
      rmSync(pkg.dir, { recursive: true, force: true });
    });
  });

  test(`a bad row in part 3 of 4 fails naming the part, row and column, and stages nothing: ${c.label}`, async (t) => {
    await withEngine(t, c, async (wh, dir) => {
      const parts = [supplierRows(30, 1), supplierRows(30, 31), supplierRows(30, 61), supplierRows(30, 91)];
      // Part 3 opens with quoted CR LF / CR / LF inside fields (PostgreSQL counts some of them as lines).
      parts[2][0][6] = 'first\r\nrow\rwith\nbreaks';
      parts[2][3][1] = 'multi\nline\nname';
      parts[2][9][6] = 'crlf\r\ncrlf\r\n';
      parts[2][16][5] = 'not-a-number';
      const pkg = writePackage(dir, parts);
      await wh.query(emptyStage(supplier));
      const err = await copy(wh, pkg).then(
        () => assert.fail('the copy should fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof LoadError, String(err));
      assert.equal(err.where.file, pkg.manifest.entries[2].url);
      assert.equal(err.where.row, 17);
      assert.equal(err.where.column, 's_acctbal');
      assert.match(err.message, /^part 3 of 4 \(part-00002\.csv\.gz\) failed to load at row 17, column s_acctbal: invalid input syntax for type numeric: "not-a-number"/);
      assert.equal(await stageCount(wh), 0, 'parts 1 and 2 rolled back with part 3');
    });
  });

  test(`parts that are not what the manifest promised are refused, nothing staged: ${c.label}`, async (t) => {
    await withEngine(t, c, async (wh, dir) => {
      const good = writePackage(join(dir, 'good'), [supplierRows(5, 1), supplierRows(5, 6)]);

      const tampered = structuredClone(good.manifest);
      writeFileSync(tampered.entries[1].url.replace('good', 'good'), gzipSync(csvText(supplierRows(5, 6, 'x'))));
      await assert.rejects(copy(wh, { ...good, manifest: tampered }), (e: LoadError) => e instanceof LoadError && /part 2 of 2 .*(bytes|sha256)/.test(e.message) && e.where.file === tampered.entries[1].url);
      assert.equal(await stageCount(wh), 0);

      const short = writePackage(join(dir, 'short'), [supplierRows(5, 1)]);
      short.manifest.entries[0].meta.record_count = 6;
      await assert.rejects(copy(wh, short), /part 1 of 1 .*loaded 5 rows, the manifest lists 6/);
      assert.equal(await stageCount(wh), 0);

      const missing = writePackage(join(dir, 'missing'), [supplierRows(5, 1), supplierRows(5, 6)]);
      rmSync(missing.manifest.entries[1].url);
      await assert.rejects(copy(wh, missing), (e: LoadError) => e instanceof LoadError && /cannot read part 2 of 2/.test(e.message));
      assert.equal(await stageCount(wh), 0);

      const notGzip = writePackage(join(dir, 'plain'), [supplierRows(5, 1)], { rawParts: [Buffer.from(csvText(supplierRows(5, 1)))] });
      await assert.rejects(copy(wh, notGzip), /part 1 of 1 .*is not readable gzip/);

      const otherColumns = writePackage(join(dir, 'cols'), [supplierRows(1, 1)]);
      otherColumns.manifest.package.csv!.columns = ['s_suppkey', 's_name'];
      await assert.rejects(copy(wh, otherColumns), /the parts hold columns \(s_suppkey, s_name\)/);
      assert.equal(await stageCount(wh), 0);
    });
  });
}
