/**
 * The columns DuckDB's read_csv is given for a `.tbl` input: the contract's columns in file order
 * (sourceName when set), each in the DuckDB type that holds the contract type, so DuckDB parses and
 * checks every value as the loader does and writes the same text back (decimals with their scale,
 * ISO dates).
 */
import type { RedshiftType } from '../../datasets/contract.ts';
import { datasets } from '../../datasets/index.ts';

function duckdbType(t: RedshiftType): string {
  switch (t.kind) {
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'varchar':
    case 'char':
      return 'VARCHAR';
    case 'double precision':
      return 'DOUBLE';
    case 'real':
      return 'FLOAT';
    default:
      return t.kind.toUpperCase();
  }
}

export function duckdbTblColumns(dataset: string): Record<string, string> {
  return Object.fromEntries(datasets[dataset].columns.map((c) => [c.sourceName ?? c.name, duckdbType(c.type)]));
}
