import type { DatasetContract } from '../../datasets/index.ts';
import type { Canonical } from '../../data-quality/coerce.ts';
import { decimalText } from '../../core/decimal-text.ts';
import type { Checksums } from '../../core/manifest.ts';
import { ColumnFigureAccumulator, type FiguresPartial, type Share } from './column-figures.ts';
import { MarkerWatch, NULL_MARKER_CANDIDATES, NullMarkerTaken } from './null-marker.ts';

/** One share of the running aggregates (structured-clone safe), for another thread to merge in. */
export interface ChecksumPartial {
  rows: number;
  sums: Array<bigint | null>;
  mins: Array<bigint | null>;
  maxs: Array<bigint | null>;
  columns: FiguresPartial;
}

/**
 * Exact running aggregates over canonical batches: what the warehouse must hold after staging — the
 * contract's own checksums (rows, sums, min/max) and every column's figures (column-figures.ts).
 */
export class ChecksumAccumulator {
  rows = 0;
  private readonly watch: MarkerWatch;
  private readonly figures: ColumnFigureAccumulator;
  private readonly sumIdx: number[];
  private sums: Array<bigint | null>;
  private readonly mmIdx: number[];
  private mins: Array<bigint | null>;
  private maxs: Array<bigint | null>;

  /** `nullMarker`: the marker the parts are written with; a value equal to it is noted (see null-marker.ts). */
  constructor(
    private readonly contract: DatasetContract,
    readonly nullMarker: string = NULL_MARKER_CANDIDATES[0],
  ) {
    this.watch = new MarkerWatch(nullMarker);
    this.figures = new ColumnFigureAccumulator(contract, this.watch);
    const index = (name: string): number => {
      const i = contract.columns.findIndex((c) => c.name === name);
      if (i < 0) throw new Error(`checksum column ${name} is not a column of ${contract.name}`);
      return i;
    };
    this.sumIdx = contract.checksums.sum.map(index);
    this.mmIdx = contract.checksums.minMax.map(index);
    this.sums = this.sumIdx.map(() => null);
    this.mins = this.mmIdx.map(() => null);
    this.maxs = this.mmIdx.map(() => null);
  }

  /** Adds rows [from, to) of a batch. */
  add(columns: Canonical[][], from: number, to: number): void {
    this.rows += to - from;
    for (let ci = 0; ci < columns.length; ci++) this.addShare(ci, this.figures.addCanonical(ci, columns[ci], from, to));
  }

  /** Counts rows whose columns are added one by one (addCanonical / addSafeIntegers). */
  addRows(n: number): void {
    this.rows += n;
  }

  /** Adds contract column `ci` of a batch as canonical values. */
  addCanonical(ci: number, values: Canonical[], n: number): void {
    this.addShare(ci, this.figures.addCanonical(ci, values, 0, n));
  }

  /** Adds contract column `ci` given as safe integers (the canonical value, or a decimal's unscaled value). */
  addSafeIntegers(ci: number, values: Float64Array, valid: Uint8Array | null, n: number): void {
    this.addShare(ci, this.figures.addSafeIntegers(ci, values, valid, n));
  }

  /** The contract's own sums and min/max take a column's share from its figures. */
  private addShare(ci: number, share: Share): void {
    if (share.sum === null) return;
    for (let k = 0; k < this.sumIdx.length; k++) if (this.sumIdx[k] === ci) this.sums[k] = (this.sums[k] ?? 0n) + share.sum;
    for (let k = 0; k < this.mmIdx.length; k++) {
      if (this.mmIdx[k] !== ci) continue;
      if (this.mins[k] === null || share.min! < this.mins[k]!) this.mins[k] = share.min;
      if (this.maxs[k] === null || share.max! > this.maxs[k]!) this.maxs[k] = share.max;
    }
  }

  /** Adds column `ci`'s non-NULL count (valid[r] === 0: NULL), for a column whose figures are a count. */
  addCount(ci: number, valid: Uint8Array | null, n: number): void {
    this.figures.addCount(ci, valid, n);
  }

  /** Adds text column `ci` given as UTF-8 cells (the byte-level path). */
  addText(ci: number, data: Uint8Array, offsets: Int32Array, lengths: Int32Array, valid: Uint8Array | null, n: number): void {
    this.figures.addText(ci, data, offsets, lengths, valid, n);
  }

  /** The aggregates since the last take, and a fresh start. */
  take(): ChecksumPartial {
    const out = { rows: this.rows, sums: this.sums, mins: this.mins, maxs: this.maxs, columns: this.figures.take() };
    this.rows = 0;
    this.sums = this.sumIdx.map(() => null);
    this.mins = this.mmIdx.map(() => null);
    this.maxs = this.mmIdx.map(() => null);
    return out;
  }

  /** Adds another accumulator's share. */
  merge(p: ChecksumPartial): void {
    this.rows += p.rows;
    this.figures.merge(p.columns);
    p.sums.forEach((s, k) => {
      if (s !== null) this.sums[k] = (this.sums[k] ?? 0n) + s;
    });
    p.mins.forEach((m, k) => {
      if (m !== null && (this.mins[k] === null || m < this.mins[k])) this.mins[k] = m;
    });
    p.maxs.forEach((m, k) => {
      if (m !== null && (this.maxs[k] === null || m > this.maxs[k])) this.maxs[k] = m;
    });
  }

  /** Throws NullMarkerTaken when a value of the pass equals its NULL marker (the pass must run again). */
  checkNullMarker(): void {
    if (this.watch.taken) throw new NullMarkerTaken(this.nullMarker, this.watch.next());
  }

  result(): Checksums {
    const out: Checksums = { rows: this.rows, sums: {}, min: {}, max: {}, columns: this.figures.result() };
    this.sumIdx.forEach((ci, k) => {
      const col = this.contract.columns[ci];
      const s = this.sums[k];
      out.sums[col.name] = s === null ? null : col.type.kind === 'decimal' ? decimalText(s, col.type.scale) : s.toString();
    });
    this.mmIdx.forEach((ci, k) => {
      const name = this.contract.columns[ci].name;
      out.min[name] = this.mins[k]?.toString() ?? null;
      out.max[name] = this.maxs[k]?.toString() ?? null;
    });
    return out;
  }
}
