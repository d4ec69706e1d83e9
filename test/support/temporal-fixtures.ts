/**
 * Date, timestamp, CHAR and BOOLEAN fixtures for the exactness tests: a small user contract (`moments`) and
 * the same kinds of values written by DuckDB (DATE, TIMESTAMP, TIMESTAMP_MS, TIMESTAMP_NS, TIMESTAMPTZ,
 * BOOLEAN, VARCHAR), by hyparquet-writer (legacy TIMESTAMP_MICROS, logical TIMESTAMP(NANOS), DATE days),
 * as INT96 (test/support/int96-parquet.ts) and as delimited text — each with the text the warehouse must hold.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetWithInt96 } from './int96-parquet.ts';

export const momentsContract = {
  $schema: './contract.schema.json',
  name: 'moments',
  description: 'dates, timestamps, fixed text and flags',
  schema: 'assignment',
  stageTable: 'moments_stage',
  historyTable: 'moments_data',
  auditTable: 'load_audit',
  columns: [
    { name: 'm_id', type: { kind: 'integer' }, nullable: false },
    { name: 'm_day', type: { kind: 'date' }, nullable: true },
    { name: 'm_ts', type: { kind: 'timestamp' }, nullable: true },
    { name: 'm_code', type: { kind: 'char', bytes: 4 }, nullable: true },
    { name: 'm_flag', type: { kind: 'boolean' }, nullable: true },
  ],
  loadTimestampColumn: 'load_ts',
  distKey: 'm_id',
  sortKey: { style: 'compound', columns: ['load_ts'] },
  key: ['m_id'],
  source: {
    prefix: '{dataset}/{yyyymmdd}/',
    formats: ['parquet', 'csv'],
    delimited: { delimiter: ',', header: true, quote: '"', nullMarker: '', trailingDelimiter: false },
  },
  checksums: { sum: [], minMax: ['m_id'] },
  drift: { policy: 'freeze' },
  quality: [
    { type: 'not_null', column: 'm_id', severity: 'error' },
    { type: 'unique', column: 'm_id', severity: 'error' },
  ],
};

/** One expected published row: id, date, timestamp (PostgreSQL's text of it), char (trailing blanks cut), boolean. */
export type Row = [number, string | null, string | null, string | null, boolean | null];

/** DuckDB SQL literal of a row's cell, or NULL. */
const lit = (v: string | null, type: string): string => (v === null ? 'NULL' : `${type} '${v}'`);

interface DuckFile {
  file: string;
  /** DuckDB type of m_ts. */
  tsType: string;
  /** Source text of each row's m_ts (in the file's own type). */
  rows: Array<[number, string | null, string | null, string | null, boolean | null]>;
  /** What the warehouse holds for each row (text as PostgreSQL prints a timestamp). */
  expected: Row[];
}

