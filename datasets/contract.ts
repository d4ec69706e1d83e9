/**
 * The shape of a dataset contract: everything the nightly job needs to know about one dataset,
 * declared as data. Every other folder reads contracts; contracts import nothing of ours.
 */

/** Redshift column types the loader supports. `varchar` widths are in BYTES, as Redshift counts them. */
export type RedshiftType =
  | { kind: 'smallint' }
  | { kind: 'integer' }
  | { kind: 'bigint' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'real' }
  | { kind: 'double precision' }
  | { kind: 'boolean' }
  | { kind: 'varchar'; bytes: number | 'max' }
  | { kind: 'char'; bytes: number }
  | { kind: 'date' }
  | { kind: 'timestamp' };

/** A type as the contract and the Redshift DDL spell it: integer, decimal(12,2), varchar(100), varchar(max). */
export function typeText(t: RedshiftType): string {
  switch (t.kind) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'varchar':
      return `varchar(${t.bytes})`;
    case 'char':
      return `char(${t.bytes})`;
    default:
      return t.kind;
  }
}

/** A character type (varchar or char): it holds text whose width Redshift counts in UTF-8 bytes. */
export function isCharacterType(t: RedshiftType): t is Extract<RedshiftType, { kind: 'varchar' | 'char' }> {
  return t.kind === 'varchar' || t.kind === 'char';
}

/**
 * A type whose canonical value is a string (character types, date, timestamp): COPY reads it as a CSV
 * field, quoted when needed. Every other type is written as its canonical text, never quoted.
 */
export function isTextValued(t: RedshiftType): boolean {
  return isCharacterType(t) || t.kind === 'date' || t.kind === 'timestamp';
}

/** Redshift's maximum VARCHAR width in bytes (what `varchar(max)` means). */
export const VARCHAR_MAX_BYTES = 65535;

export type ColumnEncoding = 'raw' | 'az64' | 'zstd' | 'lzo' | 'bytedict' | 'delta' | 'runlength' | 'text255';

export interface ColumnContract {
  /** Column name in the warehouse (lower case). */
  name: string;
  type: RedshiftType;
  nullable: boolean;
  /** Explicit compression encoding; when absent the DDL renderer applies the contract's encoding rule. */
  encoding?: ColumnEncoding;
  /** Column name in the source files when it differs from `name`. */
  sourceName?: string;
  description?: string;
  /** What `contract infer` saw of the column in the batch it drafted the contract from (documentation only). */
  observed?: ColumnObserved;
}

/** A column as `contract infer` observed it: rows scanned, NULLs among them, the widest value in UTF-8 bytes. */
export interface ColumnObserved {
  rows: number;
  nulls: number;
  /** Character columns: the longest value seen, in UTF-8 bytes (the declared width rounds it up). */
  maxBytes?: number;
}

export interface DelimitedSourceOptions {
  delimiter: string;
  header: boolean;
  /** Quote character, or null when the files never quote (dbgen's .tbl). */
  quote: string | null;
  /** Text that stands for NULL in an unquoted field. */
  nullMarker: string;
  /** dbgen ends every line with the delimiter. */
  trailingDelimiter: boolean;
}

export interface SourceLayout {
  /** Landing prefix relative to the landing root; `{dataset}` and `{yyyymmdd}` are substituted. */
  prefix: string;
  /** Formats accepted in the batch folder, by file extension. */
  formats: Array<'parquet' | 'csv'>;
  /** Options for delimited text files (.csv, .tbl, .txt). */
  delimited: DelimitedSourceOptions;
}

/** How the warehouse must check what it staged against the manifest. */
export interface ChecksumSpec {
  /** Decimal or integer columns whose exact sum is compared. */
  sum: string[];
  /** Integer columns whose min and max are compared. */
  minMax: string[];
}

/** Redshift distribution styles a contract may choose (DISTSTYLE KEY, ALL, EVEN). */
export type DistStyle = 'key' | 'all' | 'even';

export type DriftPolicy = 'freeze' | 'evolve' | 'discard';

export type Severity = 'error' | 'warn';

