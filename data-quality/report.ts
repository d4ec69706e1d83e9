/**
 * The quality report: what every rule checked and found, a profile of every column, and storage
 * notes. Plain JSON (numbers and strings only: bigints are written as text).
 */
import type { QualityRule, Severity } from '../datasets/index.ts';

export type RuleStatus = 'pass' | 'warn' | 'fail';

/**
 * Rule types: the contract's, plus `type_fit` (a value that cannot be loaded as the column's type), plus
 * any a caller registers (rules/index.ts).
 */
export type RuleType = QualityRule['type'] | 'type_fit' | (string & {});

export interface QualitySample {
  /** File the row came from. */
  file: string;
  /** 1-based row number inside the file; 0 when checked in the warehouse (`file` is then the stage table). */
  row: number;
  /** The offending value as text, quoted and truncated. */
  value: string;
  message: string;
}

export interface RuleResult {
  /** `type:column` (`not_null:s_suppkey`), `type:a,b` over several columns (`unique:l_orderkey,l_linenumber`), or the type alone for batch-level rules (`freshness`). */
  id: string;
  type: RuleType;
  column?: string;
  /** A rule over several columns together (unique over a composite key): their names; `column` is then absent. */
  columns?: string[];
  severity: Severity;
  /** Not declared in the contract: a check the loader always makes (type fit, NOT NULL, width, precision, the key). */
  implicit: boolean;
  /** What the rule demands, in words. */
  description: string;
  /** Values (or, for batch-level rules, batches) the rule looked at. */
  checked: number;
  /** Rows that broke it. */
  failed: number;
  /** The first few failures, in input order. */
  samples: QualitySample[];
  /** Batch-level rules: the finding in words. */
  detail?: string;
  status: RuleStatus;
}

export interface ColumnProfile {
  column: string;
  /** Redshift type text: `varchar(100)`, `decimal(12,2)`. */
  type: string;
  /** Rows that had no value in the source (NULL, or the column missing from a file). */
  nulls: number;
  /** Cells whose value could not be loaded as is (loaded as NULL if the run goes on). */
  failedCells: number;
  /** Smallest and largest loadable value, as text (strings compared by UTF-16 code unit, cut to 40 characters). */
  min: string | null;
  max: string | null;
  /** Text columns: the widest value seen, in UTF-8 bytes. */
  maxBytes: number | null;
  /** Text columns: the declared width in bytes (65535 for varchar(max)). */
  declaredBytes: number | null;
  /** HyperLogLog estimate of distinct loadable values (±~1 %). */
  distinctEstimate: number;
}

export interface StorageNote {
  column: string;
  declared: string;
  declaredBytes: number;
  /** Widest value seen, in UTF-8 bytes (0 when every value was NULL). */
  widestBytes: number;
  /** A smaller width, when the declared one is more than twice the widest value seen. */
  suggestedBytes?: number;
  note: string;
}

export interface RowCountCheck {
  current: number;
  previous: number | null;
  /** Signed change in percent of the previous count (null without a previous batch). */
  changePercent: number | null;
  /** The contract's limit, when it declares a row_count_change rule. */
  maxChangePercent: number | null;
  status: RuleStatus;
}

/** Units of the partition pass that the byte-level decoder left to hyparquet, by reason. */
export interface FallbackCount {
  units: number;
  reasons: Array<{ reason: string; units: number }>;
}

export interface QualityReport {
  dataset: string;
  batchFolder: string;
  files: number;
  rowCount: number;
  previousRowCount: number | null;
  rowCountChange: RowCountCheck;
  freshness: { files: number; rowCount: number; status: RuleStatus };
  /** Cells that failed coercion, over all columns. */
  failedCells: number;
  rules: RuleResult[];
  columns: ColumnProfile[];
  storageNotes: StorageNote[];
  summary: { rules: number; passed: number; warned: number; failed: number };
  /** blocked: at least one error-severity rule failed; the run must stop (exit 4). */
  decision: 'pass' | 'blocked';
  /** Present only when some units of the pass left the byte-level decoder for hyparquet (slower, same values). */
  fallbacks?: FallbackCount;
}
