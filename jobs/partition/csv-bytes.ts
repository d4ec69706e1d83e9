/**
 * CSV rows written as bytes, in the dialect of csv.ts: UTF-8 copied straight from the decoded pages
 * (dates and timestamps as the canonical text fast-columns.ts formatted, booleans as true/false),
 * quoted only where csvField would quote, integers and decimals formatted digit by digit (no temporary
 * strings, never through a double's text), NULL as the package's marker (\N unless a value is \N).
 * The rows of a unit are cut into blocks of about `blockBytes` (whole rows), and each block is
 * compressed on its own (see part-set.ts).
 */
import { CSV_DIALECT, DELIMITER_BYTE, QUOTE_BYTE } from '../../core/csv-dialect.ts';
import type { Cells } from './fast-columns.ts';
import { BlockDeflater, type DeflatedBlock } from './part-set.ts';

const PIPE = DELIMITER_BYTE;
const QUOTE = QUOTE_BYTE;
const LF = 0x0a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/** A boolean's canonical text. */
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

const POW10 = Array.from({ length: 19 }, (_, i) => 10 ** i);

/** Decimal digits of a non-negative safe integer. */
function digitCount(v: number): number {
  let d = 1;
  while (d < 16 && v >= POW10[d]) d++;
  return d;
}

/** "00" … "99" as ASCII pairs. */
const PAIRS = (() => {
  const t = new Uint8Array(200);
  for (let i = 0; i < 100; i++) {
    t[2 * i] = ZERO + Math.floor(i / 10);
    t[2 * i + 1] = ZERO + (i % 10);
  }
  return t;
})();

/** Writes a non-negative safe integer, left-padded with zeros to `width` digits; returns the end. */
function writeDigits(buf: Uint8Array, pos: number, v: number, width: number): number {
  const end = pos + width;
  let p = end;
  while (v >= 2147483648) {
    const q = Math.floor(v / 100);
    const r = 2 * (v - q * 100);
    buf[--p] = PAIRS[r + 1];
    buf[--p] = PAIRS[r];
    v = q;
  }
  let x = v | 0;
  while (x >= 100) {
    const q = (x / 100) | 0;
    const r = 2 * (x - q * 100);
    buf[--p] = PAIRS[r + 1];
    buf[--p] = PAIRS[r];
    x = q;
  }
  if (x >= 10) {
    buf[--p] = PAIRS[2 * x + 1];
    buf[--p] = PAIRS[2 * x];
  } else buf[--p] = ZERO + x;
  while (p > pos) buf[--p] = ZERO;
  return end;
}

function writeInteger(buf: Uint8Array, pos: number, v: number): number {
  if (v < 0) {
    buf[pos++] = MINUS;
    v = -v;
  }
  return writeDigits(buf, pos, v, digitCount(v));
}

/** decimalText: the unscaled value at exactly `scale` places ("-0.10"). */
function writeDecimal(buf: Uint8Array, pos: number, v: number, scale: number): number {
  if (scale === 0) return writeInteger(buf, pos, v);
  if (v < 0) {
    buf[pos++] = MINUS;
    v = -v;
  }
  const f = POW10[scale];
  const whole = Math.floor(v / f);
  pos = writeDigits(buf, pos, whole, digitCount(whole));
  buf[pos++] = DOT;
  return writeDigits(buf, pos, v - whole * f, scale);
}

/** How the writer's loop sees a column: one shape for every kind, so its reads stay monomorphic. */
const TEXT = 0;
const INT = 1;
const DECIMAL = 2;
const BOOL = 3;
const GENERIC = 4;
const NO_F64 = new Float64Array(0);
const NO_U8 = new Uint8Array(0);
const NO_I32 = new Int32Array(0);
const NO_VIEW = new DataView(new ArrayBuffer(0));

class Column {
  kind = TEXT;
  valid: Uint8Array | null = null;
  values: Float64Array = NO_F64;
  bools: Uint8Array = NO_U8;
  data: Uint8Array = NO_U8;
  /** `data` read four bytes at a time (the copy of an unquoted text cell). */
  view: DataView = NO_VIEW;
  offsets: Int32Array = NO_I32;
  lengths: Int32Array = NO_I32;
  quote: Uint8Array = NO_U8;
  scale = 0;
  texts: string[] = [];

