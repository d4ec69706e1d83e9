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

/**
 * A source object's identity when the batch was listed (jobs/store/identity.ts compares and describes
 * identities): local files by size, mtime, inode and device; S3 objects by size, ETag and VersionId.
 */
export interface SourceIdentity {
  size: number;
  /** Local: modification time in nanoseconds since the epoch, as decimal text. */
  mtimeNs?: string;
  /** Local: inode and device numbers, as decimal text. */
  ino?: string;
  dev?: string;
  /** S3: the object's ETag (quotes included, as S3 gives it). */
  etag?: string;
  /** S3: the version listed, when the bucket is versioned. */
  versionId?: string;
}
