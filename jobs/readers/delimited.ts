/**
 * Streaming reader for delimited text (.csv, .tbl, .txt, .psv, optionally gzipped).
 *
 * Bytes are gunzipped when the name ends in .gz or the data starts with the gzip magic, then decoded
 * as UTF-8 on whole characters (a character split across chunks is carried to the next chunk), then
 * parsed by a state machine that keeps only the current field, the current record and one batch.
 * Every field comes out as a string; an unquoted field equal to the null marker is null.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { DelimitedSourceOptions } from '../../datasets/contract.ts';
import { ConfigError, QualityError } from '../../core/errors.ts';
import type { ColumnBatch, FileSchema } from '../../core/values.ts';

export interface DelimitedReadOptions extends DelimitedSourceOptions {
  /** URI or path of the file: named in every error, and a `.gz` name means gzip. */
  file: string;
  /** Column names in file order when the file has no header (the contract's sourceName ?? name). */
  columnNames?: string[];
  /** Rows per batch (default DELIMITED_BATCH_ROWS). */
  maxBatchRows?: number;
  /** Longest field accepted, in characters (default 4 Mi: Redshift's limit for one input row is 4 MB). */
  maxFieldChars?: number;
}

type Field = string | null;

const START = 0; // at the start of a field
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3; // a quote inside a quoted field: closes it, or is the first of a doubled pair
const CLOSED_CR = 4; // a CR right after a closing quote: a LF must follow

export function checkOptions(o: DelimitedReadOptions): void {
  const bad = (what: string) => new ConfigError(`delimited source options: ${what}`, { file: o.file }, 'fix source.delimited in the dataset contract');
  if (o.delimiter.length !== 1 || o.delimiter === '\n' || o.delimiter === '\r') throw bad(`delimiter must be one character other than CR or LF, got ${JSON.stringify(o.delimiter)}`);
  if (o.quote !== null && (o.quote.length !== 1 || o.quote === o.delimiter || o.quote === '\n' || o.quote === '\r')) {
    throw bad(`quote must be null or one character other than the delimiter, CR or LF, got ${JSON.stringify(o.quote)}`);
  }
  if (o.maxBatchRows !== undefined && !(o.maxBatchRows >= 1)) throw bad(`maxBatchRows must be at least 1, got ${o.maxBatchRows}`);
}

/** Splits decoded text into records of fields. Rows are numbered as data rows (the header is row 0). */
/** The longest field the parser takes when the options do not say, in characters. */
export const DEFAULT_MAX_FIELD_CHARS = 4 * 1024 * 1024;

export class RecordParser {
  private state = START;
  private buf = '';
  private quoted = false;
  private fields: Field[] = [];
  private lastEmptyUnquoted = false;
  private done: Field[][] = [];
  /** Records completed so far, the header included. */
  private records = 0;
  private readonly maxField: number;

  /** `firstRow`: the data row number of the first record pushed (a later byte range of the file starts past row 1). */
  constructor(private readonly o: DelimitedReadOptions, firstRow?: number) {
    this.maxField = o.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS;
    if (firstRow !== undefined) this.records = firstRow - (o.header ? 0 : 1);
  }

  /** Data row number of the record being parsed (0 = the header). */
  get row(): number {
    return this.records + (this.o.header ? 0 : 1);
  }

  private fail(text: string, row = this.row): never {
    throw new QualityError(row === 0 ? `header row: ${text}` : text, { file: this.o.file, row: row === 0 ? undefined : row });
  }

  private append(s: string, from: number, to: number): void {
    if (to <= from) return;
    this.buf += s.slice(from, to);
    if (this.buf.length > this.maxField) {
      this.fail(`row ${this.row} has a field longer than ${this.maxField} characters` +
        (this.state === QUOTED ? ` (a quote opened there is never closed?)` : ` (is the delimiter ${JSON.stringify(this.o.delimiter)} right?)`));
    }
  }

  private endField(): void {
    const v = this.buf;
    this.lastEmptyUnquoted = !this.quoted && v === '';
    this.fields.push(this.quoted || v !== this.o.nullMarker ? v : null);
    this.buf = '';
    this.quoted = false;
    this.state = START;
  }

  private endRecord(): void {
    if (this.o.trailingDelimiter) {
      if (!this.lastEmptyUnquoted || this.fields.length < 2) {
        this.fail(`row ${this.row} does not end with the delimiter ${JSON.stringify(this.o.delimiter)} (the source declares a trailing delimiter)`);
      }
      this.fields.pop();
    }
    this.done.push(this.fields);
    this.fields = [];
    this.records++;
  }

