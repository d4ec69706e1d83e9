/**
 * --strategy parquet --quality-in warehouse: the load package without reading a row. Each landing file's
 * footer is read (its schema must be exactly the table's: COPY FORMAT AS PARQUET maps by position and
 * converts nothing) and its row count goes into the manifest; the rules then run as SQL on the stage
 * (data-quality/warehouse-checks.ts) and the stage's figures become the publish guard's
 * (sql/stage-figures.ts). No sha256 is taken (that would read every byte): each file is pinned by the
 * identity it was listed with (size, ETag or inode and mtime), as every read of the run is.
 */
import type { DatasetContract } from '../../datasets/index.ts';
import { ConfigError, DriftError } from '../../core/errors.ts';
import { CSV_DIALECT } from '../../core/csv-dialect.ts';
import type { Manifest, ManifestEntry } from '../../core/manifest.ts';
import type { FileSchema } from '../../core/values.ts';
import { sourceFileEntry, writeManifest } from '../manifest.ts';
import { formatOf, openSource } from '../readers/index.ts';
import type { ObjectInfo, ObjectStore } from '../store/object-store.ts';
import { parquetCopyMismatches } from './parquet-package.ts';

export interface FooterPackageOptions {
  contract: DatasetContract;
  sourceStore: ObjectStore;
  files: ObjectInfo[];
  outStore: ObjectStore;
  outUri: string;
  batchDate: string;
  runId: string;
  slices: number;
  signal?: AbortSignal;
}

export interface FooterPackage {
  manifest: Manifest;
  manifestUri: string;
  schemas: FileSchema[];
  sourceRows: number;
  /** Rows this process read: none. */
  readRows: 0;
  quality?: undefined;
  fallbacks?: undefined;
}

export async function parquetFooterPackage(opts: FooterPackageOptions): Promise<FooterPackage> {
  const { contract, sourceStore, files } = opts;
  const schemas: FileSchema[] = [];
  const entries: ManifestEntry[] = [];
  const sourceFiles: Manifest['package']['sourceFiles'] = [];
  let sourceRows = 0;
  for (const file of files) {
    opts.signal?.throwIfAborted();
    if (formatOf(file.uri) !== 'parquet') {
      throw new ConfigError(`--strategy parquet loads Parquet files only, and ${file.uri} is not one`, { file: file.uri }, 'use --strategy csv for this batch');
    }
    const { schema } = await openSource(sourceStore, file, contract);
    schemas.push(schema);
    const mismatches = parquetCopyMismatches(contract, schema);
    if (mismatches.length) {
      throw new DriftError(
        `COPY FORMAT AS PARQUET cannot load this file as is: it ${mismatches.join('; ')}`,
        { file: file.uri },
        'columnar COPY maps columns by position and converts no types: use --strategy csv (the default) for this batch',
      );
    }
    const rows = schema.rowCount;
    if (rows === undefined) throw new DriftError('the Parquet footer declares no row count', { file: file.uri }, 'use --quality-in stream for this batch');
    sourceRows += rows;
    entries.push({ url: file.uri, mandatory: true, meta: { content_length: file.size, record_count: rows, sha256: '' } });
    sourceFiles.push(sourceFileEntry(file, rows));
  }
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
      // Only local engines transcode to CSV, and PostgreSQL reads a quoted field equal to it as text.
      nullMarker: CSV_DIALECT.nullMarker,
      // The footers' count; the figures come from the stage after COPY (sql/stage-figures.ts).
      checksums: { rows: sourceRows, sums: {}, min: {}, max: {} },
    },
  };
  opts.signal?.throwIfAborted();
  const manifestUri = await writeManifest(opts.outStore, opts.outUri, manifest);
  return { manifest, manifestUri, schemas, sourceRows, readRows: 0 };
}
