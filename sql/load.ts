/**
 * The load's statements, in Redshift's dialect: empty the stage, check what the COPY (sql/copy.ts)
 * staged, and publish it exactly once.
 *
 * Exactly-once publish. The stage step (TRUNCATE, then COPY) runs on its own: TRUNCATE commits on
 * Redshift, so it can never share the publish transaction. The publish is ONE transaction
 * (BatchExecuteStatement, ≤ 40 statements) that re-verifies the stage before touching history, so it
 * is safe even when another run rewrote the stage in between:
 *
 *   1. LOCK history, audit, stage                   serialize publishers (one LOCK, one lock order)
 *   2. guard: stage = manifest (count, sums, min/max)   else "division by zero" → rollback
 *   3. guard: no OTHER batch of the dataset used this load_ts   (keeps load_ts → batch one-to-one)
 *   4. UPDATE audit → 'replaced' for the batch's published copies
 *   5. INSERT audit 'published' row; replaced_rows = history rows of the copies just marked replaced
 *   6. DELETE history rows of every replaced copy of the batch (no TRUNCATE)
 *   7. INSERT history … SELECT stage, with the run's load_ts literal (never CURRENT_TIMESTAMP)
 *   8. guard: history rows with this load_ts = manifest (count, sums, min/max)
 *   9. (contract `retention`) UPDATE audit → 'expired' for batches outside retention   (sql/retention.ts)
 *  10. (contract `retention`) guard: the batches just expired hold exactly their published_rows
 *  11. (contract `retention`) DELETE history rows of the batches just expired (no TRUNCATE)
 *
 * Invariant: an audit row that is not 'published' ('replaced', 'expired', 'failed') has no history rows
 * left. Steps 4–6 therefore need no "except this run" clause, and a retried publish that reuses its own
 * load_ts (e.g. the commit went through but the client never heard back) still ends with exactly one copy.
 * The published audit row carries the batch's source fingerprint (jobs/source-fingerprint.ts), which the
 * next run of the batch compares before it writes anything.
 *
 * Guards raise a runtime division by zero: the CASE depends on aggregates, so no planner folds it
 * early. Each guard starts with a comment saying what it guards; adapters quote a failing
 * statement's head in their error, so "division by zero" always comes with its meaning.
 */
import type { DatasetContract, RedshiftType } from '../datasets/contract.ts';
import { ConfigError, LoadError } from '../core/errors.ts';
import type { Checksums } from '../core/manifest.ts';
import { columnFigureConditions, columnFigureItems, columnFigureMismatches } from './column-checks.ts';
import { businessColumns, tablesOf } from './ddl.ts';
import { retentionStatements } from './retention.ts';
import {
  checkTimestamp,
  countLiteral,
  dateLiteral,
  decimalLiteral,
  ident,
  literal,
  timestampLiteral,
  utf8Bytes,
} from './sql-text.ts';

// ---------------------------------------------------------------------------------------------- stage

/** Empties the stage. A step of its own: TRUNCATE commits the open transaction on Redshift. */
export function emptyStage(contract: DatasetContract): string {
  return `TRUNCATE ${tablesOf(contract).stage}`;
}

// ------------------------------------------------------------------------------------------ checksums

const INTEGER_KINDS: ReadonlyArray<RedshiftType['kind']> = ['smallint', 'integer', 'bigint'];

function columnType(contract: DatasetContract, name: string, role: string): RedshiftType {
  const c = contract.columns.find((x) => x.name === name);
  if (!c) throw new ConfigError(`dataset ${contract.name}: checksum ${role} column ${name} is not a column`);
  return c.type;
}

/** SUM over a column, exact: integers are widened to DECIMAL(38,0) so Redshift's BIGINT sum cannot overflow. */
function sumExpression(contract: DatasetContract, col: string): string {
  const type = columnType(contract, col, 'sum');
  const c = ident(col, 'checksum column');
  if (INTEGER_KINDS.includes(type.kind)) return `SUM(CAST(${c} AS DECIMAL(38,0)))`;
  if (type.kind === 'decimal') return `SUM(${c})`;
  throw new ConfigError(`dataset ${contract.name}: checksum sum column ${col} must be an integer or decimal column`);
}

