/**
 * The one streaming pass: read every source file once, check every value (quality), and write the
 * values as k x slices even gzip CSV parts plus manifest.json. Nothing holds a whole file or column.
 */
import type { DatasetContract } from '../../datasets/index.ts';
import { QualityEvaluator, qualityErrorFrom, type QualityReport } from '../../data-quality/index.ts';
import { LoadError, QualityError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Manifest } from '../manifest.ts';
import { listBatchFiles, openSource } from '../readers/index.ts';
import type { ObjectInfo, ObjectStore } from '../store/object-store.ts';
import type { FileSchema } from '../values.ts';
import { ChecksumAccumulator } from './checksums.ts';
import { CSV_DIALECT, CsvRowEncoder } from './csv.ts';
import { PartSet } from './part-set.ts';

export interface PartitionOptions {
  contract: DatasetContract;
  sourceStore: ObjectStore;
  sourceUri: string;
  outStore: ObjectStore;
  outUri: string;
  batchDate: string;
  runId: string;
  /** Slices of the target cluster; the part count is always a multiple of it. */
  slices: number;
  /** Parts per slice; default: enough that no part exceeds targetPartBytes of gzip. */
  partsPerSlice?: number;
  /** Compressed size a part should stay under (Redshift: 1 MB – 1 GB each). */
  targetPartBytes?: number;
  gzipLevel?: number;
  /** Published rows of the previous batch, for the row-count rule. */
  previousRowCount?: number | null;
  /** Source files already listed by the caller (so drift and partition see the same list). */
  files?: ObjectInfo[];
  log?: Logger;
}

export interface PartitionResult {
  manifest: Manifest;
  manifestUri: string;
  quality: QualityReport;
  schemas: FileSchema[];
  /** Rows the source files say they hold (Parquet metadata), when every file can tell. */
  sourceRows: number | undefined;
  readRows: number;
}

const DEFAULT_TARGET_PART_BYTES = 256 * 1024 * 1024;

/** How many parts: a multiple of the slices, sized from the input. */
export function partCount(slices: number, inputBytes: number, partsPerSlice?: number, targetPartBytes = DEFAULT_TARGET_PART_BYTES): number {
  if (!Number.isInteger(slices) || slices < 1) throw new LoadError(`slices must be a positive integer, got ${slices}`);
  const perSlice = partsPerSlice ?? Math.max(1, Math.ceil(inputBytes / (slices * targetPartBytes)));
  return slices * perSlice;
}

export async function partition(opts: PartitionOptions): Promise<PartitionResult> {
  const { contract, runId, batchDate } = opts;
  const log = opts.log ?? silentLogger;
  const files = opts.files ?? (await listBatchFiles(opts.sourceStore, opts.sourceUri));
  const inputBytes = files.reduce((s, f) => s + f.size, 0);
  const parts = new PartSet(opts.outStore, opts.outUri, partCount(opts.slices, inputBytes, opts.partsPerSlice, opts.targetPartBytes), opts.gzipLevel ?? 6);
  // Blocks of whole rows: small enough that parts come out even, large enough to keep zlib busy.
  const blockBytes = Math.max(4096, Math.min(1 << 18, Math.floor(inputBytes / (parts.count * 64))));
  const evaluator = new QualityEvaluator(contract, { previousRowCount: opts.previousRowCount ?? null });
  const encoder = new CsvRowEncoder(contract);
  const checksums = new ChecksumAccumulator(contract);
  const schemas: FileSchema[] = [];
  const sourceFiles: Manifest['package']['sourceFiles'] = [];
  let sourceRows: number | undefined = 0;
  let readRows = 0;
  try {
    for (const file of files) {
      const source = await openSource(opts.sourceStore, file, contract);
      schemas.push(source.schema);
      let fileRows = 0;
      for await (const batch of source.batches()) {
        const canon = evaluator.observe(batch);
        checksums.add(canon.columns, 0, canon.numRows);
        let block = '';
        let blockRows = 0;
        for (let r = 0; r < canon.numRows; r++) {
          block += encoder.line(canon.columns, r);
          blockRows++;
          if (block.length >= blockBytes) {
            await parts.append(Buffer.from(block), blockRows);
            block = '';
            blockRows = 0;
          }
        }
        if (blockRows > 0) await parts.append(Buffer.from(block), blockRows);
        fileRows += canon.numRows;
        readRows += canon.numRows;
        log.progress('partition', readRows);
      }
      const declared = source.schema.rowCount;
      if (declared !== undefined && declared !== fileRows) {
        throw new QualityError(`file declares ${declared} rows but ${fileRows} were read`, { file: file.uri }, 'the file is damaged; re-export it');
      }
      if (sourceRows !== undefined) sourceRows = declared === undefined ? undefined : sourceRows + declared;
      sourceFiles.push({ uri: file.uri, size: file.size, rows: fileRows });
    }
    log.endProgress();
    const quality = evaluator.finish({ batchFolder: opts.sourceUri, files: files.length });
    const blocked = qualityErrorFrom(quality);
    if (blocked) {
      await parts.abort();
      throw Object.assign(blocked, { report: quality, schemas });
    }
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
        createdAt: new Date().toISOString(),
        format: 'csv',
        csv: { ...CSV_DIALECT, gzip: true, columns: contract.columns.map((c) => c.name) },
        sourceFiles,
        sourceRows: sourceRows ?? readRows,
        slices: opts.slices,
        checksums: sums,
      },
    };
    // The manifest is written last: a package without one is incomplete and is never loaded.
    const manifestUri = opts.outStore.join(opts.outUri, 'manifest.json');
    await opts.outStore.write(manifestUri, `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
    return { manifest, manifestUri, quality, schemas, sourceRows, readRows };
  } catch (e) {
    log.endProgress();
    evaluator.dispose();
    await parts.abort();
    throw e;
  }
}
