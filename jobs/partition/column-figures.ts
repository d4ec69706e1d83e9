/**
 * Per-column figures of a load package, so that a COPY that changed any value is caught: for EVERY
 * contract column the non-null count; for text the total UTF-8 bytes (CHAR without its trailing blanks,
 * which CHAR does not keep apart); for integers and decimals the exact sum (decimals as BigInt of the
 * unscaled value), min and max; for dates and timestamps the earliest and latest canonical text (which sorts
 * as time does: fixed-width fields, a fraction only when not zero). Booleans and floats are counted. sql/load.ts computes
 * the same figures over the stage and history in one statement each.
 *
 * Fed either way the pass holds a column: canonical values (the evaluator's per-value path), safe
 * integers (the byte-level path's ints and unscaled decimals) or UTF-8 text cells (its strings).
 * Every value that starts with `\N` is shown to the pass's MarkerWatch (null-marker.ts) on the way.
 */
import type { DatasetContract } from '../../datasets/index.ts';
import type { Canonical } from '../../data-quality/coerce.ts';
import { decimalText } from '../../core/decimal-text.ts';
import type { ColumnFigures } from '../../core/manifest.ts';
import type { MarkerWatch } from './null-marker.ts';
import { NULL_MARKER_BYTES } from '../../core/csv-dialect.ts';

export type FigureKind = 'text' | 'char' | 'number' | 'temporal' | 'count';

export function figureKind(t: DatasetContract['columns'][number]['type']): FigureKind {
  switch (t.kind) {
    case 'varchar':
      return 'text';
    case 'char':
      return 'char';
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'decimal':
      return 'number';
    case 'date':
    case 'timestamp':
      return 'temporal';
    default:
      return 'count';
  }
}

/** One share of the figures (structured-clone safe), for another thread to merge in. */
export interface FiguresPartial {
  count: number[];
  bytes: number[];
  sum: Array<bigint | null>;
  min: Array<bigint | null>;
  max: Array<bigint | null>;
  /** date/timestamp columns: earliest and latest canonical text. */
  first: Array<string | null>;
  last: Array<string | null>;
  markers: number;
}

/** What a call added to a number column (all null: no value, or not a number column). */
export interface Share {
  sum: bigint | null;
  min: bigint | null;
  max: bigint | null;
}

const NO_SHARE: Share = { sum: null, min: null, max: null };

const BLANK = 0x20;
/** The first two bytes of every package NULL marker (null-marker.ts): only a value starting with them can equal one. */
const [BACKSLASH, N] = NULL_MARKER_BYTES;

export class ColumnFigureAccumulator {
  readonly kinds: FigureKind[];
  private p: FiguresPartial;

  constructor(
    private readonly contract: DatasetContract,
    private readonly watch: MarkerWatch,
  ) {
    this.kinds = contract.columns.map((c) => figureKind(c.type));
    this.p = this.fresh();
  }

  private fresh(): FiguresPartial {
    const n = this.contract.columns.length;
    return { count: new Array<number>(n).fill(0), bytes: new Array<number>(n).fill(0), sum: new Array<bigint | null>(n).fill(null), min: new Array<bigint | null>(n).fill(null), max: new Array<bigint | null>(n).fill(null), first: new Array<string | null>(n).fill(null), last: new Array<string | null>(n).fill(null), markers: 0 };
  }

