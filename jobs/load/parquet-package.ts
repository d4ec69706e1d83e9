/**
 * --strategy parquet: the load package is the landing Parquet files themselves. Redshift COPYs them with
 * FORMAT AS PARQUET through a manifest carrying each file's content_length; nothing is re-encoded.
 * Quality still streams over every row (the same evaluator as the CSV pass), and the files must match
 * the table exactly — columnar COPY maps columns by position and converts no types.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { DatasetContract } from '../../datasets/index.ts';
import { glueTypeOfContract } from '../../crawler/glue-types.ts';
import { coercerFor, CoerceFailure, type Canonical } from '../../data-quality/coerce.ts';
import { QualityEvaluator, qualityErrorFrom } from '../../data-quality/index.ts';
import { ConfigError, DriftError, LoadError } from '../../core/errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Manifest, ManifestEntry } from '../../core/manifest.ts';
import { sourceFileEntry, writeManifest } from '../manifest.ts';
import { ChecksumAccumulator } from '../partition/checksums.ts';
import { CsvRowEncoder } from '../partition/csv.ts';
import { withUnseenNullMarker } from '../partition/null-marker.ts';
import type { PartitionResult } from '../partition/partition.ts';
import { formatOf, openSource } from '../readers/index.ts';
import type { ObjectInfo, ObjectStore } from '../store/object-store.ts';
import type { FileSchema } from '../../core/values.ts';

/** Every way a file differs from what COPY FORMAT AS PARQUET can load into the stage table as is. */
export function parquetCopyMismatches(contract: DatasetContract, schema: FileSchema): string[] {
  const out: string[] = [];
  const want = contract.columns;
  const got = schema.columns;
  if (got.length !== want.length) {
    out.push(`has ${got.length} columns, the table ${want.length} (${want.map((c) => c.name).join(', ')})`);
  }
  for (let i = 0; i < Math.min(got.length, want.length); i++) {
    const name = (want[i].sourceName ?? want[i].name).toLowerCase();
    if (got[i].name.toLowerCase() !== name) out.push(`column ${i + 1} is ${got[i].name}, the table's is ${want[i].name}`);
    const type = glueTypeOfContract(want[i].type);
    if (got[i].type !== type) out.push(`column ${want[i].name} is ${got[i].type}, the table's is ${type}`);
  }
  return out;
}

export interface ParquetPackageOptions {
  contract: DatasetContract;
  sourceStore: ObjectStore;
  files: ObjectInfo[];
  outStore: ObjectStore;
  outUri: string;
  batchDate: string;
  runId: string;
  slices: number;
  previousRowCount?: number | null;
  sourceUri: string;
  log?: Logger;
  /** Aborts the pass (SIGTERM/SIGINT): it stops at the next batch and writes no manifest. */
  signal?: AbortSignal;
}

async function sha256Of(store: ObjectStore, file: ObjectInfo): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await store.readStream(file.uri, file.identity)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The pass and the manifest. Redshift reads the Parquet as is, but local engines transcode it to CSV, whose
 * NULL marker must equal no value either: the pass checks the marker as the CSV pass does (null-marker.ts).
 */
export async function parquetPackage(opts: ParquetPackageOptions): Promise<PartitionResult> {
  return withUnseenNullMarker((nullMarker) => parquetPass(opts, nullMarker));
}