function minMaxColumn(contract: DatasetContract, col: string): string {
  const type = columnType(contract, col, 'min/max');
  if (!INTEGER_KINDS.includes(type.kind) && type.kind !== 'decimal') {
    throw new ConfigError(`dataset ${contract.name}: checksum min/max column ${col} must be an integer or decimal column`);
  }
  return ident(col, 'checksum column');
}

/** The result columns of stageChecksQuery, in order. */
export function checksAliases(contract: DatasetContract): string[] {
  const { sum, minMax } = contract.checksums;
  return ['rows', ...sum.map((c) => `sum_${c}`), ...minMax.flatMap((c) => [`min_${c}`, `max_${c}`])];
}

export function checksSelectList(contract: DatasetContract): string {
  const items = ['CAST(COUNT(*) AS VARCHAR(40)) AS rows'];
  for (const c of contract.checksums.sum) items.push(`CAST(${sumExpression(contract, c)} AS VARCHAR(64)) AS sum_${c}`);
  for (const c of contract.checksums.minMax) {
    const col = minMaxColumn(contract, c);
    items.push(`CAST(MIN(${col}) AS VARCHAR(64)) AS min_${c}`, `CAST(MAX(${col}) AS VARCHAR(64)) AS max_${c}`);
  }
  items.push(...columnFigureItems(contract));
  return items.join(',\n  ');
}

/**
 * One SELECT over the stage returning text only (JS never sees a float): `rows`, `sum_<col>` per
 * checksum sum column, `min_<col>` and `max_<col>` per min/max column, and every column's figures
 * (`c<i>_count`, `c<i>_bytes` or `c<i>_sum`/`_min`/`_max`: sql/column-checks.ts).
 */
export function stageChecksQuery(contract: DatasetContract): string {
  return `SELECT\n  ${checksSelectList(contract)}\nFROM ${tablesOf(contract).stage}`;
}

/** The same aggregates over the history rows of one load timestamp (for reconciliation reports). */
export function historyChecksQuery(contract: DatasetContract, loadTs: string): string {
  const t = tablesOf(contract);
  const lt = ident(contract.loadTimestampColumn, 'load timestamp column');
  return `SELECT\n  ${checksSelectList(contract)}\nFROM ${t.history}\nWHERE ${lt} = ${timestampLiteral(loadTs, 'load timestamp')}`;
}

function parseDecimal(text: string): { digits: bigint; scale: number } {
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new LoadError(`not a decimal number: ${JSON.stringify(text)}`);
  const frac = m[3] ?? '';
  const digits = BigInt(m[2] + frac);
  return { digits: m[1] === '-' ? -digits : digits, scale: frac.length };
}

/** Compares two exact decimals given as text: "45103548.65" equals "45103548.650"; -1, 0 or 1. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const xs = x.digits * 10n ** BigInt(scale - x.scale);
  const ys = y.digits * 10n ** BigInt(scale - y.scale);
  return xs < ys ? -1 : xs > ys ? 1 : 0;
}

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) return String(v);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever a driver returned instead (a double, a boolean, bytes) is named as JavaScript prints it
  throw new LoadError(`checksum value ${String(v)} did not come back as exact text`);
}

/**
 * Compares a stageChecksQuery row with the manifest's checksums. Returns one line per mismatch
 * (empty when everything matches), e.g. "sum of s_acctbal: staged 45103548.64, manifest 45103548.65".
 */
export function checksumMismatches(contract: DatasetContract, row: Record<string, unknown>, expected: Checksums, where: 'staged' | 'published' = 'staged'): string[] {
  const out: string[] = [];
  const same = (a: string | null, b: string | null): boolean =>
    a === null || b === null ? a === b : compareDecimal(a, b) === 0;
  const check = (what: string, staged: unknown, want: string | null | undefined): void => {
    if (want === undefined) {
      out.push(`${what}: the manifest has no value`);
      return;
    }
    const got = asText(staged);
    if (!same(got, want)) out.push(`${what}: staged ${got ?? 'NULL'}, manifest ${want ?? 'NULL'}`);
  };
  check('rows', row.rows, String(expected.rows));
  for (const c of contract.checksums.sum) check(`sum of ${c}`, row[`sum_${c}`], expected.sums?.[c]);
  for (const c of contract.checksums.minMax) {
    check(`min of ${c}`, row[`min_${c}`], expected.min?.[c]);
    check(`max of ${c}`, row[`max_${c}`], expected.max?.[c]);
  }
  out.push(...columnFigureMismatches(contract, row, expected.columns, same, asText, where));
  return out;
}

