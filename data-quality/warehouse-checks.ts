/**
 * Quality inside the warehouse (--quality-in warehouse): the contract's rules run as SQL on the stage
 * table after COPY and before publish, so no process of ours reads the rows. The rules are the ones the
 * streaming pass compiles (rules/compile.ts: declared and implicit, same ids, severities, descriptions);
 * each column rule contributes its module's `sqlForm` (a condition TRUE for a value that breaks it), key
 * rules a GROUP BY … HAVING COUNT(*) > 1, batch rules judge the staged row count as they judge the
 * streamed one. The report has the streaming pass's shape and verdicts.
 *
 * Statements, all read-only SELECTs, the same text on Redshift and PostgreSQL:
 *   1. one pass over the stage: COUNT(*), per column rule checked and failed, per key rule the complete
 *      keys, per column the profile (non-null count, MIN, MAX, widest value in bytes, exact distinct count);
 *   2. per key rule: the repeated keys (how many rows repeat one);
 *   3. per failed rule: up to `sampleLimit` samples, ORDER BY the value (deterministic; the stage has no
 *      file or row, so a sample says WAREHOUSE_ROW instead — row 0 in the JSON).
 * At most 1 + key rules + failed rules statements, each a statement of its own (no transaction: they only read).
 */
import type { ColumnContract, DatasetContract } from '../datasets/index.ts';
import { ConfigError } from '../core/errors.ts';
import { sqlIdent, sqlTable } from '../core/sql-literal.ts';
import { decimalText } from '../core/decimal-text.ts';
import { coercerFor, CoerceFailure, showValue, type Canonical, type Coercer } from './coerce.ts';
import { ColumnStats, columnProfile, storageNote } from './profile.ts';
import type { QualityReport, QualitySample, StorageNote } from './report.ts';
import { columnKind, compileRules, ruleTypesWith, batchReportFields, ruleResultOf, summaryOf, type BatchFacts, type RuleState, type RuleTypes } from './rules/index.ts';
import { keyValueText } from './rules/unique.ts';

/** What a warehouse sample says in place of a file and row. */
export const WAREHOUSE_ROW = 'row unknown (checked in the warehouse)';

export type Row = Record<string, unknown>;
/** Runs one SELECT on the warehouse and returns its rows. */
export type Query = (sql: string) => Promise<Row[]>;

export interface WarehouseFacts {
  previousRowCount: number | null;
  batchFolder: string;
  files: number;
}

interface ColumnRuleSql {
  state: RuleState;
  column: ColumnContract;
  col: string;
  /** TRUE for a value that breaks the rule; null: the stage column's type refused every such value at COPY. */
  fails: string | null;
  countsRows: boolean;
}

interface KeyRuleSql {
  state: RuleState;
  columns: ColumnContract[];
  cols: string[];
}

const TEXT = 'VARCHAR(65535)';

/** A column's value as text (Redshift cannot CAST a boolean to text). */
function textOf(c: ColumnContract, col: string): string {
  return c.type.kind === 'boolean' ? `CASE WHEN ${col} THEN 'true' WHEN NOT ${col} THEN 'false' END` : `CAST(${col} AS ${TEXT})`;
}

/** A driver's value as text: the queries cast every figure to VARCHAR, so a string (or a plain number/bigint) comes back. */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw new Error(`the warehouse returned ${JSON.stringify(v)} where text was expected`);
}

function count(v: unknown): number {
  const t = text(v);
  if (t === null) return 0;
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw new Error(`the warehouse returned ${t} where a count was expected`);
  return n;
}

/**
 * The first `limit` keys the table holds more than once, in key order: `v0…` (each key column as text),
 * `n` (how many rows hold it). Rows with a NULL in the key are not compared (SQL's uniqueness). The key
 * rules here and the cross-shard check of a sharded load (jobs/shards/keys-across-shards.ts) both ask it.
 */
export function repeatedKeysQuery(table: string, columns: ColumnContract[], limit: number): string {
  const cols = columns.map((c) => sqlIdent(c.name));
  const values = columns.map((c, i) => `${textOf(c, cols[i])} AS v${i}`);
  return `SELECT ${values.join(', ')}, CAST(COUNT(*) AS VARCHAR(40)) AS n\nFROM ${table}\nWHERE ${notNull(cols)}\nGROUP BY ${cols.join(', ')}\nHAVING COUNT(*) > 1\nORDER BY ${cols.join(', ')}\nLIMIT ${limit}`;
}

/** The rules as SQL on one stage table. Compiling it checks every rule has an SQL form (ConfigError before any data moves). */
export class WarehouseChecks {
  readonly stage: string;
  private readonly columnRules: ColumnRuleSql[] = [];
  private readonly keyRules: KeyRuleSql[] = [];
  private readonly all: RuleState[];
  private readonly batch: RuleState[];
  private readonly batchModules: ReturnType<typeof compileRules>['batchModules'];
  private readonly coercers: Coercer[];
  private readonly keep: number;

