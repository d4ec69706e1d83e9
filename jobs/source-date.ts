/**
 * A `--source` that names another day's folder must not be published as this batch date. A path
 * segment that is a calendar date — `YYYYMMDD` (the landing layout), `YYYY-MM-DD`, or `key=YYYY-MM-DD`
 * (Hive-style partitions such as `batch=…`, `dt=…`) — is the folder's date; any one that differs from
 * `--date` is a ConfigError naming both, checked before the run does anything.
 */
import { ConfigError } from '../core/errors.ts';

const SEGMENT = /^(?:[A-Za-z_][A-Za-z0-9_]*=)?(?:(\d{4})(\d{2})(\d{2})|(\d{4})-(\d{2})-(\d{2}))$/;

/** The calendar dates (YYYY-MM-DD) the location's path segments name, in order. */
export function datesInLocation(uri: string): string[] {
  const path = uri.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const out: string[] = [];
  for (const seg of path.split(/[\\/]/)) {
    const m = SEGMENT.exec(seg);
    if (!m) continue;
    const [y, mo, d] = m[1] ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]];
    const date = new Date(Date.UTC(+y, +mo - 1, +d));
    if (date.getUTCFullYear() !== +y || date.getUTCMonth() !== +mo - 1 || date.getUTCDate() !== +d) continue;
    out.push(`${y}-${mo}-${d}`);
  }
  return out;
}

/** Refuses a source location whose path names a date other than the batch date. */
export function checkSourceDate(sourceUri: string, batchDate: string): void {
  const other = datesInLocation(sourceUri).find((d) => d !== batchDate);
  if (other === undefined) return;
  throw new ConfigError(`--source is the folder of ${other} but the batch date is ${batchDate}`, { file: sourceUri },
    `run with --date ${other}, or point --source at the folder of ${batchDate}`);
}