/** `COUNT(*) = n AND SUM(x) = s AND MIN(k) = a AND MAX(k) = b` for a guard, exact literals only. */
export function checksumCondition(contract: DatasetContract, expected: Checksums): string {
  const eq = (expr: string, v: string | null | undefined, what: string): string => {
    if (v === undefined) throw new LoadError(`the manifest's checksums lack the ${what}`);
    return v === null ? `${expr} IS NULL` : `${expr} = ${decimalLiteral(v, `the manifest's ${what}`)}`;
  };
  const parts = [`COUNT(*) = ${countLiteral(expected.rows, "the manifest's row count")}`];
  for (const c of contract.checksums.sum) parts.push(eq(sumExpression(contract, c), expected.sums?.[c], `sum of ${c}`));
  for (const c of contract.checksums.minMax) {
    const col = minMaxColumn(contract, c);
    parts.push(eq(`MIN(${col})`, expected.min?.[c], `min of ${c}`), eq(`MAX(${col})`, expected.max?.[c], `max of ${c}`));
  }
  parts.push(...columnFigureConditions(contract, expected.columns));
  return parts.join(' AND ');
}

// -------------------------------------------------------------------------------------------- publish

/** Audit facts the run collected before publishing (snake_case: the audit table's own column names). */
export interface PublishAudit {
  /** 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC, from the run's clock. */
  started_at: string;
  /** Defaults to the load timestamp. */
  finished_at?: string;
  source_files: number;
  source_rows: number;
  part_rows: number;
  manifest_rows: number;
  staged_rows: number;
  manifest_url: string;
  /** Milliseconds per step, stored as JSON. */
  timings: Record<string, number>;
  /** Stored as JSON; defaults to the expected checksums. */
  checksums?: Checksums;
  /** sha256 hex of the batch's file identities (jobs/source-fingerprint.ts). */
  source_fingerprint?: string;
}

export interface PublishArgs {
  contract: DatasetContract;
  runId: string;
  /** 'YYYY-MM-DD' */
  batchDate: string;
  /** 'YYYY-MM-DD HH:MM:SS.ffffff' UTC from the run's clock — never CURRENT_TIMESTAMP. */
  loadTs: string;
  /** What the manifest says the stage holds. */
  expected: Checksums;
  audit: PublishAudit;
}

/** What each publish statement is for, by position (for error messages and logs). */
export const PUBLISH_STEPS = [
  'lock history, audit and stage',
  'guard: the stage holds exactly the manifest rows',
  'guard: no other batch used this load timestamp',
  "mark the batch's published copies replaced",
  'write the published audit row',
  "delete the batch's replaced copies from history",
  'insert the stage into history',
  'guard: history holds exactly the manifest rows for this load timestamp',
] as const;

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

function checkRunId(runId: string): string {
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) {
    throw new ConfigError(`run id must be 1–64 letters, digits, '.', '_', ':' or '-', got ${JSON.stringify(runId)}`);
  }
  return runId;
}

/** A VARCHAR(n) literal that must fit (n in bytes), or NULL. */
function textValue(v: string | null | undefined, maxBytes: number, what: string): string {
  if (v === null || v === undefined) return 'NULL';
  if (utf8Bytes(v) > maxBytes) throw new LoadError(`${what} is ${utf8Bytes(v)} bytes; the audit column holds ${maxBytes}`);
  return literal(v);
}

/**
 * The checksums as the audit row keeps them (4096 bytes): whole when they fit; for a contract so wide
 * that its per-column figures do not, the contract's own checksums and a pointer to the manifest (which
 * keeps every figure, and which the audit row names).
 */
export function auditChecksumsJson(c: Checksums): string {
  const whole = JSON.stringify(c);
  if (utf8Bytes(whole) <= 4096 || c.columns === undefined) return whole;
  return JSON.stringify({ ...c, columns: 'per-column figures: see the manifest' });
}

/** Cuts text to at most `maxBytes` UTF-8 bytes on a character boundary, marking the cut with "…". */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  const budget = maxBytes - 3; // "…" is 3 bytes
  for (const ch of text) {
    const b = utf8Bytes(ch);
    if (used + b > budget) break;
    out += ch;
    used += b;
  }
  return out + '…';
}

