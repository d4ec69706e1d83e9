// DuckDB writes a benchmark input as Parquet from the generator's files ("gen"), the same rows:
//   node bench/inputs/duckdb-parquet.mjs default|v2 <dataset> <gen dir> <out dir>
//     DuckDB's default Parquet ("duck") or PARQUET_VERSION V2 ("duckv2": DELTA_BINARY_PACKED,
//     DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT): snappy, its default row groups, one file per thread
//     (2); for supplier DOUBLE s_acctbal and BIGINT s_nationkey, like ../shared/data/tpch/duckdb-snappy,
//     for lineitem the types DuckDB's own TPC-H tables have (DECIMAL(15,2), DATE, VARCHAR).
//   node bench/inputs/duckdb-parquet.mjs cast <dataset> <gen dir> <out dir> <column=TYPE;…>
//     one file per generator file, the same name and row order, the named columns cast (the "arrow"
//     input's first step: DECIMAL(20,2) money columns, which arrow-rs then writes as FIXED_LEN_BYTE_ARRAY).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;
const DUCK_SHAPES = {
  supplier: 's_suppkey, s_name, s_address, s_nationkey::BIGINT AS s_nationkey, s_phone, s_acctbal::DOUBLE AS s_acctbal, s_comment',
  lineitem: '*',
};
const [mode, dataset, src, out, casts] = process.argv.slice(2);

if (mode === 'default' || mode === 'v2') {
  const shape = DUCK_SHAPES[dataset];
  if (!shape) throw new Error(`no DuckDB shape for dataset ${dataset}`);
  const db = await (await DuckDBInstance.create(':memory:', { threads: '2' })).connect();
  await db.run(
    `COPY (SELECT ${shape} FROM read_parquet(${quote(`${src}/*.parquet`)}))
       TO ${quote(out)} (FORMAT parquet, COMPRESSION snappy, PER_THREAD_OUTPUT, OVERWRITE${mode === 'v2' ? ', PARQUET_VERSION V2' : ''})`,
  );
} else if (mode === 'cast') {
  const replace = casts.split(';').map((c) => {
    const [name, type] = c.split('=');
    return `${ident(name)}::${type} AS ${ident(name)}`;
  });
  // One thread: the rows keep the generator's order.
  const db = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
  for (const f of readdirSync(src).filter((n) => n.endsWith('.parquet')).sort()) {
    await db.run(`COPY (SELECT * REPLACE (${replace.join(', ')}) FROM read_parquet(${quote(join(src, f))})) TO ${quote(join(out, f))} (FORMAT parquet)`);
  }
} else {
  throw new Error(`unknown mode ${mode}: default, v2 or cast`);
}
