/**
 * Sort-key and distribution advice for a dataset's history table, only where the evidence is in the
 * batch's profile or the contract, each with its reason:
 * - DISTSTYLE ALL for a small table (at most SMALL_TABLE_ROWS rows a batch) loaded as a snapshot or a
 *   dimension: a copy on every node costs little and its joins never redistribute;
 * - a DISTKEY with few distinct values (fewer than SKEWED_DISTINCT while the batch has 100 times as many
 *   rows) skews the slices: the contract's single-column key instead when its distinct estimate is at
 *   least 90% of the rows, else DISTSTYLE EVEN;
 * - a sort key that does not start with the load timestamp: every batch is appended, replaced and read
 *   by its load_ts, so COMPOUND SORTKEY(load_ts) keeps each batch in few blocks.
 */
import type { DatasetContract } from '../../datasets/contract.ts';

export const SMALL_TABLE_ROWS = 5_000;
export const SKEWED_DISTINCT = 1_000;

export interface LayoutChange {
  kind: 'sortkey' | 'diststyle' | 'distkey';
  now: string;
  suggested: string;
  reason: string;
}

export interface LayoutEvidence {
  rowCount: number;
  /** Distinct-value estimates per column (the profile's HyperLogLog). */
  distinct: ReadonlyMap<string, number>;
}

function distNow(c: DatasetContract): string {
  const style = c.distStyle ?? 'key';
  return style === 'key' ? `DISTKEY(${c.distKey})` : `DISTSTYLE ${style.toUpperCase()}`;
}

export function layoutAdvice(c: DatasetContract, e: LayoutEvidence): LayoutChange[] {
  const changes: LayoutChange[] = [];
  const style = c.distStyle ?? 'key';
  const mode = (c as { writeMode?: string }).writeMode ?? 'snapshot';
  if (e.rowCount > 0 && e.rowCount <= SMALL_TABLE_ROWS && style !== 'all' && mode !== 'append') {
    changes.push({
      kind: 'diststyle',
      now: distNow(c),
      suggested: 'DISTSTYLE ALL',
      reason: `${e.rowCount} rows a batch (at most ${SMALL_TABLE_ROWS.toLocaleString('en-US')}, written as ${mode}): a copy on every node is cheap and joins to it never redistribute`,
    });
  } else if (style === 'key' && c.distKey !== undefined) {
    const d = e.distinct.get(c.distKey);
    if (d !== undefined && d < SKEWED_DISTINCT && e.rowCount >= 100 * d) {
      const key = c.key?.length === 1 ? c.key[0] : undefined;
      const kd = key === undefined ? undefined : e.distinct.get(key);
      const better = key !== undefined && key !== c.distKey && kd !== undefined && kd >= 0.9 * e.rowCount;
      changes.push({
        kind: better ? 'distkey' : 'diststyle',
        now: distNow(c),
        suggested: better ? `DISTKEY(${key})` : 'DISTSTYLE EVEN',
        reason: `dist key ${c.distKey} has about ${d} distinct values in ${e.rowCount} rows: slices are skewed${better ? `; the key ${key} has about ${kd}` : ''}`,
      });
    }
  }
  const sortCols = c.sortKey?.columns ?? [];
  if (sortCols[0] !== c.loadTimestampColumn && (c.sortKey === undefined || c.sortKey.style === 'compound')) {
    changes.push({
      kind: 'sortkey',
      now: c.sortKey ? `COMPOUND SORTKEY(${sortCols.join(', ')})` : 'none',
      suggested: `COMPOUND SORTKEY(${[c.loadTimestampColumn, ...sortCols.filter((s) => s !== c.loadTimestampColumn)].join(', ')})`,
      reason: `every batch is appended, replaced and read by ${c.loadTimestampColumn}: leading the sort key with it keeps a batch in few blocks`,
    });
  }
  return changes;
}
