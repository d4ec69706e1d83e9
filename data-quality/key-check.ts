/**
 * The exact check that no key (one column's value, or a tuple of several columns' values) appears twice
 * in a pass. The columns hand their per-row components to ColumnKeys (64-bit words for numbers, the
 * string for text); once every column of a batch is in, KeyCheck.assemble turns each complete row into
 * one 64-bit key (tuple-key.ts) and feeds UniqueKeys (external sort, bounded memory, spill). At the end:
 * - a key of one integer/number/boolean column is its exact words: equal keys are equal values;
 * - a packed tuple (top bit 0) is exact too;
 * - a hashed key (top bit 1) is only a candidate: the texts of every candidate are read back from the
 *   value log and compared, so a hash collision never refuses a batch and a true duplicate is never missed.
 * Each repeated occurrence is reported with the ordinal of the first occurrence of the same values.
 */
import { decodeBigint, decodeNumber, KEY } from './hash.ts';
import { defaultTupleHash, hashedKey, isHashedKey, TupleLayout, type TupleHash } from './tuple-key.ts';
import { UniqueKeys } from './unique-keys.ts';
import { ValueLog } from './value-log.ts';

/** Where a column's key components go: 64-bit words (numbers) or the text itself. */
export interface KeySink {
  add(hi: number, lo: number, ordinal: number): void;
  addText(text: string, ordinal: number): void;
}

/**
 * How one column takes part in keys: its component form (the words of encodeBigint, of encodeNumber —
 * booleans as 0/1 — or text), whether its values are integers (packable), and how a message shows a value
 * given its canonical text.
 */
export interface KeyColumn {
  name: string;
  form: 'bigint' | 'number' | 'text';
  integer: boolean;
  show(canonicalText: string): string;
}

/** A column's components for the rows [base, base + rows) of the batch being observed. */
export class ColumnKeys implements KeySink {
  hi = new Uint32Array(0);
  lo = new Uint32Array(0);
  present = new Uint8Array(0);
  texts: string[] = [];
  private base = 0;
  private rows = 0;

  begin(base: number, rows: number): void {
    if (this.present.length < rows) {
      const n = Math.max(rows, Math.ceil(this.present.length * 1.25));
      this.hi = new Uint32Array(n);
      this.lo = new Uint32Array(n);
      this.present = new Uint8Array(n);
    } else this.present.fill(0, 0, rows);
    this.base = base;
    this.rows = rows;
  }

  add(hi: number, lo: number, ordinal: number): void {
    const i = this.at(ordinal);
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.present[i] = 1;
  }

  addText(text: string, ordinal: number): void {
    const i = this.at(ordinal);
    this.texts[i] = text;
    this.present[i] = 1;
  }

  private at(ordinal: number): number {
    const i = ordinal - this.base;
    if (!(i >= 0 && i < this.rows)) throw new RangeError(`key of ordinal ${ordinal} outside the batch [${this.base}, ${this.base + this.rows})`);
    return i;
  }
}

export interface KeyCheckOptions {
  /** Memory budget of the external sort, in bytes. */
  memoryBytes?: number;
  /** Where the sort spills runs and the value log is kept (default: the OS temp folder). */
  spillDir?: string;
  /** The hash of a tuple's text (tests inject a tiny one to force collisions). */
  hash?: TupleHash;
}

/** A repeated key: the ordinal of the repeat, of the first occurrence, and the key's canonical values. */
export interface RepeatedKey {
  ordinal: number;
  first: number;
  values: string[];
}

export class KeyCheck {
  /** Keys assembled (complete rows). */
  checked = 0;
  private readonly unique: UniqueKeys;
  private readonly log: ValueLog;
  private readonly hash: TupleHash;
  /** One column that is its own exact key (its words). */
  private readonly words: boolean;
  private readonly integers: boolean;
  /** undefined: not decided yet; null: nothing packs (hash every tuple). */
  private layout: TupleLayout | null | undefined;
  private readonly ints: Float64Array;

