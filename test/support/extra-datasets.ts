/**
 * Preloaded into a CLI child process (`--import`) to stand for the next datasets before they exist:
 * - `supplier_copy`: a contract AND a TPC-H table (SUPPLIER's rows under another name), as a new table
 *   module plus its one registry line and its contract would add them;
 * - `orphan_parts`: a contract the TPC-H generator has no table for.
 * The CLI is otherwise the real one: same modules, same registries (ES modules are one instance per process).
 */
import { datasets, supplier, type DatasetContract } from '../../datasets/index.ts';
import { supplierTable, tpchTables, type TpchTable } from '../../tpch/index.ts';

const contracts = datasets as Record<string, DatasetContract>;
const contract = (name: string): DatasetContract => ({ ...supplier, name, stageTable: `${name}_stage`, historyTable: `${name}_data` });

contracts.supplier_copy = contract('supplier_copy');
contracts.orphan_parts = contract('orphan_parts');
(tpchTables as Record<string, TpchTable>).supplier_copy = { ...supplierTable, name: 'supplier_copy' };
