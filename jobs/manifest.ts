import type { ObjectInfo, ObjectStore, SourceIdentity } from './store/object-store.ts';

/**
 * The load package's manifest: the COPY manifest Redshift reads (entries with url, mandatory and
 * meta.content_length — the same keys UNLOAD writes, with its `record_count`), plus our own
 * reconciliation facts, so a failed load can be replayed from the package alone.
 */
export interface ManifestEntry {
  url: string;
  mandatory: true;
  meta: {
    content_length: number;
    /** Rows in this part (UNLOAD's own key name). */
    record_count: number;
    /** sha256 of the part's bytes, hex. */
    sha256: string;
  };
}

/**
 * What one column of a package holds (jobs/partition/column-figures.ts), checked against the stage, in
 * the publish guard and on the published rows. Big figures are exact decimal text; null: no value.
 */
export interface ColumnFigures {
  /** Non-null values. */
  count: number;
  /** varchar/char: total UTF-8 bytes (CHAR without trailing blanks). */
  bytes?: string | null;
  /** smallint/integer/bigint/decimal: exact sum, min and max (decimals at the column's scale). */
  sum?: string | null;
  min?: string | null;
  max?: string | null;
}

/** Exact aggregates of what a package holds; compared with what the warehouse staged. */
export interface Checksums {
  rows: number;
  /** Exact sums as decimal text, by column (null when every value was NULL). */
  sums: Record<string, string | null>;
  /** Min and max as integer text, by column. */
  min: Record<string, string | null>;
  max: Record<string, string | null>;
  /** Every contract column's figures, by column name (packages written before them lack it). */
  columns?: Record<string, ColumnFigures>;
}

export interface Manifest {
  entries: ManifestEntry[];
  /** Our own facts (Redshift ignores keys it does not know outside `entries`). */
  package: {
    dataset: string;
    batchDate: string;
    runId: string;
    createdAt: string;
    /** 'csv': our gzip CSV parts (--strategy csv). 'parquet': the landing files themselves (--strategy parquet). */
    format: 'csv' | 'parquet';
    /**
     * The parts' CSV layout (format 'csv' only). `nullMarker` equals no value of the batch
     * (jobs/partition/null-marker.ts): `\N` unless some value is `\N`.
     */
    csv?: { delimiter: string; quote: string; nullMarker: string; gzip: true; columns: string[] };
    /** The source section: every file of the batch with the identity it was listed (and read) with. */
    sourceFiles: SourceFile[];
    sourceRows: number;
    slices: number;
    /** format 'parquet': the NULL marker of the CSV that local engines transcode the files into. */
    nullMarker?: string;
    checksums: Checksums;
  };
}

/** One source file of the package: what was listed (size, identity) and the rows read from it. */
export interface SourceFile {
  uri: string;
  size: number;
  rows: number;
  /** Local: size, mtimeNs, ino, dev; S3: size, etag, versionId (versioned buckets). */
  identity?: SourceIdentity;
}

/** The manifest's entry for a listed source file. */
export function sourceFileEntry(file: ObjectInfo, rows: number): SourceFile {
  return { uri: file.uri, size: file.size, rows, ...(file.identity ? { identity: file.identity } : {}) };
}

/**
 * Writes a package's manifest.json, always the package's last object: a package without one is
 * incomplete and is never loaded. Returns its URI.
 */
export async function writeManifest(store: ObjectStore, outUri: string, manifest: Manifest): Promise<string> {
  const uri = store.join(outUri, 'manifest.json');
  await store.write(uri, `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
  return uri;
}