  constructor(readonly columns: readonly KeyColumn[], private readonly sources: readonly ColumnKeys[], options: KeyCheckOptions = {}) {
    this.unique = new UniqueKeys({ memoryBytes: options.memoryBytes, spillDir: options.spillDir });
    this.log = new ValueLog(options.spillDir);
    this.hash = options.hash ?? defaultTupleHash;
    this.words = columns.length === 1 && columns[0].form !== 'text';
    this.integers = columns.every((c) => c.integer);
    this.layout = this.integers ? undefined : null;
    this.ints = new Float64Array(columns.length);
  }

  /** Runs the sort spilled to disk so far. */
  get spilledRuns(): number {
    return this.unique.spilledRuns;
  }

  /** Adds the key of every row of [base, base + rows) whose key columns all hold a loadable value. */
  assemble(base: number, rows: number): void {
    const src = this.sources;
    const k = src.length;
    if (this.words) {
      const { hi, lo, present } = src[0];
      for (let r = 0; r < rows; r++) {
        if (present[r] === 0) continue;
        this.unique.add(hi[r], lo[r], base + r);
        this.checked++;
      }
      return;
    }
    if (this.layout === undefined) this.decideLayout(rows);
    const layout = this.layout;
    const ints = this.ints;
    for (let r = 0; r < rows; r++) {
      let complete = true;
      for (let c = 0; c < k; c++) if (src[c].present[r] === 0) complete = false;
      if (!complete) continue;
      this.checked++;
      if (layout) {
        for (let c = 0; c < k; c++) ints[c] = this.integerOf(c, r);
        if (layout.pack(ints)) {
          this.unique.add(KEY[0], KEY[1], base + r);
          continue;
        }
      }
      const text = this.tupleText(r);
      hashedKey(text, this.hash);
      this.unique.add(KEY[0], KEY[1], base + r);
      this.log.append(base + r, text);
    }
  }

  /** Judges every key: the count of repeated occurrences and the `keep` earliest ones (by ordinal), with their values. */
  finish(keep: number): { count: number; samples: RepeatedKey[] } {
    const found = new Earliest(keep);
    let candidates = new Uint32Array(0);
    let pairs = 0;
    try {
      this.unique.finish((hi, lo, ord, first) => {
        if (this.words || !isHashedKey(hi)) return found.add(ord, first, hi, lo, undefined);
        if (2 * pairs === candidates.length) {
          const grown = new Uint32Array(Math.max(64, candidates.length * 2));
          grown.set(candidates);
          candidates = grown;
        }
        candidates[2 * pairs] = ord;
        candidates[2 * pairs + 1] = first;
        pairs++;
      });
      if (pairs > 0) this.confirm(candidates.subarray(0, 2 * pairs), found);
    } finally {
      this.dispose();
    }
    return {
      count: found.count,
      samples: found.entries.map((e) => ({ ordinal: e.ord, first: e.first, values: e.text !== undefined ? (JSON.parse(e.text) as string[]) : this.valuesOf(e.hi, e.lo) })),
    };
  }

  dispose(): void {
    this.unique.dispose();
    this.log.dispose();
  }