function optionalCount(v: number | null | undefined, what: string): string {
  return v === null || v === undefined ? 'NULL' : countLiteral(v, what);
}

function optionalTimestamp(v: string | null | undefined, what: string): string {
  return v === null || v === undefined ? 'NULL' : timestampLiteral(v, what);
}

const AUDIT_INSERT_COLUMNS = [
  'run_id',
  'dataset',
  'batch_date',
  'status',
  'load_ts',
  'started_at',
  'finished_at',
  'source_files',
  'source_rows',
  'part_rows',
  'manifest_rows',
  'staged_rows',
  'published_rows',
  'replaced_rows',
  'checksums',
  'manifest_url',
  'timings',
  'message',
  'source_fingerprint',
] as const;

const FINGERPRINT = /^[0-9a-f]{64}$/;

function fingerprintValue(v: string | undefined): string {
  if (v === undefined) return 'NULL';
  if (!FINGERPRINT.test(v)) throw new LoadError(`source fingerprint ${JSON.stringify(v)} is not 64 hex digits`);
  return literal(v);
}

/** The publish transaction (see the file comment for the order and why). */
export function publishStatements(args: PublishArgs): string[] {
  const { contract, expected } = args;
  const t = tablesOf(contract);
  const cols = businessColumns(contract);
  const lt = ident(contract.loadTimestampColumn, 'load timestamp column');
  const loadTs = timestampLiteral(args.loadTs, 'load timestamp');
  const batch = dateLiteral(args.batchDate, 'batch date');
  const dataset = literal(contract.name);
  const condition = checksumCondition(contract, expected);
  const thisBatch = `dataset = ${dataset} AND batch_date = ${batch}`;
  const replacedLoads = `SELECT load_ts FROM ${t.audit} WHERE ${thisBatch} AND status = 'replaced'`;

  return [
    `LOCK ${t.history}, ${t.audit}, ${t.stage}`,
    `/* ${PUBLISH_STEPS[1]} */ SELECT 1 / (CASE WHEN ${condition} THEN 1 ELSE 0 END) AS stage_ok FROM ${t.stage}`,
    `/* ${PUBLISH_STEPS[2]} */ SELECT 1 / (CASE WHEN COUNT(*) = 0 THEN 1 ELSE 0 END) AS load_ts_ok FROM ${t.audit} ` +
      `WHERE dataset = ${dataset} AND load_ts = ${loadTs} AND batch_date <> ${batch}`,
    `UPDATE ${t.audit} SET status = 'replaced' WHERE ${thisBatch} AND status = 'published'`,
    publishedAuditInsert(args, 'COUNT(*)', `${t.history} WHERE ${lt} IN (${replacedLoads})`),
    `DELETE FROM ${t.history} WHERE ${lt} IN (${replacedLoads})`,
    `INSERT INTO ${t.history} (${cols.join(', ')}, ${lt})\nSELECT ${cols.join(', ')}, ${loadTs} FROM ${t.stage}`,
    `/* ${PUBLISH_STEPS[7]} */ SELECT 1 / (CASE WHEN ${condition} THEN 1 ELSE 0 END) AS history_ok FROM ${t.history} ` +
      `WHERE ${lt} = ${loadTs}`,
    ...retentionStatements(contract, args.runId, args.batchDate),
  ];
}

/**
 * The 'published' audit row as INSERT … SELECT: `replacedRows` is its replaced_rows expression, evaluated
 * over `from` (a table and WHERE clause) before the publish changes history.
 */
export function publishedAuditInsert(args: PublishArgs, replacedRows: string, from: string): string {
  const { contract, expected, audit } = args;
  const t = tablesOf(contract);
  const dataset = literal(contract.name);
  const runId = literal(checkRunId(args.runId));
  const batch = dateLiteral(args.batchDate, 'batch date');
  const loadTs = timestampLiteral(args.loadTs, 'load timestamp');
  const values = [
    runId,
    dataset,
    batch,
    `'published'`,
    loadTs,
    timestampLiteral(audit.started_at, 'audit started_at'),
    optionalTimestamp(audit.finished_at ?? args.loadTs, 'audit finished_at'),
    countLiteral(audit.source_files, 'audit source_files'),
    countLiteral(audit.source_rows, 'audit source_rows'),
    countLiteral(audit.part_rows, 'audit part_rows'),
    countLiteral(audit.manifest_rows, 'audit manifest_rows'),
    countLiteral(audit.staged_rows, 'audit staged_rows'),
    countLiteral(expected.rows, 'published rows'),
    replacedRows,
    textValue(auditChecksumsJson(audit.checksums ?? expected), 4096, 'the checksums JSON'),
    textValue(audit.manifest_url, 1024, 'the manifest URL'),
    textValue(JSON.stringify(audit.timings ?? {}), 4096, 'the timings JSON'),
    'NULL',
    fingerprintValue(audit.source_fingerprint),
  ];
  return `INSERT INTO ${t.audit} (${AUDIT_INSERT_COLUMNS.join(', ')})\nSELECT ${values.join(', ')}\nFROM ${from}`;
}

