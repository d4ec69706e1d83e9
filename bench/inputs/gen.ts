/**
 * "gen": our generator's Parquet (hyparquet-writer), several files with 100k-row groups, snappy; and
 * "tbl": the same rows as dbgen-style `.tbl` text (pipe-delimited, a trailing `|`, no quotes; the
 * contract's `source.delimited` reads it), the same file count. Every other input is made from "gen".
 */
import { join } from 'node:path';
import { BENCH_DATASETS } from '../datasets.ts';
import { cli, measure } from '../measure.ts';
import { generatorFiles, once, type Input, type InputContext } from './input.ts';

async function generate(ctx: InputContext, dir: string, format: 'parquet' | 'csv'): Promise<number> {
  const files = generatorFiles(ctx.size);
  const scale = BENCH_DATASETS[ctx.dataset].scaleFor(ctx.size);
  console.log(`building ${dir}: ${ctx.dataset} SF ${scale} (about ${ctx.size} rows) in ${files} ${format === 'csv' ? '.tbl' : 'Parquet'} files …`);
  const r = await measure([...cli(ctx.tsx), 'generate', '--dataset', ctx.dataset, '--scale', scale, '--files', String(files), '--row-group', '100000', '--format', format, '--out', dir, '--json']);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { rows: number }).rows;
}

export function genInput(ctx: InputContext): Promise<Input> {
  return once(ctx, 'gen', (dir) => generate(ctx, dir, 'parquet'));
}

export function tblInput(ctx: InputContext, gen: Input): Promise<Input> {
  return once(ctx, 'tbl', async (dir) => {
    const rows = await generate(ctx, dir, 'csv');
    if (rows !== gen.rows) throw new Error(`${join(dir)}: the generator wrote ${rows} .tbl rows, ${gen.rows} Parquet rows`);
    return rows;
  });
}
