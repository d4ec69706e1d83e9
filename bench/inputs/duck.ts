/**
 * "duck" and "duckv2": the generator's rows as DuckDB writes Parquet, by default or with
 * PARQUET_VERSION V2 (bench/inputs/duckdb-parquet.mjs says the shapes).
 */
import { join } from 'node:path';
import { BENCH, measure } from '../measure.ts';
import { once, type Input, type InputContext } from './input.ts';

export function duckInput(ctx: InputContext, gen: Input, version: 'default' | 'v2'): Promise<Input> {
  return once(ctx, version === 'v2' ? 'duckv2' : 'duck', async (dir) => {
    console.log(`building ${dir}: the same rows written by DuckDB (Parquet ${version}) …`);
    await measure([join(BENCH, 'inputs/duckdb-parquet.mjs'), version, ctx.dataset, gen.dir, dir]);
    return gen.rows;
  });
}
