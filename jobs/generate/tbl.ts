/**
 * dbgen's .tbl text: one line per row, fields separated by "|", a "|" after the last field too, no header,
 * no quoting (TPC-H text never holds "|" or a newline), lines ended by "\n". All of it is ASCII.
 */
import { formatCents, type SupplierBatch } from './supplier-rows.ts';

/**
 * The longest SUPPLIER line: key (10 digits at SF 100,000) + name (19) + address (40) + nation (2) +
 * phone (15) + acctbal (7) + comment (100) + 7 "|" + "|\n".
 */
export const MAX_SUPPLIER_LINE_BYTES = 10 + 19 + 40 + 2 + 15 + 7 + 100 + 7 + 2;

/**
 * Encodes a batch as .tbl lines into `target` (reused across batches to spare the allocation; it must hold
 * numRows × MAX_SUPPLIER_LINE_BYTES) and returns the part of it that was written.
 */
export function encodeSupplierTbl(
  batch: SupplierBatch,
  target: Buffer = Buffer.allocUnsafe(batch.numRows * MAX_SUPPLIER_LINE_BYTES),
): Buffer {
  if (target.length < batch.numRows * MAX_SUPPLIER_LINE_BYTES) {
    throw new RangeError(`a buffer of ${target.length} bytes cannot hold ${batch.numRows} .tbl lines`);
  }
  const { name, address, nationkey, phone, acctbalCents, comment } = batch;
  let at = 0;
  for (let i = 0; i < batch.numRows; i++) {
    const line = `${batch.firstKey + i}|${name[i]}|${address[i]}|${nationkey[i]}|${phone[i]}|${formatCents(acctbalCents[i]!)}|${comment[i]}|\n`;
    at += target.write(line, at, 'latin1');
  }
  return target.subarray(0, at);
}
