/** The format a source file's name declares, and the one refusal of a file the loader does not read. */
import { ConfigError } from '../../core/errors.ts';

export type SourceFormat = 'parquet' | 'csv' | 'orc';

/** The formats the loader reads. */
export type ReadableFormat = Exclude<SourceFormat, 'orc'>;

/** Extensions by format. Delimited text may be gzipped (`.csv.gz`); Parquet and ORC compress inside the file. */
const EXTENSIONS: Readonly<Record<SourceFormat, readonly string[]>> = {
  parquet: ['parquet', 'parq', 'pq'],
  csv: ['csv', 'tbl', 'txt', 'psv'],
  orc: ['orc'],
};

function baseName(uri: string): string {
  return uri.slice(Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\')) + 1);
}

/** The format a file's name declares: .parquet/.parq/.pq, .csv/.tbl/.txt/.psv (optionally .gz), .orc. */
export function formatOf(uri: string): SourceFormat | undefined {
  const name = baseName(uri).toLowerCase();
  const gz = name.endsWith('.gz');
  const ext = (gz ? name.slice(0, -3) : name).match(/\.([a-z0-9]+)$/)?.[1];
  if (ext === undefined) return undefined;
  if (EXTENSIONS.csv.includes(ext)) return 'csv';
  if (gz) return undefined; // Parquet and ORC compress inside the file; a gzipped one is unreadable
  if (EXTENSIONS.parquet.includes(ext)) return 'parquet';
  if (EXTENSIONS.orc.includes(ext)) return 'orc';
  return undefined;
}

const dotted = (exts: readonly string[]): string => exts.map((e) => `.${e}`).join('/');

/**
 * The format of a data file the loader reads; for anything else (ORC, an unknown or gzipped-Parquet
 * name) the one ConfigError (exit 2) naming the file, wherever the file is met: listing a batch or
 * opening a source.
 */
export function readableFormat(uri: string): ReadableFormat {
  const format = formatOf(uri);
  if (format === 'orc') {
    throw new ConfigError(`ORC is not supported: ${uri}`, { file: uri }, 'convert the batch to Parquet (or gzip CSV) before it lands');
  }
  if (format === undefined) {
    throw new ConfigError(`unknown file type in the batch folder: ${uri}`, { file: uri },
      `batch folders hold ${dotted(EXTENSIONS.parquet)} or ${dotted(EXTENSIONS.csv)} (optionally .gz) files; move anything else out`);
  }
  return format;
}
