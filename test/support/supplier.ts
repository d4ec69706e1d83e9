/** Reading what a run published, as text, to compare byte for byte with the source. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWarehouse } from '../../jobs/warehouse/index.ts';
import { SHARED_TPCH } from './cli.ts';

export const COLUMNS = ['s_suppkey', 's_name', 's_address', 's_nationkey', 's_phone', 's_acctbal', 's_comment'];

/** supplier_sf1.tbl as rows of 7 text fields (dbgen: `|` separated, trailing `|`). */
export function referenceRows(): string[][] {
  return readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('|').slice(0, 7));
}

export interface Published {
  rows: Array<Array<string | null>>;
  loadTs: string[];
  audit: Array<Record<string, unknown>>;
}

/** Every history row (business columns as text, ordered by key) and the audit rows of a warehouse. */
export async function published(warehouseUri: string): Promise<Published> {
  const wh = await openWarehouse(warehouseUri);
  try {
    const exists = await wh.query(
      "SELECT 1 AS x FROM information_schema.tables WHERE table_schema = 'assignment' AND table_name = 'supplier_data'",
    );
    if (exists.length === 0) return { rows: [], loadTs: [], audit: [] };
    const rows = await wh.query(
      `SELECT CAST(s_suppkey AS VARCHAR(30)) AS k, s_name, s_address, CAST(s_nationkey AS VARCHAR(30)) AS n, s_phone,
              CAST(s_acctbal AS VARCHAR(30)) AS b, s_comment, CAST(load_ts AS VARCHAR(40)) AS ts
       FROM assignment.supplier_data ORDER BY s_suppkey, load_ts`,
    );
    const audit = await wh.query(
      `SELECT run_id, CAST(batch_date AS VARCHAR(10)) AS batch_date, status, CAST(published_rows AS VARCHAR(20)) AS published_rows,
              CAST(replaced_rows AS VARCHAR(20)) AS replaced_rows, CAST(load_ts AS VARCHAR(40)) AS load_ts
       FROM assignment.load_audit ORDER BY load_ts`,
    );
    return {
      rows: rows.map((r) => [r.k, r.s_name, r.s_address, r.n, r.s_phone, r.b, r.s_comment] as Array<string | null>),
      loadTs: [...new Set(rows.map((r) => String(r.ts)))],
      audit,
    };
  } finally {
    await wh.close();
  }
}
