// The peer: DuckDB turns the same Parquet files into gzip pipe-delimited text, as a user would with
// COPY … TO … (FORMAT csv, DELIMITER '|', COMPRESSION gzip), at a fixed number of threads.
//   node bench/duckdb-copy.mjs <parquet dir> <out dir> <threads>
// Prints one JSON line: seconds spent in COPY, rows, DuckDB's version.
// The output is a folder: PER_THREAD_OUTPUT, one gzip file per thread, DuckDB's fastest setting
// (one file is compressed by one thread).
// With --parquet <dataset> <parquet dir> <out dir>, it writes the benchmark's second input instead: the
// same rows as DuckDB writes Parquet (its default row groups, snappy, one file per thread) — for
// supplier with DOUBLE s_acctbal and BIGINT s_nationkey, like ../shared/data/tpch/duckdb-snappy; for
// lineitem in the types DuckDB's own TPC-H tables have (DECIMAL(15,2), DATE, VARCHAR).
import { DuckDBInstance } from '@duckdb/node-api';

const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const DUCK_SHAPES = {
  supplier: 's_suppkey, s_name, s_address, s_nationkey::BIGINT AS s_nationkey, s_phone, s_acctbal::DOUBLE AS s_acctbal, s_comment',
  lineitem: '*',
};
if (process.argv[2] === '--parquet') {
  const [, dataset, src, out] = process.argv.slice(2);
  const shape = DUCK_SHAPES[dataset];
  if (!shape) throw new Error(`no DuckDB shape for dataset ${dataset}`);
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  await db.run(
    `COPY (SELECT ${shape} FROM read_parquet(${quote(`${src}/*.parquet`)}))
       TO ${quote(out)} (FORMAT parquet, COMPRESSION snappy, PER_THREAD_OUTPUT, OVERWRITE)`,
  );
  process.exit(0);
}

const [dir, out, threads = '2'] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads });
const db = await instance.connect();
const started = performance.now();
const result = await db.run(
  `COPY (SELECT * FROM read_parquet(${quote(`${dir}/*.parquet`)})) TO ${quote(out)} (FORMAT csv, DELIMITER '|', HEADER false, COMPRESSION gzip, PER_THREAD_OUTPUT)`,
);
const seconds = (performance.now() - started) / 1000;
const rows = Number(result.rowsChanged);
const version = (await (await db.run('SELECT version()')).getRows())[0][0];
process.stdout.write(`${JSON.stringify({ seconds, rows, version })}\n`);
