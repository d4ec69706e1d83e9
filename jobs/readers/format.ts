/** The format a source file's name declares. */

export type SourceFormat = 'parquet' | 'csv' | 'orc';

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
