/**
 * Storage advice for one dataset's table (issue 15, point 4): the shape `advise` prints as JSON and
 * the run report (run.json → run.html) carries. Computed from a batch's profile and a sample of its
 * rows; every figure says whether it was measured on the sample or taken from the warehouse
 * (ANALYZE COMPRESSION on Redshift).
 */
export type ColumnEncoding = 'raw' | 'az64' | 'zstd' | 'bytedict' | 'lzo' | 'runlength' | 'delta' | 'delta32k' | 'mostly8' | 'mostly16' | 'mostly32' | 'text255' | 'text32k';

/** One column: what it is now, what we suggest, and the bytes that saves. */
export interface ColumnAdvice {
  column: string;
  /** Declared type and encoding now, e.g. "varchar(101)" and "lzo" (Redshift's default for the type when the contract names none). */
  declaredType: string;
  currentEncoding: ColumnEncoding;
  /** Narrower type when the profile shows one (e.g. "varchar(64)"), else the declared type. */
  suggestedType: string;
  suggestedEncoding: ColumnEncoding;
  /** Estimated compressed bytes per million rows, now and with the suggestion. */
  bytesPerMillionNow: number;
  bytesPerMillionSuggested: number;
  /** One sentence: why (e.g. "widest value 25 bytes in 100000 rows; ZSTD 3.1x smaller than LZO on the sample"). */
  reason: string;
  /** Optional: every encoding Redshift allows on the type, sized on the sample ('definition': from the documented encoding; 'estimate': a model). */
  measured?: Array<{ encoding: string; bytesPerMillion: number; basis: 'definition' | 'estimate' }>;
  /** Optional: the widest value ever seen (UTF-8 bytes) in the batches the advice read, for text columns. */
  widestBytes?: number;
}

/** A table-level change: sort key or distribution. */
export interface TableAdvice {
  kind: 'sortkey' | 'diststyle' | 'distkey';
  now: string;
  suggested: string;
  reason: string;
}

export interface StorageAdvice {
  dataset: string;
  table: string;
  /** Rows the sample held, and where the figures came from. */
  sampleRows: number;
  source: 'sample' | 'analyze-compression';
  columns: ColumnAdvice[];
  tableChanges: TableAdvice[];
  /** The DDL that applies the advice (Redshift dialect), in order. Empty when nothing would change. */
  ddl: string[];
  /** Sum over columns of (now − suggested) bytes per million rows. */
  bytesSavedPerMillionRows: number;
  /** Optional: the batch (date and run) whose sample and profile the advice is based on, and the batches whose widest values bound any narrowing. */
  basedOn?: { batchDate: string; runId: string; widestFromBatches: string[] };
  /** Optional: how ZSTD was sized ('zstd', or 'deflate-6 proxy' when this Node has no zstd). */
  zstdMethod?: string;
}