const DUCK_FILES: DuckFile[] = [
  {
    file: 'duckdb-micros.parquet',
    tsType: 'TIMESTAMP',
    rows: [
      [1, '2024-02-29', '2024-02-29 23:59:59.999999', 'AB', true],
      [2, '1970-01-01', '1970-01-01 00:00:00.000001', 'ABCD', false],
      [3, '1969-12-31', '1969-12-31 23:59:59.999999', 'A  ', null],
      [4, '0001-01-01', '0001-01-01 00:00:00', 'x', true],
      [5, '9999-12-31', '9999-12-31 23:59:59.999999', 'Z', false],
      [6, null, null, null, null],
    ],
    expected: [
      [1, '2024-02-29', '2024-02-29 23:59:59.999999', 'AB', true],
      [2, '1970-01-01', '1970-01-01 00:00:00.000001', 'ABCD', false],
      [3, '1969-12-31', '1969-12-31 23:59:59.999999', 'A', null],
      [4, '0001-01-01', '0001-01-01 00:00:00', 'x', true],
      [5, '9999-12-31', '9999-12-31 23:59:59.999999', 'Z', false],
      [6, null, null, null, null],
    ],
  },
  {
    file: 'duckdb-millis.parquet',
    tsType: 'TIMESTAMP_MS',
    rows: [
      [11, '1900-03-01', '1900-02-28 23:59:59.999', 'ms', true],
      [12, '1969-12-31', '1969-12-31 23:59:59.001', 'ms', false],
    ],
    expected: [
      [11, '1900-03-01', '1900-02-28 23:59:59.999', 'ms', true],
      [12, '1969-12-31', '1969-12-31 23:59:59.001', 'ms', false],
    ],
  },
  {
    file: 'duckdb-nanos.parquet',
    tsType: 'TIMESTAMP_NS',
    rows: [
      [21, '2000-02-29', '2024-02-29 23:59:59.999999', 'ns', true],
      [22, '2000-01-01', '1970-01-01 00:00:00.000001', 'ns', true],
      [23, '1969-07-20', '1969-07-20 20:17:40', 'ns', false],
    ],
    expected: [
      [21, '2000-02-29', '2024-02-29 23:59:59.999999', 'ns', true],
      [22, '2000-01-01', '1970-01-01 00:00:00.000001', 'ns', true],
      [23, '1969-07-20', '1969-07-20 20:17:40', 'ns', false],
    ],
  },
  {
    file: 'duckdb-tz.parquet',
    tsType: 'TIMESTAMPTZ',
    rows: [
      [31, '2024-03-01', '2024-02-29 23:59:59.999999+00', 'tz', true],
      [32, '2024-03-01', '2024-03-01 01:00:00.5+02', 'tz', false],
    ],
    // isAdjustedToUTC = true: the UTC wall time
    expected: [
      [31, '2024-03-01', '2024-02-29 23:59:59.999999', 'tz', true],
      [32, '2024-03-01', '2024-02-29 23:00:00.5', 'tz', false],
    ],
  },
];

