/**
 * Delimited text cut into byte ranges of whole lines, so that worker threads parse it side by side.
 *
 * Only for a dialect without quotes (dbgen's `.tbl`): there every LF ends a record, so a range that
 * starts right after a LF starts a record, and counting LFs numbers the rows exactly. A quoted field may
 * hold a LF, so quoted dialects are read whole by readDelimitedBatches instead.
 *
 * The main thread only gunzips, strips a byte-order mark and the header line, and counts LFs: each range
 * is RANGE_ROWS lines (the batches readDelimitedBatches yields, so units, blocks and parts are the same
 * bytes either way), or fewer when that many would pass MAX_RANGE_BYTES (memory is bounded by the range,
 * not the file). The worker parses a range with the same RecordParser and the same messages, its rows
 * numbered from the range's first row.
 */
import type { Readable } from 'node:stream';
import { QualityError } from '../../core/errors.ts';
import type { ColumnBatch } from '../../core/values.ts';
import {
  bytesOf, checkOptions, DELIMITED_BATCH_ROWS, fieldCountError, firstInvalidUtf8, looseUtf8, RecordParser, strictUtf8, wholeCharsLength,
  type DelimitedReadOptions,
} from './delimited.ts';

/** Lines per range: readDelimitedBatches' batch, so both readers cut a file into the same units. */
export const RANGE_ROWS = DELIMITED_BATCH_ROWS;

/** Most bytes a range holds (fewer lines when they are long; one line longer than this is refused). */
export const MAX_RANGE_BYTES = 32 * 1024 * 1024;

export interface TextRange {
  options: DelimitedReadOptions;
  /** Column names in file order (the header's, or the contract's). */
  names: string[];
  /** Data row number of the range's first line (the file's own numbering). */
  firstRow: number;
  /** Whole lines (the file's last line may lack its LF), in bytes[0, length). */
  bytes: ArrayBuffer;
  length: number;
  /** At least the lines in it (the LFs counted here, + 1 for the file's last range); counted again when absent. */
  lines?: number;
}

/** Whether a file in this dialect can be cut into ranges (no quote: a LF always ends a record). */
export function rangeable(o: DelimitedReadOptions): boolean {
  return o.quote === null;
}

/** The bytes without a leading UTF-8 byte-order mark. */
async function* withoutBom(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let head: Buffer | undefined = Buffer.alloc(0);
  for await (const c of chunks) {
    if (head === undefined) {
      yield c;
      continue;
    }
    head = Buffer.concat([head, c]);
    if (head.length < 3) continue;
    yield head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
    head = undefined;
  }
  if (head?.length) yield head;
}

/** Pending bytes of the range being gathered: chunks, cut off at any length into a buffer of its own. */
class Pending {
  private chunks: Buffer[] = [];
  length = 0;

  add(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.length += b.length;
  }

  /** The first n bytes as a fresh ArrayBuffer (transferable); the rest stays pending. */
  cut(n: number): ArrayBuffer {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - at);
      out.set(k === c.length ? c : c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.length -= n;
    return out.buffer;
  }
}

/**
 * The file's data lines in ranges of at most `rows` lines and `maxBytes` bytes, in order. The input is
 * read once; at most one range is held besides the one being yielded.
 */
export async function* delimitedRanges(
  input: Readable, options: DelimitedReadOptions, names: string[], rows = RANGE_ROWS, maxBytes = MAX_RANGE_BYTES,
): AsyncGenerator<TextRange> {
  checkOptions(options);
  if (!rangeable(options)) throw new Error('delimitedRanges: a quoted dialect cannot be cut at line ends');
  const pending = new Pending();
  let inHeader = options.header;
  let firstRow = 1;
  let lines = 0; // LFs in pending
  let lastLineEnd = 0; // pending bytes up to and including the last LF
  const take = (n: number, count: number): TextRange => {
    const range = { options, names, firstRow, bytes: pending.cut(n), length: n, lines: count };
    firstRow += count;
    lines -= count;
    lastLineEnd -= n;
    return range;
  };
  for await (let chunk of withoutBom(bytesOf(input, options.file))) {
    if (inHeader) {
      const nl = chunk.indexOf(10);
      if (nl < 0) continue; // the header line goes on (readDelimitedSchema has checked it)
      chunk = chunk.subarray(nl + 1);
      inHeader = false;
    }
    let from = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, nl + 1)) {
      lines++;
      lastLineEnd = pending.length + (nl + 1 - from);
      if (lines === rows) {
        pending.add(chunk.subarray(from, nl + 1));
        from = nl + 1;
        yield take(pending.length, rows);
      }
    }
    pending.add(chunk.subarray(from));
    if (pending.length > maxBytes) {
      if (lines === 0) {
        throw new QualityError(`row ${firstRow} is longer than ${maxBytes / (1024 * 1024)} MiB (no line end in it)`, { file: options.file, row: firstRow },
          'check the line endings and the delimiter of the contract');
      }
      yield take(lastLineEnd, lines);
    }
  }
  if (pending.length > 0) yield take(pending.length, lines + 1);
}

/** Parses one range into a batch: the same records, values and messages as readDelimitedBatches. */
export function parseTextRange(r: TextRange): ColumnBatch {
  const o = r.options;
  const b = new Uint8Array(r.bytes, 0, r.length);
  const parser = new RecordParser(o, r.firstRow);
  const cols: Array<Array<string | null>> = r.names.map(() => []);
  let rows = 0;
  const takeRecords = (): void => {
    for (const fields of parser.take()) {
      if (fields.length !== cols.length) throw fieldCountError(fields.length, cols.length, r.firstRow + rows, o.file);
      for (let i = 0; i < fields.length; i++) cols[i].push(fields[i]);
      rows++;
    }
  };
  const whole = wholeCharsLength(b); // less than the length only at the end of the file
  let text: string;
  try {
    text = strictUtf8.decode(b.subarray(0, whole));
  } catch {
    const at = firstInvalidUtf8(b.subarray(0, whole));
    parser.push(looseUtf8.decode(b.subarray(0, at)));
    takeRecords();
    throw new QualityError(`row ${parser.row} is not valid UTF-8 text (byte 0x${b[at]?.toString(16).padStart(2, '0')})`,
      { file: o.file, row: parser.row }, 'export the file as UTF-8');
  }
  parser.push(text);
  takeRecords();
  if (whole < b.length) {
    throw new QualityError(`row ${parser.row} is not valid UTF-8 text (the file ends inside a character)`, { file: o.file, row: parser.row });
  }
  parser.end();
  takeRecords();
  const columns: Record<string, Array<string | null>> = {};
  r.names.forEach((name, i) => (columns[name] = cols[i]));
  return { file: o.file, firstRow: r.firstRow, numRows: rows, columns };
}
