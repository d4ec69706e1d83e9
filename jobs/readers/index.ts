/**
 * The source readers' public face: which files of a batch folder are data, and a reader for each.
 */
import type { DatasetContract } from '../../datasets/contract.ts';
import { ConfigError, QualityError } from '../errors.ts';
import type { ObjectInfo, ObjectStore } from '../store/index.ts';
import type { ColumnBatch, FileSchema } from '../values.ts';
import { readDelimitedBatches, readDelimitedSchema, type DelimitedReadOptions } from './delimited.ts';
import { readParquetBatches, readParquetSchema } from './parquet.ts';

export { decimalText, readParquetBatches, readParquetSchema, type ParquetReadOptions } from './parquet.ts';
export { readDelimitedBatches, readDelimitedSchema, type DelimitedReadOptions } from './delimited.ts';

export type SourceFormat = 'parquet' | 'csv' | 'orc';

export interface Source {
  schema: FileSchema;
  /** The file's rows; each call reads the file again from the start. */
  batches(): AsyncIterable<ColumnBatch>;
}

function baseName(uri: string): string {
  return uri.slice(Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\')) + 1);
}

/** The format a file's name declares: .parquet/.parq/.pq, .csv/.tbl/.txt/.psv (optionally .gz), .orc. */
export function formatOf(uri: string): SourceFormat | undefined {
  const name = baseName(uri).toLowerCase();
  const gz = name.endsWith('.gz');
  const ext = (gz ? name.slice(0, -3) : name).match(/\.([a-z0-9]+)$/)?.[1];
  if (ext === undefined) return undefined;
  if (['csv', 'tbl', 'txt', 'psv'].includes(ext)) return 'csv';
  if (gz) return undefined; // Parquet and ORC compress inside the file; a gzipped one is unreadable
  if (['parquet', 'parq', 'pq'].includes(ext)) return 'parquet';
  if (ext === 'orc') return 'orc';
  return undefined;
}

/** Not data: hidden files, Hadoop/Spark markers and folders (_SUCCESS, _temporary/…), checksums, folder placeholders. */
function isMarker(uri: string, prefixUri: string): boolean {
  if (uri.endsWith('/')) return true;
  const rel = uri.startsWith(prefixUri) ? uri.slice(prefixUri.length) : baseName(uri);
  return rel.split(/[\\/]/).some((seg) => seg.startsWith('.') || seg.startsWith('_')) || /\.crc$/i.test(uri);
}

/** The data files of one batch folder, sorted by URI. */
export async function listBatchFiles(store: ObjectStore, prefixUri: string): Promise<ObjectInfo[]> {
  const root = store.join(prefixUri);
  const files = (await store.list(prefixUri)).filter((f) => !isMarker(f.uri, f.uri.startsWith(root) ? root : prefixUri));
  for (const f of files) {
    const format = formatOf(f.uri);
    if (format === 'orc') {
      throw new ConfigError(`ORC is not supported: ${f.uri}`, { file: f.uri }, 'convert the batch to Parquet (or gzip CSV) before it lands');
    }
    if (format === undefined) {
      throw new ConfigError(`unknown file type in the batch folder: ${f.uri}`, { file: f.uri },
        'batch folders hold .parquet/.parq/.pq or .csv/.tbl/.txt/.psv (optionally .gz) files; move anything else out');
    }
  }
  if (files.length === 0) {
    throw new QualityError(`batch folder is empty: ${prefixUri}`, { file: prefixUri },
      'no data files landed for this date: check the landing path and that the upstream export ran');
  }
  return files;
}

/** Opens one data file of a batch with the reader its format needs. */
export async function openSource(store: ObjectStore, file: ObjectInfo, contract: DatasetContract): Promise<Source> {
  const format = formatOf(file.uri);
  if (format !== 'parquet' && format !== 'csv') {
    throw new ConfigError(format === 'orc' ? `ORC is not supported: ${file.uri}` : `unknown file type: ${file.uri}`, { file: file.uri },
      'convert the batch to Parquet');
  }
  if (!contract.source.formats.includes(format)) {
    throw new ConfigError(`dataset ${contract.name} does not accept ${format} files: ${file.uri}`, { file: file.uri },
      `the contract accepts ${contract.source.formats.join(', ')}`);
  }
  if (format === 'parquet') {
    const access = await store.open(file.uri);
    return { schema: await readParquetSchema(access), batches: () => readParquetBatches(access) };
  }
  const opts: DelimitedReadOptions = {
    ...contract.source.delimited,
    file: file.uri,
    columnNames: contract.columns.map((c) => c.sourceName ?? c.name),
  };
  return {
    schema: await readDelimitedSchema(await store.readStream(file.uri), opts),
    async *batches() {
      yield* readDelimitedBatches(await store.readStream(file.uri), opts);
    },
  };
}
