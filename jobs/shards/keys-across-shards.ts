/**
 * Uniqueness across shards. Each shard checks its own rows exactly (data-quality/key-check.ts); what no
 * shard can see is a key in two shards. `load` asks the stage table, after the COPY and before the publish:
 * one GROUP BY per key (the contract's key, and every error-severity `unique` rule), run by the warehouse
 * in its own bounded memory (Redshift spills to disk), with no extra files or process. It is exact: the
 * stage holds every row of the batch, and the COPY was reconciled with the manifest first. Rows with a
 * NULL in the key are not compared (SQL's uniqueness; the key's columns are NOT NULL anyway).
 */
import type { DatasetContract } from '../../datasets/index.ts';
import { QualityError } from '../../core/errors.ts';
import { sqlTable } from '../../core/sql-literal.ts';
import { keyValueText } from '../../data-quality/rules/unique.ts';
import { repeatedKeysQuery } from '../../data-quality/warehouse-checks.ts';

/** The key column lists to check: the contract's key first, then every other error-severity unique rule. */
export function keysToCheck(contract: DatasetContract): string[][] {
  const out: string[][] = contract.key.length ? [contract.key] : [];
  for (const r of contract.quality) {
    if (r.type !== 'unique' || r.severity !== 'error') continue;
    const cols = 'columns' in r ? r.columns : [r.column];
    if (!out.some((k) => k.join(',') === cols.join(','))) out.push(cols);
  }
  return out;
}

/** The first key the stage holds more than once (the warehouse-mode key rules' own query, limit 1). */
export function repeatedKeyQuery(contract: DatasetContract, columns: string[]): string {
  const cols = columns.map((name) => {
    const c = contract.columns.find((x) => x.name === name);
    if (!c) throw new Error(`key column ${name} is not a column of ${contract.name}`);
    return c;
  });
  return repeatedKeysQuery(sqlTable(contract.schema, contract.stageTable), cols, 1);
}

/** Throws QualityError (exit 4) at the first key the staged batch holds more than once. */
export async function checkKeysAcrossShards(contract: DatasetContract, query: (sql: string) => Promise<Array<Record<string, unknown>>>, shards: number): Promise<void> {
  for (const columns of keysToCheck(contract)) {
    const [row] = await query(repeatedKeyQuery(contract, columns));
    if (!row) continue;
    const key = keyValueText(columns, columns.map((_, i) => String(row[`v${i}`])));
    throw new QualityError(
      `key ${key} appears ${String(row.n)} times in the batch, in different shards (each shard alone holds it at most once)`,
      { column: columns.join(', ') },
      `find the rows with that key in the batch's files (plan of ${shards} shards), fix the export, then plan and run again`,
    );
  }
}