  /** Records completed since the last call. */
  take(): Field[][] {
    const out = this.done;
    this.done = [];
    return out;
  }

  push(s: string): void {
    const { delimiter: d, quote: q } = this.o;
    const n = s.length;
    let nextD = -1;
    let nextNl = -1;
    let i = 0;
    while (i < n) {
      if (this.state === START) {
        if (q !== null && s[i] === q) {
          this.quoted = true;
          this.state = QUOTED;
          i++;
          continue;
        }
        this.state = UNQUOTED;
      }
      if (this.state === UNQUOTED) {
        if (nextD < i) nextD = s.indexOf(d, i) >>> 0; // -1 becomes 2^32-1: "not in this chunk"
        if (nextNl < i) nextNl = s.indexOf('\n', i) >>> 0;
        const end = Math.min(nextD, nextNl, n);
        this.append(s, i, end);
        if (end === n) return;
        if (end === nextNl) {
          if (this.buf.endsWith('\r')) this.buf = this.buf.slice(0, -1);
          this.endField();
          this.endRecord();
        } else this.endField();
        i = end + 1;
      } else if (this.state === QUOTED) {
        const close = s.indexOf(q!, i);
        if (close < 0) {
          this.append(s, i, n);
          return;
        }
        this.append(s, i, close);
        this.state = QUOTE_SEEN;
        i = close + 1;
      } else {
        const c = s[i++];
        if (this.state === QUOTE_SEEN && c === q) {
          this.buf += q;
          this.state = QUOTED;
        } else if (this.state === QUOTE_SEEN && c === d) this.endField();
        else if (c === '\n') {
          this.endField();
          this.endRecord();
        } else if (this.state === QUOTE_SEEN && c === '\r') this.state = CLOSED_CR;
        else this.fail(`row ${this.row} has text after the closing quote of field ${this.fields.length + 1}`);
      }
    }
  }

  /** End of input: the last line may lack its line end; a quote may not be left open. */
  end(): void {
    if (this.state === QUOTED) {
      this.fail(`unterminated quote: the quoted field ${this.fields.length + 1} of row ${this.row} is never closed before the end of the file`);
    }
    if (this.state === START && this.fields.length === 0) return;
    if (this.state === UNQUOTED && this.buf.endsWith('\r')) this.buf = this.buf.slice(0, -1);
    this.endField();
    this.endRecord();
  }
}

/** The input's bytes, gunzipped when the name or the gzip magic says so. */
export async function* bytesOf(input: Readable, file: string): AsyncGenerator<Buffer> {
  try {
    const it: AsyncIterator<Buffer> = input[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) return;
    const rest = async function* () {
      yield first.value;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    };
    if (!/\.gz$/i.test(file) && !(first.value[0] === 0x1f && first.value[1] === 0x8b)) {
      yield* rest();
      return;
    }
    const gunzip = createGunzip();
    pipeline(rest(), gunzip, () => {});
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!code?.startsWith('Z_')) throw e;
      throw Object.assign(
        new QualityError(`not a readable gzip file: ${(e as Error).message}`, { file }, 'the upload may have been cut off: re-export or re-upload the file'),
        { cause: e },
      );
    }
  } finally {
    input.destroy();
  }
}

/** Length of `b` without a UTF-8 sequence cut off at its end. */
export function wholeCharsLength(b: Uint8Array): number {
  for (let i = b.length - 1; i >= Math.max(0, b.length - 4); i--) {
    const c = b[i];
    if ((c & 0xc0) === 0x80) continue; // continuation byte
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return i + need > b.length ? i : b.length;
  }
  return b.length;
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (b is known to be invalid). */
export function firstInvalidUtf8(b: Uint8Array): number {
  const cont = (x: number) => (x & 0xc0) === 0x80;
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if (!cont(b[i + k])) return i;
    const c1 = b[i + 1];
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 >= 0xa0) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 >= 0x90)) return i;
    i += n;
  }
  return b.length;
}

