/**
 * The source readers' public face: which files of a batch folder are data, and a reader for each.
 */
import type { DatasetContract } from '../../datasets/contract.ts';
import { ConfigError } from '../../core/errors.ts';
import { listBatch } from './batch-listing.ts';
import { readableFormat } from './format.ts';
import type { ObjectInfo, ObjectStore } from '../store/index.ts';
import type { ColumnBatch, FileSchema } from '../../core/values.ts';
import { givenNames, readDelimitedBatches, readDelimitedSchema, type DelimitedReadOptions } from './delimited.ts';
import { delimitedRanges, rangeable, type TextRange } from './delimited-ranges.ts';
import { readParquetBatches, readParquetSchema } from './parquet.ts';

export { readParquetBatches, readParquetSchema, type ParquetReadOptions } from './parquet.ts';
export { readDelimitedBatches, readDelimitedSchema, type DelimitedReadOptions } from './delimited.ts';

export { parseTextRange, type TextRange } from './delimited-ranges.ts';
export { formatOf, readableFormat, type ReadableFormat, type SourceFormat } from './format.ts';
export { ignoredBecause, listBatch, type BatchListing, type IgnoredEntry } from './batch-listing.ts';

export interface Source {
  schema: FileSchema;
  /** The file's rows; each call reads the file again from the start. */
  batches(): AsyncIterable<ColumnBatch>;
  /** Text without quotes: the data lines as byte ranges, parsed by parseTextRange (worker threads). */
  ranges?(): AsyncIterable<TextRange>;
}

/** The data files of one batch folder, sorted by URI (batch-listing.ts says what a batch is). */
export async function listBatchFiles(store: ObjectStore, prefixUri: string): Promise<ObjectInfo[]> {
  return (await listBatch(store, prefixUri)).files;
}

/** Opens one data file of a batch with the reader its format needs. */
export async function openSource(store: ObjectStore, file: ObjectInfo, contract: DatasetContract): Promise<Source> {
  const format = readableFormat(file.uri);
  if (!contract.source.formats.includes(format)) {
    throw new ConfigError(`dataset ${contract.name} does not accept ${format} files: ${file.uri}`, { file: file.uri },
      `the contract accepts ${contract.source.formats.join(', ')}`);
  }
  if (format === 'parquet') {
    const access = await store.open(file.uri, file.identity);
    return { schema: await readParquetSchema(access), batches: () => readParquetBatches(access) };
  }
  const opts: DelimitedReadOptions = {
    ...contract.source.delimited,
    file: file.uri,
    columnNames: contract.columns.map((c) => c.sourceName ?? c.name),
  };
  const schema = await readDelimitedSchema(await store.readStream(file.uri, file.identity), opts);
  return {
    schema,
    async *batches() {
      yield* readDelimitedBatches(await store.readStream(file.uri, file.identity), opts);
    },
    ranges: !rangeable(opts) ? undefined : async function* () {
      const names = opts.header ? schema.columns.map((c) => c.name) : givenNames(opts);
      yield* delimitedRanges(await store.readStream(file.uri, file.identity), opts, names);
    },
  };
}
