import type { DatasetContract } from '../../datasets/index.ts';
import { decimalText, type Canonical } from '../../data-quality/coerce.ts';
import type { Checksums } from '../manifest.ts';

/** One share of the running aggregates (structured-clone safe), for another thread to merge in. */
export interface ChecksumPartial {
  rows: number;
  sums: Array<bigint | null>;
  mins: Array<bigint | null>;
  maxs: Array<bigint | null>;
}

/** Exact running aggregates over canonical batches: what the warehouse must hold after staging. */
export class ChecksumAccumulator {
  rows = 0;
  private readonly sumIdx: number[];
  private sums: Array<bigint | null>;
  private readonly mmIdx: number[];
  private mins: Array<bigint | null>;
  private maxs: Array<bigint | null>;

  constructor(private readonly contract: DatasetContract) {
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

  /** Does contract column `ci` take part in any aggregate? */
  uses(ci: number): boolean {
    return this.sumIdx.includes(ci) || this.mmIdx.includes(ci);
  }

  /** Adds rows [from, to) of a batch. */
  add(columns: Canonical[][], from: number, to: number): void {
    this.rows += to - from;
    for (let k = 0; k < this.sumIdx.length; k++) this.sumCanonical(k, columns[this.sumIdx[k]], from, to);
    for (let k = 0; k < this.mmIdx.length; k++) this.minMaxCanonical(k, columns[this.mmIdx[k]], from, to);
  }

  /** Counts rows whose columns are added one by one (addCanonical / addSafeIntegers). */
  addRows(n: number): void {
    this.rows += n;
  }

  /** Adds contract column `ci` of a batch as canonical values. */
  addCanonical(ci: number, values: Canonical[], n: number): void {
    for (let k = 0; k < this.sumIdx.length; k++) if (this.sumIdx[k] === ci) this.sumCanonical(k, values, 0, n);
    for (let k = 0; k < this.mmIdx.length; k++) if (this.mmIdx[k] === ci) this.minMaxCanonical(k, values, 0, n);
  }

  /** Adds contract column `ci` given as safe integers (the canonical value, or a decimal's unscaled value). */
  addSafeIntegers(ci: number, values: Float64Array, valid: Uint8Array | null, n: number): void {
    for (let k = 0; k < this.sumIdx.length; k++) {
      if (this.sumIdx[k] !== ci) continue;
      // Exact: partial sums stay below 2^53 in a double and are carried into a bigint before they could not.
      let big = this.sums[k];
      let acc = 0;
      let any = false;
      for (let r = 0; r < n; r++) {
        if (valid !== null && valid[r] === 0) continue;
        any = true;
        const v = values[r];
        if (Math.abs(acc) >= 2 ** 51 || Math.abs(v) >= 2 ** 51) {
          big = (big ?? 0n) + BigInt(acc) + BigInt(v);
          acc = 0;
        } else acc += v;
      }
      if (any) big = (big ?? 0n) + BigInt(acc);
      this.sums[k] = big;
    }
    for (let k = 0; k < this.mmIdx.length; k++) {
      if (this.mmIdx[k] !== ci) continue;
      let lo = Infinity;
      let hi = -Infinity;
      for (let r = 0; r < n; r++) {
        if (valid !== null && valid[r] === 0) continue;
        const v = values[r];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (lo !== Infinity) {
        const blo = BigInt(lo);
        const bhi = BigInt(hi);
        if (this.mins[k] === null || blo < this.mins[k]!) this.mins[k] = blo;
        if (this.maxs[k] === null || bhi > this.maxs[k]!) this.maxs[k] = bhi;
      }
    }
  }

  private sumCanonical(k: number, col: Canonical[], from: number, to: number): void {
    let s = this.sums[k];
    for (let r = from; r < to; r++) {
      const v = col[r];
      if (v !== null) s = (s ?? 0n) + BigInt(v as bigint | number);
    }
    this.sums[k] = s;
  }

  private minMaxCanonical(k: number, col: Canonical[], from: number, to: number): void {
    let lo = this.mins[k];
    let hi = this.maxs[k];
    for (let r = from; r < to; r++) {
      const v = col[r];
      if (v === null) continue;
      const b = BigInt(v as bigint | number);
      if (lo === null || b < lo) lo = b;
      if (hi === null || b > hi) hi = b;
    }
    this.mins[k] = lo;
    this.maxs[k] = hi;
  }

  /** The aggregates since the last take, and a fresh start. */
  take(): ChecksumPartial {
    const out = { rows: this.rows, sums: this.sums, mins: this.mins, maxs: this.maxs };
    this.rows = 0;
    this.sums = this.sumIdx.map(() => null);
    this.mins = this.mmIdx.map(() => null);
    this.maxs = this.mmIdx.map(() => null);
    return out;
  }

  /** Adds another accumulator's share. */
  merge(p: ChecksumPartial): void {
    this.rows += p.rows;
    p.sums.forEach((s, k) => {
      if (s !== null) this.sums[k] = (this.sums[k] ?? 0n) + s;
    });
    p.mins.forEach((m, k) => {
      if (m !== null && (this.mins[k] === null || m < this.mins[k]!)) this.mins[k] = m;
    });
    p.maxs.forEach((m, k) => {
      if (m !== null && (this.maxs[k] === null || m > this.maxs[k]!)) this.maxs[k] = m;
    });
  }

  result(): Checksums {
    const out: Checksums = { rows: this.rows, sums: {}, min: {}, max: {} };
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