export const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export const looseUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Feeds the input to a parser, yielding after each chunk the records it completed. */
async function* parse(input: Readable, o: DelimitedReadOptions, parser: RecordParser): AsyncGenerator<Field[][]> {
  let carry: Buffer | undefined;
  let first = true;
  for await (const chunk of bytesOf(input, o.file)) {
    let b = carry ? Buffer.concat([carry, chunk]) : chunk;
    const whole = wholeCharsLength(b);
    carry = whole < b.length ? b.subarray(whole) : undefined;
    b = b.subarray(0, whole);
    let text: string;
    try {
      text = strictUtf8.decode(b);
    } catch {
      const at = firstInvalidUtf8(b);
      parser.push(looseUtf8.decode(b.subarray(0, at)));
      throw new QualityError(`row ${parser.row} is not valid UTF-8 text (byte 0x${b[at]?.toString(16).padStart(2, '0')})`,
        { file: o.file, row: parser.row }, 'export the file as UTF-8');
    }
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
    if (text) first = false;
    parser.push(text);
    yield parser.take();
  }
  if (carry) {
    throw new QualityError(`row ${parser.row} is not valid UTF-8 text (the file ends inside a character)`, { file: o.file, row: parser.row });
  }
  parser.end();
  yield parser.take();
}

/** A record with another number of fields than the file has columns. */
export function fieldCountError(fields: number, columns: number, row: number, file: string): QualityError {
  return new QualityError(`row ${row} has ${fields} field${fields === 1 ? '' : 's'}, expected ${columns}`, { file, row },
    'check the delimiter, the quoting and the column list of the contract');
}

export function headerNames(fields: Field[], file: string): string[] {
  const names = fields.map((f, i) => {
    if (!f) throw new QualityError(`header row: column ${i + 1} has no name`, { file }, 'every column of the header needs a name');
    return f;
  });
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new QualityError(`header row: column ${dup} appears twice`, { file, column: dup });
  return names;
}

export function givenNames(o: DelimitedReadOptions): string[] {
  if (!o.columnNames?.length) {
    throw new ConfigError('a delimited file without a header needs columnNames', { file: o.file }, 'pass the contract column names');
  }
  return o.columnNames;
}

/**
 * The file's schema: every column a nullable string. Names come from the header, or from
 * `columnNames`; when the first row has a different number of fields the names are cut or
 * extended (column_8, …) so drift sees the file as it is.
 */
export async function readDelimitedSchema(input: Readable, opts: DelimitedReadOptions): Promise<FileSchema> {
  checkOptions(opts);
  const parser = new RecordParser(opts);
  let first: Field[] | undefined;
  for await (const records of parse(input, opts, parser)) {
    first = records[0];
    if (first) break;
  }
  let names: string[];
  if (opts.header) {
    if (!first) throw new QualityError('file is empty: there is no header row', { file: opts.file });
    names = headerNames(first, opts.file);
  } else {
    names = givenNames(opts);
    if (first) names = first.map((_, i) => names[i] ?? `column_${i + 1}`);
  }
  return { file: opts.file, format: 'csv', columns: names.map((name) => ({ name, type: 'string', nullable: true })) };
}

/**
 * Rows per batch of a text file. A batch is held as one string (or null) per field until its unit is
 * written, so it sets the reader's memory: 16,384 rows kept LINEITEM .tbl at 1M rows to 390 MiB peak RSS
 * on two workers, 65,536 took 690 MiB (and 8% more CPU, in the garbage collector).
 */
export const DELIMITED_BATCH_ROWS = 16384;

/** The file's rows in batches of at most `maxBatchRows`, every field a string or null. */
export async function* readDelimitedBatches(input: Readable, opts: DelimitedReadOptions): AsyncGenerator<ColumnBatch> {
  checkOptions(opts);
  const max = opts.maxBatchRows ?? DELIMITED_BATCH_ROWS;
  const parser = new RecordParser(opts);
  let names = opts.header ? undefined : givenNames(opts);
  let cols: Field[][] = [];
  let firstRow = 1;
  let rows = 0;
  const batch = (): ColumnBatch => {
    const columns: Record<string, Field[]> = {};
    names!.forEach((name, i) => (columns[name] = cols[i]));
    const out = { file: opts.file, firstRow, numRows: rows, columns };
    firstRow += rows;
    rows = 0;
    cols = names!.map(() => []);
    return out;
  };
  if (names) cols = names.map(() => []);
  for await (const records of parse(input, opts, parser)) {
    for (const fields of records) {
      if (!names) {
        names = headerNames(fields, opts.file);
        cols = names.map(() => []);
        continue;
      }
      if (fields.length !== names.length) throw fieldCountError(fields.length, names.length, firstRow + rows, opts.file);
      for (let i = 0; i < fields.length; i++) cols[i].push(fields[i]);
      if (++rows === max) yield batch();
    }
  }
  if (rows > 0) yield batch();
}
