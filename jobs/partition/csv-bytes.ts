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

export class BlockWriter {
  private buf = Buffer.allocUnsafe(0);
  private readonly deflater: BlockDeflater;
  private readonly marker: Uint8Array;

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
    let rowBound = cells.length + 1;
    for (const c of cells) rowBound += Math.max(ml, c.kind === 'text' ? 2 * c.maxLength + 2 : c.kind === 'generic' ? 3 * c.maxLength : 24);
    const need = this.blockBytes + rowBound;
    if (this.buf.length < need) this.buf = Buffer.allocUnsafe(Math.max(need, 2 * this.buf.length));
    const buf = this.buf;
    const limit = this.blockBytes;
    const cols = cells.length;
    let pos = 0;
    let rows = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < cols; c++) {
        if (c > 0) buf[pos++] = PIPE;
        const cell = cells[c];
        switch (cell.kind) {
          case 'text': {
            if (cell.valid !== null && cell.valid[r] === 0) {
              for (let k = 0; k < ml; k++) buf[pos++] = marker[k];
              break;
            }
            const data = cell.data;
            const o = cell.offsets[r];
            const end = o + cell.lengths[r];
            if (cell.quote[r] === 0) {
              if (end - o > 48) {
                buf.set(data.subarray(o, end), pos);
                pos += end - o;
              } else for (let i = o; i < end; i++) buf[pos++] = data[i];
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
          case 'int':
            if (cell.valid !== null && cell.valid[r] === 0) {
              for (let k = 0; k < ml; k++) buf[pos++] = marker[k];
            } else pos = writeInteger(buf, pos, cell.values[r]);
            break;
          case 'decimal':
            if (cell.valid !== null && cell.valid[r] === 0) {
              for (let k = 0; k < ml; k++) buf[pos++] = marker[k];
            } else pos = writeDecimal(buf, pos, cell.values[r], cell.scale);
            break;
          case 'bool':
            if (cell.valid !== null && cell.valid[r] === 0) {
              for (let k = 0; k < ml; k++) buf[pos++] = marker[k];
            } else if (cell.values[r] === 1) {
              buf.set(TRUE, pos);
              pos += 4;
            } else {
              buf.set(FALSE, pos);
              pos += 5;
            }
            break;
          case 'generic':
            pos += buf.write(cell.texts[r], pos);
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
    return blocks;
  }
}
