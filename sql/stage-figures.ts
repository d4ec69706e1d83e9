/**
 * --quality-in warehouse: no process of ours reads the rows, so the package carries no figures but the
 * footers' row count. After COPY the staged row count is checked against it (stageChecksQuery), and the
 * stage's own figures — the same sums, minima, maxima, per-column counts and bytes the manifest carries
 * otherwise — become what the publish transaction's guard and the read-back of the published rows check
 * against: the stage -> history hand-off stays reconciled figure by figure.
 */
import type { DatasetContract } from '../datasets/contract.ts';
import type { Checksums, ColumnFigures } from '../core/manifest.ts';
import { LoadError } from '../core/errors.ts';
import { parseDateText, parseTimestampText } from '../core/temporal.ts';
import { columnChecks } from './column-checks.ts';

function text(v: unknown, what: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) return String(v);
  throw new LoadError(`the stage's ${what} did not come back as exact text`);
}

/**
 * The checksums of what is staged, from a stageChecksQuery row, with `rows` the count the source files'
 * footers declare (so a stage that lost or gained rows still fails the staged check).
 */
export function stagedChecksums(contract: DatasetContract, row: Record<string, unknown>, footerRows: number): Checksums {
  const sums: Checksums['sums'] = {};
  const min: Checksums['min'] = {};
  const max: Checksums['max'] = {};
  for (const c of contract.checksums.sum) sums[c] = text(row[`sum_${c}`], `sum of ${c}`);
  for (const c of contract.checksums.minMax) {
    min[c] = text(row[`min_${c}`], `min of ${c}`);
    max[c] = text(row[`max_${c}`], `max of ${c}`);
  }
  const columns: Record<string, ColumnFigures> = {};
  for (const c of columnChecks(contract)) {
    const figures: ColumnFigures = { count: Number(text(row[`${c.alias}count`], `count of ${c.name}`) ?? 0) };
    for (const [f] of c.exprs) {
      let v = text(row[`${c.alias}${f}`], `${f} of ${c.name}`);
      // An engine writes 12:00:00.5; the guard's literal takes the canonical text.
      if (v !== null && c.temporal) {
        const canon = c.temporal === 'date' ? parseDateText(v) : parseTimestampText(v);
        if (typeof canon !== 'string') throw new LoadError(`the stage's ${f} of ${c.name} (${v}) is not a ${c.temporal}`);
        v = canon;
      }
      figures[f] = v;
    }
    columns[c.name] = figures;
  }
  return { rows: footerRows, sums, min, max, columns };
}
