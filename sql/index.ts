/** Redshift SQL: DDL rendered from contracts, the load/publish/audit statements, the local translation. */
export * from './sql-text.ts';
export * from './ddl.ts';
export * from './setup.ts';
export * from './load.ts';
export * from './copy.ts';
export * from './local.ts';
export * from './transaction.ts';
export * from './catalog.ts';
export * from './write-mode.ts';
export * from './scd2.ts';
export * from './scd2-hash.ts';
export * from './scd2-columns.ts';
