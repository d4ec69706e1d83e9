/**
 * TPC-H SUPPLIER as a TpchTable: its columns in the DuckDB Parquet shape
 * (/work/shared/data/tpch/duckdb-zstd-decimal.parquet) and dbgen's text, over the rows of supplier-rows.ts.
 *
 *   s_suppkey    INT64  (INT_64)
 *   s_name       BYTE_ARRAY (UTF8)
 *   s_address    BYTE_ARRAY (UTF8)
 *   s_nationkey  INT32  (INT_32)
 *   s_phone      BYTE_ARRAY (UTF8)
 *   s_acctbal    INT64  (DECIMAL(12,2): the unscaled cents, exact)
 *   s_comment    BYTE_ARRAY (UTF8)
 */
import { parquetSchema } from './parquet-file.ts';
import { centsColumn, int32Column, rowKeyColumn, textColumn } from './column-types.ts';
import { SUPPLIER_ROWS_PER_SF } from './options.ts';
import { SupplierGenerator, type SupplierBatch } from './supplier-rows.ts';
import type { TpchTable } from './table.ts';

export const supplierTable: TpchTable<SupplierBatch> = {
  name: 'supplier',
  rowsPerScaleFactor: SUPPLIER_ROWS_PER_SF,
  // .tbl widths: key 10 digits at SF 100,000; "Supplier#" + 9 digits or more; -999.99 … 9999.99.
  columns: [
    rowKeyColumn('s_suppkey', 10),
    textColumn('s_name', 19, (b) => b.name),
    textColumn('s_address', 40, (b) => b.address),
    int32Column('s_nationkey', 2, (b) => b.nationkey),
    textColumn('s_phone', 15, (b) => b.phone),
    centsColumn('s_acctbal', 12, 7, (b) => b.acctbalCents),
    textColumn('s_comment', 100, (b) => b.comment),
  ],
  generator: ({ scale, seed }) => new SupplierGenerator({ scale, seed }),
};

/** SUPPLIER's Parquet schema as the generator writes it (the tests build odd files from it). */
export const SUPPLIER_PARQUET_SCHEMA = parquetSchema(supplierTable);
