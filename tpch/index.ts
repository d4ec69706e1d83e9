/**
 * The TPC-H generator, keyed by table: `generateTable('supplier', …)` behind `redshift-loader generate
 * --dataset NAME`. Tables live in tables.ts; each is a TpchTable (table.ts) built from column-types.ts.
 */
export type { TpchBatch, TpchColumn, TpchRowGenerator, TpchTable } from './table.ts';
export { findTpchTable, tpchTable, tpchTableNames, tpchTables } from './tables.ts';
export { centsColumn, formatCents, int32Column, rowKeyColumn, textColumn } from './column-types.ts';
export {
  DEFAULT_ROW_GROUP_SIZE,
  DEFAULT_SEED,
  GENERATE_FORMATS,
  MAX_SCALE,
  SUPPLIER_ROWS_PER_SF,
  normalizeSeed,
  supplierRowCount,
  tableRowCount,
  type GenerateFormat,
  type SeedInput,
} from './options.ts';
export { SUPPLIER_PARQUET_SCHEMA, supplierTable } from './supplier.ts';
export {
  SUPPLIER_COLUMNS,
  SupplierGenerator,
  supplierBatches,
  supplierName,
  toColumnBatch,
  type SupplierBatch,
  type SupplierBatchesOptions,
  type SupplierGeneratorOptions,
  type SupplierRow,
} from './supplier-rows.ts';
export { TableParquetSink, parquetSchema } from './parquet-file.ts';
export { encodeTbl, maxTblLineBytes } from './tbl.ts';
export {
  CSV_BATCH_ROWS,
  fileKeyRange,
  partFileName,
  planFile,
  writeTableFile,
  type FilePlan,
  type GeneratedFile,
  type WriteFileOptions,
} from './write-file.ts';
export {
  PARALLEL_MIN_ROWS,
  generateSupplier,
  generateTable,
  type GenerateOptions,
  type GenerateProgress,
  type GenerateResult,
  type GenerateSupplierOptions,
} from './write.ts';
export { regionTable } from './region.ts';
export { nationTable } from './nation.ts';
export { customerTable, customerName, CUSTOMER_ROWS_PER_SF } from './customer.ts';
export { partTable, PART_ROWS_PER_SF } from './part.ts';
export { partsuppTable, SUPPLIERS_PER_PART } from './partsupp.ts';
export { ordersTable } from './orders.ts';
export { lineitemTable } from './lineitem.ts';
export { MAX_LINES_PER_ORDER, ORDER_ROWS_PER_SF, OrderLinesRows, orderableCustomer, sparseOrderKey, type OrderLines, type OrderLinesBatch } from './order-lines.ts';
export { partSupplier, retailPriceCents } from './part-formulas.ts';
export { CURRENTDATE, ENDDATE, STARTDATE, dateText, epochDay } from './calendar.ts';
export { dateColumn, int64Column } from './value-columns.ts';
