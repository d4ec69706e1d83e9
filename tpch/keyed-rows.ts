/**
 * What every generated table's row generator shares: keys 1 … keys, a range check that is a ConfigError,
 * and batches built one at a time as they are asked for. A key is a row for one-row-per-key tables and the
 * parent's key for the others (a part's four PARTSUPP rows, an order's 1–7 LINEITEM rows): a batch holds
 * whole keys, so any key range alone gives the same rows, and a batch of `batchSize` rows is approximated
 * by batchSize / rowsPerKey keys.
 */
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_ROW_GROUP_SIZE, checkRowGroupSize } from './options.ts';
import type { TpchBatch, TpchRowGenerator } from './table.ts';

export abstract class KeyedRows<B extends TpchBatch> implements TpchRowGenerator<B> {
  /**
   * @param rows the keys (1 … rows)
   * @param rowsPerKey rows per key on average (1 for one row per key)
   * @param table the table's name, for errors
   */
  constructor(
    readonly rows: number,
    private readonly rowsPerKey: number,
    private readonly table: string,
  ) {}

  /** The rows of keys firstKey … firstKey + count - 1. */
  abstract batch(firstKey: number, count: number): B;

  batches(options: { firstKey?: number; lastKey?: number; batchSize?: number } = {}): Generator<B> {
    const first = options.firstKey ?? 1;
    const last = options.lastKey ?? this.rows;
    const size = options.batchSize ?? DEFAULT_ROW_GROUP_SIZE;
    checkRowGroupSize(size);
    this.checkRange(first, last);
    return this.run(first, last, Math.max(1, Math.floor(size / this.rowsPerKey)));
  }

  private *run(first: number, last: number, keys: number): Generator<B> {
    for (let key = first; key <= last; key += keys) yield this.batch(key, Math.min(keys, last - key + 1));
  }

  protected checkRange(first: number, last: number): void {
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last > this.rows || first > last) {
      throw new ConfigError(`${this.table}: key range ${first}…${last} is not inside 1…${this.rows}`, {}, `keys run from 1 to ${this.rows}`);
    }
  }
}

/** A text column's value: a substring of the text pool, of a random length in [min, max] at a random offset. */
export function poolText(pool: string, rng: { int(lo: number, hi: number): number }, min: number, max: number): string {
  const length = rng.int(min, max);
  const offset = rng.int(0, pool.length - length);
  return pool.slice(offset, offset + length);
}
