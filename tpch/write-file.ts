/**
 * One output file of the generator, for any table: its key range, its name, and writing it atomically (a hidden temporary
 * file beside the target, made durable, then renamed into place).
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { GenerateFormat } from './options.ts';
import { TableParquetSink } from './parquet-file.ts';
import type { TpchBatch, TpchRowGenerator, TpchTable } from './table.ts';
import { encodeTbl, maxTblLineBytes } from './tbl.ts';

/** Rows per .tbl write (about 7 MB of text at most). */
export const CSV_BATCH_ROWS = 32_768;

export interface FilePlan {
  /** 0-based index of the file in the split. */
  index: number;
  /** Absolute path of the finished file. */
  path: string;
  /** Keys of the file's first and last row (inclusive): parent keys for a table with rowsPerKey. */
  firstKey: number;
  lastKey: number;
}

export interface GeneratedFile {
  /** Absolute path of the file. */
  path: string;
  rows: number;
  bytes: number;
  /** Row keys of the file's first and last row. */
  firstKey: number;
  lastKey: number;
}

export interface WriteFileOptions {
  format: GenerateFormat;
  /** Rows per parquet row group. */
  rowGroupSize: number;
  /** Footer key/value metadata (parquet only). */
  metadata?: Record<string, string>;
  /** Called with the rows of every batch once written. */
  onRows?: (rows: number) => void;
  /** Where the file is written until complete (default: a fresh temporaryPath(plan.path)). */
  temporaryPath?: string;
}

/** The contiguous key range of file `index` (0-based) when `rows` keys are split evenly over `files` files. */
export function fileKeyRange(rows: number, files: number, index: number): { firstKey: number; lastKey: number } {
  return { firstKey: Math.floor((index * rows) / files) + 1, lastKey: Math.floor(((index + 1) * rows) / files) };
}

/** part-00000.parquet, part-00001.tbl, … */
export function partFileName(index: number, format: GenerateFormat): string {
  return `part-${String(index).padStart(5, '0')}.${format === 'csv' ? 'tbl' : 'parquet'}`;
}

/** The plan for file `index` of a `files`-way split of `rows` rows into folder `dir`. */
export function planFile(dir: string, rows: number, files: number, index: number, format: GenerateFormat): FilePlan {
  return { index, path: join(dir, partFileName(index, format)), ...fileKeyRange(rows, files, index) };
}

/** The name a file is written under until it is complete: hidden (readers skip dot files) and unique. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
}

/**
 * Removes what killed earlier runs left of these files: their hidden temporary files in `dir`. Only the
 * temporaries of the named files are touched, so runs writing other files of the same split (`only`) into
 * the same folder at the same time are safe.
 */
export async function removeStaleTemporaries(dir: string, fileNames: string[]): Promise<string[]> {
  const wanted = new Set(fileNames);
  const stale = (await readdir(dir)).filter((name) => {
    const m = /^\.(.+)\.[0-9a-f]{12}\.partial$/.exec(name);
    return m !== null && wanted.has(m[1]);
  });
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })));
  return stale;
}

/** Writes one planned file of a table's rows. */
export async function writeTableFile<B extends TpchBatch>(
  table: TpchTable<B>,
  generator: TpchRowGenerator<B>,
  plan: FilePlan,
  options: WriteFileOptions,
): Promise<GeneratedFile> {
  const { firstKey, lastKey } = plan;
  const keys = lastKey - firstKey + 1;
  let rows = 0;
  const tmp = options.temporaryPath ?? temporaryPath(plan.path);
  const bytes = await writeAtomically(tmp, plan.path, async (handle) => {
    if (options.format === 'csv') {
      const batchSize = Math.min(CSV_BATCH_ROWS, keys * (table.rowsPerKey?.max ?? 1));
      const lineBytes = maxTblLineBytes(table);
      let buffer = Buffer.allocUnsafe(batchSize * lineBytes);
      for (const batch of generator.batches({ firstKey, lastKey, batchSize })) {
        // Whole keys per batch: a table with several rows per key may pass batchSize rows.
        if (buffer.length < batch.numRows * lineBytes) buffer = Buffer.allocUnsafe(batch.numRows * lineBytes);
        const text = encodeTbl(table, batch, buffer);
        rows += batch.numRows;
        let done = 0;
        while (done < text.length) done += (await handle.write(text, done, text.length - done)).bytesWritten;
        options.onRows?.(batch.numRows);
      }
    } else {
      const sink = new TableParquetSink(table, handle, { metadata: options.metadata });
      for (const batch of generator.batches({ firstKey, lastKey, batchSize: options.rowGroupSize })) {
        await sink.write(batch);
        rows += batch.numRows;
        options.onRows?.(batch.numRows);
      }
      await sink.finish();
    }
  });
  return { path: plan.path, rows, bytes, firstKey, lastKey };
}

/**
 * Runs `fill` on the new file `tmp`, makes it durable, then renames it to `path`. On any error `tmp` is
 * removed and `path` is left as it was. Returns the file's size.
 */
async function writeAtomically(tmp: string, path: string, fill: (handle: FileHandle) => Promise<void>): Promise<number> {
  const handle = await open(tmp, 'wx');
  let closed = false;
  try {
    await fill(handle);
    await handle.datasync();
    const { size } = await handle.stat();
    await handle.close();
    closed = true;
    await rename(tmp, path);
    return size;
  } catch (e) {
    if (!closed) await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}
