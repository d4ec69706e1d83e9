/**
 * The generator's inputs, checked once: anything a user can get wrong becomes a ConfigError naming the
 * option, the value and what is allowed.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.ts';
import type { TpchTable } from './table.ts';

/** TPC-H's rows of SUPPLIER per unit of scale factor. */
export const SUPPLIER_ROWS_PER_SF = 10_000;

/** The largest scale factor TPC-H defines (1,000,000,000 suppliers). */
export const MAX_SCALE = 100_000;

/** The seed used when none is given: `npm start` always writes the same sample. */
export const DEFAULT_SEED = 19920101n;

/** Rows per parquet row group (and per generated batch) when none is given. */
export const DEFAULT_ROW_GROUP_SIZE = 100_000;

export type GenerateFormat = 'parquet' | 'csv';
export const GENERATE_FORMATS: readonly GenerateFormat[] = ['parquet', 'csv'];

/** A seed as the CLI or a caller gives it: an integer 0 ≤ seed < 2^64, or its decimal digits. */
export type SeedInput = number | bigint | string;

/** Rows of SUPPLIER at a scale factor: SF × 10,000, truncated like dbgen, and at least one. */
export function supplierRowCount(scale: number): number {
  return scaledRowCount(SUPPLIER_ROWS_PER_SF, scale);
}

/** Rows of a table at a scale factor: its fixed count, or SF × its rows per SF truncated like dbgen (at least one). */
export function tableRowCount(table: Pick<TpchTable, 'rowsPerScaleFactor' | 'fixedRows'>, scale: number): number {
  if (table.fixedRows !== undefined) {
    checkScale(scale);
    return table.fixedRows;
  }
  return scaledRowCount(table.rowsPerScaleFactor, scale);
}

function scaledRowCount(rowsPerScaleFactor: number, scale: number): number {
  checkScale(scale);
  // Round away binary noise first (0.29 × 10,000 is 2899.9999999999995 in floating point).
  const exact = Math.round(scale * rowsPerScaleFactor * 1e6) / 1e6;
  return Math.max(1, Math.floor(exact));
}

export function checkScale(scale: unknown): asserts scale is number {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new ConfigError(
      `scale factor must be a number greater than 0, got ${describe(scale)}`,
      {},
      'e.g. --scale 1 (10,000 suppliers) or --scale 0.01 (100)',
    );
  }
  if (scale > MAX_SCALE) {
    throw new ConfigError(`scale factor ${scale} is above TPC-H's largest, ${MAX_SCALE}`, {}, `use --scale ${MAX_SCALE} or less`);
  }
}

export function normalizeSeed(seed: SeedInput | undefined): bigint {
  if (seed === undefined) return DEFAULT_SEED;
  let value: bigint | undefined;
  if (typeof seed === 'bigint') value = seed;
  else if (typeof seed === 'number' && Number.isSafeInteger(seed)) value = BigInt(seed);
  else if (typeof seed === 'string' && /^\s*\d+\s*$/.test(seed)) value = BigInt(seed.trim());
  if (value === undefined || value < 0n || value >= 1n << 64n) {
    throw new ConfigError(`seed must be an integer from 0 to 2^64-1, got ${describe(seed)}`, {}, 'e.g. --seed 42');
  }
  return value;
}

export function checkFiles(files: unknown, rows: number): asserts files is number {
  if (typeof files !== 'number' || !Number.isSafeInteger(files) || files < 1) {
    throw new ConfigError(`number of files must be a whole number of at least 1, got ${describe(files)}`, {}, 'e.g. --files 4');
  }
  if (files > rows) {
    throw new ConfigError(
      `cannot split ${rows} row${rows === 1 ? '' : 's'} into ${files} files: every file needs at least one row`,
      {},
      `use --files ${rows} or fewer, or a larger --scale`,
    );
  }
}

export function checkFormat(format: unknown): asserts format is GenerateFormat {
  if (!GENERATE_FORMATS.includes(format as GenerateFormat)) {
    throw new ConfigError(`unknown format ${describe(format)}`, {}, `use one of: ${GENERATE_FORMATS.join(', ')}`);
  }
}

export function checkRowGroupSize(size: unknown): asserts size is number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    throw new ConfigError(`row group size must be a whole number of at least 1, got ${describe(size)}`, {}, 'e.g. 100000');
  }
}

export function checkOutDir(outDir: unknown): asserts outDir is string {
  if (typeof outDir !== 'string' || outDir.trim() === '') {
    throw new ConfigError('an output folder is required', {}, 'e.g. --out ./landing/supplier/20250101');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(outDir) && !outDir.startsWith('file://')) {
    throw new ConfigError(`the generator writes to a local folder, not ${outDir}`, {}, 'use a path or file://…');
  }
}

/** The local folder an output location names: a path (relative to the working directory) or file://…. */
export function outputFolder(outDir: string): string {
  return outDir.startsWith('file://') ? fileURLToPath(outDir) : resolve(outDir);
}

/** The indexes (0-based) of the files to write; all of them when `only` is absent. */
export function checkOnly(only: unknown, files: number): number[] {
  if (only === undefined) return Array.from({ length: files }, (_, i) => i);
  if (!Array.isArray(only) || only.length === 0) {
    throw new ConfigError(`"only" must list file indexes, got ${describe(only)}`, {}, `indexes run from 0 to ${files - 1}`);
  }
  for (const i of only) {
    if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0 || i >= files) {
      throw new ConfigError(`file index ${describe(i)} is not one of the ${files} files`, {}, `indexes run from 0 to ${files - 1}`);
    }
  }
  return [...new Set(only as number[])].sort((a, b) => a - b);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}`;
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  return String(v);
}
