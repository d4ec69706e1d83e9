/**
 * Byte-level CSV helpers for the local warehouses.
 *
 * - CsvRowChunker cuts a part's bytes into chunks of about `targetBytes` that end on a ROW boundary:
 *   a line feed outside quotes. A quoted field may hold LF/CR, so it tracks the quote state; with
 *   escape == quote (doubling is the only escape) the state is simply the parity of quote bytes seen.
 * - CopyLineCounter maps the "line N" of a PostgreSQL COPY error back to a data row. PostgreSQL counts
 *   one line per row PLUS every embedded end-of-line inside quoted fields — but only the end-of-line
 *   character it has settled on, and before the first row ends it looks for CR. The counter replays
 *   exactly that rule (copyfromparse.c, CopyReadLineText; PostgreSQL 15 and 18 alike).
 */

const LF = 0x0a;
const CR = 0x0d;

export interface CsvChunk {
  data: Buffer;
  /** 1-based row number, within the part, of the chunk's first row. */
  firstRow: number;
  /** Rows in the chunk (a last row without a line feed counts). */
  rows: number;
}

function quoteByte(quote: string): number {
  const b = Buffer.from(quote, 'utf8');
  if (b.length !== 1) throw new Error(`the CSV quote must be a single ASCII character, got ${JSON.stringify(quote)}`);
  return b[0];
}

export class CsvRowChunker {
  private readonly quote: number;
  private readonly target: number;
  private inQuotes = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private rows = 0;
  private nextFirstRow = 1;

  constructor(opts: { quote: string; targetBytes: number }) {
    this.quote = quoteByte(opts.quote);
    if (!(opts.targetBytes >= 1)) throw new Error('targetBytes must be at least 1');
    this.target = opts.targetBytes;
  }

  /** Feeds bytes; returns the chunks completed by them. */
  push(buf: Buffer): CsvChunk[] {
    const out: CsvChunk[] = [];
    const q = this.quote;
    let start = 0;
    let i = 0;
    let nq = buf.indexOf(q, 0);
    let nl = buf.indexOf(LF, 0);
    while (i < buf.length) {
      if (this.inQuotes) {
        if (nq < 0) break;
        this.inQuotes = false;
        i = nq + 1;
        nq = buf.indexOf(q, i);
        if (nl >= 0 && nl < i) nl = buf.indexOf(LF, i);
        continue;
      }
      if (nl >= 0 && (nq < 0 || nl < nq)) {
        this.rows += 1;
        i = nl + 1;
        nl = buf.indexOf(LF, i);
        if (this.pendingBytes + (i - start) >= this.target) {
          this.pending.push(buf.subarray(start, i));
          out.push(this.take());
          start = i;
        }
        continue;
      }
      if (nq >= 0) {
        this.inQuotes = true;
        i = nq + 1;
        nq = buf.indexOf(q, i);
        continue;
      }
      break;
    }
    if (start < buf.length) {
      this.pending.push(buf.subarray(start));
      this.pendingBytes += buf.length - start;
    }
    return out;
  }

  /** The rest, if any (a last row without a line feed counts as a row). */
  end(): CsvChunk | undefined {
    if (this.pendingBytes === 0) return undefined;
    const data = Buffer.concat(this.pending);
    if (data[data.length - 1] !== LF || this.inQuotes) this.rows += 1;
    this.pending = [];
    this.pendingBytes = 0;
    return this.take(data);
  }

  private take(data?: Buffer): CsvChunk {
    const chunk = { data: data ?? Buffer.concat(this.pending), firstRow: this.nextFirstRow, rows: this.rows };
    this.nextFirstRow += this.rows;
    this.rows = 0;
    this.pending = [];
    this.pendingBytes = 0;
    return chunk;
  }
}

/** Chunks a stream of part bytes (see CsvRowChunker). */
export async function* csvChunks(source: AsyncIterable<Buffer>, opts: { quote: string; targetBytes: number }): AsyncGenerator<CsvChunk> {
  const chunker = new CsvRowChunker(opts);
  for await (const buf of source) yield* chunker.push(Buffer.isBuffer(buf) ? buf : Buffer.from(buf));
  const last = chunker.end();
  if (last) yield last;
}

/** Replays PostgreSQL's COPY line counting (see the file comment) to find the row of a "line N". */
export class CopyLineCounter {
  private readonly quote: number;
  private inQuote = false;
  private eol: 'unknown' | 'nl' | 'cr' | 'crnl' = 'unknown';
  private pendingCR = false;
  private atRowStart = true;
  /** PostgreSQL's cur_lineno. */
  private line = 0;
  /** Rows started so far. */
  private row = 0;
  private found: number | undefined;

  constructor(
    quote: string,
    private readonly targetLine: number,
  ) {
    this.quote = quoteByte(quote);
  }

  /** Feeds bytes; returns the 1-based row holding the target line once it is passed. */
  push(buf: Buffer): number | undefined {
    for (let i = 0; i < buf.length && this.found === undefined; i++) this.step(buf[i]);
    return this.found;
  }

  /** At the end of input: the row of the target line, or undefined when the input is shorter. */
  end(): number | undefined {
    if (this.found === undefined && this.line >= this.targetLine && this.row > 0) this.found = this.row;
    return this.found;
  }

  private endRow(): void {
    this.atRowStart = true;
    if (this.found === undefined && this.line >= this.targetLine) this.found = this.row;
  }

  private step(c: number): void {
    if (this.pendingCR) {
      this.pendingCR = false;
      if (c === LF && (this.eol === 'unknown' || this.eol === 'crnl')) {
        this.eol = 'crnl';
        this.endRow();
        return;
      }
      if (this.eol === 'unknown') this.eol = 'cr';
      this.endRow();
      if (this.found !== undefined) return;
    }
    if (this.atRowStart) {
      this.atRowStart = false;
      this.row += 1;
      this.line += 1;
    }
    if (c === this.quote) this.inQuote = !this.inQuote;
    if (this.inQuote && c === (this.eol === 'nl' ? LF : CR)) this.line += 1;
    if (this.inQuote) return;
    if (c === CR) {
      if (this.eol === 'cr') this.endRow();
      else this.pendingCR = true;
    } else if (c === LF) {
      if (this.eol === 'unknown') this.eol = 'nl';
      this.endRow();
    }
  }
}

/** The 1-based row of a PostgreSQL COPY "line N" within `data` (undefined if out of range). */
export function rowOfCopyLine(data: Buffer | Iterable<Buffer>, line: number, quote: string): number | undefined {
  const counter = new CopyLineCounter(quote, line);
  const bufs = Buffer.isBuffer(data) ? [data] : data;
  for (const b of bufs) if (counter.push(b) !== undefined) return counter.end();
  return counter.end();
}

/** Parses PostgreSQL's COPY error context: `COPY supplier_stage, line 17, column s_acctbal: "x"`. */
export function parseCopyContext(where: string | undefined): { line?: number; column?: string } {
  if (!where) return {};
  const m = /COPY [^,]+, line (\d+)(?:, column ([^:\s]+))?/.exec(where);
  if (!m) return {};
  return { line: Number(m[1]), ...(m[2] ? { column: m[2] } : {}) };
}
