/**
 * DATE, TIMESTAMP (to the microsecond), CHAR(n) and BOOLEAN arrive exactly, from every reader, through the
 * real command line on PGlite and PostgreSQL: Parquet written by DuckDB (DATE, TIMESTAMP, TIMESTAMP_MS,
 * TIMESTAMP_NS, TIMESTAMPTZ, BOOLEAN, VARCHAR), by hyparquet-writer (legacy TIMESTAMP_MICROS, TIMESTAMP(NANOS)),
 * INT96, and delimited text. The parts hold the canonical text (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.ffffff],
 * true/false) and the published rows hold the same times: 2024-02-29 23:59:59.999999, 1970-01-01 00:00:00.000001,
 * values before 1970, 0001-01-01 and 9999-12-31 23:59:59.999999 — a millisecond JS Date would lose them all.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import {
  momentsContract, writeCsvFile, writeDuckDbFiles, writeHyparquetFiles, writeInt96File, type Row,
} from '../support/temporal-fixtures.ts';

async function publishedRows(warehouse: string): Promise<Row[]> {
  const wh = await openWarehouse(warehouse);
  try {
    const got = await wh.query(
      `SELECT m_id, CAST(m_day AS VARCHAR(20)) AS d, CAST(m_ts AS VARCHAR(40)) AS ts, CAST(m_code AS VARCHAR(10)) AS code, m_flag
       FROM assignment.moments_data ORDER BY m_id`,
    );
    return got.map((r) => [Number(r.m_id), r.d as string | null, r.ts as string | null, r.code as string | null, r.m_flag as boolean | null]);
  } finally {
    await wh.close();
  }
}

/** PostgreSQL prints 12:00:00.5; the parts carry the canonical 12:00:00.500000. */
const canonicalTs = (ts: string | null): string | null => {
  if (ts === null) return null;
  const [whole, frac] = ts.split('.');
  return frac === undefined ? whole : `${whole}.${frac.padEnd(6, '0')}`;
};

/** Every data line of the run's parts, fields unquoted, NULL (\N) as null. */
function partRows(staging: string): Array<Array<string | null>> {
  const out: Array<Array<string | null>> = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.csv.gz')) {
        for (const line of gunzipSync(readFileSync(join(dir, e.name))).toString('utf8').split('\n')) {
          if (line === '') continue;
          out.push(line.split('|').map((f) => (f === '\\N' ? null : f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f)));
        }
      }
    }
  };
  walk(staging);
  return out.sort((a, b) => Number(a[0]) - Number(b[0]));
}

const lastLine = (text: string): string => text.trim().split('\n').at(-1) ?? '';

for (const engine of ENGINES) {
  describe(`dates, timestamps, CHAR and BOOLEAN exactly on ${engine}`, () => {
    const expected: { parquet: Row[]; csv: Row[] } = { parquet: [], csv: [] };
    const fx = warehouseFixture(engine, 'temporal', async (dir) => {
      mkdirSync(join(dir, 'contracts'));
      writeFileSync(join(dir, 'contracts', 'moments.json'), JSON.stringify(momentsContract, null, 2));
      const parquet = join(dir, 'parquet');
      mkdirSync(parquet);
      expected.parquet = [...(await writeDuckDbFiles(parquet)), ...writeHyparquetFiles(parquet), ...writeInt96File(parquet)];
      mkdirSync(join(dir, 'csv'));
      expected.csv = writeCsvFile(join(dir, 'csv'));
    });
    const run = (source: string, date: string) => runCli([
      'run', '--dataset', 'moments', '--date', date, '--source', join(fx.dir, source), '--contracts', join(fx.dir, 'contracts'),
      '--staging', join(fx.dir, `staging-${source}`), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse,
    ], { cwd: fx.dir });

    for (const source of ['parquet', 'csv'] as const) {
      it(`${source}: the parts hold the canonical text and the warehouse the same microseconds`, async (t) => {
        if (fx.skip) return t.skip('no PostgreSQL');
        const r = await run(source, source === 'parquet' ? '2026-11-24' : '2026-11-25');
        assert.equal(r.code, 0, r.stderr);
        const want = expected[source];
        assert.match(lastLine(r.stderr), new RegExp(`published ${want.length} rows into assignment\\.moments_data`));
        const parts = partRows(join(fx.dir, `staging-${source}`));
        assert.deepEqual(
          parts.map(([id, day, ts, code, flag]) => [Number(id), day, ts, code === null ? null : code.replace(/ +$/, ''), flag]),
          want.map(([id, day, ts, code, flag]) => [id, day, canonicalTs(ts), code, flag === null ? null : String(flag)]),
        );
        const published = (await publishedRows(fx.warehouse)).filter(([id]) => want.some(([w]) => w === id));
        assert.deepEqual(published, want);
      });
    }
  });
}
