/** What every benchmark input builder shares: where inputs live and how one is made once. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchDataset } from '../datasets.ts';

/** An input folder and the rows it holds (kept in its `.complete` marker). */
export interface Input {
  dir: string;
  rows: number;
}

export interface InputContext {
  dataset: BenchDataset;
  /** Rows asked for (LINEITEM's count is the nearest whole-order count: `gen`'s rows). */
  size: number;
  /** Folder the inputs are built under (bench/.data). */
  data: string;
  /** Run the loader from its sources (tsx) rather than the compiled CLI. */
  tsx: boolean;
}

/** The input's folder, built by `build` (which returns its rows) unless a complete one is there already. */
export async function once(ctx: InputContext, name: string, build: (dir: string) => Promise<number>): Promise<Input> {
  const dir = join(ctx.data, `${ctx.dataset}-${name}-${ctx.size}`);
  const done = join(dir, '.complete');
  if (existsSync(done)) return { dir, rows: Number(readFileSync(done, 'utf8')) };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rows = await build(dir);
  writeFileSync(done, String(rows));
  return { dir, rows };
}

/** How many files the generator writes for `size` rows: 2 to 16, about 250k rows each. */
export function generatorFiles(size: number): number {
  return Math.max(2, Math.min(16, Math.round(size / 250_000)));
}
