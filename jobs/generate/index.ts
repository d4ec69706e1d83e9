/** The TPC-H SUPPLIER generator behind `redshift-loader generate --dataset supplier`. */
export {
  DEFAULT_ROW_GROUP_SIZE,
  DEFAULT_SEED,
  GENERATE_FORMATS,
  MAX_SCALE,
  SUPPLIER_ROWS_PER_SF,
  normalizeSeed,
  supplierRowCount,
  type GenerateFormat,
  type SeedInput,
} from './options.ts';
export {
  SUPPLIER_COLUMNS,
  SupplierGenerator,
  formatCents,
  supplierBatches,
  supplierName,
  toColumnBatch,
  type SupplierBatch,
  type SupplierBatchesOptions,
  type SupplierGeneratorOptions,
  type SupplierRow,
} from './supplier-rows.ts';
export { SUPPLIER_PARQUET_SCHEMA, SupplierParquetSink } from './parquet-file.ts';
export { MAX_SUPPLIER_LINE_BYTES, encodeSupplierTbl } from './tbl.ts';
export {
  CSV_BATCH_ROWS,
  fileKeyRange,
  partFileName,
  planFile,
  writeSupplierFile,
  type FilePlan,
  type GeneratedFile,
  type WriteFileOptions,
} from './write-file.ts';
export {
  PARALLEL_MIN_ROWS,
  generateSupplier,
  type GenerateProgress,
  type GenerateResult,
  type GenerateSupplierOptions,
} from './write.ts';
