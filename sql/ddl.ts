/**
 * Redshift DDL rendered from a dataset contract: the schema, the stage table, the history table and
 * the (shared) load audit table. Every statement is idempotent (IF NOT EXISTS), so `setup` can run
 * on every deploy.
 *
 * Physical design:
 * - stage   `<schema>.<stageTable>`: business columns only, the contract's distribution (DISTSTYLE KEY
 *   on its dist key, the default; or ALL or EVEN), the same as history's so the INSERT … SELECT into
 *   history is slice-local (no redistribution); no sort key (it is rewritten by every load); BACKUP NO
 *   (it is scratch space, rebuilt from the load package).
 * - history `<schema>.<historyTable>`: business columns + the load timestamp, the same distribution,
 *   COMPOUND SORTKEY(load_ts): each load appends one contiguous load_ts range, so a replace (DELETE by
 *   load_ts) and "latest batch" reads touch few blocks.
 * - audit   `<schema>.<auditTable>`: one row per run attempt; DISTSTYLE ALL (a few rows a day, read by
 *   the publish transaction's subqueries next to the big history table: a full copy on every node
 *   means those joins never redistribute), COMPOUND SORTKEY(dataset, batch_date) (every query filters
 *   on both).
 * - encodings: a column's own `encoding`, else AZ64 for numbers/dates/timestamps, ZSTD for the rest,
 *   and RAW for the first sort-key column (compressing it would defeat zone maps on the sort key).
 */
import type { ColumnContract, ColumnEncoding, DatasetContract, RedshiftType } from '../datasets/contract.ts';
import { VARCHAR_MAX_BYTES } from '../datasets/contract.ts';
import { ConfigError } from '../core/errors.ts';
import { ident, qualified } from './sql-text.ts';
import { scd2VersionColumns } from './scd2-columns.ts';

/** A column as the DDL renderer sees it (contract columns and the tables we add ourselves). */
export interface DdlColumn {
  name: string;
  type: RedshiftType;
  nullable: boolean;
  encoding?: ColumnEncoding;
}

/** The load audit table's columns: one row per run attempt that got as far as publishing or failing. */
export const AUDIT_COLUMNS: readonly DdlColumn[] = [
  { name: 'run_id', type: { kind: 'varchar', bytes: 64 }, nullable: false },
  { name: 'dataset', type: { kind: 'varchar', bytes: 128 }, nullable: false },
  { name: 'batch_date', type: { kind: 'date' }, nullable: false },
  /** 'published' | 'replaced' | 'failed' | 'expired' (sql/retention.ts) */
  { name: 'status', type: { kind: 'varchar', bytes: 16 }, nullable: false },
  { name: 'load_ts', type: { kind: 'timestamp' }, nullable: false },
  { name: 'started_at', type: { kind: 'timestamp' }, nullable: true },
  { name: 'finished_at', type: { kind: 'timestamp' }, nullable: true },
  { name: 'source_files', type: { kind: 'integer' }, nullable: true },
  { name: 'source_rows', type: { kind: 'bigint' }, nullable: true },
  { name: 'part_rows', type: { kind: 'bigint' }, nullable: true },
  { name: 'manifest_rows', type: { kind: 'bigint' }, nullable: true },
  { name: 'staged_rows', type: { kind: 'bigint' }, nullable: true },
  { name: 'published_rows', type: { kind: 'bigint' }, nullable: true },
  { name: 'replaced_rows', type: { kind: 'bigint' }, nullable: true },
  /** JSON: the manifest's checksums. */
  { name: 'checksums', type: { kind: 'varchar', bytes: 4096 }, nullable: true },
  { name: 'manifest_url', type: { kind: 'varchar', bytes: 1024 }, nullable: true },
  /** JSON: milliseconds per step. */
  { name: 'timings', type: { kind: 'varchar', bytes: 4096 }, nullable: true },
  { name: 'message', type: { kind: 'varchar', bytes: 1024 }, nullable: true },
  /** sha256 (hex) of the batch's file identities (jobs/source-fingerprint.ts). Added by sql/audit-migration.ts to older tables. */
  { name: 'source_fingerprint', type: { kind: 'varchar', bytes: 64 }, nullable: true },
  /** 'expired' rows: the run whose publish expired the batch (sql/retention.ts). */
  { name: 'expired_by', type: { kind: 'varchar', bytes: 64 }, nullable: true },
];

export const AUDIT_SORT_KEY = ['dataset', 'batch_date'] as const;

