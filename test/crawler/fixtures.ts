/** Schemas for the drift tests: a clean SUPPLIER file, and ways to change it. */
import type { DatasetContract, DriftPolicy } from '../../datasets/contract.ts';
import { supplier } from '../../datasets/supplier.ts';
import type { CatalogTable } from '../../crawler/catalog.ts';
import type { FileColumn, FileSchema } from '../../core/values.ts';

/** The SUPPLIER columns as a faithful Parquet export types them (Glue names). */
export const CLEAN: FileColumn[] = [
  { name: 's_suppkey', type: 'bigint', nullable: false },
  { name: 's_name', type: 'string', nullable: true },
  { name: 's_address', type: 'string', nullable: true },
  { name: 's_nationkey', type: 'int', nullable: true },
  { name: 's_phone', type: 'string', nullable: true },
  { name: 's_acctbal', type: 'decimal(12,2)', nullable: true },
  { name: 's_comment', type: 'string', nullable: true },
];

export const NOW = new Date('2026-01-02T03:04:05.000Z');

export function withPolicy(policy: DriftPolicy, base: DatasetContract = supplier): DatasetContract {
  return { ...base, drift: { policy } };
}

/** A Parquet file schema: CLEAN with some columns changed (type text or null to drop), others appended. */
export function file(
  name: string,
  change: Record<string, string | null | Partial<FileColumn>> = {},
  extra: FileColumn[] = [],
  format: 'parquet' | 'csv' = 'parquet',
): FileSchema {
  const columns: FileColumn[] = [];
  for (const c of CLEAN) {
    const ch = change[c.name];
    if (ch === null) continue;
    if (typeof ch === 'string') columns.push({ ...c, type: ch });
    else if (ch) columns.push({ ...c, ...ch });
    else columns.push({ ...c });
  }
  return { file: `/landing/supplier/20260101/${name}`, format, columns: [...columns, ...extra], rowCount: 10 };
}

export function catalogVersion(
  versionId: string,
  columns: Array<{ name: string; type: string; nullable?: boolean }>,
  classification = 'parquet',
): CatalogTable {
  return {
    database: 'landing',
    name: 'supplier',
    location: '/landing/supplier/',
    classification,
    columns,
    partitionKeys: [],
    versionId,
    updatedAt: NOW.toISOString(),
  };
}

/** The catalog columns a crawler records for CLEAN files. */
export function cleanCatalogColumns(): Array<{ name: string; type: string; nullable?: boolean }> {
  return CLEAN.map((c) => ({ name: c.name, type: c.type }));
}

/** The history table as information_schema shows it when created from the SUPPLIER contract. */
export function cleanWarehouse(): Array<{ name: string; type: string; nullable: boolean }> {
  return [
    { name: 's_suppkey', type: 'bigint', nullable: false },
    { name: 's_name', type: 'character varying(100)', nullable: true },
    { name: 's_address', type: 'character varying(100)', nullable: true },
    { name: 's_nationkey', type: 'integer', nullable: true },
    { name: 's_phone', type: 'character varying(40)', nullable: true },
    { name: 's_acctbal', type: 'numeric(12,2)', nullable: true },
    { name: 's_comment', type: 'character varying(65535)', nullable: true },
    { name: 'load_ts', type: 'timestamp without time zone', nullable: false },
  ];
}
