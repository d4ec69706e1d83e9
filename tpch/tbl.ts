/**
 * dbgen's .tbl text for any TPC-H table: one line per row, fields separated by "|", a "|" after the last
 * field too, no header, no quoting (TPC-H text never holds "|" or a newline), lines ended by "\n". All of
 * it is ASCII.
 */
import type { TpchBatch, TpchTable } from './table.ts';

/** The longest line of a table: every column at its widest, a "|" after each, "|\n" spare at the end. */
export function maxTblLineBytes(table: Pick<TpchTable, 'columns'>): number {
  return table.columns.reduce((sum, c) => sum + c.maxTblBytes, 0) + table.columns.length + 2;
}

/**
 * Encodes a batch as .tbl lines into `target` (reused across batches to spare the allocation; it must hold
 * numRows × maxTblLineBytes(table)) and returns the part of it that was written.
 */
export function encodeTbl<B extends TpchBatch>(
  table: TpchTable<B>,
  batch: B,
  target: Buffer = Buffer.allocUnsafe(batch.numRows * maxTblLineBytes(table)),
): Buffer {
  if (target.length < batch.numRows * maxTblLineBytes(table)) {
    throw new RangeError(`a buffer of ${target.length} bytes cannot hold ${batch.numRows} .tbl lines of ${table.name}`);
  }
  const fields = table.columns.map((c) => c.tblText(batch));
  let at = 0;
  for (let i = 0; i < batch.numRows; i++) {
    let line = '';
    for (const field of fields) line += `${field(i)}|`;
    at += target.write(`${line}\n`, at, 'latin1');
  }
  return target.subarray(0, at);
}
