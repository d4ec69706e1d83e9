/**
 * The catalog model: a table as a Glue crawler records it, with its version history.
 * Types are Glue/Hive type names: bigint, int, smallint, tinyint, string, varchar(n), char(n), double,
 * float, decimal(p,s), boolean, date, timestamp, binary — and array<…>/struct<…>/map<…> which drift
 * refuses with a clear error.
 */
export interface CatalogColumn {
  name: string;
  type: string;
  comment?: string;
  /**
   * Whether the column may hold NULL, when the catalog knows: the local crawler records it from the files'
   * schemas; Glue's Column has no such field, so tables read from Glue leave it undefined.
   */
  nullable?: boolean;
}

export interface CatalogTable {
  database: string;
  name: string;
  /** Where the crawler found the files (the dataset's landing prefix). */
  location: string;
  /** 'parquet' | 'csv' as the crawler classified the files. */
  classification: string;
  columns: CatalogColumn[];
  partitionKeys: CatalogColumn[];
  /** Glue's VersionId: "1", "2", … newest highest. */
  versionId: string;
  updatedAt: string;
}

/** The catalog port: Glue Data Catalog in AWS, JSON files written by the local crawler on a laptop. */
export interface Catalog {
  readonly name: string;
  /** Latest version of a table, or undefined when the crawler never wrote it. */
  getTable(table: string): Promise<CatalogTable | undefined>;
  /** Every version of a table, newest first (Glue's GetTableVersions). */
  getTableVersions(table: string): Promise<CatalogTable[]>;
}