  /** This column as `cell` is; returns the bytes a row of it can take at most. */
  take(cell: Cells, markerBytes: number): number {
    this.valid = null;
    switch (cell.kind) {
      case 'text':
        this.kind = TEXT;
        this.valid = cell.valid;
        this.data = cell.data;
        this.view = new DataView(cell.data.buffer, cell.data.byteOffset, cell.data.byteLength);
        this.offsets = cell.offsets;
        this.lengths = cell.lengths;
        this.quote = cell.quote;
        return Math.max(markerBytes, 2 * cell.maxLength + 2);
      case 'int':
      case 'decimal':
        this.kind = cell.kind === 'int' ? INT : DECIMAL;
        this.valid = cell.valid;
        this.values = cell.values;
        this.scale = cell.kind === 'decimal' ? cell.scale : 0;
        return Math.max(markerBytes, 24);
      case 'bool':
        this.kind = BOOL;
        this.valid = cell.valid;
        this.bools = cell.values;
        return Math.max(markerBytes, 24);
      case 'generic':
        this.kind = GENERIC;
        this.texts = cell.texts;
        return Math.max(markerBytes, 3 * cell.maxLength);
    }
  }

  /** Drops the unit's arrays (a worker keeps its writer between units). */
  clear(): void {
    this.valid = null;
    this.values = NO_F64;
    this.bools = this.data = this.quote = NO_U8;
    this.view = NO_VIEW;
    this.offsets = this.lengths = NO_I32;
    this.texts = [];
  }
}

export class BlockWriter {
  private buf = Buffer.allocUnsafe(0);
  private bufView = NO_VIEW;
  private readonly deflater: BlockDeflater;
  private readonly marker: Uint8Array;
  private readonly columns: Column[] = [];

  constructor(
    private readonly blockBytes: number,
    gzipLevel: number,
    nullMarker: string = CSV_DIALECT.nullMarker,
  ) {
    this.deflater = new BlockDeflater(gzipLevel);
    this.marker = Buffer.from(nullMarker, 'utf8');
  }

  /** Writes `n` rows of the unit's columns and returns them as compressed blocks. */
  write(cells: Cells[], n: number): DeflatedBlock[] {
    const blocks: DeflatedBlock[] = [];
    const marker = this.marker;
    const ml = marker.length;
    const cols = cells.length;
    while (this.columns.length < cols) this.columns.push(new Column());
    const columns = this.columns;
    let rowBound = cols + 1;
    for (let c = 0; c < cols; c++) rowBound += columns[c].take(cells[c], ml);
    const need = this.blockBytes + rowBound;
    if (this.buf.length < need) {
      this.buf = Buffer.allocUnsafe(Math.max(need, 2 * this.buf.length));
      this.bufView = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    }
    const buf = this.buf;
    const bufView = this.bufView;
    const limit = this.blockBytes;
    let pos = 0;
    let rows = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < cols; c++) {
        if (c > 0) buf[pos++] = PIPE;
        const col = columns[c];
        const valid = col.valid;
        if (valid !== null && valid[r] === 0) {
          for (let k = 0; k < ml; k++) buf[pos++] = marker[k];
          continue;
        }
        switch (col.kind) {
          case TEXT: {
            const data = col.data;
            const o = col.offsets[r];
            const end = o + col.lengths[r];
            if (col.quote[r] === 0) {
              // Four bytes at a time (Int32: every bit pattern copies exactly), then the last 0-3.
              const view = col.view;
              let i = o;
              for (; i + 4 <= end; i += 4, pos += 4) bufView.setInt32(pos, view.getInt32(i, true), true);
              for (; i < end; i++) buf[pos++] = data[i];
            } else {
              buf[pos++] = QUOTE;
              for (let i = o; i < end; i++) {
                const b = data[i];
                if (b === QUOTE) buf[pos++] = QUOTE;
                buf[pos++] = b;
              }
              buf[pos++] = QUOTE;
            }
            break;
          }
          case INT:
            pos = writeInteger(buf, pos, col.values[r]);
            break;
          case DECIMAL:
            pos = writeDecimal(buf, pos, col.values[r], col.scale);
            break;
          case BOOL:
            if (col.bools[r] === 1) {
              buf.set(TRUE, pos);
              pos += 4;
            } else {
              buf.set(FALSE, pos);
              pos += 5;
            }
            break;
          default:
            pos += buf.write(col.texts[r], pos);
            break;
        }
      }
      buf[pos++] = LF;
      rows++;
      if (pos >= limit) {
        blocks.push(this.deflater.deflate(buf.subarray(0, pos), rows));
        pos = 0;
        rows = 0;
      }
    }
    if (rows > 0) blocks.push(this.deflater.deflate(buf.subarray(0, pos), rows));
    for (let c = 0; c < cols; c++) columns[c].clear();
    return blocks;
  }
}
