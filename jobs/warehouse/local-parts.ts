/**
 * What the two local adapters (PGlite, PostgreSQL wire) share when they stream a manifest's parts
 * instead of COPY … MANIFEST: the CSV layout from the manifest, per-part verification (size, sha256,
 * row count — what the manifest promised), and LoadErrors that name the part, row and column.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ConfigError, LoadError } from '../../core/errors.ts';
import type { ManifestEntry } from '../../core/manifest.ts';
import type { CopyManifestArgs } from './warehouse.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { ident, qualifiedName } from '../../sql/sql-text.ts';
import { packageLayout } from '../../sql/copy.ts';
import type { LocalCsv } from '../../sql/local.ts';
import { parseCopyContext, rowOfCopyLine, CopyLineCounter } from './csv-chunks.ts';
import { CSV_DIALECT } from '../../core/csv-dialect.ts';

export type { CopyManifestArgs } from './warehouse.ts';

/** The CSV layout local engines read for a package (Parquet packages are read as our CSV dialect). */
export const PARQUET_AS_CSV = { delimiter: CSV_DIALECT.delimiter, quote: CSV_DIALECT.quote, nullMarker: CSV_DIALECT.nullMarker };

/**
 * The streams that turn one manifest entry into CSV text, and the check to run once they are drained:
 * a gzip CSV part is read, size- and sha256-checked and gunzipped; a Parquet file is transcoded by
 * `csvText` (which checks the file itself).
 */
export async function entryText(
  args: CopyManifestArgs,
  entry: ManifestEntry,
  label: string,
): Promise<{ streams: [Readable, ...NodeJS.ReadWriteStream[]]; verify(): void }> {
  if (args.manifest.package.format === 'parquet') {
    if (!args.csvText) throw new ConfigError(`${label} is Parquet and this engine cannot read Parquet itself`, { file: entry.url }, 'load it with --strategy csv');
    return { streams: [await args.csvText(entry)], verify() {} };
  }
  const check = new PartCheck(entry);
  return { streams: [await openPart(args.store, entry, label), check, createGunzip()], verify: () => check.verify(label) };
}

/** Validates the target and returns the CSV layout the parts were written with. */
export function copyPlan(args: CopyManifestArgs): { table: string; columns: string[]; csv: LocalCsv } {
  const table = qualifiedName(args.table);
  const columns = args.columns.map((c) => ident(c, 'column name'));
  if (columns.length === 0) throw new ConfigError(`COPY into ${table} needs an explicit column list`);
  const pkg = args.manifest?.package;
  if (!pkg || !Array.isArray(args.manifest.entries)) throw new LoadError(`${args.manifestUri} is not a load package manifest`, { file: args.manifestUri });
  // The manifest is JSON read from the store: its format is checked as the unknown value it may be.
  const format: unknown = pkg.format;
  if (format !== 'parquet' && format !== 'csv') throw new LoadError(`${args.manifestUri}: parts are ${String(format)}, not CSV`, { file: args.manifestUri });
  // The same layout checks as the Redshift adapters' COPY (sql/copy.ts).
  const layout = packageLayout(args);
  if (layout.format === 'parquet') return { table, columns, csv: { ...PARQUET_AS_CSV, nullMarker: pkg.nullMarker ?? PARQUET_AS_CSV.nullMarker } };
  return { table, columns, csv: layout.csv };
}

export function partLabel(entry: ManifestEntry, index: number, total: number): string {
  return `part ${index + 1} of ${total} (${basename(entry.url)})`;
}

/** Taps a part's compressed bytes: size and sha256, checked against the manifest entry at the end. */
export class PartCheck extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly entry: ManifestEntry) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  /** Throws LoadError unless the bytes were what the manifest promised. */
  verify(label: string): void {
    const meta = this.entry.meta;
    if (meta?.content_length !== undefined && meta.content_length !== this.bytes) {
      throw new LoadError(`${label} is ${this.bytes} bytes, the manifest says ${meta.content_length}`, { file: this.entry.url }, 'the part changed after it was written: rebuild the load package');
    }
    const sha = this.hash.digest('hex');
    if (meta?.sha256 && meta.sha256 !== sha) {
      throw new LoadError(`${label} does not match its sha256 in the manifest`, { file: this.entry.url }, 'the part changed after it was written: rebuild the load package');
    }
  }
}

/** Throws LoadError unless the engine loaded as many rows from a part as the manifest lists. */
export function checkPartRows(entry: ManifestEntry, label: string, rows: number): void {
  const want = entry.meta?.record_count;
  if (want !== undefined && want !== rows) {
    throw new LoadError(`${label}: loaded ${rows} rows, the manifest lists ${want}`, { file: entry.url }, 'the part does not hold what the manifest says: rebuild the load package');
  }
}

/** Opens a part for reading; a missing part is a LoadError naming it. */
export async function openPart(store: ObjectStore, entry: ManifestEntry, label: string): Promise<Readable> {
  try {
    return await store.readStream(entry.url);
  } catch (e) {
    throw new LoadError(`cannot read ${label}: ${(e as Error).message}`, { file: entry.url }, 'the load package is incomplete: rebuild it');
  }
}

/** Is this error from zlib (not gzip, truncated)? */
export function isGzipError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  return typeof code === 'string' && code.startsWith('Z_');
}

/** The row of a COPY "line N" in a whole part, read again from the store (only after a failure). */
export async function rowOfLineInPart(store: ObjectStore, entry: ManifestEntry, line: number, quote: string): Promise<number | undefined> {
  const counter = new CopyLineCounter(quote, line);
  let found: number | undefined;
  try {
    await pipeline(await store.readStream(entry.url), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const buf of source) {
        found = counter.push(buf);
        if (found !== undefined) return;
      }
      found = counter.end();
    });
  } catch {
    return found;
  }
  return found;
}

/**
 * A LoadError for an engine error raised while copying a part: the part, and — when the engine says
 * "COPY t, line N, column c" — the data row (N mapped through the CSV line rule) and the column.
 */
export function copyFailure(e: unknown, entry: ManifestEntry, label: string, row: number | undefined): LoadError {
  if (e instanceof LoadError) return e;
  const err = e as { message?: string; where?: string; code?: string };
  const { column } = parseCopyContext(err?.where);
  const at = [row !== undefined ? `row ${row}` : '', column ? `column ${column}` : ''].filter(Boolean).join(', ');
  const what = isGzipError(e) ? `is not readable gzip (${err?.message})` : `failed to load${at ? ` at ${at}` : ''}: ${err?.message ?? String(e)}`;
  const out = new LoadError(
    `${label} ${what}`,
    { file: entry.url, ...(row !== undefined ? { row } : {}), ...(column ? { column } : {}) },
    isGzipError(e) ? 'the part is damaged: rebuild the load package' : 'fix the row in the source (or the contract) and rerun the batch',
  );
  (out as { cause?: unknown }).cause = e;
  return out;
}

/** Maps a chunk-relative COPY line back to the part's row. */
export function rowInChunk(e: unknown, chunk: { data: Buffer; firstRow: number }, quote: string): number | undefined {
  const { line } = parseCopyContext((e as { where?: string })?.where);
  if (line === undefined) return undefined;
  const r = rowOfCopyLine(chunk.data, line, quote);
  return r === undefined ? undefined : chunk.firstRow - 1 + r;
}
