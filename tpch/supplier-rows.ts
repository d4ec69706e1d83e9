/**
 * TPC-H SUPPLIER rows (specification clause 4.2.3), deterministic for a seed:
 *
 *   s_suppkey    1 … SF × 10,000
 *   s_name       "Supplier#" + s_suppkey zero-padded to 9 digits
 *   s_address    random v-string of 10–40 characters from a 64-symbol alphabet (letters, digits, comma, space)
 *   s_nationkey  uniform 0–24
 *   s_phone      (s_nationkey + 10) "-" 100–999 "-" 100–999 "-" 1000–9999                (clause 4.2.2.9)
 *   s_acctbal    uniform −999.99 … 9,999.99, in cents
 *   s_comment    text string of 25–100 characters (clause 4.2.2.10, see text-pool.ts); exactly
 *                round(SF × 5) rows, chosen at random, carry "Customer " … "Complaints" and as many others
 *                "Customer " … "Recommends", written over the comment at random positions (its length stays)
 *
 * Row k's values come from its own random stream, seeded by (seed, k): any key range can be generated
 * alone, in any order, and gives the same values. Which rows carry the Customer text is decided per row
 * too, by a keyed permutation of 1 … rows, so it also depends on the table's row count.
 */
import type { ColumnBatch } from '../core/values.ts';
import { formatCents } from './column-types.ts';
import {
  DEFAULT_ROW_GROUP_SIZE,
  checkRowGroupSize,
  normalizeSeed,
  supplierRowCount,
  type SeedInput,
} from './options.ts';
import { KeyPermutation, RowRandom, seedWords, type Seed } from './prng.ts';
import { textPool } from './text-pool.ts';
import { ConfigError } from '../core/errors.ts';
import type { TpchBatch, TpchRowGenerator } from './table.ts';

export { formatCents } from './column-types.ts';

/** SUPPLIER's columns, in table order. */
export const SUPPLIER_COLUMNS = [
  's_suppkey',
  's_name',
  's_address',
  's_nationkey',
  's_phone',
  's_acctbal',
  's_comment',
] as const;

/** The 64 symbols of a v-string: every character dbgen's addresses use, each about equally often. */
export const ADDRESS_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ, ';

export const ADDRESS_MIN = 10;
export const ADDRESS_MAX = 40;
export const COMMENT_MIN = 25;
export const COMMENT_MAX = 100;
export const NATIONS = 25;
export const ACCTBAL_MIN_CENTS = -99_999;
export const ACCTBAL_MAX_CENTS = 999_999;
export const CUSTOMER = 'Customer ';
export const COMPLAINTS = 'Complaints';
export const RECOMMENDS = 'Recommends';

/** One supplier, as plain values (s_acctbal as exact decimal text). */
export interface SupplierRow {
  s_suppkey: number;
  s_name: string;
  s_address: string;
  s_nationkey: number;
  s_phone: string;
  s_acctbal: string;
  s_comment: string;
}

/** A run of consecutive suppliers, column by column. Row i has key firstKey + i. */
export interface SupplierBatch extends TpchBatch {
  firstKey: number;
  numRows: number;
  name: string[];
  address: string[];
  nationkey: Int32Array;
  phone: string[];
  /** s_acctbal × 100, exactly. */
  acctbalCents: Int32Array;
  comment: string[];
}

export interface SupplierGeneratorOptions {
  /** TPC-H scale factor (> 0, may be fractional): SF × 10,000 rows. */
  scale: number;
  /** Integer 0 ≤ seed < 2^64 (or its decimal digits); DEFAULT_SEED when absent. */
  seed?: SeedInput;
}

export interface SupplierBatchesOptions extends SupplierGeneratorOptions {
  /** First key to generate (default 1). */
  firstKey?: number;
  /** Last key to generate, inclusive (default: the table's last key). */
  lastKey?: number;
  /** Rows per batch (default 100,000): the most rows held at once. */
  batchSize?: number;
}

const ROW_DOMAIN = 0x53555050; // "SUPP"
const SPECIAL_DOMAIN = 0x42425043; // which rows carry the Customer text

const ALPHABET_BYTES = Buffer.from(ADDRESS_ALPHABET, 'latin1');

/**
 * A spec address (4.2.2.7, V-string of 10–40 symbols of ADDRESS_ALPHABET), drawn into `scratch`
 * (ADDRESS_MAX bytes): SUPPLIER's and CUSTOMER's, the same draws in the same order.
 */
export function randomAddress(rng: RowRandom, scratch: Buffer): string {
  const length = rng.int(ADDRESS_MIN, ADDRESS_MAX);
  for (let c = 0; c < length; c += 5) {
    let bits = rng.u32(); // five 6-bit symbols per draw: 64 symbols, so no bias
    for (let j = c; j < c + 5 && j < length; j++, bits >>>= 6) scratch[j] = ALPHABET_BYTES[bits & 63]!;
  }
  return scratch.toString('latin1', 0, length);
}

/** A spec phone number (4.2.2.9): country code nation + 10, then three random groups. */
export function phoneNumber(rng: RowRandom, nation: number): string {
  return `${nation + 10}-${rng.int(100, 999)}-${rng.int(100, 999)}-${rng.int(1000, 9999)}`;
}

/** s_name for a key: "Supplier#000000042". */
export function supplierName(key: number): string {
  return `Supplier#${String(key).padStart(9, '0')}`;
}

/** Generates SUPPLIER rows for one (scale, seed). Cheap to construct after the first per seed (the text pool is shared). */
export class SupplierGenerator implements TpchRowGenerator<SupplierBatch> {
  /** TPC-H scale factor. */
  readonly scale: number;
  /** Rows in the table: SF × 10,000 (at least 1). */
  readonly rows: number;
  readonly seed: bigint;
  /** Rows carrying "Customer … Complaints" (and as many carrying "Customer … Recommends"): round(SF × 5). */
  readonly specialsPerKind: number;

