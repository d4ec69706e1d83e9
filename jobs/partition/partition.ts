/**
 * The one streaming pass: read every source file once, check every value (quality), and write the
 * values as k x slices even gzip CSV parts plus manifest.json. Nothing holds a whole file or column.
 *
 * The pass is cut into units (a Parquet row group, or a slice of a large one; a batch of a delimited
 * file). Units run side by side on worker threads (pool.ts, unit.ts): each one is decoded, checked and
 * written as CSV blocks that it compresses itself. The main thread reads the files, keeps a bounded
 * number of units in flight (back-pressure from the part streams included), and merges the results in
 * input order: quality shares into the one evaluator (uniqueness is judged over every key), checksums,
 * and blocks into the parts. Every byte of the output is a function of the input alone.
 */
import type { DatasetContract } from '../../datasets/index.ts';
import { QualityEvaluator, qualityErrorFrom, type FallbackCount, type QualityReport } from '../../data-quality/index.ts';
import { LoadError, QualityError } from '../../core/errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Manifest } from '../../core/manifest.ts';
import { sourceFileEntry, writeManifest } from '../manifest.ts';
import { formatOf, listBatchFiles, openSource } from '../readers/index.ts';
import type { RandomAccess } from '../store/object-store.ts';
import { defaultWorkers, SMALL_INPUT_BYTES } from './worker-start.ts';
import { openParquet } from '../readers/parquet.ts';
import { countDataPages } from '../readers/parquet-pages.ts';
import type { ObjectInfo, ObjectStore } from '../store/object-store.ts';
import type { FileSchema } from '../../core/values.ts';
import { ChecksumAccumulator } from './checksums.ts';
import { CSV_DIALECT } from '../../core/csv-dialect.ts';
import { FallbackCounter } from './fallback.ts';
import { withUnseenNullMarker } from './null-marker.ts';
import { partCount } from './part-count.ts';
import { PartSet } from './part-set.ts';
import { checkPageSizes, DEFAULT_MAX_PAGE_BYTES } from './page-size-limit.ts';
import { InlineRunner, WorkerPool, type UnitRunner } from './pool.ts';
import { pausePoint } from '../pause-point.ts';
import type { UnitResult } from './unit.ts';

export { partCount, MAX_PARTS, MIN_PART_INPUT_BYTES } from './part-count.ts';

export interface PartitionOptions {
  contract: DatasetContract;
  sourceStore: ObjectStore;
  sourceUri: string;
  outStore: ObjectStore;
  outUri: string;
  batchDate: string;
  runId: string;
  /** Slices of the target cluster; the part count is a multiple of it unless the input is too small (part-count.ts). */
  slices: number;
  /** Parts per slice; default: enough that no part exceeds targetPartBytes of gzip. */
  partsPerSlice?: number;
  /** Compressed size a part should stay under (Redshift: 1 MB – 1 GB each). */
  targetPartBytes?: number;
  /** gzip level 1-9 (default DEFAULT_GZIP_LEVEL, chosen by benchmark: see bench/RESULTS.md). */
  gzipLevel?: number;
  /**
   * Worker threads (0: all on the calling thread). Default: one per CPU (at most 8), none for a small
   * input. The parts are the same bytes whatever the number.
   */
  workers?: number;
  /** Rows per unit when a row group is larger (default SLICE_ROWS; blocks end at unit ends, so it shapes the bytes). */
  unitRows?: number;
  /** Largest decompressed Parquet page accepted (default DEFAULT_MAX_PAGE_BYTES): the pass's memory bound (page-size-limit.ts). */
  maxPageBytes?: number;
  /** Published rows of the previous batch, for the row-count rule. */
  previousRowCount?: number | null;
  /** Source files already listed by the caller (so drift and partition see the same list). */
  files?: ObjectInfo[];
  /** A shard's share (jobs/shards): per file, only row groups [from, to) are read (absent: all of it). */
  rowGroups?: Array<[number, number] | undefined>;
  /** Source bytes that size the part count (a shard reads only part of its files; default: the files' sizes). */
  inputBytes?: number;
  /** The manifest's createdAt (a shard's retry writes the same manifest bytes); default: now. */
  createdAt?: string;
  log?: Logger;
  /**
   * Aborts the pass (SIGTERM/SIGINT): no unit is merged after it, the worker threads are terminated,
   * the parts written so far are removed (never renamed into place) and no manifest is written.
   */
  signal?: AbortSignal;
}

export interface PartitionResult {
  manifest: Manifest;
  manifestUri: string;
  quality: QualityReport;
  /** Units read through hyparquet (Parquet) or the whole-range parser (text) instead of the byte-level decoder, by reason (withFallbacks adds them to the report). */
  fallbacks?: FallbackCount;
  schemas: FileSchema[];
  /** Rows the source files say they hold (Parquet metadata), when every file can tell. */
  sourceRows: number | undefined;
  readRows: number;
}