  /**
   * Canonical values of column `ci`, rows [from, to). Returns a number column's share (for the contract's
   * own checksums). Safe integers are summed in a double and carried into a bigint before they could not
   * be exact; only values beyond 2^53 are added as bigints.
   */
  addCanonical(ci: number, col: Canonical[], from: number, to: number): Share {
    const kind = this.kinds[ci];
    const p = this.p;
    let count = 0;
    if (kind === 'number') {
      let big: bigint | null = null;
      let acc = 0;
      let lo = Infinity;
      let hi = -Infinity;
      let blo: bigint | null = null;
      let bhi: bigint | null = null;
      for (let r = from; r < to; r++) {
        const v = col[r];
        if (v === null) continue;
        count++;
        let x: number;
        if (typeof v === 'number') x = v;
        else {
          x = Number(v);
          if (!Number.isSafeInteger(x)) {
            const b = v as bigint;
            big = (big ?? 0n) + b;
            if (blo === null || b < blo) blo = b;
            if (bhi === null || b > bhi) bhi = b;
            continue;
          }
        }
        if (x < lo) lo = x;
        if (x > hi) hi = x;
        if (acc >= 2 ** 51 || acc <= -(2 ** 51) || x >= 2 ** 51 || x <= -(2 ** 51)) {
          big = (big ?? 0n) + BigInt(acc) + BigInt(x);
          acc = 0;
        } else acc += x;
      }
      p.count[ci] += count;
      if (count === 0) return NO_SHARE;
      let min = blo;
      let max = bhi;
      if (lo !== Infinity) {
        if (min === null || BigInt(lo) < min) min = BigInt(lo);
        if (max === null || BigInt(hi) > max) max = BigInt(hi);
      }
      return this.addShare(ci, { sum: (big ?? 0n) + BigInt(acc), min, max });
    }
    if (kind === 'text' || kind === 'char') {
      let bytes = 0;
      for (let r = from; r < to; r++) {
        const v = col[r] as string | null;
        if (v === null) continue;
        count++;
        bytes += Buffer.byteLength(kind === 'char' ? v.replace(/ +$/, '') : v, 'utf8');
        if (v.charCodeAt(0) === BACKSLASH) this.watch.text(v);
      }
      p.bytes[ci] += bytes;
    } else if (kind === 'temporal') {
      let first = p.first[ci];
      let last = p.last[ci];
      for (let r = from; r < to; r++) {
        const v = col[r] as string | null;
        if (v === null) continue;
        count++;
        if (first === null || v < first) first = v;
        if (last === null || v > last) last = v;
      }
      p.first[ci] = first;
      p.last[ci] = last;
    } else {
      for (let r = from; r < to; r++) if (col[r] !== null) count++;
    }
    p.count[ci] += count;
    return NO_SHARE;
  }

  private addShare(ci: number, share: Share): Share {
    const p = this.p;
    p.sum[ci] = (p.sum[ci] ?? 0n) + share.sum!;
    if (p.min[ci] === null || share.min! < p.min[ci]) p.min[ci] = share.min;
    if (p.max[ci] === null || share.max! > p.max[ci]) p.max[ci] = share.max;
    return share;
  }

