/**
 * The key of a drafted contract: the `--key` columns, or without it the first column. Either must be
 * non-NULL in every scanned row; the first column becomes the key only if no value of it repeats.
 * Repeats are found exactly (every key value kept, as text, with where it was first seen), for up to
 * KEY_CHECK_LIMIT distinct values; past that the check stops: a `--key` is then taken as given and the
 * summary says the check was partial (the run checks every row), and the first column is not chosen.
 */
import { ConfigError } from '../../core/errors.ts';
import type { Value } from '../../core/values.ts';

/** Distinct key values kept in memory at most (about 100 MB for short keys). */
export const KEY_CHECK_LIMIT = 1_000_000;

export interface KeyPlace {
  file: string;
  row: number;
}

export type KeyVerdict = { status: 'unique' } | { status: 'partial'; checkedRows: number };

const text = (v: Value): string => (v instanceof Date ? v.toISOString() : String(v));

export class KeyCheck {
  private seen: Map<string, number> | undefined = new Map();
  private readonly files: string[] = [];
  private rows = 0;

  /** `given`: the key came from --key (else it is the first column, chosen by default). */
  constructor(
    readonly columns: string[],
    readonly given: boolean,
    private readonly limit = KEY_CHECK_LIMIT,
  ) {}

  private what(): string {
    return this.given ? `--key (${this.columns.join(', ')})` : `the first column ${this.columns[0]}, the key without --key,`;
  }

  private hint(): string {
    return this.given ? 'name the column(s) that identify a row in --key' : 'pass --key naming the column(s) that identify a row, e.g. --key a,b';
  }

  /** Starts a file; rows are then numbered within it. */
  file(name: string): void {
    this.files.push(name);
  }

  /** One row's key values (a NULL is the caller's business: it refuses them before). */
  add(values: Value[], row: number): void {
    if (!this.seen) return;
    this.rows++;
    const key = values.length === 1 ? text(values[0]) : JSON.stringify(values.map(text));
    const fileIndex = this.files.length - 1;
    const before = this.seen.get(key);
    if (before !== undefined) {
      const first: KeyPlace = { file: this.files[Math.floor(before / 2 ** 32)], row: before % 2 ** 32 };
      const shown = this.columns.map((c, i) => `${c}=${text(values[i])}`).join(', ');
      const here = this.files[fileIndex];
      throw new ConfigError(
        `${this.what()} repeats: (${shown}) here, first seen at row ${first.row}${first.file === here ? '' : ` of ${first.file}`}`,
        { file: here, row }, this.hint());
    }
    if (this.seen.size >= this.limit) {
      if (!this.given) {
        throw new ConfigError(`cannot choose a key: the first column ${this.columns[0]} has more than ${this.limit.toLocaleString('en-US')} values, more than infer checks for repeats`, {},
          this.hint());
      }
      this.seen = undefined;
      return;
    }
    this.seen.set(key, fileIndex * 2 ** 32 + row);
  }

  verdict(): KeyVerdict {
    return this.seen ? { status: 'unique' } : { status: 'partial', checkedRows: this.rows - 1 };
  }
}
