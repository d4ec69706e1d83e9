/**
 * Issue 9, item 9: nothing a COPY changes goes unnoticed, and no quoting rule can turn a value into NULL.
 *
 * - A batch whose values include `\N` and the first alternate NULL marker loads exactly, value for value,
 *   through the CLI (--strategy csv and --strategy parquet), with a third marker recorded in the manifest.
 * - A COPY that reads one field differently (a quoted marker as NULL, a trailing blank trimmed, a string
 *   cut by one byte, a number's last digit) fails the run with exit 5 naming the column and both figures.
 *   None of these touch the contract's own checksums (rows, sum of s_acctbal, min/max of s_suppkey): only
 *   the per-column figures catch them.
 * - The publish transaction's guard holds the same figures: a stage changed after its check is refused,
 *   and the read-back of the published rows compares every column again.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { supplier } from '../../datasets/index.ts';
import { LoadError } from '../../core/errors.ts';
import { SUPPLIER_PARQUET_SCHEMA } from '../../tpch/index.ts';
import type { Manifest } from '../../core/manifest.ts';
import { NULL_MARKER_CANDIDATES } from '../../jobs/partition/null-marker.ts';
import { partition } from '../../jobs/partition/partition.ts';
import { runBatch } from '../../jobs/run.ts';
import { LocalStore } from '../../jobs/store/index.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { renderDdl } from '../../sql/ddl.ts';
import { toLocalDialect } from '../../sql/local.ts';
import { checksumMismatches, emptyStage, historyChecksQuery, publishStatements, stageChecksQuery } from '../../sql/load.ts';
import { alteringWarehouse, type FieldAlteration } from '../support/altering-warehouse.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { published, referenceRows } from '../support/supplier.ts';

const [MARKER, ALTERNATE, THIRD] = NULL_MARKER_CANDIDATES;

/** 40 reference rows, with the values that matter here. */
function batchRows(): string[][] {
  const rows = referenceRows().slice(0, 40).map((r) => [...r]);
  rows[2][6] = MARKER; // s_comment of key 3 is the text \N
  rows[3][6] = ALTERNATE; // s_comment of key 4 is the first alternate marker
  rows[4][2] = 'with a trailing blank '; // s_address of key 5
  return rows;
}

function writeSources(dir: string): { tbl: string; parquet: string } {
  const rows = batchRows();
  const tbl = join(dir, 'tbl');
  const parquet = join(dir, 'parquet');
  mkdirSync(tbl, { recursive: true });
  mkdirSync(parquet, { recursive: true });
  writeFileSync(join(tbl, 'supplier.tbl'), rows.map((r) => `${r.join('|')}|\n`).join(''));
  const col = (i: number) => rows.map((r) => r[i]);
  const columnData = [
    { name: 's_suppkey', data: col(0).map(BigInt) },
    { name: 's_name', data: col(1) },
    { name: 's_address', data: col(2) },
    { name: 's_nationkey', data: col(3).map(Number) },
    { name: 's_phone', data: col(4) },
    { name: 's_acctbal', data: col(5).map((v) => BigInt(v.replace('.', ''))) },
    { name: 's_comment', data: col(6) },
  ];
  writeFileSync(join(parquet, 'supplier.parquet'), new Uint8Array(parquetWriteBuffer({ schema: SUPPLIER_PARQUET_SCHEMA, columnData })));
  return { tbl, parquet };
}

/** The one `name` file under `dir`, parsed. */
function jsonUnder<T>(dir: string, name: string): T {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name === name) found.push(join(d, e.name));
    }
  };
  walk(dir);
  assert.equal(found.length, 1, `one ${name} under ${dir}`);
  return JSON.parse(readFileSync(found[0], 'utf8')) as T;
}

/** One COPY fault per kind; `column` is what the error must name, `figure` the words it must hold. */
const FAULTS: Array<{ what: string; column: string; figure: RegExp; alteration: FieldAlteration }> = [
  {
    what: 'a quoted field equal to the marker read as NULL',
    column: 's_comment',
    figure: /staged column s_comment holds 39 non-null values, the manifest 40/,
    // The package's marker, as a COPY would see it if it took the quoted \N for NULL.
    alteration: { key: '3', field: 6, alter: (_f, marker) => marker },
  },
  {
    what: 'a trailing blank trimmed',
    column: 's_address',
    figure: /staged column s_address holds [\d,]+ bytes, the manifest [\d,]+/,
    alteration: { key: '5', field: 2, alter: (f) => f.trimEnd() },
  },
  {
    what: 'a string cut by one byte',
    column: 's_name',
    figure: /staged column s_name holds 719 bytes, the manifest 720/,
    alteration: { key: '7', field: 1, alter: (f) => f.slice(0, -1) },
  },
  {
    what: "a number's last digit changed",
    column: 's_nationkey',
    figure: /staged column s_nationkey sums to \d+, the manifest to \d+/,
    alteration: { key: '9', field: 3, alter: (f) => `${f.slice(0, -1)}${(Number(f.at(-1)) + 1) % 10}` },
  },
];

