/**
 * TPC-H's dates (clause 4.2.3) as whole days since 1970-01-01 (what a Parquet DATE holds), and their
 * dbgen text YYYY-MM-DD. Every generated date lies between STARTDATE and ENDDATE + 151 days, so the texts
 * are built once per day and reused.
 */

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a calendar date (month 1 … 12). */
export function epochDay(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

export const STARTDATE = epochDay(1992, 1, 1);
export const CURRENTDATE = epochDay(1995, 6, 17);
export const ENDDATE = epochDay(1998, 12, 31);

const texts = new Map<number, string>();

/** "1995-06-17" for epochDay(1995, 6, 17). */
export function dateText(days: number): string {
  let text = texts.get(days);
  if (text === undefined) {
    text = new Date(days * DAY_MS).toISOString().slice(0, 10);
    if (texts.size < 100_000) texts.set(days, text);
  }
  return text;
}
