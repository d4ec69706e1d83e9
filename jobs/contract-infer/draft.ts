/**
 * The contract `contract infer` drafts from a batch scan, with the defaults a new dataset starts from:
 *
 * - schema `assignment` (or --schema), tables `<name>_stage` and `<name>_data`, audit `load_audit`,
 *   load timestamp `load_ts` (`rl_load_ts` when the batch has a column load_ts);
 * - distribution key: the first key column; sort key: compound (load_ts);
 * - columns in file order; NOT NULL when the scan saw no NULL; varchar width = the widest value seen in
 *   UTF-8 bytes rounded up to the next multiple of WIDTH_STEP (16), at least 16, at most 65535 — a wider
 *   value is refused; `observed` records rows, NULLs and that widest value;
 * - checksums: the exact sum of every decimal column, min/max of every integer key column;
 * - drift freeze; quality: not_null for each NOT NULL column, unique for a one-column key, max_bytes for
 *   each character column, decimal_fit for each decimal column, row_count_change (20 %, warn), freshness.
 */
import { ConfigError } from '../../core/errors.ts';
import { VARCHAR_MAX_BYTES, type ColumnContract, type DatasetContract, type QualityRule, type RedshiftType } from '../../datasets/contract.ts';
import type { BatchScan, ScannedColumn } from './scan.ts';
import { textColumnType } from './text-values.ts';

/** varchar widths are the widest value seen, rounded up to a multiple of this many bytes. */
export const WIDTH_STEP = 16;

export interface DraftOptions {
  name: string;
  schema: string;
}

/** The declared width for a widest value of `maxBytes` (see the module comment). */
export function varcharWidth(maxBytes: number): number {
  return Math.min(VARCHAR_MAX_BYTES, Math.max(WIDTH_STEP, Math.ceil(maxBytes / WIDTH_STEP) * WIDTH_STEP));
}

function column(c: ScannedColumn): ColumnContract {
  let type: RedshiftType;
  let why: string | undefined;
  const found = c.parquet ? c.parquet.type : textColumnType(c.profile!).type;
  if (!c.parquet) why = textColumnType(c.profile!).why;
  if (found.kind === 'varchar') type = { kind: 'varchar', bytes: 0 };
  else type = found;
  if (type.kind === 'varchar') {
    if (c.maxBytes > VARCHAR_MAX_BYTES) {
      throw new ConfigError(`column ${c.name} holds a value of ${c.maxBytes} bytes in UTF-8, more than Redshift's widest varchar (${VARCHAR_MAX_BYTES} bytes)`,
        { column: c.name }, 'split or shorten the column in the export, or leave it out');
    }
    type = { kind: 'varchar', bytes: varcharWidth(c.maxBytes) };
  }
  const out: ColumnContract = { name: c.name, type, nullable: c.nulls > 0 };
  if (c.sourceName !== undefined) out.sourceName = c.sourceName;
  const notes = [c.parquet ? `Parquet ${c.parquet.parquet}` : undefined, why ? `varchar: ${why}` : undefined].filter((x) => x !== undefined);
  if (notes.length) out.description = notes.join('; ');
  out.observed = { rows: c.rows, nulls: c.nulls, ...(type.kind === 'varchar' ? { maxBytes: c.maxBytes } : {}) };
  return out;
}

const INTEGER_KINDS = new Set(['smallint', 'integer', 'bigint']);

/** The drafted contract (checked by the caller with the contract checker before it is shown or written). */
export function draftContract(scan: BatchScan, o: DraftOptions): DatasetContract {
  const columns = scan.columns.map((c) => column(c));
  const names = new Set(columns.map((c) => c.name));
  const loadTs = names.has('load_ts') ? 'rl_load_ts' : 'load_ts';
  if (names.has(loadTs)) throw new ConfigError('the batch has columns load_ts and rl_load_ts: the history table needs a name for its load timestamp', {}, 'rename one in the export');
  const byName = new Map(columns.map((c) => [c.name, c]));
  const quality: QualityRule[] = [];
  for (const c of columns) if (!c.nullable) quality.push({ type: 'not_null', column: c.name, severity: 'error' });
  if (scan.key.length === 1) quality.push({ type: 'unique', column: scan.key[0], severity: 'error' });
  for (const c of columns) if (c.type.kind === 'varchar' || c.type.kind === 'char') quality.push({ type: 'max_bytes', column: c.name, severity: 'error' });
  for (const c of columns) if (c.type.kind === 'decimal') quality.push({ type: 'decimal_fit', column: c.name, severity: 'error' });
  quality.push({ type: 'row_count_change', maxChangePercent: 20, severity: 'warn' }, { type: 'freshness', severity: 'error' });
  const files = `${scan.files.length} ${scan.format === 'parquet' ? 'Parquet' : 'text'} file(s)`;
  return {
    name: o.name,
    description: `drafted by contract infer from ${files}, ${scan.rows} row(s) scanned: review the types, widths and rules before the first load`,
    schema: o.schema,
    stageTable: `${o.name}_stage`,
    historyTable: `${o.name}_data`,
    auditTable: 'load_audit',
    columns,
    loadTimestampColumn: loadTs,
    distKey: scan.key[0],
    sortKey: { style: 'compound', columns: [loadTs] },
    key: scan.key,
    source: {
      prefix: '{dataset}/{yyyymmdd}/',
      formats: [scan.format],
      delimited: scan.delimited ?? { delimiter: ',', header: true, quote: '"', nullMarker: '', trailingDelimiter: false },
    },
    checksums: {
      sum: columns.filter((c) => c.type.kind === 'decimal').map((c) => c.name),
      minMax: scan.key.filter((k) => INTEGER_KINDS.has(byName.get(k)!.type.kind)),
    },
    drift: { policy: 'freeze' },
    quality,
  };
}