  constructor(private readonly contract: DatasetContract, options: { ruleTypes?: RuleTypes; sampleLimit?: number } = {}) {
    this.stage = sqlTable(contract.schema, contract.stageTable);
    this.keep = Math.max(1, Math.floor(options.sampleLimit ?? 5));
    const rules = compileRules(contract, ruleTypesWith(options.ruleTypes));
    this.all = rules.all;
    this.batch = rules.batch;
    this.batchModules = rules.batchModules;
    this.coercers = contract.columns.map(coercerFor);
    contract.columns.forEach((column, i) => {
      const col = sqlIdent(column.name);
      for (const state of rules.columns[i].all) {
        const m = state.module;
        if (m.scope !== 'column') continue;
        if (!m.sqlForm) {
          throw new ConfigError(`rule ${state.id} (type ${m.type}) has no SQL form, so it cannot run in the warehouse`, { rule: state.id }, 'use --quality-in stream for this dataset');
        }
        this.columnRules.push({ state, column, col, fails: m.sqlForm(state, column, col), countsRows: m.counts === 'rows' });
      }
    });
    for (const k of rules.keys) {
      const columns = k.columns.map((i) => contract.columns[i]);
      this.keyRules.push({ state: k.state, columns, cols: columns.map((c) => sqlIdent(c.name)) });
    }
  }

  /** Statement 1: counts of every rule and the profile of every column, in one scan. */
  countsQuery(): string {
    const items = ['CAST(COUNT(*) AS VARCHAR(40)) AS rows'];
    this.columnRules.forEach((r, j) => {
      items.push(`CAST(${r.countsRows ? 'COUNT(*)' : `COUNT(${r.col})`} AS VARCHAR(40)) AS r${j}_checked`);
      if (r.fails !== null) items.push(`CAST(SUM(CASE WHEN ${r.fails} THEN 1 ELSE 0 END) AS VARCHAR(40)) AS r${j}_failed`);
    });
    this.keyRules.forEach((k, j) => {
      items.push(`CAST(SUM(CASE WHEN ${notNull(k.cols)} THEN 1 ELSE 0 END) AS VARCHAR(40)) AS k${j}_checked`);
    });
    this.contract.columns.forEach((c, i) => {
      const col = sqlIdent(c.name);
      items.push(`CAST(COUNT(${col}) AS VARCHAR(40)) AS p${i}_values`, `CAST(COUNT(DISTINCT ${col}) AS VARCHAR(40)) AS p${i}_distinct`);
      if (c.type.kind === 'boolean') items.push(`CAST(SUM(CASE WHEN ${col} THEN 1 ELSE 0 END) AS VARCHAR(40)) AS p${i}_trues`);
      else items.push(`CAST(MIN(${col}) AS ${TEXT}) AS p${i}_min`, `CAST(MAX(${col}) AS ${TEXT}) AS p${i}_max`);
      if (c.type.kind === 'varchar') items.push(`CAST(MAX(OCTET_LENGTH(${col})) AS VARCHAR(40)) AS p${i}_bytes`);
      if (c.type.kind === 'char') items.push(`CAST(MAX(OCTET_LENGTH(RTRIM(${col}))) AS VARCHAR(40)) AS p${i}_bytes`);
    });
    return `SELECT\n  ${items.join(',\n  ')}\nFROM ${this.stage}`;
  }

  /** Statement 2, per key rule: how many keys repeat, and how many rows repeat one. */
  keyRepeatsQuery(j: number): string {
    const k = this.keyRules[j];
    return `SELECT CAST(COUNT(*) AS VARCHAR(40)) AS keys, CAST(SUM(n - 1) AS VARCHAR(40)) AS repeats\nFROM (SELECT COUNT(*) AS n FROM ${this.stage} WHERE ${notNull(k.cols)} GROUP BY ${k.cols.join(', ')} HAVING COUNT(*) > 1) AS repeated`;
  }

  /** Statement 3 of a key rule: the first repeated keys in key order, with how often each appears. */
  keySamplesQuery(j: number): string {
    return repeatedKeysQuery(this.stage, this.keyRules[j].columns, this.keep);
  }

  /** Statement 3 of a column rule: the first failing values in value order. */
  samplesQuery(j: number): string {
    const r = this.columnRules[j];
    return `SELECT ${textOf(r.column, r.col)} AS v\nFROM ${this.stage}\nWHERE ${r.fails}\nORDER BY ${r.col}\nLIMIT ${this.keep}`;
  }