/** Quality rules, declared as data (the rule types of Glue DQDL and Soda). */
export type QualityRule =
  | { type: 'not_null'; column: string; severity: Severity }
  | { type: 'unique'; column: string; severity: Severity }
  /** No combination of the columns' values twice in the batch (a composite key). */
  | { type: 'unique'; columns: string[]; severity: Severity }
  | { type: 'range'; column: string; min?: string; max?: string; severity: Severity }
  | { type: 'allowed_values'; column: string; values: string[]; severity: Severity }
  | { type: 'pattern'; column: string; pattern: string; severity: Severity }
  | { type: 'max_bytes'; column: string; severity: Severity }
  | { type: 'decimal_fit'; column: string; severity: Severity }
  | { type: 'row_count_change'; maxChangePercent: number; severity: Severity }
  | { type: 'freshness'; severity: Severity };

export interface DatasetContract {
  /** Dataset id, used in paths and on the command line. */
  name: string;
  description: string;
  /** Warehouse schema and tables. */
  schema: string;
  stageTable: string;
  historyTable: string;
  auditTable: string;
  /** Business columns, in warehouse order. */
  columns: ColumnContract[];
  /** The column the history table adds, set from the run's own clock. */
  loadTimestampColumn: string;
  /**
   * How the stage and history tables are spread over the slices: `key` (the default when absent) on
   * `distKey`, `all` (a full copy on every node: small, slow-moving tables) or `even` (round robin).
   */
  distStyle?: DistStyle;
  /** Distribution key column: required when `distStyle` is `key` (or absent), not allowed otherwise. */
  distKey?: string;
  sortKey: { style: 'compound' | 'interleaved'; columns: string[] };
  /**
   * The natural key of one source row within one batch: every column NOT NULL, and no key value (the
   * tuple, when several columns) twice in a batch. The loader enforces it whatever `quality` declares.
   */
  key: string[];
  source: SourceLayout;
  checksums: ChecksumSpec;
  drift: { policy: DriftPolicy };
  quality: QualityRule[];
  /**
   * Where the quality rules run: `stream` (default: in the pass that reads every row) or `warehouse` (as SQL
   * on the stage after COPY FORMAT AS PARQUET; needs --strategy parquet). --quality-in and RL_QUALITY_IN win.
   */
  qualityIn?: 'stream' | 'warehouse';
  /** How a batch is published (sql/write-mode.ts): `snapshot` when absent, `append` for facts, `scd2` for dimensions. */
  writeMode?: WriteMode;
  /** scd2 only: the columns whose change opens a new version (default: every column but the key). */
  scd2?: { tracked?: string[] };
  /**
   * The object that says a batch is complete (default `_SUCCESS`): its arrival under
   * `<dataset>/<YYYYMMDD>/` in the landing bucket starts the nightly state machine for that batch
   * (stacks/event-loading.ts). Starts with `_`, so the batch listing ignores it.
   */
  completionMarker?: string;
  /** Which published batches the history keeps (sql/retention.ts); absent: every batch, forever. */
  retention?: RetentionPolicy;
}

/**
 * Retention of a dataset's batches: the last `keepLast` batch dates, and/or the earliest batch date present
 * in each calendar month. At least one of the two (a contract that keeps nothing is refused). Older batches
 * are deleted in the publish transaction and their audit rows marked `expired`.
 */
export interface RetentionPolicy {
  keepLast?: number;
  keepMonthlyFirst?: boolean;
}

export type WriteMode = 'snapshot' | 'append' | 'scd2';

/** The contract's write mode (`snapshot` when it names none). */
export function writeModeOf(c: Pick<DatasetContract, 'writeMode'>): WriteMode {
  return c.writeMode ?? 'snapshot';
}

/** The completion marker when a contract names none. */
export const DEFAULT_COMPLETION_MARKER = '_SUCCESS';

/** The object whose arrival says a batch of this dataset is complete. */
export function completionMarkerOf(c: Pick<DatasetContract, 'completionMarker'>): string {
  return c.completionMarker ?? DEFAULT_COMPLETION_MARKER;
}