/** Which encodings Redshift accepts for which types (docs: "Compression encodings"). */
const ENCODINGS_FOR: Record<ColumnEncoding, ReadonlyArray<RedshiftType['kind']>> = {
  raw: ['smallint', 'integer', 'bigint', 'decimal', 'real', 'double precision', 'boolean', 'varchar', 'char', 'date', 'timestamp'],
  az64: ['smallint', 'integer', 'bigint', 'decimal', 'date', 'timestamp'],
  bytedict: ['smallint', 'integer', 'bigint', 'decimal', 'real', 'double precision', 'varchar', 'char', 'date', 'timestamp'],
  delta: ['smallint', 'integer', 'bigint', 'decimal', 'date', 'timestamp'],
  lzo: ['smallint', 'integer', 'bigint', 'decimal', 'varchar', 'char', 'date', 'timestamp'],
  runlength: ['smallint', 'integer', 'bigint', 'decimal', 'real', 'double precision', 'boolean', 'varchar', 'char', 'date', 'timestamp'],
  text255: ['varchar'],
  zstd: ['smallint', 'integer', 'bigint', 'decimal', 'real', 'double precision', 'boolean', 'varchar', 'char', 'date', 'timestamp'],
};

/** The encoding rule when a column declares none. */
export function defaultEncoding(type: RedshiftType): ColumnEncoding {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'date':
    case 'timestamp':
      return 'az64';
    case 'varchar':
    case 'char':
    case 'boolean':
    case 'real':
    case 'double precision':
      return 'zstd';
  }
}

/** The Redshift type as DDL text: BIGINT, DECIMAL(12,2), VARCHAR(100), VARCHAR(MAX), … */
export function renderType(type: RedshiftType, column = '?'): string {
  switch (type.kind) {
    case 'smallint':
      return 'SMALLINT';
    case 'integer':
      return 'INTEGER';
    case 'bigint':
      return 'BIGINT';
    case 'real':
      return 'REAL';
    case 'double precision':
      return 'DOUBLE PRECISION';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'decimal': {
      const { precision: p, scale: s } = type;
      if (!Number.isInteger(p) || p < 1 || p > 38 || !Number.isInteger(s) || s < 0 || s > p) {
        throw new ConfigError(`column ${column}: DECIMAL(${p},${s}) is not valid (precision 1–38, scale 0–precision)`);
      }
      return `DECIMAL(${p},${s})`;
    }
    case 'varchar':
      if (type.bytes === 'max') return 'VARCHAR(MAX)';
      if (!Number.isInteger(type.bytes) || type.bytes < 1 || type.bytes > VARCHAR_MAX_BYTES) {
        throw new ConfigError(`column ${column}: VARCHAR(${type.bytes}) is not valid (1–${VARCHAR_MAX_BYTES} bytes)`);
      }
      return `VARCHAR(${type.bytes})`;
    case 'char':
      if (!Number.isInteger(type.bytes) || type.bytes < 1 || type.bytes > 4096) {
        throw new ConfigError(`column ${column}: CHAR(${type.bytes}) is not valid (1–4096 bytes)`);
      }
      return `CHAR(${type.bytes})`;
    default:
      throw new ConfigError(`column ${column}: unsupported type ${JSON.stringify(type)}`);
  }
}

/** The encoding a column gets: its own, RAW for the first sort-key column, else the default rule. */
export function encodingFor(column: DdlColumn, firstSortKey: string | undefined): ColumnEncoding {
  const enc = column.encoding ?? (column.name === firstSortKey ? 'raw' : defaultEncoding(column.type));
  const allowed = ENCODINGS_FOR[enc];
  if (!allowed) throw new ConfigError(`column ${column.name}: unknown encoding ${enc}`);
  if (!allowed.includes(column.type.kind)) {
    throw new ConfigError(`column ${column.name}: Redshift does not allow ENCODE ${enc.toUpperCase()} on ${renderType(column.type, column.name)}`);
  }
  return enc;
}

export interface TableLayout {
  distStyle: 'key' | 'all' | 'even';
  distKey?: string;
  sortKey?: { style: 'compound' | 'interleaved'; columns: readonly string[] };
  backup?: boolean;
}

