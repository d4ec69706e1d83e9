/** --max-page-bytes: the partition pass's page bound (jobs/partition/page-size-limit.ts), in bytes. */
import { intFlag } from './command.ts';

/** Below one page of a common writer (1 MB) the flag would refuse ordinary files; above 2 GiB no buffer holds a page. */
export const MAX_PAGE_BYTES_RANGE = [1 << 20, 2 ** 31 - 1] as const;

export function maxPageBytesFlag(v: string | boolean | undefined): number | undefined {
  return intFlag('max-page-bytes', v, ...MAX_PAGE_BYTES_RANGE);
}