export interface FailedAuditArgs {
  contract: DatasetContract;
  runId: string;
  batchDate: string;
  /** The run's load timestamp (its clock at the start of the load). */
  loadTs: string;
  message: string;
  started_at?: string;
  finished_at?: string;
  source_files?: number;
  source_rows?: number;
  part_rows?: number;
  manifest_rows?: number;
  staged_rows?: number;
  manifest_url?: string;
  timings?: Record<string, number>;
  checksums?: Checksums;
  source_fingerprint?: string;
}

/** One 'failed' audit row, in a transaction of its own (the load's own transaction rolled back). */
export function failedAuditStatement(args: FailedAuditArgs): string {
  const t = tablesOf(args.contract);
  checkTimestamp(args.loadTs, 'load timestamp');
  const values = [
    literal(checkRunId(args.runId)),
    literal(args.contract.name),
    dateLiteral(args.batchDate, 'batch date'),
    `'failed'`,
    timestampLiteral(args.loadTs, 'load timestamp'),
    optionalTimestamp(args.started_at, 'audit started_at'),
    optionalTimestamp(args.finished_at ?? args.loadTs, 'audit finished_at'),
    optionalCount(args.source_files, 'audit source_files'),
    optionalCount(args.source_rows, 'audit source_rows'),
    optionalCount(args.part_rows, 'audit part_rows'),
    optionalCount(args.manifest_rows, 'audit manifest_rows'),
    optionalCount(args.staged_rows, 'audit staged_rows'),
    'NULL',
    'NULL',
    args.checksums ? textValue(auditChecksumsJson(args.checksums), 4096, 'the checksums JSON') : 'NULL',
    textValue(args.manifest_url, 1024, 'the manifest URL'),
    args.timings ? textValue(JSON.stringify(args.timings), 4096, 'the timings JSON') : 'NULL',
    literal(truncateUtf8(args.message.replace(/\0/g, ''), 1024)),
    fingerprintValue(args.source_fingerprint),
  ];
  return `INSERT INTO ${t.audit} (${AUDIT_INSERT_COLUMNS.join(', ')})\nVALUES (${values.join(', ')})`;
}

/**
 * `published_rows` (as text) and `batch_date` of the latest batch before `batchDate` that is still
 * published, for the row-count-change quality rule. No row when there is none.
 */
export function previousPublishedRowsQuery(contract: DatasetContract, batchDate: string): string {
  const t = tablesOf(contract);
  return (
    `SELECT CAST(published_rows AS VARCHAR(40)) AS published_rows, CAST(batch_date AS VARCHAR(10)) AS batch_date\n` +
    `FROM ${t.audit}\n` +
    `WHERE dataset = ${literal(contract.name)} AND status = 'published' AND batch_date < ${dateLiteral(batchDate, 'batch date')}\n` +
    `ORDER BY batch_date DESC, load_ts DESC\nLIMIT 1`
  );
}

/** The audit rows of one batch, oldest first, everything as text (for reports and tests). */
export function batchAuditQuery(contract: DatasetContract, batchDate: string): string {
  const t = tablesOf(contract);
  const text = (c: string): string => `CAST(${c} AS VARCHAR(4096)) AS ${c}`;
  return (
    `SELECT ${AUDIT_INSERT_COLUMNS.map(text).join(', ')}\nFROM ${t.audit}\n` +
    `WHERE dataset = ${literal(contract.name)} AND batch_date = ${dateLiteral(batchDate, 'batch date')}\n` +
    `ORDER BY load_ts, status`
  );
}