  /**
   * Column `ci` given as safe integers (the value, or a decimal's unscaled value). Exact: partial sums
   * stay below 2^53 in a double and are carried into a bigint before they could not. Returns the share
   * it added, for the contract's own checksums.
   */
  addSafeIntegers(ci: number, values: Float64Array, valid: Uint8Array | null, n: number): Share {
    let big: bigint | null = null;
    let acc = 0;
    let count = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < n; r++) {
      if (valid !== null && valid[r] === 0) continue;
      count++;
      const v = values[r];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (acc >= 2 ** 51 || acc <= -(2 ** 51) || v >= 2 ** 51 || v <= -(2 ** 51)) {
        big = (big ?? 0n) + BigInt(acc) + BigInt(v);
        acc = 0;
      } else acc += v;
    }
    this.p.count[ci] += count;
    if (count === 0) return NO_SHARE;
    const share = { sum: (big ?? 0n) + BigInt(acc), min: BigInt(lo), max: BigInt(hi) };
    return this.kinds[ci] === 'number' ? this.addShare(ci, share) : share;
  }

  /** Column `ci` as UTF-8 cells: rows r < n with valid[r] !== 0 hold data[offsets[r], + lengths[r]). */
  addText(ci: number, data: Uint8Array, offsets: Int32Array, lengths: Int32Array, valid: Uint8Array | null, n: number): void {
    if (this.kinds[ci] === 'temporal') return this.addTemporalText(ci, data, offsets, lengths, valid, n);
    const char = this.kinds[ci] === 'char';
    let count = 0;
    let bytes = 0;
    for (let r = 0; r < n; r++) {
      if (valid !== null && valid[r] === 0) continue;
      count++;
      const o = offsets[r];
      let len = lengths[r];
      if (len >= 2 && data[o] === BACKSLASH && data[o + 1] === N) this.watch.bytesAt(data, o, len);
      if (char) while (len > 0 && data[o + len - 1] === BLANK) len--;
      bytes += len;
    }
    this.p.count[ci] += count;
    this.p.bytes[ci] += bytes;
  }

  /**
   * A date or timestamp column as its canonical text cells (ASCII, one fixed layout, so byte order is time
   * order and equals the string order addCanonical uses): its count, first and last value. Only the two
   * extreme cells become strings.
   */
  private addTemporalText(ci: number, data: Uint8Array, offsets: Int32Array, lengths: Int32Array, valid: Uint8Array | null, n: number): void {
    let count = 0;
    let lo = -1;
    let hi = -1;
    for (let r = 0; r < n; r++) {
      if (valid !== null && valid[r] === 0) continue;
      count++;
      if (lo < 0) {
        lo = r;
        hi = r;
        continue;
      }
      if (compareCells(data, offsets[r], lengths[r], offsets[lo], lengths[lo]) < 0) lo = r;
      if (compareCells(data, offsets[r], lengths[r], offsets[hi], lengths[hi]) > 0) hi = r;
    }
    const p = this.p;
    p.count[ci] += count;
    if (count === 0) return;
    const first = Buffer.from(data.buffer, data.byteOffset + offsets[lo], lengths[lo]).toString('latin1');
    const last = Buffer.from(data.buffer, data.byteOffset + offsets[hi], lengths[hi]).toString('latin1');
    if (p.first[ci] === null || first < p.first[ci]) p.first[ci] = first;
    if (p.last[ci] === null || last > p.last[ci]) p.last[ci] = last;
  }

  /** Column `ci`'s non-NULL count only (dates, timestamps, booleans, floats: their figure is a count). */
  addCount(ci: number, valid: Uint8Array | null, n: number): void {
    let count = n;
    if (valid !== null) for (let r = 0; r < n; r++) count -= valid[r] === 0 ? 1 : 0;
    this.p.count[ci] += count;
  }

  /** The figures since the last take, and a fresh start. */
  take(): FiguresPartial {
    const out = this.p;
    out.markers = this.watch.seen;
    this.watch.seen = 0;
    this.p = this.fresh();
    return out;
  }

  merge(q: FiguresPartial): void {
    const p = this.p;
    for (let ci = 0; ci < p.count.length; ci++) {
      p.count[ci] += q.count[ci];
      p.bytes[ci] += q.bytes[ci];
      if (q.sum[ci] !== null) p.sum[ci] = (p.sum[ci] ?? 0n) + q.sum[ci]!;
      if (q.min[ci] !== null && (p.min[ci] === null || q.min[ci]! < p.min[ci]!)) p.min[ci] = q.min[ci];
      if (q.max[ci] !== null && (p.max[ci] === null || q.max[ci]! > p.max[ci]!)) p.max[ci] = q.max[ci];
      if (q.first[ci] !== null && (p.first[ci] === null || q.first[ci]! < p.first[ci]!)) p.first[ci] = q.first[ci];
      if (q.last[ci] !== null && (p.last[ci] === null || q.last[ci]! > p.last[ci]!)) p.last[ci] = q.last[ci];
    }
    this.watch.seen |= q.markers;
  }

  result(): Record<string, ColumnFigures> {
    const out: Record<string, ColumnFigures> = {};
    this.contract.columns.forEach((c, ci) => {
      const p = this.p;
      const kind = this.kinds[ci];
      const f: ColumnFigures = { count: p.count[ci] };
      if (kind === 'text' || kind === 'char') f.bytes = p.count[ci] === 0 ? null : String(p.bytes[ci]);
      if (kind === 'number') {
        const text = (v: bigint | null): string | null => (v === null ? null : c.type.kind === 'decimal' ? decimalText(v, c.type.scale) : v.toString());
        f.sum = text(p.sum[ci]);
        f.min = text(p.min[ci]);
        f.max = text(p.max[ci]);
      }
      if (kind === 'temporal') {
        f.min = p.first[ci];
        f.max = p.last[ci];
      }
      out[c.name] = f;
    });
    return out;
  }
}

/** Byte order of two cells of `data` (a shorter cell that is a prefix of the other sorts first). */
function compareCells(data: Uint8Array, a: number, alen: number, b: number, blen: number): number {
  const len = alen < blen ? alen : blen;
  for (let k = 0; k < len; k++) {
    const d = data[a + k] - data[b + k];
    if (d !== 0) return d;
  }
  return alen - blen;
}
