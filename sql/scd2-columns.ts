/** The version columns an scd2 history table carries after the business columns (datasets/scd2-contract.ts names them). */
import { SCD2_COLUMNS } from '../datasets/scd2-contract.ts';
import type { DdlColumn } from './ddl.ts';

/** The hex MD5 of the tracked columns (sql/scd2-hash.ts): always 32 characters. */
export const ROW_HASH_BYTES = 32;

/**
 * valid_from, valid_to, is_current, the load timestamp of the run that opened the version, row_hash —
 * in that order, after the business columns.
 */
export function scd2VersionColumns(loadTimestampColumn: string): DdlColumn[] {
  return [
    { name: SCD2_COLUMNS.validFrom, type: { kind: 'date' }, nullable: false },
    { name: SCD2_COLUMNS.validTo, type: { kind: 'date' }, nullable: true },
    { name: SCD2_COLUMNS.isCurrent, type: { kind: 'boolean' }, nullable: false },
    { name: loadTimestampColumn, type: { kind: 'timestamp' }, nullable: false },
    { name: SCD2_COLUMNS.rowHash, type: { kind: 'char', bytes: ROW_HASH_BYTES }, nullable: false },
  ];
}