/** Writes the DuckDB files into `dir`; returns their expected rows. */
export async function writeDuckDbFiles(dir: string): Promise<Row[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    for (const f of DUCK_FILES) {
      const values = f.rows
        .map(([id, day, ts, code, flag]) => `(${id}, ${lit(day, 'DATE')}, ${lit(ts, f.tsType)}, ${code === null ? 'NULL' : `'${code}'`}, ${flag === null ? 'NULL' : String(flag)})`)
        .join(', ');
      await conn.run(
        `COPY (SELECT CAST(a AS INTEGER) AS m_id, b AS m_day, c AS m_ts, CAST(d AS VARCHAR) AS m_code, CAST(e AS BOOLEAN) AS m_flag
           FROM (VALUES ${values}) v(a, b, c, d, e)) TO '${join(dir, f.file)}' (FORMAT parquet)`,
      );
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return DUCK_FILES.flatMap((f) => f.expected);
}

type Schema = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>;

const textAndFlag: Schema = [
  { name: 'm_code', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'm_flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
];

/** hyparquet-writer: DATE days and legacy TIMESTAMP_MICROS, then logical TIMESTAMP(NANOS, not UTC-adjusted). */
export function writeHyparquetFiles(dir: string): Row[] {
  const micros: Schema = [
    { name: 'root', num_children: 5 },
    { name: 'm_id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'm_day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
    { name: 'm_ts', type: 'INT64', converted_type: 'TIMESTAMP_MICROS', repetition_type: 'OPTIONAL' },
    ...textAndFlag,
  ];
  writeFileSync(join(dir, 'hyparquet-micros.parquet'), new Uint8Array(parquetWriteBuffer({
    schema: micros,
    columnData: [
      { name: 'm_id', data: [41, 42, 43, 44] },
      { name: 'm_day', data: [-719162, 2932896, -1, 0] },
      { name: 'm_ts', data: [-62135596800000000n, 253402300799999999n, -1n, 1n] },
      { name: 'm_code', data: ['hq', 'hq  ', null, ''] },
      { name: 'm_flag', data: [true, false, true, null] },
    ],
  })));
  const nanos: Schema = [
    { name: 'root', num_children: 5 },
    { name: 'm_id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'm_day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
    { name: 'm_ts', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' }, repetition_type: 'OPTIONAL' },
    ...textAndFlag,
  ];
  writeFileSync(join(dir, 'hyparquet-nanos.parquet'), new Uint8Array(parquetWriteBuffer({
    schema: nanos,
    columnData: [
      { name: 'm_id', data: [45, 46] },
      { name: 'm_day', data: [19782, null] },
      { name: 'm_ts', data: [1709251199999999000n, -1000n] },
      { name: 'm_code', data: ['nn', 'nn'] },
      { name: 'm_flag', data: [false, true] },
    ],
  })));
  return [
    [41, '0001-01-01', '0001-01-01 00:00:00', 'hq', true],
    [42, '9999-12-31', '9999-12-31 23:59:59.999999', 'hq', false],
    [43, '1969-12-31', '1969-12-31 23:59:59.999999', null, true],
    [44, '1970-01-01', '1970-01-01 00:00:00.000001', '', null],
    [45, '2024-02-29', '2024-02-29 23:59:59.999999', 'nn', false],
    [46, null, '1969-12-31 23:59:59.999999', 'nn', true],
  ];
}

/** An INT96 file (Spark's timestamps): whole microseconds, before 1970, year 1 and year 9999. */
export function writeInt96File(dir: string, name = 'int96.parquet', nanos: Array<bigint | null> = [1709251199999999000n, -1000n, -62135596800000000000n, 253402300799999999000n, null]): Row[] {
  const ids = nanos.map((_, i) => 51 + i);
  writeFileSync(join(dir, name), parquetWithInt96(
    [{ name: 'root', num_children: 4 }, { name: 'm_id', type: 'INT32', repetition_type: 'REQUIRED' },
      { name: 'm_day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' }, ...textAndFlag],
    [
      { name: 'm_id', data: ids },
      { name: 'm_day', data: nanos.map(() => 19782) },
      { name: 'm_code', data: nanos.map(() => 'i96') },
      { name: 'm_flag', data: nanos.map(() => true) },
    ],
    { name: 'm_ts', nanos, after: 2 },
  ));
  return [
    [51, '2024-02-29', '2024-02-29 23:59:59.999999', 'i96', true],
    [52, '2024-02-29', '1969-12-31 23:59:59.999999', 'i96', true],
    [53, '2024-02-29', '0001-01-01 00:00:00', 'i96', true],
    [54, '2024-02-29', '9999-12-31 23:59:59.999999', 'i96', true],
    [55, '2024-02-29', null, 'i96', true],
  ];
}

/** Delimited text: every accepted spelling, and what each becomes. */
export function writeCsvFile(dir: string): Row[] {
  writeFileSync(join(dir, 'moments.csv'), [
    'm_id,m_day,m_ts,m_code,m_flag',
    '61,2024-02-29,2024-02-29 23:59:59.999999,AB,true',
    '62,1970-01-01,1970-01-01T00:00:00.000001,ABCD,F',
    '63,1969-12-31,1969-12-31 23:59:59.999999000,A  ,1',
    '64,0001-01-01,0001-01-01 00:00:00,x,0',
    '65,9999-12-31,9999-12-31 23:59:59.999999,Z,TRUE',
    '66,,,,',
    '67,2000-02-29,2000-02-29 12:00:00.5,"q,1",t',
    '',
  ].join('\n'));
  return [
    [61, '2024-02-29', '2024-02-29 23:59:59.999999', 'AB', true],
    [62, '1970-01-01', '1970-01-01 00:00:00.000001', 'ABCD', false],
    [63, '1969-12-31', '1969-12-31 23:59:59.999999', 'A', true],
    [64, '0001-01-01', '0001-01-01 00:00:00', 'x', false],
    [65, '9999-12-31', '9999-12-31 23:59:59.999999', 'Z', true],
    [66, null, null, null, null],
    [67, '2000-02-29', '2000-02-29 12:00:00.5', 'q,1', true],
  ];
}