  /**
   * Candidates come as (ordinal, first) pairs: each repeated hashed key with the first occurrence of its
   * hash. One pass over the value log, in ordinal order, keeps per hash only its distinct texts (almost
   * always one) with the ordinal each was first seen at: a member whose text was seen is a true repeat of
   * that ordinal; a new text under the same hash was only a collision.
   */
  private confirm(pairs: Uint32Array, found: Earliest): void {
    // Every member ordinal (the firsts once, each repeat) with its hash group (the first's ordinal), sorted.
    const entries = new BigUint64Array(pairs.length);
    let m = 0;
    for (let i = 0; i < pairs.length; i += 2) {
      const ord = pairs[i];
      const first = pairs[i + 1];
      if (i === 0 || pairs[i - 1] !== first) entries[m++] = (BigInt(first) << 32n) | BigInt(first);
      entries[m++] = (BigInt(ord) << 32n) | BigInt(first);
    }
    const sorted = entries.subarray(0, m).sort();
    const ords = new Uint32Array(m);
    const groups = new Uint32Array(m);
    for (let i = 0; i < m; i++) {
      ords[i] = Number(sorted[i] >> 32n);
      groups[i] = Number(sorted[i] & 0xffffffffn);
    }
    const at = (ord: number): number => {
      let lo = 0;
      let hi = m - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (ords[mid] < ord) lo = mid + 1;
        else if (ords[mid] > ord) hi = mid - 1;
        else return mid;
      }
      return -1;
    };
    const seen = new Map<number, string | Map<string, number>>();
    let visited = 0;
    this.log.scan((ord) => at(ord) >= 0, (ord, text) => {
      visited++;
      const group = groups[at(ord)];
      const known = seen.get(group);
      if (known === undefined) {
        // The log is in ordinal order, so a group's first member is the occurrence the group is named after.
        if (ord !== group) throw new Error(`value log out of ordinal order at ${ord} (group ${group})`);
        seen.set(group, text);
      }
      else if (typeof known === 'string') {
        if (known === text) found.add(ord, group, 0, 0, text);
        else seen.set(group, new Map([[known, group], [text, ord]]));
      } else {
        const first = known.get(text);
        if (first !== undefined) found.add(ord, first, 0, 0, text);
        else known.set(text, ord);
      }
    });
    if (visited !== m) throw new Error(`value log holds ${visited} of ${m} candidate tuples`);
  }

  private decideLayout(rows: number): void {
    const k = this.sources.length;
    const maxima = new Array<number>(k).fill(0);
    let any = false;
    for (let r = 0; r < rows; r++) {
      let complete = true;
      for (let c = 0; c < k; c++) if (this.sources[c].present[r] === 0) complete = false;
      if (!complete) continue;
      any = true;
      for (let c = 0; c < k; c++) {
        const v = this.integerOf(c, r);
        if (v > maxima[c]) maxima[c] = v;
      }
    }
    if (any) this.layout = TupleLayout.fromMaxima(maxima) ?? null;
  }

  /** Column c's value in row r as a non-negative safe integer, or -1 (it is then hashed). */
  private integerOf(c: number, r: number): number {
    const s = this.sources[c];
    const hi = s.hi[r];
    const lo = s.lo[r];
    if (this.columns[c].form === 'bigint') {
      const h = (hi ^ 0x80000000) | 0;
      return h >= 0 && h < 0x200000 ? h * 4294967296 + lo : -1;
    }
    const v = decodeNumber(hi, lo);
    return Number.isSafeInteger(v) && v >= 0 ? v : -1;
  }

  /** The tuple's canonical texts as JSON (the exact identity of a hashed key). */
  private tupleText(r: number): string {
    return JSON.stringify(this.columns.map((col, c) => this.componentText(c, r, col)));
  }

  private componentText(c: number, r: number, col: KeyColumn): string {
    const s = this.sources[c];
    if (col.form === 'text') return s.texts[r];
    if (col.form === 'bigint') return decodeBigint(s.hi[r], s.lo[r]).toString();
    return String(decodeNumber(s.hi[r], s.lo[r]));
  }

  /** The canonical texts of an exact (words or packed) key. */
  private valuesOf(hi: number, lo: number): string[] {
    if (this.words) return [this.columns[0].form === 'bigint' ? decodeBigint(hi, lo).toString() : String(decodeNumber(hi, lo))];
    return this.layout!.unpack(hi, lo).map((v) => v.toString());
  }
}

/** The count of repeated occurrences and the `keep` with the smallest ordinals. */
class Earliest {
  count = 0;
  readonly entries: Array<{ ord: number; first: number; hi: number; lo: number; text: string | undefined }> = [];
  constructor(private readonly keep: number) {}
  add(ord: number, first: number, hi: number, lo: number, text: string | undefined): void {
    this.count++;
    const e = this.entries;
    if (e.length === this.keep && ord >= e[e.length - 1].ord) return;
    if (e.length === this.keep) e.pop();
    let i = e.length;
    while (i > 0 && e[i - 1].ord > ord) i--;
    e.splice(i, 0, { ord, first, hi, lo, text });
  }
}
