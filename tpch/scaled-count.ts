/**
 * A scaled table's key count at a scale factor, as tableRowCount (options.ts) counts it: SF × keys per SF,
 * truncated like dbgen, at least one. The supplier count for PARTSUPP's and LINEITEM's supplier formula,
 * the customer count for o_custkey and the part count for l_partkey all come from here.
 */
import { tableRowCount } from './options.ts';

export function scaledCount(perScaleFactor: number, scale: number): number {
  return tableRowCount({ rowsPerScaleFactor: perScaleFactor }, scale);
}
