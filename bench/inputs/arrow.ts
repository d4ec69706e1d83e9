/**
 * "arrow": the generator's rows as arrow-rs writes Parquet (parquet-wasm 0.8 is arrow-rs 59 compiled to
 * WebAssembly): data pages v2, dictionaries on, snappy, and FIXED_LEN_BYTE_ARRAY decimals.
 *
 * arrow-rs writes a Decimal128 of precision ≤ 18 as INT32/INT64 and only a larger one as
 * FIXED_LEN_BYTE_ARRAY, so DuckDB first copies each generator file with every decimal column of the
 * contract cast to DECIMAL(20, scale) (bench/inputs/duckdb-parquet.mjs cast), then parquet-wasm reads
 * that file into Arrow and writes it again. The contract is unchanged: a decimal(20,s) file column into
 * decimal(15,2) is "narrowing-checked" (crawler/glue-types.ts), so the drift check lets it through and
 * the pass checks every value against the contract's precision — what a real wide-decimal export costs.
 *
 * One output file per generator file (2–16 files of ≤ 625k rows: parquet-wasm holds a whole file in
 * WebAssembly memory, so files stay small enough at 10M LINEITEM rows), each one row group: arrow-rs's
 * default cap is 1,048,576 rows per group, set here explicitly, so a file of this size is one group as
 * pyarrow and arrow-rs users get by default.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Compression, readParquet, writeParquet, WriterPropertiesBuilder, WriterVersion } from 'parquet-wasm/node';
import { datasets } from '../../datasets/index.ts';
import { BENCH, measure } from '../measure.ts';
import { once, type Input, type InputContext } from './input.ts';

/** arrow-rs's default max_row_group_size. */
export const ARROW_ROW_GROUP_ROWS = 1024 * 1024;
/** Decimal precision at which arrow-rs switches to FIXED_LEN_BYTE_ARRAY (> 18). */
export const ARROW_FLBA_PRECISION = 20;

/** `column=DECIMAL(20,s)` for every decimal column of the dataset's contract. */
export function wideDecimalCasts(dataset: string): string[] {
  return datasets[dataset].columns.flatMap((c) => (c.type.kind === 'decimal' ? [`${c.name}=DECIMAL(${ARROW_FLBA_PRECISION},${c.type.scale})`] : []));
}

export function arrowInput(ctx: InputContext, gen: Input): Promise<Input> {
  return once(ctx, 'arrow', async (dir) => {
    console.log(`building ${dir}: the same rows written by arrow-rs (parquet-wasm), decimals as FIXED_LEN_BYTE_ARRAY …`);
    const casts = wideDecimalCasts(ctx.dataset);
    if (!casts.length) throw new Error(`${ctx.dataset} has no decimal column to write as FIXED_LEN_BYTE_ARRAY`);
    const staged = `${dir}.cast`;
    rmSync(staged, { recursive: true, force: true });
    try {
      mkdirSync(staged, { recursive: true });
      await measure([join(BENCH, 'inputs/duckdb-parquet.mjs'), 'cast', ctx.dataset, gen.dir, staged, casts.join(';')]);
      for (const f of readdirSync(staged).filter((n) => n.endsWith('.parquet')).sort()) {
        writeFileSync(join(dir, f), arrowRewrite(readFileSync(join(staged, f))));
        rmSync(join(staged, f));
      }
    } finally {
      rmSync(staged, { recursive: true, force: true });
    }
    return gen.rows;
  });
}

/** One Parquet file read into Arrow and written by arrow-rs: v2 pages, dictionaries, snappy. */
export function arrowRewrite(parquet: Uint8Array): Uint8Array {
  const table = readParquet(parquet, { batchSize: 65_536 });
  const props = new WriterPropertiesBuilder()
    .setWriterVersion(WriterVersion.V2)
    .setDictionaryEnabled(true)
    .setCompression(Compression.SNAPPY)
    .setMaxRowGroupSize(ARROW_ROW_GROUP_ROWS)
    .build();
  return writeParquet(table, props); // consumes the table and the properties
}
