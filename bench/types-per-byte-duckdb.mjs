// The peer of bench/types-per-byte.ts, timed by it as a whole process: DuckDB turns a folder of Parquet
// files into gzip pipe-delimited text, one file per thread.
//   node bench/types-per-byte-duckdb.mjs <parquet dir> <out dir> <threads>
// Prints one JSON line: rows and DuckDB's version.
import { DuckDBInstance } from '@duckdb/node-api';

const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const [dir, out, threads = '2'] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads });
const db = await instance.connect();
const result = await db.run(
  `COPY (SELECT * FROM read_parquet(${quote(`${dir}/*.parquet`)})) TO ${quote(out)}
     (FORMAT csv, DELIMITER '|', HEADER false, COMPRESSION gzip, PER_THREAD_OUTPUT true, OVERWRITE true)`,
);
const rows = Number(result.rowsChanged);
const version = (await (await db.run('SELECT version()')).getRows())[0][0];
process.stdout.write(`${JSON.stringify({ rows, version })}\n`);