/**
 * zlib level of the parts: the fastest that keeps the output within 1.15x DuckDB's gzip (its zlib
 * default, level 6). On LINEITEM 1M the text is the same bytes as DuckDB's; level 2 gave 1.17x, level 4
 * gives 1.07x for 7% more CPU (level 3: 1.13x, level 5: 1.01x for 24% more; README, Benchmark).
 */
export const DEFAULT_GZIP_LEVEL = 4;

/**
 * Rows per unit of a large row group: a unit holds its decoded pages and CSV text while it runs, so
 * smaller units keep the workers' memory small and flat (measured: 32768 rows keep peak RSS the same at
 * 1M and 10M rows). A row group is cut only as finely as its pages allow (see unitsOf).
 */
export const SLICE_ROWS = 32768;

/** Row groups whose bytes the pass holds at once (partitionPass): the memory bound of the input side. */
const MAX_LIVE_GROUPS = 2;

/** Memory for the uniqueness check's sorted runs in memory; past it they spill to a temporary file. */
const UNIQUE_MEMORY_BYTES = 24 * 1024 * 1024;

/** Worker threads by default: one per CPU, at most 8. */
export { defaultWorkers };

/**
 * Text bytes per compressed block: blocks are compressed on their own, so large enough that zlib loses
 * next to nothing at their edges (1 MiB: +0.1 %), small enough that parts come out even (a part differs
 * from another by at most one block).
 */
export function blockBytesFor(inputBytes: number, parts: number): number {
  return Math.max(4096, Math.min(1 << 20, Math.floor(inputBytes / (parts * 16))));
}

/**
 * How many units a row group of `rows` rows is read in. Every unit decodes the pages that hold its rows,
 * so a row group is cut into at most half as many units as its largest column chunk has pages: a
 * writer that puts a whole column chunk in one page (DuckDB does) gets one unit per row group, one that
 * writes 1 MB pages (pyarrow, Spark, hyparquet) gets units of about `unitRows` rows. Never more than
 * MAX_UNIT_ROWS rows a unit, though (memory before speed).
 */
export function unitsOf(rows: number, unitRows: number, pagesOfLargestChunk: number): number {
  if (pagesOfLargestChunk < 0) return 1;
  return Math.max(1, Math.min(Math.ceil(rows / unitRows), Math.floor(pagesOfLargestChunk / 2)), Math.ceil(rows / MAX_UNIT_ROWS));
}

/**
 * Most rows a unit holds, whatever the pages: a worker holds a unit's values, cells and CSV whole (about
 * 430 bytes a LINEITEM row), so a row group of few huge pages (DuckDB with a large ROW_GROUP_SIZE) is cut
 * into units of at most this many rows, each decompressing the pages that hold its rows (measured on
 * LINEITEM in 450,000-row groups of one page per column: 636 MiB peak RSS as one unit per row group).
 */
export const MAX_UNIT_ROWS = 131072;

interface InFlight {
  /** The unit's result; null marks the end of a file. */
  result: Promise<UnitResult> | null;
  file: number;
  /** Called once the unit is merged (the last unit of a row group gives its buffer back). */
  done?: () => void;
}

/**
 * Row-group buffers shared with the workers and reused: a unit's input is never garbage in the thread
 * that decodes it (garbage ArrayBuffers wait for a GC that V8 starts only every ~64 MB of them, which is
 * what made the workers' memory grow with the input).
 */
class InputPool {
  private readonly free: SharedArrayBuffer[] = [];
  /** Buffers taken and not given back: row groups whose bytes units in flight still use. */
  inUse = 0;

  /** A buffer of at least `n` bytes. */
  take(n: number): SharedArrayBuffer {
    this.inUse++;
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      if (this.free[i].byteLength >= n && (best < 0 || this.free[i].byteLength < this.free[best].byteLength)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0];
    if (this.free.length > 0) this.free.shift(); // too small for this input: let it go
    // An eighth more than asked: the next row group, a little larger, still fits, and the buffer is reused
    // instead of dropped (a dropped shared buffer is freed only when V8 collects it).
    return new SharedArrayBuffer(Math.max(n + (n >>> 3), 1 << 20));
  }

  give(b: SharedArrayBuffer): void {
    this.inUse--;
    this.free.push(b);
  }
}

/**
 * A row group's bytes [lo, hi) in a shared buffer of the pool (`read`: a view of exactly them). A store that
 * reads into a buffer (a local file) fills the pooled one directly; otherwise its bytes are copied in.
 */
