/**
 * Column types beside column-types.ts for the tables whose rows are not one per key: keys held as values
 * of the batch (INT64, up to 6·10^9 for l_orderkey at SF 1000, so a Float64Array of whole numbers) and
 * dates (Parquet DATE: INT32 days since 1970-01-01; dbgen text YYYY-MM-DD).
 */
import { dateText } from './calendar.ts';
import type { TpchBatch, TpchColumn } from './table.ts';

/** A BIGINT held as whole numbers in a Float64Array of the batch: l_orderkey, ps_suppkey, o_custkey, … */
export function int64Column<B extends TpchBatch>(name: string, maxTblBytes: number, values: (batch: B) => Float64Array): TpchColumn<B> {
  return {
    name,
    parquet: { type: 'INT64', converted_type: 'INT_64' },
    maxTblBytes,
    parquetData(batch) {
      const v = values(batch);
      const out = new BigInt64Array(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) out[i] = BigInt(v[i]);
      return { data: out };
    },
    tblText(batch) {
      const v = values(batch);
      return (i) => `${v[i]}`;
    },
  };
}

/** A DATE held as days since 1970-01-01 in an Int32Array of the batch: o_orderdate, l_shipdate, … */
export function dateColumn<B extends TpchBatch>(name: string, values: (batch: B) => Int32Array): TpchColumn<B> {
  return {
    name,
    parquet: { type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } },
    maxTblBytes: 10,
    parquetData: (batch) => ({ data: values(batch) }),
    tblText(batch) {
      const v = values(batch);
      return (i) => dateText(v[i]);
    },
  };
}
