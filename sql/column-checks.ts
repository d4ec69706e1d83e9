/**
 * Every column reconciled, not just counts: the SQL side of a package's per-column figures
 * (jobs/partition/column-figures.ts). For each contract column: COUNT(col); for varchar
 * SUM(OCTET_LENGTH(col)) (char: of RTRIM(col)); for integers and decimals the exact SUM (integers widened
 * to DECIMAL(38,0): Redshift's SUM(bigint) is a bigint and could overflow), MIN and MAX; for dates and
 * timestamps MIN and MAX (compared as typed literals in SQL, and as canonical text in JS, so 12:00:00.5 from
 * the engine equals 12:00:00.500000 from the manifest). The same text runs
 * on Redshift and PostgreSQL unchanged (OCTET_LENGTH, RTRIM, CAST … AS DECIMAL/VARCHAR exist in both).
 *
 * Used three times with the same figures: the stage check before publish, the publish transaction's
 * guards, and the read-back of the published rows.
 */
import type { DatasetContract, RedshiftType } from '../datasets/contract.ts';
import { LoadError } from '../core/errors.ts';
import { countLiteral, dateLiteral, decimalLiteral, ident, timestampLiteral } from './sql-text.ts';
import { parseDateText, parseTimestampText } from '../core/temporal.ts';

import type { ColumnFigures } from '../core/manifest.ts';

export type { ColumnFigures };

type Figure = 'bytes' | 'sum' | 'min' | 'max';

export interface ColumnCheck {
  name: string;
  /** Result-column prefix: c<i>_ (column names may be as long as an alias may be). */
  alias: string;
  /** Aggregate expression per figure the column has, besides COUNT. */
  exprs: Array<[Figure, string]>;
  count: string;
  decimal: boolean;
  /** date/timestamp: min and max are times, not numbers. */
  temporal?: 'date' | 'timestamp';
}

const INTEGER_KINDS: ReadonlyArray<RedshiftType['kind']> = ['smallint', 'integer', 'bigint'];

export function columnChecks(contract: DatasetContract): ColumnCheck[] {
  return contract.columns.map((c, i) => {
    const col = ident(c.name, 'column name');
    const exprs: Array<[Figure, string]> = [];
    const k = c.type.kind;
    if (k === 'varchar') exprs.push(['bytes', `SUM(OCTET_LENGTH(${col}))`]);
    else if (k === 'char') exprs.push(['bytes', `SUM(OCTET_LENGTH(RTRIM(${col})))`]);
    else if (INTEGER_KINDS.includes(k) || k === 'decimal') {
      exprs.push(['sum', k === 'decimal' ? `SUM(${col})` : `SUM(CAST(${col} AS DECIMAL(38,0)))`], ['min', `MIN(${col})`], ['max', `MAX(${col})`]);
    } else if (k === 'date' || k === 'timestamp') exprs.push(['min', `MIN(${col})`], ['max', `MAX(${col})`]);
    const temporal = k === 'date' || k === 'timestamp' ? k : undefined;
    return { name: c.name, alias: `c${i}_`, exprs, count: `COUNT(${col})`, decimal: k === 'decimal', temporal };
  });
}

/** The select-list items, every figure as text (JS never sees a float). */
export function columnFigureItems(contract: DatasetContract): string[] {
  const out: string[] = [];
  for (const c of columnChecks(contract)) {
    out.push(`CAST(${c.count} AS VARCHAR(40)) AS ${c.alias}count`);
    for (const [f, e] of c.exprs) out.push(`CAST(${e} AS VARCHAR(64)) AS ${c.alias}${f}`);
  }
  return out;
}

/** `COUNT(c) = n AND SUM(OCTET_LENGTH(c)) = b AND …` for every column, exact literals only. */
export function columnFigureConditions(contract: DatasetContract, expected: Record<string, ColumnFigures> | undefined): string[] {
  if (expected === undefined) return [];
  const out: string[] = [];
  for (const c of columnChecks(contract)) {
    const want = expected[c.name];
    if (!want) throw new LoadError(`the manifest's checksums lack the figures of column ${c.name}`, {}, 'rebuild the load package');
    out.push(`${c.count} = ${countLiteral(want.count, `the manifest's count of ${c.name}`)}`);
    for (const [f, e] of c.exprs) {
      const v = want[f];
      if (v === undefined) throw new LoadError(`the manifest's checksums lack the ${f} of column ${c.name}`, {}, 'rebuild the load package');
      const what = `the manifest's ${f} of ${c.name}`;
      if (v === null) out.push(`${e} IS NULL`);
      else out.push(`${e} = ${c.temporal === 'date' ? dateLiteral(v, what) : c.temporal === 'timestamp' ? timestampLiteral(v, what) : decimalLiteral(v, what)}`);
    }
  }
  return out;
}

const WORDS: Record<Figure | 'count', (staged: string, manifest: string) => string> = {
  count: (s, m) => `holds ${s} non-null values, the manifest ${m}`,
  bytes: (s, m) => `holds ${s} bytes, the manifest ${m}`,
  sum: (s, m) => `sums to ${s}, the manifest to ${m}`,
  min: (s, m) => `has the minimum ${s}, the manifest ${m}`,
  max: (s, m) => `has the maximum ${s}, the manifest ${m}`,
};

/** 1234567 -> "1,234,567" (exact, any size); other text as it is. */
function grouped(v: string | null): string {
  if (v === null) return 'NULL';
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(v);
  return m ? `${m[1]}${m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}` : v;
}

/** Two date or timestamp texts name the same time (an engine writes 12:00:00.5 for 12:00:00.500000). */
function sameTime(kind: 'date' | 'timestamp', a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const canon = kind === 'date' ? parseDateText : parseTimestampText;
  const x = canon(a);
  return typeof x === 'string' && x === canon(b);
}

/**
 * One line per column figure that differs between a checks row and the manifest, e.g.
 * "staged column s_comment holds 1,234,566 bytes, the manifest 1,234,567".
 */
export function columnFigureMismatches(
  contract: DatasetContract,
  row: Record<string, unknown>,
  expected: Record<string, ColumnFigures> | undefined,
  same: (a: string | null, b: string | null) => boolean,
  asText: (v: unknown) => string | null,
  where = 'staged',
): string[] {
  if (expected === undefined) return [];
  const out: string[] = [];
  for (const c of columnChecks(contract)) {
    const want = expected[c.name];
    if (!want) {
      out.push(`column ${c.name}: the manifest has no figures`);
      continue;
    }
    const figures: Array<[Figure | 'count', string | null | undefined]> = [['count', String(want.count)], ...c.exprs.map(([f]) => [f, want[f]] as [Figure, string | null | undefined])];
    for (const [f, v] of figures) {
      if (v === undefined) {
        out.push(`column ${c.name}: the manifest has no ${f}`);
        continue;
      }
      const got = asText(row[`${c.alias}${f}`]);
      if (c.temporal && f !== 'count' ? !sameTime(c.temporal, got, v) : !same(got, v)) out.push(`${where} column ${c.name} ${WORDS[f](grouped(got), grouped(v))}`);
    }
  }
  return out;
}
