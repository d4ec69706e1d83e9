/**
 * What an scd2 contract adds (writeMode "scd2"): the version columns the history table carries besides
 * the business columns and the load timestamp, the tracked columns whose change opens a new version, and
 * the checks a schema cannot express (tracked columns exist, are not key columns, appear once; no
 * business column takes a version column's name; `scd2` only with writeMode scd2).
 */
import type { DatasetContract } from './contract.ts';
import { writeModeOf } from './contract.ts';

/** The version columns of an scd2 history table, by role. */
export const SCD2_COLUMNS = {
  /** DATE NOT NULL: the batch date that opened the version. */
  validFrom: 'valid_from',
  /** DATE: the batch date that closed it (changed or missing from a batch); NULL while current. */
  validTo: 'valid_to',
  /** BOOLEAN NOT NULL: true for the one open version of a key. */
  isCurrent: 'is_current',
  /** CHAR(32) NOT NULL: MD5 (hex) of the tracked columns' canonical text (sql/scd2-hash.ts). */
  rowHash: 'row_hash',
} as const;

export const SCD2_COLUMN_NAMES: readonly string[] = Object.values(SCD2_COLUMNS);

/** The columns whose change opens a new version: the contract's `scd2.tracked`, else every column but the key. */
export function trackedColumns(c: Pick<DatasetContract, 'columns' | 'key' | 'scd2'>): string[] {
  return c.scd2?.tracked ?? c.columns.map((col) => col.name).filter((n) => !c.key.includes(n));
}

/** Throws through `bad(path, detail)` on the first scd2 fault of a contract. */
export function checkScd2(c: DatasetContract, names: ReadonlySet<string>, bad: (path: string, detail: string) => never): void {
  const scd2 = writeModeOf(c) === 'scd2';
  if (c.scd2 !== undefined && !scd2) bad('$.scd2', `applies to writeMode "scd2" only (this contract's is "${writeModeOf(c)}")`);
  if (!scd2) return;
  c.columns.forEach((col, i) => {
    if (SCD2_COLUMN_NAMES.includes(col.name)) bad(`$.columns[${i}].name`, `"${col.name}" is a version column an scd2 history table adds; rename it`);
  });
  if (SCD2_COLUMN_NAMES.includes(c.loadTimestampColumn)) bad('$.loadTimestampColumn', `"${c.loadTimestampColumn}" is a version column of scd2; pick another name`);
  c.scd2?.tracked?.forEach((k, i) => {
    const path = `$.scd2.tracked[${i}]`;
    if (!names.has(k)) bad(path, `names "${k}", which is not a column (columns: ${[...names].join(', ')})`);
    if (c.key.includes(k)) bad(path, `names "${k}", a key column: a key identifies the version, it is not tracked`);
    if (c.scd2!.tracked!.indexOf(k) !== i) bad(path, `names "${k}" twice`);
  });
  if (trackedColumns(c).length === 0) bad('$.key', 'covers every column: an scd2 dimension needs at least one tracked column besides the key');
}
