// The peer: DuckDB turns the same input into gzip pipe-delimited text, as a user would with
// COPY … TO … (FORMAT csv, DELIMITER '|', COMPRESSION gzip), at a fixed number of threads.
//   node bench/duckdb-copy.mjs <input dir> <out dir> <threads> [<columns JSON>]
// Prints one JSON line: seconds spent in COPY, rows, DuckDB's version.
// The output is a folder: PER_THREAD_OUTPUT, one gzip file per thread, DuckDB's fastest setting
// (one file is compressed by one thread).
// Without columns the input is Parquet (read_parquet of <dir>/*.parquet). With them ({"name": "TYPE"},
// in file order) it is dbgen `.tbl` text: read_csv(<dir>/*.tbl, delim '|', no header, no quotes, the
// columns and their types given, so nothing is sniffed; the trailing '|' of each line ends the last
// field), and the output rows are the same as from the Parquet inputs.
import { DuckDBInstance } from '@duckdb/node-api';

const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const [dir, out, threads = '2', columns] = process.argv.slice(2);
const source = columns
  ? `read_csv(${quote(`${dir}/*.tbl`)}, delim = '|', header = false, quote = '', escape = '', auto_detect = false, columns = {${Object.entries(JSON.parse(columns)).map(([n, t]) => `${quote(n)}: ${quote(t)}`).join(', ')}})`
  : `read_parquet(${quote(`${dir}/*.parquet`)})`;
const instance = await DuckDBInstance.create(':memory:', { threads });
const db = await instance.connect();
const started = performance.now();
const result = await db.run(
  `COPY (SELECT * FROM ${source}) TO ${quote(out)} (FORMAT csv, DELIMITER '|', HEADER false, COMPRESSION gzip, PER_THREAD_OUTPUT)`,
);
const seconds = (performance.now() - started) / 1000;
const rows = Number(result.rowsChanged);
const version = (await (await db.run('SELECT version()')).getRows())[0][0];
process.stdout.write(`${JSON.stringify({ seconds, rows, version })}\n`);