async function readGroup(access: RandomAccess, lo: number, hi: number, inputs: InputPool): Promise<{ bytes: SharedArrayBuffer; read: Uint8Array }> {
  if (access.readInto) {
    const bytes = inputs.take(hi - lo);
    const n = await access.readInto(lo, hi, new Uint8Array(bytes, 0, hi - lo));
    return { bytes, read: new Uint8Array(bytes, 0, n) };
  }
  const got = new Uint8Array(await access.read(lo, hi));
  const bytes = inputs.take(got.length);
  const read = new Uint8Array(bytes, 0, got.length);
  read.set(got);
  return { bytes, read };
}

/** The pass, with a NULL marker that equals no value of the batch (null-marker.ts: \N, unless a value is \N). */
export async function partition(opts: PartitionOptions): Promise<PartitionResult> {
  return withUnseenNullMarker(
    (nullMarker) => partitionPass(opts, nullMarker),
    (taken, next) => (opts.log ?? silentLogger).info(`a value equals the NULL marker ${taken}: partitioning again with the marker ${next}`),
  );
}

async function partitionPass(opts: PartitionOptions, nullMarker: string): Promise<PartitionResult> {
  const { contract, runId, batchDate } = opts;
  const log = opts.log ?? silentLogger;
  const files = opts.files ?? (await listBatchFiles(opts.sourceStore, opts.sourceUri));
  const inputBytes = opts.inputBytes ?? files.reduce((s, f) => s + f.size, 0);
  const gzipLevel = opts.gzipLevel ?? DEFAULT_GZIP_LEVEL;
  const parts = new PartSet(opts.outStore, opts.outUri, partCount(opts.slices, inputBytes, opts.partsPerSlice, opts.targetPartBytes), gzipLevel);
  const evaluator = new QualityEvaluator(contract, { previousRowCount: opts.previousRowCount ?? null, uniqueMemoryBytes: UNIQUE_MEMORY_BYTES });
  const checksums = new ChecksumAccumulator(contract, nullMarker);
  const fallbacks = new FallbackCounter();
  const workers = opts.workers ?? (inputBytes < SMALL_INPUT_BYTES ? 0 : defaultWorkers());
  const config = { contract, gzipLevel, blockBytes: blockBytesFor(inputBytes, parts.count), nullMarker };
  const runner: UnitRunner = workers > 0 ? new WorkerPool(workers, config) : new InlineRunner(config);
  // Two units a worker: one running and one waiting, so a worker that finishes early is not idle while the
  // oldest unit (merged first) still runs on another (measured on SUPPLIER 1M: with workers + 1 units in
  // flight, the workers sat idle ~0.1 s per run).
  const maxInFlight = Math.max(2, 2 * workers + 1);
  const unitRows = opts.unitRows ?? SLICE_ROWS;
  const schemas: FileSchema[] = [];
  const sourceFiles: Manifest['package']['sourceFiles'] = [];
  const fileRows = files.map(() => 0);
  const declaredRows: Array<number | undefined> = [];
  let sourceRows: number | undefined = 0;
  let readRows = 0;
  let nextId = 0;
  const inFlight: InFlight[] = [];
  /** Units in inFlight (file ends are entries too, but hold no work). */
  let unitsInFlight = 0;
  const inputs = new InputPool();

  /** Merges the oldest unit in flight (or closes its file): results are taken strictly in input order. */
  const applyNext = async (): Promise<void> => {
    opts.signal?.throwIfAborted();
    const next = inFlight.shift()!;
    if (next.result !== null) unitsInFlight--;
    const k = next.file;
    if (next.result === null) {
      const declared = declaredRows[k];
      if (declared !== undefined && declared !== fileRows[k]) {
        throw new QualityError(`file declares ${declared} rows but ${fileRows[k]} were read`, { file: files[k].uri }, 'the file is damaged; re-export it');
      }
      if (sourceRows !== undefined) sourceRows = declared === undefined ? undefined : sourceRows + declared;
      sourceFiles.push(sourceFileEntry(files[k], fileRows[k]));
      runner.dropFile(k);
      return;
    }
    const r = await next.result;
    next.done?.();
    evaluator.absorb(r.quality);
    if (r.fallback !== null) fallbacks.add(r.fallback);
    checksums.merge(r.checksums);
    for (const b of r.blocks) await parts.append(b);
    fileRows[k] += r.rows;
    readRows += r.rows;
    log.progress('partition', readRows);
    await pausePoint('partition');
  };
  const submit = async (entry: InFlight): Promise<void> => {
    opts.signal?.throwIfAborted();
    entry.result?.catch(() => undefined); // awaited in order later; never an unhandled rejection meanwhile
    inFlight.push(entry);
    if (entry.result !== null) unitsInFlight++;
    while (unitsInFlight > maxInFlight) await applyNext();
  };

  try {
    try {
      for (const [k, file] of files.entries()) {
        const source = await openSource(opts.sourceStore, file, contract);
        schemas.push(source.schema);
        declaredRows[k] = source.schema.rowCount;
        if (formatOf(file.uri) === 'parquet') {
          const access = await opts.sourceStore.open(file.uri, file.identity);
          const open = await openParquet(access);
          runner.addFile({ fileId: k, uri: access.uri, size: access.size, metadata: open.metadata });
          let groupStart = 0;
          const share = opts.rowGroups?.[k];
          if (share) declaredRows[k] = open.metadata.row_groups.slice(share[0], share[1]).reduce((s, g) => s + Number(g.num_rows), 0);
          for (const [g, group] of open.metadata.row_groups.entries()) {
            const rows = Number(group.num_rows);
            if (rows === 0) continue;
            if (share && (g < share[0] || g >= share[1])) {
              groupStart += rows; // row numbers in messages stay the file's own
              continue;
            }
            // The row group's column chunks, read at once (one request), handed to the units that decode it.
            let lo = Infinity;
            let hi = 0;
            let largest: [number, number] = [0, 0];
            for (const c of group.columns) {
              const m = c.meta_data;
              if (!m) continue;
              const start = Number(m.dictionary_page_offset || m.data_page_offset);
              const size = Number(m.total_compressed_size);
              lo = Math.min(lo, start);
              hi = Math.max(hi, start + size);
              if (size > largest[1] - largest[0]) largest = [start, start + size];
            }
            lo = Math.max(0, Math.min(lo, access.size));
            hi = Math.max(lo, Math.min(hi, access.size));
            // At most two row groups' bytes at once, however many units are in flight: the one being cut and
            // the one before it (measured: without this bound, arrow-rs SUPPLIER 10M, one 43 MB row group per
            // file, peaked at 528 MiB instead of ~450).
            while (inputs.inUse >= MAX_LIVE_GROUPS && inFlight.length > 0) await applyNext();
            const { bytes, read } = await readGroup(access, lo, hi, inputs);
            checkPageSizes(read, lo, group, opts.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES, { file: file.uri, group: g, groupStart });
            const slices = rows > unitRows ? unitsOf(rows, unitRows, countDataPages(read, largest[0] - lo, Math.min(largest[1], hi) - lo)) : 1;
            for (let s = 0; s < slices; s++) {
              const from = Math.floor((s * rows) / slices);
              const to = Math.floor(((s + 1) * rows) / slices);
              const unit = { kind: 'parquet' as const, id: nextId++, fileId: k, group: g, groupStart, groupRows: rows, from, to, bytes, length: read.length, start: lo };
              await submit({ result: runner.run(unit), file: k, done: s === slices - 1 ? () => inputs.give(bytes) : undefined });
            }
            groupStart += rows;
          }
        } else if (source.ranges) {
          // Text without quotes: the workers parse it too (the main thread only cuts it at line ends).
          for await (const range of source.ranges()) await submit({ result: runner.run({ kind: 'text', id: nextId++, range }), file: k });
        } else {
          for await (const batch of source.batches()) await submit({ result: runner.run({ kind: 'batch', id: nextId++, batch }), file: k });
        }
        await submit({ result: null, file: k });
      }
    } catch (e) {
      // What is still in flight comes earlier in the input: its error, if it has one, is the one to report.
      while (inFlight.length > 0) await applyNext();
      throw e;
    }
    while (inFlight.length > 0) await applyNext();
    await runner.close();
    log.endProgress();
    const quality = evaluator.finish({ batchFolder: opts.sourceUri, files: files.length });
    const blocked = qualityErrorFrom(quality);
    if (blocked) {
      await parts.abort();
      throw Object.assign(blocked, { report: quality, fallbacks: fallbacks.result(), schemas });
    }
    checksums.checkNullMarker();
    const entries = await parts.finish();
    const sums = checksums.result();
    const partRows = entries.reduce((s, e) => s + e.meta.record_count, 0);
    if (partRows !== readRows || sums.rows !== readRows) {
      throw new LoadError(`row counts disagree: read ${readRows}, parts hold ${partRows}, checksummed ${sums.rows}`);
    }
    const manifest: Manifest = {
      entries,
      package: {
        dataset: contract.name,
        batchDate,
        runId,
        createdAt: opts.createdAt ?? new Date().toISOString(),
        format: 'csv',
        csv: { ...CSV_DIALECT, nullMarker, gzip: true, columns: contract.columns.map((c) => c.name) },
        sourceFiles,
        sourceRows: sourceRows ?? readRows,
        slices: opts.slices,
        checksums: sums,
      },
    };
    opts.signal?.throwIfAborted();
    const manifestUri = await writeManifest(opts.outStore, opts.outUri, manifest);
    return { manifest, manifestUri, quality, fallbacks: fallbacks.result(), schemas, sourceRows, readRows };
  } catch (e) {
    log.endProgress();
    evaluator.dispose();
    await runner.close();
    await parts.abort();
    throw e;
  }
}