/** CREATE TABLE IF NOT EXISTS with encodings, nullability and the table attributes. */
export function createTableStatement(table: string, columns: readonly DdlColumn[], layout: TableLayout): string {
  if (columns.length === 0) throw new ConfigError(`table ${table} has no columns`);
  const names = new Set<string>();
  for (const c of columns) {
    ident(c.name, `column name in ${table}`);
    if (names.has(c.name)) throw new ConfigError(`table ${table}: column ${c.name} appears twice`);
    names.add(c.name);
  }
  const need = (col: string, role: string): string => {
    if (!names.has(col)) throw new ConfigError(`table ${table}: ${role} ${col} is not one of its columns`);
    return col;
  };
  const sortColumns = layout.sortKey?.columns ?? [];
  if (layout.sortKey && sortColumns.length === 0) throw new ConfigError(`table ${table}: empty sort key`);
  if (layout.sortKey?.style === 'interleaved' && sortColumns.length > 8) {
    throw new ConfigError(`table ${table}: an interleaved sort key takes at most 8 columns`);
  }
  sortColumns.forEach((c) => need(c, 'sort key column'));
  const firstSortKey = sortColumns[0];

  const lines = columns.map((c) => {
    const enc = encodingFor(c, firstSortKey).toUpperCase();
    return `  ${c.name} ${renderType(c.type, c.name)} ENCODE ${enc}${c.nullable ? '' : ' NOT NULL'}`;
  });
  const attrs: string[] = [];
  if (layout.backup === false) attrs.push('BACKUP NO');
  if (layout.distStyle === 'key') {
    if (!layout.distKey) throw new ConfigError(`table ${table}: DISTSTYLE KEY needs a dist key`);
    attrs.push('DISTSTYLE KEY', `DISTKEY(${need(layout.distKey, 'dist key')})`);
  } else {
    if (layout.distKey) throw new ConfigError(`table ${table}: a dist key needs DISTSTYLE KEY`);
    attrs.push(`DISTSTYLE ${layout.distStyle.toUpperCase()}`);
  }
  if (layout.sortKey) attrs.push(`${layout.sortKey.style.toUpperCase()} SORTKEY(${sortColumns.join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${table} (\n${lines.join(',\n')}\n)\n${attrs.join('\n')}`;
}

/** The history table's columns: the business columns plus the load timestamp (scd2: plus the version columns). */
export function historyColumns(contract: DatasetContract): DdlColumn[] {
  if (contract.writeMode === 'scd2') return [...contract.columns.map(toDdlColumn), ...scd2VersionColumns(contract.loadTimestampColumn)];
  return [
    ...contract.columns.map(toDdlColumn),
    { name: contract.loadTimestampColumn, type: { kind: 'timestamp' }, nullable: false },
  ];
}

function toDdlColumn(c: ColumnContract): DdlColumn {
  return { name: c.name, type: c.type, nullable: c.nullable, ...(c.encoding ? { encoding: c.encoding } : {}) };
}

/** Table names of a contract, validated. */
export function tablesOf(contract: DatasetContract): { schema: string; stage: string; history: string; audit: string } {
  return {
    schema: ident(contract.schema, 'schema name'),
    stage: qualified(contract.schema, contract.stageTable),
    history: qualified(contract.schema, contract.historyTable),
    audit: qualified(contract.schema, contract.auditTable),
  };
}

/** Business column names of a contract, validated, in warehouse order. */
export function businessColumns(contract: DatasetContract): string[] {
  return contract.columns.map((c) => ident(c.name, `column name of dataset ${contract.name}`));
}

/**
 * The stage and history tables' distribution: DISTSTYLE KEY on a business column (`distStyle` absent or
 * `key`), or ALL / EVEN without a dist key. Anything else is a ConfigError naming the dataset.
 */
export function distributionOf(contract: DatasetContract): Pick<TableLayout, 'distStyle' | 'distKey'> {
  const style = contract.distStyle ?? 'key';
  if (style === 'key') {
    if (contract.distKey === undefined) throw new ConfigError(`dataset ${contract.name}: DISTSTYLE KEY needs a distKey`);
    if (!contract.columns.some((c) => c.name === contract.distKey)) {
      throw new ConfigError(`dataset ${contract.name}: dist key ${contract.distKey} is not a business column`);
    }
    return { distStyle: 'key', distKey: contract.distKey };
  }
  if (style !== 'all' && style !== 'even') throw new ConfigError(`dataset ${contract.name}: unknown distStyle ${JSON.stringify(style)}`);
  if (contract.distKey !== undefined) {
    throw new ConfigError(`dataset ${contract.name}: distKey ${contract.distKey} needs distStyle "key" (it is "${style}")`);
  }
  return { distStyle: style };
}

/** The DDL statements of a contract, in order, without trailing semicolons. */
export function renderDdl(contract: DatasetContract): string[] {
  const t = tablesOf(contract);
  const loadTs = ident(contract.loadTimestampColumn, 'load timestamp column');
  if (contract.columns.some((c) => c.name === loadTs)) {
    throw new ConfigError(`dataset ${contract.name}: column ${loadTs} is the load timestamp the loader adds; rename it`);
  }
  const distribution = distributionOf(contract);
  const stage = createTableStatement(t.stage, contract.columns.map(toDdlColumn), { ...distribution, backup: false });
  const history = createTableStatement(t.history, historyColumns(contract), { ...distribution, sortKey: contract.sortKey });
  const audit = createTableStatement(t.audit, AUDIT_COLUMNS, {
    distStyle: 'all',
    sortKey: { style: 'compound', columns: AUDIT_SORT_KEY },
  });
  return [`CREATE SCHEMA IF NOT EXISTS ${t.schema}`, stage, history, audit];
}

/** The DDL as one script: statements separated by a blank line, each ending in a semicolon. */
export function renderDdlScript(contract: DatasetContract): string {
  return renderDdl(contract).join(';\n\n') + ';\n';
}
