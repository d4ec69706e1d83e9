/**
 * The column types of TPC-H tables, each as it goes into Parquet (the DuckDB shape: INT64 keys, INT32
 * codes, DECIMAL as exact unscaled INT64, UTF-8 text stored PLAIN) and into dbgen's .tbl text. A table
 * module declares its columns with these; the writers never look at a column's name.
 */
import type { TpchBatch, TpchColumn } from './table.ts';

/** An exact decimal with two places from its cents: -5 → "-0.05", 575594 → "5755.94". */
export function formatCents(cents: number): string {
  const abs = cents < 0 ? -cents : cents;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${cents < 0 ? '-' : ''}${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

/**
 * The strings' bytes, as views into one buffer: far fewer objects than a TextEncoder array per value.
 * Generated TPC-H text is ASCII (alphabets and vocabulary), where latin1 and UTF-8 bytes are the same.
 */
function asciiBytes(values: string[]): Uint8Array[] {
  let total = 0;
  for (const v of values) total += v.length;
  const buffer = Buffer.allocUnsafe(total);
  const out = new Array<Uint8Array>(values.length);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const n = buffer.write(values[i], at, 'latin1');
    out[i] = buffer.subarray(at, at + n);
    at += n;
  }
  return out;
}

/** The row key itself (firstKey + i), an INT64: s_suppkey, n_nationkey, … */
export function rowKeyColumn<B extends TpchBatch>(name: string, maxTblBytes: number): TpchColumn<B> {
  return {
    name,
    parquet: { type: 'INT64', converted_type: 'INT_64' },
    maxTblBytes,
    parquetData(batch) {
      const keys = new BigInt64Array(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) keys[i] = BigInt(batch.firstKey + i);
      return { data: keys };
    },
    tblText: (batch) => (i) => `${batch.firstKey + i}`,
  };
}

/** A 32-bit integer held in an Int32Array of the batch: s_nationkey, … */
export function int32Column<B extends TpchBatch>(name: string, maxTblBytes: number, values: (batch: B) => Int32Array): TpchColumn<B> {
  return {
    name,
    parquet: { type: 'INT32', converted_type: 'INT_32' },
    maxTblBytes,
    parquetData: (batch) => ({ data: values(batch) }),
    tblText(batch) {
      const v = values(batch);
      return (i) => `${v[i]}`;
    },
  };
}

/** A DECIMAL(precision, 2) held as exact cents in an Int32Array of the batch: s_acctbal, … */
export function centsColumn<B extends TpchBatch>(
  name: string,
  precision: number,
  maxTblBytes: number,
  values: (batch: B) => Int32Array,
): TpchColumn<B> {
  return {
    name,
    parquet: { type: 'INT64', converted_type: 'DECIMAL', precision, scale: 2, logical_type: { type: 'DECIMAL', precision, scale: 2 } },
    maxTblBytes,
    parquetData(batch) {
      const v = values(batch);
      const cents = new BigInt64Array(v.length);
      for (let i = 0; i < v.length; i++) cents[i] = BigInt(v[i]);
      return { data: cents };
    },
    tblText(batch) {
      const v = values(batch);
      return (i) => formatCents(v[i]);
    },
  };
}

/** ASCII text held as strings of the batch, PLAIN in Parquet (nearly every value differs, as in DuckDB's files). */
export function textColumn<B extends TpchBatch>(name: string, maxTblBytes: number, values: (batch: B) => string[]): TpchColumn<B> {
  return {
    name,
    parquet: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    maxTblBytes,
    parquetData: (batch) => ({ data: asciiBytes(values(batch)), encoding: 'PLAIN' }),
    tblText(batch) {
      const v = values(batch);
      return (i) => v[i];
    },
  };
}