async function parquetPass(opts: ParquetPackageOptions, nullMarker: string): Promise<PartitionResult> {
  const { contract, sourceStore, files } = opts;
  const log = opts.log ?? silentLogger;
  for (const f of files) {
    if (formatOf(f.uri) !== 'parquet') {
      throw new ConfigError(`--strategy parquet loads Parquet files only, and ${f.uri} is not one`, { file: f.uri }, 'use --strategy csv for this batch');
    }
  }
  const evaluator = new QualityEvaluator(contract, { previousRowCount: opts.previousRowCount ?? null });
  const checksums = new ChecksumAccumulator(contract, nullMarker);
  const schemas: FileSchema[] = [];
  const entries: ManifestEntry[] = [];
  const sourceFiles: Manifest['package']['sourceFiles'] = [];
  let readRows = 0;
  let sourceRows = 0;
  try {
    for (const file of files) {
      const source = await openSource(sourceStore, file, contract);
      schemas.push(source.schema);
      const mismatches = parquetCopyMismatches(contract, source.schema);
      if (mismatches.length) {
        throw new DriftError(
          `COPY FORMAT AS PARQUET cannot load this file as is: it ${mismatches.join('; ')}`,
          { file: file.uri },
          'columnar COPY maps columns by position and converts no types: use --strategy csv (the default) for this batch',
        );
      }
      let fileRows = 0;
      for await (const batch of source.batches()) {
        opts.signal?.throwIfAborted();
        const canon = evaluator.observe(batch);
        checksums.add(canon.columns, 0, canon.numRows);
        fileRows += canon.numRows;
        readRows += canon.numRows;
        log.progress('quality', readRows);
      }
      if (source.schema.rowCount !== undefined && source.schema.rowCount !== fileRows) {
        throw new LoadError(`file declares ${source.schema.rowCount} rows but ${fileRows} were read`, { file: file.uri });
      }
      sourceRows += source.schema.rowCount ?? fileRows;
      entries.push({
        url: file.uri,
        mandatory: true,
        meta: { content_length: file.size, record_count: fileRows, sha256: await sha256Of(sourceStore, file) },
      });
      sourceFiles.push(sourceFileEntry(file, fileRows));
    }
    log.endProgress();
    const quality = evaluator.finish({ batchFolder: opts.sourceUri, files: files.length });
    const blocked = qualityErrorFrom(quality);
    if (blocked) throw Object.assign(blocked, { report: quality, schemas });
    checksums.checkNullMarker();
    const manifest: Manifest = {
      entries,
      package: {
        dataset: contract.name,
        batchDate: opts.batchDate,
        runId: opts.runId,
        createdAt: new Date().toISOString(),
        format: 'parquet',
        sourceFiles,
        sourceRows,
        slices: opts.slices,
        nullMarker,
        checksums: checksums.result(),
      },
    };
    opts.signal?.throwIfAborted();
    const manifestUri = await writeManifest(opts.outStore, opts.outUri, manifest);
    return { manifest, manifestUri, quality, schemas, sourceRows, readRows };
  } catch (e) {
    log.endProgress();
    evaluator.dispose();
    throw e;
  }
}

/**
 * For local engines, which cannot COPY Parquet: a Parquet entry as CSV text in the parts' dialect,
 * columns by position as Redshift maps them, after checking the file is still the one the manifest names.
 */
export function parquetAsCsv(contract: DatasetContract, store: ObjectStore, nullMarker?: string): (entry: ManifestEntry) => Promise<Readable> {
  const coercers = contract.columns.map(coercerFor);
  const encoder = new CsvRowEncoder(contract, nullMarker);
  return async (entry) => {
    if (entry.meta.sha256 && (await sha256Of(store, { uri: entry.url, size: entry.meta.content_length })) !== entry.meta.sha256) {
      throw new LoadError(`${entry.url} changed after it was checked`, { file: entry.url }, 'rerun the batch');
    }
    const source = await openSource(store, { uri: entry.url, size: entry.meta.content_length }, contract);
    const names = source.schema.columns.map((c) => c.name);
    async function* lines(): AsyncGenerator<Buffer> {
      for await (const batch of source.batches()) {
        const columns: Canonical[][] = coercers.map((coerce, i) => {
          const values = batch.columns[names[i]];
          const out = new Array<Canonical>(batch.numRows);
          for (let r = 0; r < batch.numRows; r++) {
            const v = coerce(values[r]);
            if (v instanceof CoerceFailure) {
              throw new LoadError(`${contract.columns[i].name}: ${v.message}`, { file: entry.url, row: batch.firstRow + r, column: contract.columns[i].name });
            }
            out[r] = v;
          }
          return out;
        });
        let text = '';
        for (let r = 0; r < batch.numRows; r++) text += encoder.line(columns, r);
        yield Buffer.from(text);
      }
    }
    return Readable.from(lines());
  };
}
