/**
 * Values a DATE, TIMESTAMP, CHAR(n) or BOOLEAN column cannot keep exactly are refused, never changed: exit 4
 * (the class of every value error, as a bad integer), one line naming the file, row, column and value and
 * what to do — nanoseconds (Parquet NANOS, INT96, text), a time zone, an impossible date, a date outside
 * 0001..9999, a multi-byte or too long CHAR, a boolean spelled `yes`. Range bounds written as dates compare
 * exactly on DATE and TIMESTAMP columns, and CHAR keys compare without trailing blanks. The checks come before
 * the warehouse, so PGlite stands for both engines here (temporal-exact.test.ts publishes on both).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { runCli } from '../support/cli.ts';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { warehouseFixture } from '../support/engines.ts';
import { momentsContract, writeInt96File } from '../support/temporal-fixtures.ts';

type Schema = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>;

const csv = (rows: string[]): string => ['m_id,m_day,m_ts,m_code,m_flag', ...rows, ''].join('\n');

function parquetTs(dir: string, ts: bigint, day = 19782): void {
  const schema: Schema = [
    { name: 'root', num_children: 5 },
    { name: 'm_id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'm_day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
    { name: 'm_ts', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' }, repetition_type: 'OPTIONAL' },
    { name: 'm_code', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    { name: 'm_flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
  ];
  writeFileSync(join(dir, 'bad.parquet'), new Uint8Array(parquetWriteBuffer({
    schema,
    columnData: [
      { name: 'm_id', data: [1, 2] }, { name: 'm_day', data: [19782, day] }, { name: 'm_ts', data: [0n, ts] },
      { name: 'm_code', data: ['a', 'b'] }, { name: 'm_flag', data: [true, false] },
    ],
  })));
}

const CASES: Array<{ name: string; make(dir: string): void; line: RegExp; file: string; contract?: 'ranged' }> = [
  {
    name: 'Parquet TIMESTAMP(NANOS) with nanoseconds',
    make: (d) => parquetTs(d, 1704164645123456789n),
    file: 'bad.parquet',
    line: /2024-01-02 03:04:05\.123456789 has nanoseconds; Redshift TIMESTAMP keeps microseconds — round it in the export or load it as varchar .*bad\.parquet, row 2, column m_ts/,
  },
  {
    name: 'INT96 with nanoseconds',
    make: (d) => writeInt96File(d, 'bad.parquet', [0n, -1n]),
    file: 'bad.parquet',
    line: /1969-12-31 23:59:59\.999999999 has nanoseconds; .*bad\.parquet, row 2, column m_ts/,
  },
  {
    name: 'a Parquet DATE after 9999-12-31',
    make: (d) => parquetTs(d, 0n, 2932897),
    file: 'bad.parquet',
    line: /\+10000-01-01 is outside the dates this loader writes \(0001-01-01\.\.9999-12-31\) .*row 2, column m_day/,
  },
  {
    name: 'text with nanoseconds',
    make: (d) => writeFileSync(join(d, 'bad.csv'), csv(['1,2024-01-02,2024-01-02 03:04:05.1234567,a,t'])),
    file: 'bad.csv',
    line: /"2024-01-02 03:04:05\.1234567" has nanoseconds; .*row 1, column m_ts/,
  },
  {
    name: 'a timestamp with Z',
    make: (d) => writeFileSync(join(d, 'bad.csv'), csv(['1,2024-01-02,2024-01-02T03:04:05Z,a,t'])),
    file: 'bad.csv',
    line: /"2024-01-02T03:04:05Z" has a time zone; a Redshift TIMESTAMP column has none .*row 1, column m_ts/,
  },
  {
    name: 'a timestamp with an offset',
    make: (d) => writeFileSync(join(d, 'bad.csv'), csv(['1,2024-01-02,2024-01-02 03:04:05.5+02:00,a,t'])),
    file: 'bad.csv',
    line: /"2024-01-02 03:04:05\.5\+02:00" has a time zone; .*row 1, column m_ts/,
  },
  {
    name: '2023-02-30',
    make: (d) => writeFileSync(join(d, 'bad.csv'), csv(['1,2023-02-28,,a,t', '2,2023-02-30,,a,t'])),
    file: 'bad.csv',
    line: /"2023-02-30" is not a calendar date .*row 2, column m_day/,
  },
  {
    name: 'a multi-byte CHAR',
    make: (d) => writeFileSync(join(d, 'bad.csv'), csv(['1,,,café,t'])),
    file: 'bad.csv',
    line: /"café" has the character "é" \(not one byte\); CHAR holds single-byte characters only; declare the column varchar .*row 1, column m_code/,
  },
  {
    name: 'a CHAR longer than its bytes',
    make: (d) => writeFileSync(join(d, 'bad.csv'), csv(['1,,,ABCDE,t'])),
    file: 'bad.csv',
    line: /max_bytes.*"ABCDE" is 5 bytes in UTF-8 \(5 characters\); the column holds 4 bytes .*row 1, column m_code/,
  },
  {
    name: "'yes' for a boolean",
    make: (d) => writeFileSync(join(d, 'bad.csv'), csv(['1,,,a,yes'])),
    file: 'bad.csv',
    line: /"yes" is not a boolean \(true\/false, t\/f or 1\/0\) .*row 1, column m_flag/,
  },
  {
    name: 'a timestamp one microsecond before a range minimum written as a date',
    contract: 'ranged',
    make: (d) => writeFileSync(join(d, 'bad.csv'), csv(['1,2020-01-01,2020-01-01 00:00:00,a,t', '2,2020-01-01,2019-12-31 23:59:59.999999,b,t'])),
    file: 'bad.csv',
    line: /range.*2019-12-31 23:59:59\.999999.* is below the minimum .*2020-01-01 00:00:00.*row 2, column m_ts/,
  },
  {
    name: 'CHAR keys equal but for trailing blanks',
    contract: 'ranged',
    make: (d) => writeFileSync(join(d, 'bad.csv'), csv(['1,2020-01-01,,AB,t', '2,2020-01-01,,AB  ,t'])),
    file: 'bad.csv',
    line: /unique.*m_code/,
  },
];

const ranged = {
  ...momentsContract,
  quality: [
    ...momentsContract.quality,
    { type: 'range', column: 'm_day', min: '2020-01-01', severity: 'error' },
    { type: 'range', column: 'm_ts', min: '2020-01-01', severity: 'error' },
    { type: 'unique', column: 'm_code', severity: 'error' },
  ],
};

describe('date, timestamp, CHAR and BOOLEAN values that cannot be kept are refused', () => {
  const fx = warehouseFixture('pglite', 'temporal_refusals', (dir) => {
    for (const [name, contract] of [['contracts', momentsContract], ['ranged', ranged]] as const) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'moments.json'), JSON.stringify(contract, null, 2));
    }
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.name}: exit 4, one line`, async () => {
      const batch = join(fx.dir, `case-${i}`);
      mkdirSync(batch);
      c.make(batch);
      const r = await runCli([
        'run', '--dataset', 'moments', '--date', '2026-11-24', '--source', batch, '--contracts', join(fx.dir, c.contract ?? 'contracts'),
        '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse,
      ], { cwd: fx.dir });
      assert.equal(r.code, 4, r.stderr);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('{'));
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^QualityError: /);
      assert.match(lines[0], c.line);
      assert.ok(lines[0].includes(join(batch, c.file)), lines[0]);
    });
  }

  it('nanoseconds load as varchar, as the refusal advises: the full text, every digit', async () => {
    const dir = join(fx.dir, 'as-varchar');
    mkdirSync(join(dir, 'contracts'), { recursive: true });
    const columns = momentsContract.columns.map((c) => (c.name === 'm_ts' ? { ...c, type: { kind: 'varchar', bytes: 40 } } : c));
    writeFileSync(join(dir, 'contracts', 'moments.json'), JSON.stringify({ ...momentsContract, columns }));
    mkdirSync(join(dir, 'batch'));
    parquetTs(join(dir, 'batch'), 1704164645123456789n);
    const r = await runCli([
      'run', '--dataset', 'moments', '--date', '2026-11-26', '--source', join(dir, 'batch'), '--contracts', join(dir, 'contracts'),
      '--staging', join(dir, 'staging'), '--reports', join(dir, 'reports'), '--warehouse', `pglite:${join(dir, 'warehouse')}`,
    ], { cwd: fx.dir });
    assert.equal(r.code, 0, r.stderr);
    const wh = await openWarehouse(`pglite:${join(dir, 'warehouse')}`);
    try {
      const got = await wh.query('SELECT m_ts FROM assignment.moments_data ORDER BY m_id');
      assert.deepEqual(got.map((x) => x.m_ts), ['1970-01-01 00:00:00', '2024-01-02 03:04:05.123456789']);
    } finally {
      await wh.close();
    }
  });

  it('a range bound written as a date takes its midnight on a TIMESTAMP column, and CHAR keys differ without blanks', async () => {
    const batch = join(fx.dir, 'in-range');
    mkdirSync(batch);
    writeFileSync(join(batch, 'ok.csv'), csv(['1,2020-01-01,2020-01-01 00:00:00,AB,t', '2,2020-01-01,2020-01-01 00:00:00.000001,AB C,f']));
    const r = await runCli([
      'run', '--dataset', 'moments', '--date', '2026-11-25', '--source', batch, '--contracts', join(fx.dir, 'ranged'),
      '--staging', join(fx.dir, 'staging'), '--reports', join(fx.dir, 'reports'), '--warehouse', fx.warehouse,
    ], { cwd: fx.dir });
    assert.equal(r.code, 0, r.stderr);
  });
});
