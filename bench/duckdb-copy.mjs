// The peer: DuckDB turns the same Parquet files into gzip pipe-delimited text, as a user would with
// COPY … TO … (FORMAT csv, DELIMITER '|', COMPRESSION gzip), at a fixed number of threads.
//   node bench/duckdb-copy.mjs <parquet dir> <out.csv.gz> <threads>
// Prints one JSON line: seconds spent in COPY, rows, DuckDB's version.
// With --parquet <parquet dir> <out dir>, it writes the benchmark's second input instead: the same rows
// as DuckDB writes Parquet (its default row groups, snappy, PLAIN strings, DOUBLE s_acctbal and BIGINT
// s_nationkey, like ../shared/data/tpch/duckdb-snappy), one file per thread.
import { DuckDBInstance } from '@duckdb/node-api';

const quote = (s) => `'${s.replaceAll("'", "''")}'`;
if (process.argv[2] === '--parquet') {
  const [, src, out] = process.argv.slice(2);
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  await db.run(
    `COPY (SELECT s_suppkey, s_name, s_address, s_nationkey::BIGINT AS s_nationkey, s_phone, s_acctbal::DOUBLE AS s_acctbal, s_comment
       FROM read_parquet(${quote(`${src}/*.parquet`)})) TO ${quote(out)} (FORMAT parquet, COMPRESSION snappy, PER_THREAD_OUTPUT, OVERWRITE)`,
  );
  process.exit(0);
}

const [dir, out, threads = '2'] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads });
const db = await instance.connect();
const started = performance.now();
const result = await db.run(
  `COPY (SELECT * FROM read_parquet(${quote(`${dir}/*.parquet`)})) TO ${quote(out)} (FORMAT csv, DELIMITER '|', HEADER false, COMPRESSION gzip)`,
);
const seconds = (performance.now() - started) / 1000;
const rows = Number(result.rowsChanged);
const version = (await (await db.run('SELECT version()')).getRows())[0][0];
process.stdout.write(`${JSON.stringify({ seconds, rows, version })}\n`);