  private readonly words: Seed;
  private readonly rng: RowRandom;
  private readonly pool: string;
  private readonly special: KeyPermutation | null;
  private readonly addressBytes = Buffer.alloc(ADDRESS_MAX);

  constructor(options: SupplierGeneratorOptions) {
    this.rows = supplierRowCount(options.scale);
    this.scale = options.scale;
    this.seed = normalizeSeed(options.seed);
    this.words = seedWords(this.seed);
    this.rng = new RowRandom(this.words, ROW_DOMAIN);
    this.pool = textPool(this.words);
    this.specialsPerKind = Math.round(this.rows / 2000);
    this.special = this.specialsPerKind > 0 ? new KeyPermutation(this.words, SPECIAL_DOMAIN, this.rows) : null;
  }

  /** One supplier by key (1 … rows). */
  row(key: number): SupplierRow {
    const b = this.batch(key, 1);
    return {
      s_suppkey: key,
      s_name: b.name[0],
      s_address: b.address[0],
      s_nationkey: b.nationkey[0],
      s_phone: b.phone[0],
      s_acctbal: formatCents(b.acctbalCents[0]),
      s_comment: b.comment[0],
    };
  }

  /** `count` consecutive suppliers starting at `firstKey`. */
  batch(firstKey: number, count: number): SupplierBatch {
    this.checkRange(firstKey, firstKey + count - 1);
    const out: SupplierBatch = {
      firstKey,
      numRows: count,
      name: new Array<string>(count),
      address: new Array<string>(count),
      nationkey: new Int32Array(count),
      phone: new Array<string>(count),
      acctbalCents: new Int32Array(count),
      comment: new Array<string>(count),
    };
    const rng = this.rng;
    const bytes = this.addressBytes;
    const pool = this.pool;
    for (let i = 0; i < count; i++) {
      const key = firstKey + i;
      rng.reset(key);
      out.name[i] = supplierName(key);

      out.address[i] = randomAddress(rng, bytes);

      const nation = rng.int(0, NATIONS - 1);
      out.nationkey[i] = nation;
      out.phone[i] = phoneNumber(rng, nation);
      out.acctbalCents[i] = rng.int(ACCTBAL_MIN_CENTS, ACCTBAL_MAX_CENTS);

      const length = rng.int(COMMENT_MIN, COMMENT_MAX);
      const offset = rng.int(0, pool.length - length);
      let comment = pool.slice(offset, offset + length);
      const kind = this.specialKind(key);
      if (kind !== null) {
        // "Customer " at a random position, then the kind word after a random gap, over the text.
        const room = length - CUSTOMER.length - kind.length;
        const at = rng.int(0, room);
        const gap = rng.int(0, room - at);
        const second = at + CUSTOMER.length + gap;
        comment = comment.slice(0, at) + CUSTOMER + comment.slice(at + CUSTOMER.length, second) + kind + comment.slice(second + kind.length);
      }
      out.comment[i] = comment;
    }
    return out;
  }

  /**
   * The batches for keys firstKey … lastKey, at most batchSize rows each, built one at a time as they are
   * asked for. The options are checked now, not at the first batch.
   */
  batches(options: Omit<SupplierBatchesOptions, 'scale' | 'seed'> = {}): Generator<SupplierBatch> {
    const first = options.firstKey ?? 1;
    const last = options.lastKey ?? this.rows;
    const size = options.batchSize ?? DEFAULT_ROW_GROUP_SIZE;
    checkRowGroupSize(size);
    this.checkRange(first, last);
    return this.batchRun(first, last, size);
  }

  private *batchRun(first: number, last: number, size: number): Generator<SupplierBatch> {
    for (let key = first; key <= last; key += size) yield this.batch(key, Math.min(size, last - key + 1));
  }

  /** COMPLAINTS, RECOMMENDS, or null for an ordinary comment. */
  private specialKind(key: number): string | null {
    if (this.special === null) return null;
    const rank = this.special.permute(key - 1);
    if (rank < this.specialsPerKind) return COMPLAINTS;
    if (rank < 2 * this.specialsPerKind) return RECOMMENDS;
    return null;
  }

  private checkRange(first: number, last: number): void {
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last > this.rows || first > last) {
      throw new ConfigError(`key range ${first}…${last} is not inside 1…${this.rows}`, {}, 'keys run from 1 to SF × 10,000');
    }
  }
}

/** SUPPLIER as column batches of at most `batchSize` rows (default 100,000), keys firstKey … lastKey. */
export function supplierBatches(options: SupplierBatchesOptions): Generator<SupplierBatch> {
  return new SupplierGenerator(options).batches(options);
}

/**
 * A batch in the shape readers hand the rest of the pass (core/values.ts): s_suppkey bigint (INT64),
 * s_nationkey number (INT32), s_acctbal exact decimal text, the rest strings.
 */
export function toColumnBatch(batch: SupplierBatch, file: string, firstRow = 1): ColumnBatch {
  const keys = new BigInt64Array(batch.numRows);
  for (let i = 0; i < batch.numRows; i++) keys[i] = BigInt(batch.firstKey + i);
  return {
    file,
    firstRow,
    numRows: batch.numRows,
    columns: {
      s_suppkey: keys,
      s_name: batch.name,
      s_address: batch.address,
      s_nationkey: batch.nationkey,
      s_phone: batch.phone,
      s_acctbal: Array.from(batch.acctbalCents, formatCents),
      s_comment: batch.comment,
    },
  };
}