  /** Runs the statements and judges every rule: the report the streaming pass would give for the staged rows. */
  async run(query: Query, facts: WarehouseFacts): Promise<QualityReport> {
    const [counts] = await query(this.countsQuery());
    const rows = count(counts.rows);
    for (const [j, r] of this.columnRules.entries()) {
      r.state.checked = count(counts[`r${j}_checked`]);
      r.state.failed = r.fails === null ? 0 : count(counts[`r${j}_failed`]);
      if (r.state.failed > 0) r.state.samples = (await query(this.samplesQuery(j))).map((row) => this.columnSample(r, text(row.v)));
    }
    for (const [j, k] of this.keyRules.entries()) {
      k.state.checked = count(counts[`k${j}_checked`]);
      const [repeats] = await query(this.keyRepeatsQuery(j));
      const failed = count(repeats.repeats);
      const samples = failed > 0 ? this.keySamples(k, await query(this.keySamplesQuery(j))) : [];
      const m = k.state.module;
      if (m.scope === 'key') m.judgeKeys(k.state, failed, samples);
    }
    const batchFacts = { rows, previousRowCount: facts.previousRowCount, batchFolder: facts.batchFolder, files: facts.files };
    for (const s of this.batch) if (s.module.scope === 'batch') s.module.judge(s, batchFacts);
    return this.report(counts, rows, facts, batchFacts);
  }

  private show(i: number, v: Canonical): string {
    const t = this.contract.columns[i].type;
    return v !== null && t.kind === 'decimal' ? decimalText(v as bigint, t.scale) : showValue(v);
  }

  private columnSample(r: ColumnRuleSql, value: string | null): QualitySample {
    const i = this.contract.columns.indexOf(r.column);
    const v = this.coercers[i](value);
    const at = { file: this.stage, row: 0 };
    if (v instanceof CoerceFailure) return { ...at, value: showValue(value), message: `${v.message} (${WAREHOUSE_ROW})` };
    const shown = this.show(i, v);
    const m = r.state.module;
    const message = v === null ? 'NULL where the rule demands a value'
      : m.scope === 'column' && m.values ? m.values(r.state, (x) => this.show(i, x)).message(v)
        : `${shown} breaks the rule: ${r.state.description}`;
    return { ...at, value: shown, message: `${message} (${WAREHOUSE_ROW})` };
  }

  /** One sample per repeating row (a key seen n times: n - 1), as the streaming pass counts them. */
  private keySamples(k: KeyRuleSql, groups: Row[]): QualitySample[] {
    const names = k.columns.map((c) => c.name);
    const out: QualitySample[] = [];
    for (const g of groups) {
      const shown = k.columns.map((c, i) => {
        const index = this.contract.columns.indexOf(c);
        const v = this.coercers[index](text(g[`v${i}`]));
        return v instanceof CoerceFailure ? showValue(text(g[`v${i}`])) : this.show(index, v);
      });
      const key = keyValueText(names, shown);
      const n = count(g.n);
      for (let r = 1; r < n && out.length < this.keep; r++) {
        out.push({ file: this.stage, row: 0, value: shown.length === 1 ? shown[0] : key, message: `key ${key} appears ${n} times in the batch (${WAREHOUSE_ROW})` });
      }
    }
    return out;
  }

  private report(counts: Row, rows: number, facts: WarehouseFacts, batchFacts: BatchFacts): QualityReport {
    const rules = this.all.map(ruleResultOf);
    const header = batchReportFields(this.batchModules, batchFacts);
    const notes: StorageNote[] = [];
    const columns = this.contract.columns.map((c, i) => {
      const stats = this.stats(c, i, counts, rows);
      const note = storageNote(c, stats);
      if (note) notes.push(note);
      return { ...columnProfile(c, columnKind(c), stats), distinctEstimate: count(counts[`p${i}_distinct`]) };
    });
    const summary = summaryOf(rules);
    return {
      dataset: this.contract.name,
      batchFolder: facts.batchFolder,
      files: facts.files,
      rowCount: rows,
      previousRowCount: facts.previousRowCount,
      ...header,
      // COPY refused any value the stage's types cannot hold: every staged cell loaded.
      failedCells: 0,
      rules,
      columns,
      storageNotes: notes,
      summary,
      decision: summary.failed > 0 ? 'blocked' : 'pass',
    };
  }

  /** The profile's statistics from statement 1 (text min/max in the warehouse's own order). */
  private stats(c: ColumnContract, i: number, counts: Row, rows: number): ColumnStats {
    const s = new ColumnStats();
    s.values = count(counts[`p${i}_values`]);
    s.nulls = rows - s.values;
    s.maxBytes = count(counts[`p${i}_bytes`]);
    if (c.type.kind === 'boolean') {
      s.trues = count(counts[`p${i}_trues`]);
      s.falses = s.values - s.trues;
      return s;
    }
    const min = this.coercers[i](text(counts[`p${i}_min`]));
    const max = this.coercers[i](text(counts[`p${i}_max`]));
    if (min instanceof CoerceFailure || max instanceof CoerceFailure || min === null || max === null) return s;
    if (typeof min === 'number') [s.numMin, s.numMax] = [min, max as number];
    else if (typeof min === 'bigint') [s.bigMin, s.bigMax] = [min, max as bigint];
    else if (typeof min === 'string') [s.strMin, s.strMax] = [min, max as string];
    return s;
  }
}

function notNull(cols: string[]): string {
  return cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
}
