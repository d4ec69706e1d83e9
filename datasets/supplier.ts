import type { DatasetContract } from './contract.ts';

/**
 * TPC-H SUPPLIER, as the retailer's supply-chain export lands it.
 * Production source: scale factor 1000, 10,000,000 rows of Parquet a night.
 */
export const supplier: DatasetContract = {
  name: 'supplier',
  description: 'TPC-H SUPPLIER: one row per supplier, reloaded nightly as a full snapshot batch',
  schema: 'assignment',
  stageTable: 'supplier_stage',
  historyTable: 'supplier_data',
  auditTable: 'load_audit',
  columns: [
    { name: 's_suppkey', type: { kind: 'bigint' }, nullable: false, description: 'supplier key' },
    { name: 's_name', type: { kind: 'varchar', bytes: 100 }, nullable: true },
    { name: 's_address', type: { kind: 'varchar', bytes: 100 }, nullable: true },
    { name: 's_nationkey', type: { kind: 'integer' }, nullable: true },
    { name: 's_phone', type: { kind: 'varchar', bytes: 40 }, nullable: true },
    { name: 's_acctbal', type: { kind: 'decimal', precision: 12, scale: 2 }, nullable: true },
    { name: 's_comment', type: { kind: 'varchar', bytes: 'max' }, nullable: true },
  ],
  loadTimestampColumn: 'load_ts',
  distKey: 's_suppkey',
  sortKey: { style: 'compound', columns: ['load_ts'] },
  key: ['s_suppkey'],
  source: {
    prefix: '{dataset}/{yyyymmdd}/',
    formats: ['parquet', 'csv'],
    delimited: { delimiter: '|', header: false, quote: null, nullMarker: '', trailingDelimiter: true },
  },
  checksums: { sum: ['s_acctbal'], minMax: ['s_suppkey'] },
  drift: { policy: 'freeze' },
  quality: [
    { type: 'not_null', column: 's_suppkey', severity: 'error' },
    { type: 'unique', column: 's_suppkey', severity: 'error' },
    { type: 'range', column: 's_nationkey', min: '0', max: '24', severity: 'error' },
    { type: 'decimal_fit', column: 's_acctbal', severity: 'error' },
    { type: 'range', column: 's_acctbal', min: '-999.99', max: '9999.99', severity: 'warn' },
    { type: 'pattern', column: 's_phone', pattern: '^[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{4}$', severity: 'warn' },
    { type: 'max_bytes', column: 's_name', severity: 'error' },
    { type: 'max_bytes', column: 's_address', severity: 'error' },
    { type: 'max_bytes', column: 's_phone', severity: 'error' },
    { type: 'max_bytes', column: 's_comment', severity: 'error' },
    { type: 'row_count_change', maxChangePercent: 20, severity: 'warn' },
    { type: 'freshness', severity: 'error' },
  ],
};
