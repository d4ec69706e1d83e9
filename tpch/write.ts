/**
 * Writes a TPC-H table (by its name in tables.ts) to a folder as N files (part-00000.parquet … or
 * part-00000.tbl), keys split contiguously and evenly. Every file is generated on its own from (seed, its key range), so files can be
 * written by separate processes (`only`) or worker threads (`concurrency`) and still match a single run
 * byte for byte. Each file appears under its real name only once complete (see write-file.ts).
 */
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../core/worker-thread.ts';
import { ConfigError } from '../core/errors.ts';
import type { FileTask, WorkerReport } from './file-worker.ts';
import {
  DEFAULT_ROW_GROUP_SIZE,
  checkFiles,
  checkFormat,
  checkOnly,
  checkOutDir,
  checkRowGroupSize,
  checkScale,
  normalizeSeed,
  outputFolder,
  tableRowCount,
  type GenerateFormat,
  type SeedInput,
} from './options.ts';
import { tpchTable } from './tables.ts';
import { planFile, removeStaleTemporaries, temporaryPath, writeTableFile, type FilePlan, type GeneratedFile } from './write-file.ts';

export { fileKeyRange, partFileName, type GeneratedFile } from './write-file.ts';

export interface GenerateOptions {
  /** TPC-H scale factor, > 0 and at most 100,000; may be fractional (0.01 → 100 rows). */
  scale: number;
  /** Integer 0 ≤ seed < 2^64, or its decimal digits (as --seed gives it). Default DEFAULT_SEED. */
  seed?: SeedInput;
  /** Number of files to split the table into (default 1). */
  files?: number;
  /** 'parquet' (default) or 'csv' (dbgen's .tbl text). */
  format?: GenerateFormat;
  /** Output folder (a path or file:// URI); created when missing. Existing files of the same names are replaced. */
  outDir: string;
  /** Rows per parquet row group (default 100,000); memory grows with it, not with the scale. */
  rowGroupSize?: number;
  /** Write only these files (0-based indexes of the `files`-way split): to spread one table over processes. */
  only?: number[];
  /**
   * Worker threads writing files side by side (default: one per CPU, at most one per file, when the call
   * writes at least PARALLEL_MIN_ROWS rows and more than one file; otherwise 1, in this thread).
   */
  concurrency?: number;
  /** Called after every batch written. */
  onProgress?: (progress: GenerateProgress) => void;
}

export interface GenerateProgress {
  /** Rows written so far in this call. */
  rows: number;
  /** Rows this call writes in all (for a table with 1–7 rows per key, LINEITEM, the expected count). */
  totalRows: number;
  /** The file a batch was just written to (its final path). */
  file: string;
}

export interface GenerateResult {
  /** The files written, in file order. */
  files: GeneratedFile[];
  /** Rows written by this call (the whole table unless `only` was given). */
  rows: number;
}

/** Below this many rows a call stays in its own thread: starting a worker costs about a quarter second. */
export const PARALLEL_MIN_ROWS = 200_000;

/** The options of generateSupplier: those of any table. */
export type GenerateSupplierOptions = GenerateOptions;

/** Generates SUPPLIER into `outDir` (generateTable for 'supplier'). */
export function generateSupplier(options: GenerateSupplierOptions): Promise<GenerateResult> {
  return generateTable('supplier', options);
}

/**
 * Generates the TPC-H table named `tableName` (a key of tpchTables) into `outDir`. Throws ConfigError for
 * an unknown table or a bad option before anything is written.
 */
