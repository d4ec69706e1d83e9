/**
 * The byte-level CSV helpers of the local warehouses: chunks cut only at row boundaries (quoted CR/LF
 * never split a row), and PostgreSQL's COPY "line N" mapped back to the data row — checked against
 * the engines themselves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { supplier } from '../../datasets/index.ts';
import { LoadError } from '../../core/errors.ts';
import { LocalStore } from '../../jobs/store/index.ts';
import { CsvRowChunker, parseCopyContext, rowOfCopyLine } from '../../jobs/warehouse/csv-chunks.ts';
import { renderDdl } from '../../sql/ddl.ts';
import { emptyStage } from '../../sql/load.ts';
import { ENGINES, openEngine } from '../sql/support/engines.ts';
import { csvText, supplierRows, writePackage, type TestRow } from '../sql/support/parts.ts';

/** A seeded PRNG, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ['a', 'bc', '|', '"', '""', '\r', '\n', '\r\n', '\\N', ' ', 'é', '😀', ''];

function randomField(r: () => number): string | null {
  if (r() < 0.1) return null;
  let s = '';
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

/** A reference CSV reader (quote doubling, \N unquoted = NULL), for checking chunks on their own. */
function parseCsv(text: string): TestRow[] {
  const rows: TestRow[] = [];
  let row: TestRow = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let any = false;
  const endField = (): void => {
    row.push(!quoted && field === '\\N' ? null : field);
    field = '';
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    any = true;
    if (inQuotes) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') inQuotes = false;
      else field += c;
    } else if (c === '"') {
      inQuotes = true;
      quoted = true;
    } else if (c === '|') endField();
    else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
      any = false;
    } else field += c;
  }
  if (any) {
    endField();
    rows.push(row);
  }
  return rows;
}

test('chunks end only on row boundaries, whatever the chunk size and the input buffering', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const r = rng(seed);
    const rows: TestRow[] = Array.from({ length: 1 + Math.floor(r() * 30) }, () => Array.from({ length: 3 }, () => randomField(r)));
    const bytes = Buffer.from(csvText(rows), 'utf8');
    const target = 1 + Math.floor(r() * 200);
    const chunker = new CsvRowChunker({ quote: '"', targetBytes: target });
    const chunks = [];
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + Math.floor(r() * 50);
      chunks.push(...chunker.push(bytes.subarray(at, at + n)));
      at += n;
    }
    const last = chunker.end();
    if (last) chunks.push(last);
    assert.equal(Buffer.concat(chunks.map((c) => c.data)).toString('utf8'), bytes.toString('utf8'), `seed ${seed}`);
    let next = 1;
    const reparsed: TestRow[] = [];
    for (const c of chunks) {
      const own = parseCsv(c.data.toString('utf8'));
      assert.equal(own.length, c.rows, `seed ${seed}: a chunk holds whole rows only`);
      assert.equal(c.firstRow, next, `seed ${seed}`);
      assert.ok(c.data.length < target + 400, `seed ${seed}: chunk near the target size`);
      next += c.rows;
      reparsed.push(...own);
    }
    assert.deepEqual(reparsed, rows, `seed ${seed}`);
  }
});

test('a last row without a line feed counts; an empty input gives no chunk', () => {
  const c = new CsvRowChunker({ quote: '"', targetBytes: 1 << 20 });
  assert.deepEqual(c.push(Buffer.from('1|"a\nb"\n2|x')), []);
  const last = c.end()!;
  assert.equal(last.rows, 2);
  assert.equal(new CsvRowChunker({ quote: '"', targetBytes: 10 }).end(), undefined);
});

test("PostgreSQL's COPY line rule: embedded CR counts in the first row, embedded LF after it", () => {
  const data = Buffer.from('0|"a\r\nb"\n1|"multi\nline\nfield"\n2|"cr\rx"\nx|bad\n');
  // Measured on PostgreSQL 15 and PGlite (18): the bad row is reported as "line 7".
  assert.equal(rowOfCopyLine(data, 7, '"'), 4);
  assert.equal(rowOfCopyLine(data, 2, '"'), 1);
  assert.equal(rowOfCopyLine(data, 5, '"'), 2);
  assert.equal(rowOfCopyLine(data, 6, '"'), 3);
  assert.equal(rowOfCopyLine(data, 99, '"'), undefined);
  assert.deepEqual(parseCopyContext('COPY supplier_stage, line 17, column s_acctbal: "x"'), { line: 17, column: 's_acctbal' });
  assert.deepEqual(parseCopyContext('COPY supplier_stage, line 3: "1|2"'), { line: 3 });
  assert.deepEqual(parseCopyContext(undefined), {});
});

for (const kind of ENGINES) {
  test(`the failing row is found from the engine's own line numbers, rows full of CR/LF: ${kind}`, async (t) => {
    const engine = await openEngine(t, kind, { pglite: { chunkBytes: 300 } });
    if (!engine) return;
    const dir = mkdtempSync(join(tmpdir(), 'rl-lines-'));
    try {
      for (const s of renderDdl(supplier)) await engine.wh.query(s);
      const store = new LocalStore();
      for (let seed = 1; seed <= 12; seed++) {
        const r = rng(seed * 7919);
        const rows = supplierRows(25, 1);
        for (const row of rows) {
          for (const j of [1, 2, 4, 6]) if (r() < 0.5) row[j] = randomField(r);
        }
        const bad = Math.floor(r() * rows.length);
        rows[bad][3] = 'x';
        const pkg = writePackage(join(dir, String(seed)), [rows]);
        await engine.wh.query(emptyStage(supplier));
        const err: unknown = await engine.wh
          .copyManifest({ table: 'assignment.supplier_stage', columns: supplier.columns.map((c) => c.name), manifestUri: pkg.manifestUri, manifest: pkg.manifest, store })
          .then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof LoadError, `seed ${seed}: ${String(err)}`);
        assert.equal(err.where.row, bad + 1, `seed ${seed}: ${err.message}`);
        assert.equal(err.where.column, 's_nationkey');
      }
    } finally {
      await engine.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
