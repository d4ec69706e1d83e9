/**
 * The warehouse side of schema drift: reading a table's columns from information_schema (the same
 * query on Redshift and PostgreSQL), and the DDL policy 'evolve' runs to add new nullable columns.
 *
 * The rows map to crawler/drift.ts's `warehouse` input ({ name, type, nullable }, the type spelled as
 * information_schema does: `bigint`, `numeric(12,2)`, `character varying(100)`,
 * `timestamp without time zone`). The shape is declared here again (sql/ does not import crawler/);
 * TypeScript's structural typing makes the two the same type.
 */
import type { ColumnContract, DatasetContract } from '../datasets/contract.ts';
import { ConfigError } from '../core/errors.ts';
import { encodingFor, renderType, tablesOf } from './ddl.ts';
import { ident, literal } from './sql-text.ts';

/** A warehouse column as drift compares it. */
export interface WarehouseColumnRow {
  name: string;
  type: string;
  nullable: boolean;
}

/**
 * The columns of one table, in table order. information_schema.columns works on Redshift (local tables;
 * external and late-binding views are not listed) and on PostgreSQL/PGlite alike. Returns rows with
 * column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable; no
 * rows when the table does not exist.
 */
export function warehouseColumnsQuery(schema: string, table: string): string {
  return [
    'SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable',
    'FROM information_schema.columns',
    `WHERE table_schema = ${literal(ident(schema, 'schema name'))} AND table_name = ${literal(ident(table, 'table name'))}`,
    'ORDER BY ordinal_position',
  ].join('\n');
}

function field(row: Record<string, unknown>, name: string): unknown {
  if (name in row) return row[name];
  const key = Object.keys(row).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : row[key];
}

function num(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** One information_schema type as text: `numeric(12,2)`, `character varying(100)`, `integer`, … */
export function warehouseTypeText(dataType: string, charLength?: number, precision?: number, scale?: number): string {
  const t = dataType.trim().toLowerCase();
  if ((t === 'numeric' || t === 'decimal') && precision !== undefined) return `${t}(${precision},${scale ?? 0})`;
  if ((t === 'character varying' || t === 'character') && charLength !== undefined) return `${t}(${charLength})`;
  return t;
}

/** Maps the rows of `warehouseColumnsQuery` (any key case; numbers as number, bigint or text). */
export function warehouseColumnsFrom(rows: ReadonlyArray<Record<string, unknown>>): WarehouseColumnRow[] {
  return rows.map((row) => {
    const name = field(row, 'column_name');
    const dataType = field(row, 'data_type');
    if (typeof name !== 'string' || typeof dataType !== 'string') {
      throw new ConfigError(`unexpected information_schema row: ${JSON.stringify(row, (_key: string, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
    }
    return {
      name: name.trim(),
      type: warehouseTypeText(
        dataType,
        num(field(row, 'character_maximum_length')),
        num(field(row, 'numeric_precision')),
        num(field(row, 'numeric_scale')),
      ),
      nullable: String(field(row, 'is_nullable')).trim().toUpperCase() !== 'NO',
    };
  });
}

/**
 * Policy 'evolve': `ALTER TABLE … ADD COLUMN` for each column (a drift report's `addColumns`: the
 * sources' new columns, and contract columns the tables lack), on the stage and the history table
 * (Redshift adds one column per statement). Columns are added NULL — the rows already loaded have no
 * value — with the contract's encoding rule. Without semicolons; the statements may run in one
 * transaction (Redshift allows ADD COLUMN in a transaction block; only external tables may not).
 */
export function evolveStatements(contract: DatasetContract, columns: readonly ColumnContract[]): string[] {
  const t = tablesOf(contract);
  const seen = new Set<string>();
  const adds: string[] = [];
  for (const c of columns) {
    const name = ident(c.name, `new column of dataset ${contract.name}`);
    if (name === contract.loadTimestampColumn) {
      throw new ConfigError(`dataset ${contract.name}: column ${name} is the load timestamp the loader adds; rename the source column`);
    }
    if (seen.has(name)) throw new ConfigError(`dataset ${contract.name}: new column ${name} is listed twice`);
    seen.add(name);
    const enc = encodingFor({ name, type: c.type, nullable: true, ...(c.encoding ? { encoding: c.encoding } : {}) }, undefined);
    adds.push(`ADD COLUMN ${name} ${renderType(c.type, name)} ENCODE ${enc.toUpperCase()} NULL`);
  }
  return [t.stage, t.history].flatMap((table) => adds.map((a) => `ALTER TABLE ${table} ${a}`));
}
