import type { DatasetContract } from './contract.ts';
import { builtInContract } from './built-in.ts';

/**
 * TPC-H SUPPLIER, as the retailer's supply-chain export lands it (the contract is datasets/supplier.json).
 * Production source: scale factor 1000, 10,000,000 rows of Parquet a night.
 */
export const supplier: DatasetContract = builtInContract('supplier');