for (const engine of ENGINES) {
  describe(`every column reconciled, on ${engine}`, () => {
    let sources: { tbl: string; parquet: string };
    const fx = warehouseFixture(engine, 'reconcile', (dir) => {
      sources = writeSources(dir);
    });

    for (const strategy of ['csv', 'parquet'] as const) {
      it(`loads the values \\N and ${ALTERNATE} exactly (--strategy ${strategy}), with a marker no value equals in the manifest`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const staging = join(fx.dir, `staging-${strategy}`);
        const reports = join(fx.dir, `reports-${strategy}`);
        const r = await runCli(
          ['run', '--dataset', 'supplier', '--date', '2026-11-20', '--source', strategy === 'csv' ? sources.tbl : sources.parquet,
            '--staging', staging, '--reports', reports, '--warehouse', fx.warehouse, '--strategy', strategy],
          { cwd: fx.dir },
        );
        assert.equal(r.code, 0, r.stderr);
        const p = await published(fx.warehouse);
        assert.deepEqual(p.rows, batchRows(), 'every value as the source had it: \\N is text, not NULL');
        assert.equal(p.rows[2][6], '\\N');
        const pkg = jsonUnder<Manifest>(staging, 'manifest.json').package;
        assert.equal(strategy === 'csv' ? pkg.csv!.nullMarker : pkg.nullMarker, THIRD);
        assert.equal(pkg.checksums.columns!.s_comment.count, 40);
        assert.deepEqual(jsonUnder<{ checksums: unknown }>(reports, 'run.json').checksums, pkg.checksums, 'the run report holds the figures');
      });
    }

    for (const fault of FAULTS) {
      it(`fails with exit 5 naming ${fault.column} when the COPY reads ${fault.what}`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        let wrapper: ReturnType<typeof alteringWarehouse> | undefined;
        const run = runBatch({
          contract: supplier,
          batchDate: '2026-11-21',
          locations: {
            landing: sources.tbl, source: sources.tbl, staging: join(fx.dir, 'staging-faults'), reports: join(fx.dir, 'reports'),
            warehouse: fx.warehouse, catalog: `local:${join(fx.dir, 'catalog')}`,
          },
          openWarehouse: async (uri) => (wrapper = alteringWarehouse(await openWarehouse(uri), fault.alteration)),
        });
        await assert.rejects(run, (e: unknown) => {
          assert.ok(e instanceof LoadError, String(e));
          assert.equal(e.exitCode, 5);
          assert.match(e.message, fault.figure);
          assert.doesNotMatch(e.message, /sum of s_acctbal|of s_suppkey|COPY reported/, 'the contract checksums agree: only the column figures differ');
          return true;
        });
        assert.ok(wrapper?.altered(), 'the wrapper changed a field');
        const p = await published(fx.warehouse);
        assert.ok(!p.audit.some((a) => a.batch_date === '2026-11-21' && a.status === 'published'), 'nothing published');
      });
    }

    it('the publish guard refuses a stage whose one value changed after the check; the read-back compares every column', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const store = new LocalStore();
      const { manifest, manifestUri } = await partition({
        contract: supplier, sourceStore: store, sourceUri: sources.tbl, outStore: store, outUri: join(fx.dir, 'staging-guard'),
        batchDate: '2026-11-22', runId: 'guard', slices: 2,
      });
      const expected = manifest.package.checksums;
      const wh = await openWarehouse(fx.warehouse);
      try {
        for (const stmt of renderDdl(supplier)) await wh.query(stmt);
        await wh.query(emptyStage(supplier));
        await wh.copyManifest({ table: 'assignment.supplier_stage', columns: supplier.columns.map((c) => c.name), manifestUri, manifest, store });
        const [checks] = await wh.query(stageChecksQuery(supplier));
        assert.deepEqual(checksumMismatches(supplier, checks, expected), []);
        const publish = (loadTs: string) =>
          wh.transaction(publishStatements({
            contract: supplier, runId: `guard-${loadTs.slice(-2)}`, batchDate: '2026-11-22', loadTs, expected,
            audit: { started_at: loadTs, source_files: 1, source_rows: 40, part_rows: 40, manifest_rows: 40, staged_rows: 40, manifest_url: manifestUri, timings: {} },
          }));
        // A trailing blank lost after the check: the stage still has 40 rows, the same sums and keys.
        await wh.query(`UPDATE assignment.supplier_stage SET s_address = RTRIM(s_address) WHERE s_suppkey = 5`);
        await assert.rejects(publish('2026-11-22 01:00:00.000001'), /stage holds exactly the manifest rows|division by zero/);
        await wh.query(`UPDATE assignment.supplier_stage SET s_address = 'with a trailing blank ' WHERE s_suppkey = 5`);
        await publish('2026-11-22 01:00:00.000002');
        const [after] = await wh.query(historyChecksQuery(supplier, '2026-11-22 01:00:00.000002'));
        assert.deepEqual(checksumMismatches(supplier, after, expected, 'published'), []);
        const changed = { ...after, c6_bytes: String(Number(after.c6_bytes) + 1) };
        assert.deepEqual(checksumMismatches(supplier, changed, expected, 'published'), [
          `published column s_comment holds ${(Number(after.c6_bytes) + 1).toLocaleString('en-US')} bytes, the manifest ${Number(expected.columns!.s_comment.bytes).toLocaleString('en-US')}`,
        ]);
      } finally {
        await wh.close();
      }
    });
  });
}

describe('the column checks are one statement, the same on Redshift and the local engines', () => {
  it('needs no translation, and names every column', () => {
    const q = stageChecksQuery(supplier);
    assert.equal(toLocalDialect(q), q);
    for (const c of supplier.columns) assert.match(q, new RegExp(`COUNT\\(${c.name}\\)`));
    assert.match(q, /SUM\(OCTET_LENGTH\(s_comment\)\)/);
    assert.match(q, /SUM\(CAST\(s_nationkey AS DECIMAL\(38,0\)\)\)/);
  });
});