export async function generateTable(tableName: string, options: GenerateOptions): Promise<GenerateResult> {
  const table = tpchTable(tableName);
  checkScale(options.scale);
  const rows = tableRowCount(table, options.scale);
  const seed = normalizeSeed(options.seed);
  const files = options.files ?? 1;
  checkFiles(files, rows);
  const format = options.format ?? 'parquet';
  checkFormat(format);
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  checkRowGroupSize(rowGroupSize);
  checkOutDir(options.outDir);
  const indexes = checkOnly(options.only, files);

  const dir = outputFolder(options.outDir);
  const plans = indexes.map((index) => planFile(dir, rows, files, index, format));
  const totalKeys = plans.reduce((sum, p) => sum + p.lastKey - p.firstKey + 1, 0);
  // Rows are counted as written; with several rows per key (LINEITEM) the total shown in progress is the mean.
  const totalRows = Math.round(totalKeys * ((table.rowsPerKey?.min ?? 1) + (table.rowsPerKey?.max ?? 1)) / 2);
  const concurrency = chooseConcurrency(options.concurrency, plans.length, totalRows);
  await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new ConfigError(`cannot create the output folder ${dir}: ${e.code ?? e.message}`, { file: dir }, 'check the path and its permissions');
  });

  await removeStaleTemporaries(dir, plans.map((p) => basename(p.path)));

  const metadataFor = (plan: FilePlan): Record<string, string> => ({
    'redshift-loader.generate': JSON.stringify({
      dataset: table.name,
      scale: options.scale,
      seed: seed.toString(),
      files,
      file: plan.index,
      firstKey: plan.firstKey,
      lastKey: plan.lastKey,
    }),
  });
  let done = 0;
  const progress = (plan: FilePlan, n: number): void => {
    done += n;
    options.onProgress?.({ rows: done, totalRows, file: plan.path });
  };

  let written: GeneratedFile[];
  if (concurrency <= 1) {
    const generator = table.generator({ scale: options.scale, seed });
    written = [];
    for (const plan of plans) {
      written.push(
        await writeTableFile(table, generator, plan, {
          format,
          rowGroupSize,
          metadata: metadataFor(plan),
          onRows: (n) => progress(plan, n),
        }),
      );
    }
  } else {
    written = await writeInWorkers(
      plans.map((plan) => ({ table: table.name, scale: options.scale, seed, plan, options: { format, rowGroupSize, metadata: metadataFor(plan) } })),
      concurrency,
      progress,
    );
  }
  return { files: written, rows: written.reduce((sum, f) => sum + f.rows, 0) };
}

function chooseConcurrency(requested: unknown, files: number, rows: number): number {
  if (requested !== undefined) {
    if (typeof requested !== 'number' || !Number.isSafeInteger(requested) || requested < 1) {
      throw new ConfigError(`concurrency must be a whole number of at least 1, got ${typeof requested === 'number' || typeof requested === 'string' ? String(requested) : inspect(requested)}`, {}, 'e.g. 4');
    }
    return Math.min(requested, files);
  }
  return files > 1 && rows >= PARALLEL_MIN_ROWS ? Math.min(files, availableParallelism()) : 1;
}

/** The worker entry beside this module: file-worker.ts from the sources, file-worker.js once compiled. */
const WORKER_URL = new URL(`./file-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

function startWorker(): Worker {
  return startModuleWorker(WORKER_URL);
}

/**
 * Writes the tasks' files on `concurrency` worker threads, each taking the next file when it finishes one.
 * The first failure stops every worker and removes the temporary files in flight.
 */
async function writeInWorkers(
  tasks: FileTask[],
  concurrency: number,
  progress: (plan: FilePlan, rows: number) => void,
): Promise<GeneratedFile[]> {
  const results = new Map<number, GeneratedFile>();
  /** Temporary paths of the files being written, by file index. */
  const inFlight = new Map<number, string>();
  const workers: Worker[] = [];
  const retired = new Set<Worker>();
  const byIndex = new Map(tasks.map((t) => [t.plan.index, t]));
  let next = 0;
  let failure: Error | undefined;

  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error): void => {
      if (failure) return;
      failure = error;
      Promise.all(workers.map((w) => w.terminate()))
        .then(() => Promise.all([...inFlight.values()].map((p) => rm(p, { force: true }))))
        .then(() => reject(error), () => reject(error));
    };
    const feed = (worker: Worker): void => {
      if (failure) return;
      if (next < tasks.length) {
        const task = tasks[next++];
        const tmp = temporaryPath(task.plan.path);
        inFlight.set(task.plan.index, tmp);
        worker.postMessage({ ...task, options: { ...task.options, temporaryPath: tmp } } satisfies FileTask);
      } else {
        retired.add(worker);
        void worker.terminate();
      }
      if (results.size === tasks.length) resolve();
    };
    for (let w = 0; w < concurrency; w++) {
      const worker = startWorker();
      workers.push(worker);
      worker.on('message', (report: WorkerReport) => {
        if (failure) return;
        const task = byIndex.get(report.index)!;
        switch (report.type) {
          case 'rows':
            try {
              progress(task.plan, report.rows);
            } catch (e) {
              fail(e instanceof Error ? e : new Error(String(e)));
            }
            break;
          case 'done':
            results.set(report.index, report.file);
            inFlight.delete(report.index);
            feed(worker);
            break;
          case 'failed': {
            const error = new Error(`writing ${task.plan.path} failed: ${report.message}`);
            if (report.stack) error.stack = `${error.message}\n(worker) ${report.stack}`;
            fail(error);
            break;
          }
        }
      });
      worker.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
      worker.on('exit', (code) => {
        if (!failure && !retired.has(worker)) fail(new Error(`a generator worker exited with code ${code}`));
      });
      feed(worker);
    }
  });
  return tasks.map((t) => results.get(t.plan.index)!);
}
