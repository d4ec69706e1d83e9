/**
 * The Redshift DDL that applies storage advice, in an order Redshift accepts:
 * - `ALTER COLUMN c TYPE VARCHAR(n)` (the only type change Redshift allows, VARCHAR size) is refused on
 *   columns encoded BYTEDICT, RUNLENGTH, TEXT255 or TEXT32K, so it runs before the column moves to one of
 *   those and after it leaves one; a column that stays in one keeps its width (the advice says why);
 * - `ALTER COLUMN c ENCODE e`;
 * - distribution on both the stage and the history table (the same distribution keeps the publish's
 *   INSERT … SELECT slice-local), then the history table's sort key.
 */
const NO_TYPE_CHANGE: ReadonlySet<string> = new Set(['bytedict', 'runlength', 'text255', 'text32k']);

export interface ColumnChange {
  column: string;
  currentEncoding: string;
  suggestedEncoding: string;
  /** VARCHAR width to narrow to, when advised. */
  narrowTo?: number;
}

/** Whether Redshift can change the column's VARCHAR size between the two encodings (before or after re-encoding). */
export function canNarrow(current: string, suggested: string): boolean {
  return !NO_TYPE_CHANGE.has(current) || !NO_TYPE_CHANGE.has(suggested);
}

export function columnDdl(table: string, c: ColumnChange): string[] {
  const type = c.narrowTo === undefined ? [] : [`ALTER TABLE ${table} ALTER COLUMN ${c.column} TYPE VARCHAR(${c.narrowTo})`];
  const enc = c.suggestedEncoding === c.currentEncoding ? [] : [`ALTER TABLE ${table} ALTER COLUMN ${c.column} ENCODE ${c.suggestedEncoding.toUpperCase()}`];
  return NO_TYPE_CHANGE.has(c.currentEncoding) ? [...enc, ...type] : [...type, ...enc];
}

/** `suggested` as the layout advice writes it: DISTSTYLE ALL|EVEN, DISTKEY(col), COMPOUND SORTKEY(cols). */
export function layoutDdl(tables: { stage: string; history: string }, kind: 'sortkey' | 'diststyle' | 'distkey', suggested: string): string[] {
  if (kind === 'sortkey') return [`ALTER TABLE ${tables.history} ALTER ${suggested.replace('SORTKEY(', 'SORTKEY (')}`];
  const clause = kind === 'distkey' ? `ALTER DISTKEY ${/\((.*)\)/.exec(suggested)![1]}` : `ALTER ${suggested}`;
  return [`ALTER TABLE ${tables.stage} ${clause}`, `ALTER TABLE ${tables.history} ${clause}`];
}
