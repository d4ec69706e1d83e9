import type { DatasetContract } from '../../datasets/index.ts';
import { decimalText, type Canonical } from '../../data-quality/coerce.ts';
import type { Checksums } from '../manifest.ts';

/** Exact running aggregates over canonical batches: what the warehouse must hold after staging. */
export class ChecksumAccumulator {
  rows = 0;
  private readonly sumIdx: number[];
  private readonly sums: Array<bigint | null>;
  private readonly mmIdx: number[];
  private readonly mins: Array<bigint | null>;
  private readonly maxs: Array<bigint | null>;

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

  /** Adds rows [from, to) of a batch. */
  add(columns: Canonical[][], from: number, to: number): void {
    this.rows += to - from;
    for (let k = 0; k < this.sumIdx.length; k++) {
      const col = columns[this.sumIdx[k]];
      let s = this.sums[k];
      for (let r = from; r < to; r++) {
        const v = col[r];
        if (v !== null) s = (s ?? 0n) + BigInt(v as bigint | number);
      }
      this.sums[k] = s;
    }
    for (let k = 0; k < this.mmIdx.length; k++) {
      const col = columns[this.mmIdx[k]];
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
