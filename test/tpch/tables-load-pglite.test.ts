/**
 * Every TPC-H table on PGlite: the generator's .tbl and DuckDB's Parquet of the same rows (default and
 * PARQUET_VERSION V2) each run through the CLI, every published value compared with the .tbl
 * (tables-load-fixture.ts says how).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { tablesLoadSuite } from './tables-load-fixture.ts';

const work = mkdtempSync(join(tmpdir(), 'tables-load-pglite-'));
after(() => rmSync(work, { recursive: true, force: true }));

tablesLoadSuite('pglite', work);
