/**
 * The partitioner's Parquet decoder: one flat column chunk of a row group (or a slice of its rows)
 * straight from the page bytes into typed arrays, with no JS value per cell. Strings stay UTF-8 bytes
 * in one buffer (offset and length per row), 64-bit integers stay two 32-bit words.
 *
 * It covers what Parquet writers produce for flat tables: data pages v1 and v2, PLAIN and dictionary
 * (PLAIN_DICTIONARY, RLE_DICTIONARY) encodings, DELTA_BINARY_PACKED for INT32 and INT64 and
 * DELTA_LENGTH_BYTE_ARRAY for BYTE_ARRAY (DuckDB's PARQUET_VERSION V2), DELTA_BYTE_ARRAY for BYTE_ARRAY
 * and FIXED_LEN_BYTE_ARRAY (values rebuilt from prefix and suffix in the arena), BYTE_STREAM_SPLIT for INT32, INT64,
 * FIXED_LEN_BYTE_ARRAY (values gathered whole in the arena) and
 * FLOAT and DOUBLE (DuckDB V2 writes it for DOUBLE), bit-packed PLAIN and RLE for BOOLEAN, OPTIONAL and REQUIRED columns
 * of BOOLEAN, INT32, INT64, INT96, FLOAT (widened exactly to doubles), DOUBLE, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY (PLAIN and dictionary: the
 * bytes stay in place, as BYTE_ARRAY's do), every codec hyparquet reads. INT96 stays three 32-bit
 * words per row (nanoseconds of the day, Julian day) for the partitioner to format. Anything else — another encoding or type, or a file whose
 * pages do not add up — throws, and the caller decodes that part of the file with hyparquet instead
 * (which also gives the reader's exact message for a damaged file).
 */
import * as zlib from 'node:zlib';
import { decompressLz4, decompressLz4Raw, decompressZstd } from 'hyparquet-compressors';
import { snappyInto } from './snappy.ts';
import { keepDictionary, reuseDictionary, type ReusedDictionary } from './dictionary-reuse.ts';
import { PageDecodeError } from './page-decode-error.ts';
import { readHybrid } from './rle-hybrid.ts';
import { readDeltaBinaryPacked } from './delta-binary-packed.ts';
import { rebuildValues, rebuiltBytes } from './delta-byte-array.ts';

export { PageDecodeError };

export interface ChunkSpec {
  /** Parquet physical type. */
  physical: string;
  /** OPTIONAL (max definition level 1) or REQUIRED (0). */
  optional: boolean;
  codec: string;
  /** FIXED_LEN_BYTE_ARRAY: the bytes of every value (the schema's type_length). */
  typeLength?: number;
  /** Byte range of the chunk inside `buf`. */
  start: number;
  end: number;
  /**
   * Names the column chunk across calls that share a scratch (the units of one row group): its dictionary
   * page is then decompressed and parsed once and reused (dictionary-reuse.ts). Absent: decoded every call.
   */
  chunkKey?: string;
}

interface ColumnBase {
  /** Rows decoded. */
  rows: number;
  /** 1 where the row has a value; null when every row has one. */
  valid: Uint8Array | null;
  nulls: number;
}

export interface Int32Column extends ColumnBase {
  physical: 'INT32';
  values: Int32Array;
}

export interface Int64Column extends ColumnBase {
  physical: 'INT64';
  /** Two's complement words per row: [2r] low, [2r + 1] high (signed). */
  words: Int32Array;
}

export interface DoubleColumn extends ColumnBase {
  physical: 'DOUBLE';
  values: Float64Array;
}

/** FLOAT: each 32-bit value widened to a double, which is exact (what the reader yields for it too). */
export interface FloatColumn extends ColumnBase {
  physical: 'FLOAT';
  values: Float64Array;
}

export interface BytesColumn extends ColumnBase {
  /** FIXED_LEN_BYTE_ARRAY: every length is the type length. */
  physical: 'BYTE_ARRAY' | 'FIXED_LEN_BYTE_ARRAY';
  /** Every value's bytes live here: offsets[r], lengths[r]. */
  data: Uint8Array;
  offsets: Int32Array;
  lengths: Int32Array;
}

export interface BooleanColumn extends ColumnBase {
  physical: 'BOOLEAN';
  /** 1 = true, 0 = false (and 0 for NULL rows). */
  values: Uint8Array;
}

export interface Int96Column extends ColumnBase {
  physical: 'INT96';
  /** Three little-endian words per row: [3r], [3r + 1] nanoseconds of the day (low, high), [3r + 2] Julian day. */
  words: Int32Array;
}

export type DecodedColumn = Int32Column | Int64Column | DoubleColumn | FloatColumn | BytesColumn | BooleanColumn | Int96Column;

/** Parquet PageType values the readers act on. */
export const DATA_PAGE = 0;
export const DICTIONARY_PAGE = 2;
export const DATA_PAGE_V2 = 3;

const PLAIN = 0;
const PLAIN_DICTIONARY = 2;
const RLE = 3;
const DELTA_BINARY_PACKED = 5;
const DELTA_LENGTH_BYTE_ARRAY = 6;
const DELTA_BYTE_ARRAY = 7;
const RLE_DICTIONARY = 8;
const BYTE_STREAM_SPLIT = 9;

/** One value of a BYTE_STREAM_SPLIT page gathered from its streams, read back little-endian. */
const SPLIT = new Uint8Array(8);
const SPLIT_VIEW = new DataView(SPLIT.buffer);
/** Typed arrays use the platform's byte order: little-endian on every machine Node runs on here, checked. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface PageHeader {
  type: number;
  uncompressed: number;
  compressed: number;
  /** v1 and v2: values (= rows for a flat column); dictionary: entries. */
  numValues: number;
  encoding: number;
  defEncoding: number;
  /** v2 only. */
  numRows: number;
  defLength: number;
  repLength: number;
  isCompressed: boolean;
  /** CRC-32 of the page bytes after the header (as stored), when the writer recorded one (jobs/readers/page-crc.ts checks it). */
  crc?: number;
  /** Where the page data starts. */
  dataStart: number;
}

// ---- thrift compact protocol: just enough for PageHeader -----------------------------------------

class Thrift {
  constructor(
    readonly b: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  byte(): number {
    if (this.pos >= this.end) throw new PageDecodeError('page header runs past the column chunk');
    return this.b[this.pos++];
  }

  varint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const x = this.byte();
      v += (x & 0x7f) * 2 ** shift;
      if (x < 0x80) return v;
      shift += 7;
      if (shift > 63) throw new PageDecodeError('bad varint in page header');
    }
  }

  zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  skip(type: number): void {
    switch (type) {
      case 1:
      case 2:
        return; // bool in the field header
      case 3:
        this.pos++;
        return;
      case 4:
      case 5:
      case 6:
        this.varint();
        return;
      case 7:
        this.pos += 8;
        return;
      case 8: {
        const n = this.varint();
        this.pos += n;
        return;
      }
      case 9:
      case 10: {
        const h = this.byte();
        let n = h >> 4;
        if (n === 15) n = this.varint();
        const et = h & 15;
        for (let i = 0; i < n; i++) this.skip(et === 1 || et === 2 ? 3 : et);
        return;
      }
      case 11: {
        const n = this.varint();
        if (n > 0) {
          const kv = this.byte();
          for (let i = 0; i < n; i++) {
            this.skip(kv >> 4);
            this.skip(kv & 15);
          }
        }
        return;
      }
      case 12:
        this.struct(() => false);
        return;
      default:
        throw new PageDecodeError(`bad thrift type ${type} in page header`);
    }
  }

  /** Reads a struct; `field` handles the fields it knows (returns true) and the rest are skipped. */
  struct(field: (id: number, type: number) => boolean): void {
    let id = 0;
    for (;;) {
      const h = this.byte();
      const type = h & 15;
      if (type === 0) return;
      const delta = h >> 4;
      id = delta ? id + delta : this.zigzag();
      if (!field(id, type)) this.skip(type);
    }
  }
}

export function readPageHeader(b: Uint8Array, pos: number, end: number): PageHeader {
  const t = new Thrift(b, pos, end);
  const h: PageHeader = {
    type: -1, uncompressed: -1, compressed: -1, numValues: -1, encoding: -1, defEncoding: RLE,
    numRows: -1, defLength: 0, repLength: 0, isCompressed: true, dataStart: 0,
  };
  t.struct((id) => {
    switch (id) {
      case 1: h.type = t.zigzag(); return true;
      case 2: h.uncompressed = t.zigzag(); return true;
      case 3: h.compressed = t.zigzag(); return true;
      case 4: h.crc = t.zigzag() >>> 0; return true;
      case 5:
        t.struct((f) => {
          if (f === 1) h.numValues = t.zigzag();
          else if (f === 2) h.encoding = t.zigzag();
          else if (f === 3) h.defEncoding = t.zigzag();
          else return false;
          return true;
        });
        return true;
      case 7:
        t.struct((f) => {
          if (f === 1) h.numValues = t.zigzag();
          else if (f === 2) h.encoding = t.zigzag();
          else return false;
          return true;
        });
        return true;
      case 8:
        t.struct((f, ft) => {
          if (f === 1) h.numValues = t.zigzag();
          else if (f === 3) h.numRows = t.zigzag();
          else if (f === 4) h.encoding = t.zigzag();
          else if (f === 5) h.defLength = t.zigzag();
          else if (f === 6) h.repLength = t.zigzag();
          else if (f === 7) h.isCompressed = ft === 1;
          else return false;
          return true;
        });
        return true;
      default:
        return false; // skipped
    }
  });
  if (h.type < 0 || h.compressed < 0 || h.uncompressed < 0) throw new PageDecodeError('incomplete page header');
  h.dataStart = t.pos;
  if (h.dataStart + h.compressed > end) throw new PageDecodeError('page runs past the column chunk');
  return h;
}

/** Data pages in a column chunk (headers only, nothing decompressed); -1 when the headers do not parse. */
export function countDataPages(buf: Uint8Array, start: number, end: number): number {
  try {
    let pages = 0;
    for (let pos = start; pos < end; ) {
      const h = readPageHeader(buf, pos, end);
      if (h.type === DATA_PAGE || h.type === DATA_PAGE_V2) pages++;
      pos = h.dataStart + h.compressed;
    }
    return pages;
  } catch {
    return -1;
  }
}

// ---- decompression ---------------------------------------------------------------------------------

const zstdNative = (zlib as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;

/**
 * Decompresses `input` into `out` (exactly `out.length` bytes). Whatever a codec throws on a damaged page
 * (zlib's coded errors, the JS codecs' plain Errors) becomes this decoder's own PageDecodeError, so the
 * unit goes to hyparquet, which reads it or names the damage as a quality error (exit 4), never exit 1.
 */
function decompress(codec: string, input: Uint8Array, out: Uint8Array): void {
  try {
    decompressWith(codec, input, out);
  } catch (e) {
    if (e instanceof PageDecodeError) throw e;
    throw new PageDecodeError(`damaged ${codec} page: ${(e as Error).message}`);
  }
}

function decompressWith(codec: string, input: Uint8Array, out: Uint8Array): void {
  let got: Uint8Array;
  switch (codec) {
    case 'UNCOMPRESSED':
      got = input;
      break;
    case 'SNAPPY':
      snappyInto(input, out);
      return;
    case 'GZIP':
      got = zlib.gunzipSync(input);
      break;
    case 'ZSTD':
      got = zstdNative ? zstdNative(input) : decompressZstd(input);
      break;
    case 'BROTLI':
      got = zlib.brotliDecompressSync(input);
      break;
    case 'LZ4':
      got = decompressLz4(input, out.length);
      break;
    case 'LZ4_RAW':
      got = decompressLz4Raw(input, out.length);
      break;
    default:
      throw new PageDecodeError(`codec ${codec}`);
  }
  if (got.length !== out.length) throw new PageDecodeError(`page decompressed to ${got.length} bytes, header says ${out.length}`);
  out.set(got);
}


// ---- the column chunk ---------------------------------------------------------------------------------

interface Dictionary {
  size: number;
  i32?: Int32Array;
  f64?: Float64Array;
  /** INT64: 2 words per entry; BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY: offset, length per entry. */
  pairs?: Int32Array;
  /** INT96: 3 words per entry. */
  triples?: Int32Array;
}

/**
 * Reusable buffers for decoding one column again and again (a worker decodes the same column of many
 * row groups): decoded columns are views into them, valid until the next decode with the same scratch.
 */
export class ChunkScratch {
  arena = new Uint8Array(0);
  levels = new Uint8Array(0);
  indices = new Int32Array(0);
  valid = new Uint8Array(0);
  i32 = new Int32Array(0);
  f64 = new Float64Array(0);
  words = new Int32Array(0);
  offsets = new Int32Array(0);
  lengths = new Int32Array(0);
  bools = new Uint8Array(0);
  /** A page's present values, packed (DELTA_BINARY_PACKED, BOOLEAN, INT96), before they go to their rows. */
  packed = new Int32Array(0);
  /** DELTA_BYTE_ARRAY: a page's suffix lengths (its prefix lengths go in `packed`). */
  suffixes = new Int32Array(0);
  /** The last column chunk's dictionary, decompressed and parsed (chunkKey; dictionary-reuse.ts). */
  dictionary: ReusedDictionary<Dictionary> | undefined = undefined;
}

/** Grow-only: a buffer of at least `n` elements (contents not kept). */
function room<T extends Uint8Array | Int32Array | Float64Array>(a: T, n: number, make: (n: number) => T): T {
  return a.length >= n ? a : make(Math.max(n, Math.ceil(a.length * 1.25)));
}

function widthOf(physical: string, typeLength: number | undefined): number {
  switch (physical) {
    case 'FIXED_LEN_BYTE_ARRAY':
      if (!(typeLength !== undefined && Number.isInteger(typeLength) && typeLength > 0)) throw new PageDecodeError('FIXED_LEN_BYTE_ARRAY without a type length');
      return typeLength;
    case 'INT32':
    case 'FLOAT': return 4;
    case 'INT64':
    case 'DOUBLE': return 8;
    case 'INT96': return 12;
    case 'BOOLEAN': return 0;
    case 'BYTE_ARRAY': return -1;
    default: throw new PageDecodeError(`physical type ${physical}`);
  }
}

/**
 * Decodes rows [from, to) of one column chunk of a row group of `groupRows` rows. `buf` holds the chunk
 * at [spec.start, spec.end). Throws PageDecodeError on anything it does not cover or that does not add up.
 */
export function decodeChunk(
  buf: Uint8Array, spec: ChunkSpec, groupRows: number, from: number, to: number, scratch: ChunkScratch = new ChunkScratch(),
): DecodedColumn {
  const { physical, optional, codec } = spec;
  const width = widthOf(physical, spec.typeLength);
  const fixedBytes = physical === 'FIXED_LEN_BYTE_ARRAY';
  const n = to - from;
  if (!(n >= 0 && from >= 0 && to <= groupRows)) throw new PageDecodeError('bad row range');

  // Page headers first: which pages hold the rows, and how big the buffer for them must be.
  const pages: PageHeader[] = [];
  let dict: PageHeader | undefined;
  let pos = spec.start;
  let rows = 0;
  let arenaSize = 0;
  const pageFirst: number[] = [];
  while (pos < spec.end) {
    const h = readPageHeader(buf, pos, spec.end);
    pos = h.dataStart + h.compressed;
    if (h.type === DICTIONARY_PAGE) {
      if (dict || pages.length) throw new PageDecodeError('dictionary page after data pages');
      dict = h;
      arenaSize += h.uncompressed;
    } else if (h.type === DATA_PAGE || h.type === DATA_PAGE_V2) {
      const pageRows = h.type === DATA_PAGE ? h.numValues : h.numRows;
      if (h.type === DATA_PAGE_V2 && (h.repLength !== 0 || h.numRows !== h.numValues)) throw new PageDecodeError('repeated column');
      if (!(pageRows >= 0)) throw new PageDecodeError('bad page row count');
      if (rows + pageRows > from && rows < to) {
        pages.push(h);
        pageFirst.push(rows);
        arenaSize += h.uncompressed;
      }
      rows += pageRows;
      if (rows >= to && to < groupRows) break; // later pages belong to later slices
    } // index pages and unknown page types carry no rows
  }
  if (rows < to || (to === groupRows && rows !== groupRows)) throw new PageDecodeError(`column chunk holds ${rows} rows, the row group ${groupRows}`);

  // Whatever this call puts in the arena replaces the dictionary an earlier call left there (dictionary-reuse.ts).
  const kept = scratch.dictionary;
  scratch.dictionary = undefined;
  const dictPage = dict && { key: spec.chunkKey, offset: dict.dataStart - spec.start, compressed: dict.compressed, uncompressed: dict.uncompressed, numValues: dict.numValues };
  let arena = scratch.arena;
  if (arena.length < arenaSize) {
    // Grown by half at least, so the arena settles after a worker's first units. The same chunk's dictionary
    // moves along to the front of the new arena: the unit still reuses it instead of decoding it again.
    const grown = new Uint8Array(Math.max(arenaSize, Math.ceil(arena.length * 1.5)));
    if (dictPage && reuseDictionary(kept, dictPage, arena)) {
      grown.set(arena.subarray(0, dictPage.uncompressed));
      kept!.arena = grown;
    }
    arena = scratch.arena = grown;
  }
  let arenaPos = 0;
  /** DELTA_BYTE_ARRAY values are rebuilt after every page's bytes, from here on (the arena grows for them). */
  let rebuiltPos = arenaSize;
  const reserve = (bytes: number): void => {
    if (rebuiltPos + bytes <= arena.length) return;
    // Grown by half at least, so a worker's arena settles after its first units; what is written so far moves
    // along, the dictionary at its front included, so the next unit of the chunk still reuses it.
    const grown = new Uint8Array(Math.max(rebuiltPos + bytes, Math.ceil(arena.length * 1.5)));
    grown.set(arena.subarray(0, rebuiltPos));
    arena = scratch.arena = grown;
    if (scratch.dictionary) scratch.dictionary.arena = grown;
  };
  /** Decompresses a page's data (v2: the values section; its levels are never compressed) into the arena. */
  const load = (h: PageHeader): number => {
    const raw = buf.subarray(h.dataStart, h.dataStart + h.compressed);
    const at = arenaPos;
    if (h.type === DATA_PAGE_V2) {
      const levels = h.defLength + h.repLength;
      if (levels > h.compressed || levels > h.uncompressed) throw new PageDecodeError('bad v2 level lengths');
      arena.set(raw.subarray(0, levels), at);
      const out = arena.subarray(at + levels, at + h.uncompressed);
      if (h.isCompressed && out.length > 0) decompress(codec, raw.subarray(levels), out);
      else if (raw.length - levels !== out.length) throw new PageDecodeError('bad v2 page size');
      else out.set(raw.subarray(levels));
    } else {
      decompress(codec, raw, arena.subarray(at, at + h.uncompressed));
    }
    arenaPos += h.uncompressed;
    return at;
  };

  let dictionary: Dictionary | undefined;
  if (dict) {
    if (dict.encoding !== PLAIN && dict.encoding !== PLAIN_DICTIONARY) throw new PageDecodeError('dictionary encoding');
    const page = dictPage!;
    const reused = reuseDictionary(kept, page, arena);
    if (reused) {
      // The same chunk's dictionary, decoded by the call before: its bytes are still where load() puts them.
      arenaPos += dict.uncompressed;
      dictionary = reused.dictionary;
    } else {
      const at = load(dict);
      dictionary = readDictionary(arena, at, at + dict.uncompressed, dict.numValues, physical, width);
    }
    scratch.dictionary = keepDictionary(page, arena, dictionary);
  }

  const valid = optional ? (scratch.valid = room(scratch.valid, n, (k) => new Uint8Array(k))) : null;
  let nulls = 0;
  let i32: Int32Array | undefined;
  let f64: Float64Array | undefined;
  let words: Int32Array | undefined; // INT64: low, high per row; INT96: three words per row
  let bools: Uint8Array | undefined; // BOOLEAN
  let offsets: Int32Array | undefined; // BYTE_ARRAY
  let lengths: Int32Array | undefined;
  const f32 = physical === 'FLOAT'; // f64 holds FLOAT values too, widened
  if (physical === 'INT32') i32 = scratch.i32 = room(scratch.i32, n, (k) => new Int32Array(k));
  else if (physical === 'DOUBLE' || physical === 'FLOAT') f64 = scratch.f64 = room(scratch.f64, n, (k) => new Float64Array(k));
  else if (physical === 'INT64') words = scratch.words = room(scratch.words, 2 * n, (k) => new Int32Array(k));
  else if (physical === 'INT96') words = scratch.words = room(scratch.words, 3 * n, (k) => new Int32Array(k));
  else if (physical === 'BOOLEAN') bools = scratch.bools = room(scratch.bools, n, (k) => new Uint8Array(k));
  else {
    offsets = scratch.offsets = room(scratch.offsets, n, (k) => new Int32Array(k));
    lengths = scratch.lengths = room(scratch.lengths, n, (k) => new Int32Array(k));
  }
  let levels = scratch.levels;
  let indices = scratch.indices;
  const out: ChunkOut = { valid, i32, f64, words, bools, offsets, lengths };

  for (let k = 0; k < pages.length; k++) {
    const h = pages[k];
    const first = pageFirst[k];
    const count = h.type === DATA_PAGE ? h.numValues : h.numRows;
    const at = load(h);
    const pageEnd = at + h.uncompressed;
    let p = at;
    // Definition levels: which of the page's rows have a value.
    let present = count;
    if (optional) {
      if (levels.length < count) levels = scratch.levels = new Uint8Array(count);
      if (h.type === DATA_PAGE) {
        if (h.defEncoding !== RLE) throw new PageDecodeError('definition level encoding');
        if (p + 4 > pageEnd) throw new PageDecodeError('page too short');
        const len = arena[p] | (arena[p + 1] << 8) | (arena[p + 2] << 16) | (arena[p + 3] << 24);
        p += 4;
        if (len < 0 || p + len > pageEnd) throw new PageDecodeError('bad level length');
        readHybrid(arena, p, p + len, 1, levels, count);
        p += len;
      } else {
        readHybrid(arena, p, p + h.defLength, 1, levels, count);
        p += h.defLength;
      }
      present = 0;
      for (let r = 0; r < count; r++) present += levels[r];
    } else if (h.type === DATA_PAGE_V2) {
      p += h.defLength;
    }
    // Rows of this page inside the slice: [a, b) relative to the page.
    const a = Math.max(0, from - first);
    const b = Math.min(count, to - first);
    const outBase = first + a - from;
    let skipValues = 0;
    if (optional) for (let r = 0; r < a; r++) skipValues += levels[r];
    else skipValues = a;

    const view = new DataView(arena.buffer, arena.byteOffset, arena.byteLength);
    const noNulls = present === count;
    if (valid && noNulls) valid.fill(1, outBase, outBase + (b - a));
    const slice: PageRows = { optional, levels, a, b, outBase };
    if (h.encoding === DELTA_BINARY_PACKED && noNulls && a === 0 && b === count && (i32 || (words && physical === 'INT64'))) {
      // A whole page of values, no NULLs: decoded straight into the rows (the same values readPacked would spread).
      if (i32) readDeltaBinaryPacked(arena, p, pageEnd, present, false, i32.subarray(outBase, outBase + count));
      else readDeltaBinaryPacked(arena, p, pageEnd, present, true, words!.subarray(2 * outBase, 2 * (outBase + count)));
    } else if (bools || physical === 'INT96' || h.encoding === DELTA_BINARY_PACKED) {
      // The page's present values packed first (stride words each), then spread over the slice's rows.
      const stride = physical === 'INT96' ? 3 : physical === 'INT64' ? 2 : 1;
      const packed = (scratch.packed = room(scratch.packed, stride * present, (k) => new Int32Array(k)));
      readPacked(h.encoding, physical, arena, view, p, pageEnd, present, dictionary, scratch, packed);
      nulls += spreadPacked(slice, out, packed, stride, skipValues * stride);
    } else if (h.encoding === DELTA_BYTE_ARRAY && (physical === 'BYTE_ARRAY' || fixedBytes)) {
      // Prefix lengths and suffix lengths (both DELTA_BINARY_PACKED), then the suffixes back to back: each
      // value is the first `prefix` bytes of the one before it and its suffix (delta-byte-array.ts).
      const prefixes = (scratch.packed = room(scratch.packed, present, (k) => new Int32Array(k)));
      const suffixes = (scratch.suffixes = room(scratch.suffixes, present, (k) => new Int32Array(k)));
      let at = readDeltaBinaryPacked(arena, p, pageEnd, present, false, prefixes, true);
      at = readDeltaBinaryPacked(arena, at, pageEnd, present, false, suffixes, true);
      reserve(rebuiltBytes(prefixes, suffixes, present));
      rebuiltPos = rebuildValues(arena, at, pageEnd, present, prefixes, suffixes, fixedBytes ? width : 0, rebuiltPos);
      // rebuildValues left each value's offset in prefixes and its length in suffixes.
      nulls += spreadRanges(slice, out, prefixes, suffixes, skipValues);
    } else if (h.encoding === DELTA_LENGTH_BYTE_ARRAY && physical === 'BYTE_ARRAY') {
      // Every length (DELTA_BINARY_PACKED), then every value's bytes back to back.
      const lens = (scratch.packed = room(scratch.packed, present, (k) => new Int32Array(k)));
      let at = readDeltaBinaryPacked(arena, p, pageEnd, present, false, lens, true);
      for (let v = 0; v < skipValues; v++) at += lens[v];
      nulls += spreadLengths(slice, out, lens, skipValues, at, pageEnd);
    } else if (h.encoding === BYTE_STREAM_SPLIT && fixedBytes) {
      // FIXED_LEN_BYTE_ARRAY (arrow-rs writes it for wide decimals on request): stream k holds byte k of every
      // value; each value is gathered whole after the page bytes in the arena, in its own byte order.
      if (p + present * width > pageEnd) throw new PageDecodeError('values end early');
      reserve(present * width);
      const start = rebuiltPos;
      gatherStreams(arena, p, present, width, start);
      rebuiltPos += present * width;
      nulls += spreadFixed(slice, out, start, width, skipValues);
    } else if (h.encoding === BYTE_STREAM_SPLIT && (i32 || f64 || (words && physical === 'INT64'))) {
      // Stream k holds byte k of each of the page's present values: value v's byte k is at p + k * present + v.
      if (p + present * width > pageEnd) throw new PageDecodeError('values end early');
      nulls += splitNumbers(slice, out, arena, p, present, width, skipValues, noNulls, f32);
    } else if (h.encoding === PLAIN && fixedBytes) {
      // FIXED_LEN_BYTE_ARRAY: the present values back to back, `width` bytes each, left where they are.
      p += skipValues * width;
      if (p + (noNulls ? b - a : countRange(levels, a, b)) * width > pageEnd) throw new PageDecodeError('values end early');
      nulls += spreadFixed(slice, out, p, width, 0);
    } else if (h.encoding === PLAIN) {
      if (physical === 'BYTE_ARRAY') nulls += plainBytes(slice, out, view, p, pageEnd, skipValues, noNulls);
      else nulls += plainNumbers(slice, out, view, p, pageEnd, skipValues, noNulls, f32, width);
    } else if (h.encoding === PLAIN_DICTIONARY || h.encoding === RLE_DICTIONARY) {
      if (!dictionary) throw new PageDecodeError('dictionary-encoded page without a dictionary');
      if (indices.length < present) indices = scratch.indices = new Int32Array(present);
      if (present > 0) {
        if (p >= pageEnd) throw new PageDecodeError('page too short');
        const bitWidth = arena[p++];
        if (bitWidth > 32) throw new PageDecodeError('bad index width');
        if (bitWidth === 0) indices.fill(0, 0, present);
        else readHybrid(arena, p, pageEnd, bitWidth, indices, present);
      }
      nulls += dictionaryValues(slice, out, dictionary, indices, skipValues, noNulls);
    } else {
      throw new PageDecodeError(`encoding ${h.encoding}`);
    }
  }

  const base = { rows: n, valid: nulls > 0 ? valid!.subarray(0, n) : null, nulls };
  switch (physical) {
    case 'INT32':
      return { physical, ...base, values: i32!.subarray(0, n) };
    case 'DOUBLE':
    case 'FLOAT':
      return { physical, ...base, values: f64!.subarray(0, n) };
    case 'INT64':
      return { physical, ...base, words: words!.subarray(0, 2 * n) };
    case 'INT96':
      return { physical, ...base, words: words!.subarray(0, 3 * n) };
    case 'BOOLEAN':
      return { physical, ...base, values: bools!.subarray(0, n) };
    default:
      return { physical: fixedBytes ? 'FIXED_LEN_BYTE_ARRAY' : 'BYTE_ARRAY', ...base, data: arena, offsets: offsets!.subarray(0, n), lengths: lengths!.subarray(0, n) };
  }
}

/**
 * The page loops of decodeChunk, one function each: V8 optimizes each on its own, so the first page of a new
 * encoding or type costs a small function's recompile instead of decodeChunk's whole (measured with
 * --trace-opt on arrow-rs SUPPLIER 1M: ~27 ms per recompile of the whole; README.md, Benchmark, "Start-up and
 * warm-up").
 */

/** The chunk's output arrays (the ones of its physical type are set). */
interface ChunkOut {
  valid: Uint8Array | null;
  i32: Int32Array | undefined;
  f64: Float64Array | undefined;
  words: Int32Array | undefined;
  bools: Uint8Array | undefined;
  offsets: Int32Array | undefined;
  lengths: Int32Array | undefined;
}

/** A page's rows [a, b) in the slice: row r lands at outBase + r - a; with `optional`, levels[r] 0 is NULL. */
interface PageRows {
  optional: boolean;
  levels: Uint8Array;
  a: number;
  b: number;
  outBase: number;
}

/** Packed values (stride words each, from word v) spread over the rows; returns the NULLs. */
function spreadPacked(s: PageRows, out: ChunkOut, packed: Int32Array, stride: number, v: number): number {
  const { optional, levels, a, b, outBase } = s;
  const { valid, bools, i32, words } = out;
  let nulls = 0;
  for (let r = a; r < b; r++) {
    const o = outBase + r - a;
    if (optional && levels[r] === 0) {
      valid![o] = 0;
      if (bools) bools[o] = 0;
      nulls++;
      continue;
    }
    if (valid) valid[o] = 1;
    if (bools) bools[o] = packed[v++];
    else if (i32) i32[o] = packed[v++];
    else for (let k = 0, d = o * stride; k < stride; k++) words![d + k] = packed[v++];
  }
  return nulls;
}

/** Byte values at starts[v], lens[v] (from value v) spread over the rows; returns the NULLs. */
function spreadRanges(s: PageRows, out: ChunkOut, starts: Int32Array, lens: Int32Array, v: number): number {
  const { optional, levels, a, b, outBase } = s;
  const { valid } = out;
  const offsets = out.offsets!;
  const lengths = out.lengths!;
  let nulls = 0;
  for (let r = a; r < b; r++) {
    const o = outBase + r - a;
    if (optional && levels[r] === 0) {
      valid![o] = 0;
      offsets[o] = 0;
      lengths[o] = -1;
      nulls++;
      continue;
    }
    if (valid) valid[o] = 1;
    offsets[o] = starts[v];
    lengths[o] = lens[v++];
  }
  return nulls;
}

/** Byte values back to back from `at`, lens[v] bytes each (from value v), spread over the rows; returns the NULLs. */
function spreadLengths(s: PageRows, out: ChunkOut, lens: Int32Array, v: number, at: number, pageEnd: number): number {
  const { optional, levels, a, b, outBase } = s;
  const { valid } = out;
  const offsets = out.offsets!;
  const lengths = out.lengths!;
  let nulls = 0;
  for (let r = a; r < b; r++) {
    const o = outBase + r - a;
    if (optional && levels[r] === 0) {
      valid![o] = 0;
      offsets[o] = 0;
      lengths[o] = -1;
      nulls++;
      continue;
    }
    if (valid) valid[o] = 1;
    const len = lens[v++];
    if (len < 0 || at + len > pageEnd) throw new PageDecodeError('value runs past the page');
    offsets[o] = at;
    lengths[o] = len;
    at += len;
  }
  return nulls;
}

/** Fixed-width values at start + width * v (from value v) spread over the rows; returns the NULLs. */
function spreadFixed(s: PageRows, out: ChunkOut, start: number, width: number, v: number): number {
  const { optional, levels, a, b, outBase } = s;
  const { valid } = out;
  const offsets = out.offsets!;
  const lengths = out.lengths!;
  let nulls = 0;
  for (let r = a; r < b; r++) {
    const o = outBase + r - a;
    if (optional && levels[r] === 0) {
      valid![o] = 0;
      offsets[o] = 0;
      lengths[o] = -1;
      nulls++;
      continue;
    }
    if (valid) valid[o] = 1;
    offsets[o] = start + width * v++;
    lengths[o] = width;
  }
  return nulls;
}

/** BYTE_STREAM_SPLIT of `present` values of `width` bytes at p, gathered whole (value v at start + width * v). */
function gatherStreams(bytes: Uint8Array, p: number, present: number, width: number, start: number): void {
  for (let k = 0; k < width; k++) {
    const stream = p + k * present;
    for (let v = 0, q = start + k; v < present; v++, q += width) bytes[q] = bytes[stream + v];
  }
}

/** BYTE_STREAM_SPLIT numbers at p (stream k: byte k of each present value) into the rows; returns the NULLs. */
function splitNumbers(
  s: PageRows, out: ChunkOut, arena: Uint8Array, p: number, present: number, width: number, skipValues: number, noNulls: boolean, f32: boolean,
): number {
  const { optional, levels, a, b, outBase } = s;
  const { valid, i32, f64, words } = out;
  if (noNulls && !f32 && LITTLE_ENDIAN) {
    // Byte k of each value straight into the output's own bytes, one stream at a time (the typed arrays are
    // little-endian here, as the streams are).
    const target = i32 ?? f64 ?? words!;
    const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
    const count = b - a;
    for (let k = 0; k < width; k++) {
      for (let i = 0, q = p + k * present + skipValues, d = outBase * width + k; i < count; i++, q++, d += width) bytes[d] = arena[q];
    }
    return 0;
  }
  let nulls = 0;
  let v = skipValues;
  for (let r = a; r < b; r++) {
    const o = outBase + r - a;
    if (optional && levels[r] === 0) {
      valid![o] = 0;
      nulls++;
      continue;
    }
    if (valid) valid[o] = 1;
    for (let k = 0, q = p + v; k < width; k++, q += present) SPLIT[k] = arena[q];
    v++;
    if (i32) i32[o] = SPLIT_VIEW.getInt32(0, true);
    else if (f64) f64[o] = f32 ? SPLIT_VIEW.getFloat32(0, true) : SPLIT_VIEW.getFloat64(0, true);
    else {
      words![2 * o] = SPLIT_VIEW.getInt32(0, true);
      words![2 * o + 1] = SPLIT_VIEW.getInt32(4, true);
    }
  }
  return nulls;
}

/** PLAIN BYTE_ARRAY values (4-byte length, bytes) at p, after skipping `skipValues`, into the rows; returns the NULLs. */
function plainBytes(s: PageRows, out: ChunkOut, view: DataView, p: number, pageEnd: number, skipValues: number, noNulls: boolean): number {
  const { levels, a, b, outBase } = s;
  const { valid } = out;
  const offsets = out.offsets!;
  const lengths = out.lengths!;
  for (let k = 0; k < skipValues; k++) {
    if (p + 4 > pageEnd) throw new PageDecodeError('values end early');
    const len = view.getInt32(p, true);
    if (len < 0) throw new PageDecodeError('bad length');
    p += 4 + len;
  }
  if (noNulls) {
    for (let o = outBase, end = outBase + (b - a); o < end; o++) {
      if (p + 4 > pageEnd) throw new PageDecodeError('values end early');
      const len = view.getInt32(p, true);
      p += 4;
      if (len < 0 || p + len > pageEnd) throw new PageDecodeError('value runs past the page');
      offsets[o] = p;
      lengths[o] = len;
      p += len;
    }
    return 0;
  }
  let nulls = 0;
  for (let r = a; r < b; r++) {
    const o = outBase + r - a;
    if (levels[r] === 0) {
      valid![o] = 0;
      offsets[o] = 0;
      lengths[o] = -1;
      nulls++;
      continue;
    }
    valid![o] = 1;
    if (p + 4 > pageEnd) throw new PageDecodeError('values end early');
    const len = view.getInt32(p, true);
    p += 4;
    if (len < 0 || p + len > pageEnd) throw new PageDecodeError('value runs past the page');
    offsets[o] = p;
    lengths[o] = len;
    p += len;
  }
  return nulls;
}

/** PLAIN numbers (`width` bytes each) at p, after skipping `skipValues`, into the rows; returns the NULLs. */
function plainNumbers(
  s: PageRows, out: ChunkOut, view: DataView, p: number, pageEnd: number, skipValues: number, noNulls: boolean, f32: boolean, width: number,
): number {
  const { levels, a, b, outBase } = s;
  const { valid, i32, f64, words } = out;
  p += skipValues * width;
  const needed = (noNulls ? b - a : countRange(levels, a, b)) * width;
  if (p + needed > pageEnd) throw new PageDecodeError('values end early');
  if (noNulls) {
    const end = outBase + (b - a);
    if (i32) for (let o = outBase; o < end; o++, p += 4) i32[o] = view.getInt32(p, true);
    else if (f64 && f32) for (let o = outBase; o < end; o++, p += 4) f64[o] = view.getFloat32(p, true);
    else if (f64) for (let o = outBase; o < end; o++, p += 8) f64[o] = view.getFloat64(p, true);
    else {
      for (let o = outBase; o < end; o++, p += 8) {
        words![2 * o] = view.getInt32(p, true);
        words![2 * o + 1] = view.getInt32(p + 4, true);
      }
    }
    return 0;
  }
  let nulls = 0;
  for (let r = a; r < b; r++) {
    const o = outBase + r - a;
    if (levels[r] === 0) {
      valid![o] = 0;
      nulls++;
      continue;
    }
    valid![o] = 1;
    if (i32) i32[o] = view.getInt32(p, true);
    else if (f64) f64[o] = f32 ? view.getFloat32(p, true) : view.getFloat64(p, true);
    else {
      words![2 * o] = view.getInt32(p, true);
      words![2 * o + 1] = view.getInt32(p + 4, true);
    }
    p += width;
  }
  return nulls;
}

/** Dictionary indices (from index v) looked up into the rows; returns the NULLs. */
function dictionaryValues(s: PageRows, out: ChunkOut, dictionary: Dictionary, indices: Int32Array, v: number, noNulls: boolean): number {
  const { optional, levels, a, b, outBase } = s;
  const { valid, i32, f64, words, offsets, lengths } = out;
  const size = dictionary.size;
  if (noNulls) {
    // One loop per kind of value, with no per-row test of the kind or of the row's level.
    const stop = outBase + (b - a);
    const pairs = dictionary.pairs;
    if (i32) {
      const d = dictionary.i32!;
      for (let o = outBase; o < stop; o++) {
        const ix = indices[v++];
        if (ix < 0 || ix >= size) throw new PageDecodeError('dictionary index out of range');
        i32[o] = d[ix];
      }
    } else if (f64) {
      const d = dictionary.f64!;
      for (let o = outBase; o < stop; o++) {
        const ix = indices[v++];
        if (ix < 0 || ix >= size) throw new PageDecodeError('dictionary index out of range');
        f64[o] = d[ix];
      }
    } else {
      const d = pairs!;
      if (words) {
        for (let o = outBase; o < stop; o++) {
          const ix = indices[v++];
          if (ix < 0 || ix >= size) throw new PageDecodeError('dictionary index out of range');
          words[2 * o] = d[2 * ix];
          words[2 * o + 1] = d[2 * ix + 1];
        }
      } else {
        const offs = offsets!;
        const lens = lengths!;
        for (let o = outBase; o < stop; o++) {
          const ix = indices[v++];
          if (ix < 0 || ix >= size) throw new PageDecodeError('dictionary index out of range');
          offs[o] = d[2 * ix];
          lens[o] = d[2 * ix + 1];
        }
      }
    }
    return 0;
  }
  let nulls = 0;
  for (let r = a; r < b; r++) {
    const o = outBase + r - a;
    if (optional && levels[r] === 0) {
      valid![o] = 0;
      if (lengths) {
        offsets![o] = 0;
        lengths[o] = -1;
      }
      nulls++;
      continue;
    }
    if (valid) valid[o] = 1;
    const ix = indices[v++];
    if (ix < 0 || ix >= size) throw new PageDecodeError('dictionary index out of range');
    if (i32) i32[o] = dictionary.i32![ix];
    else if (f64) f64[o] = dictionary.f64![ix];
    else if (words) {
      words[2 * o] = dictionary.pairs![2 * ix];
      words[2 * o + 1] = dictionary.pairs![2 * ix + 1];
    } else {
      offsets![o] = dictionary.pairs![2 * ix];
      lengths![o] = dictionary.pairs![2 * ix + 1];
    }
  }
  return nulls;
}

function countRange(levels: Uint8Array, a: number, b: number): number {
  let c = 0;
  for (let r = a; r < b; r++) c += levels[r];
  return c;
}

function readDictionary(arena: Uint8Array, start: number, end: number, size: number, physical: string, width: number): Dictionary {
  if (!(size >= 0)) throw new PageDecodeError('bad dictionary size');
  const view = new DataView(arena.buffer, arena.byteOffset, arena.byteLength);
  if (physical === 'BYTE_ARRAY') {
    const pairs = new Int32Array(2 * size);
    let p = start;
    for (let i = 0; i < size; i++) {
      if (p + 4 > end) throw new PageDecodeError('dictionary ends early');
      const len = view.getInt32(p, true);
      p += 4;
      if (len < 0 || p + len > end) throw new PageDecodeError('dictionary value runs past the page');
      pairs[2 * i] = p;
      pairs[2 * i + 1] = len;
      p += len;
    }
    return { size, pairs };
  }
  if (width <= 0) throw new PageDecodeError(`dictionary of ${physical}`);
  if (start + size * width > end) throw new PageDecodeError('dictionary ends early');
  if (physical === 'FIXED_LEN_BYTE_ARRAY') {
    const pairs = new Int32Array(2 * size);
    for (let i = 0; i < size; i++) {
      pairs[2 * i] = start + width * i;
      pairs[2 * i + 1] = width;
    }
    return { size, pairs };
  }
  if (physical === 'INT32') {
    const i32 = new Int32Array(size);
    for (let i = 0; i < size; i++) i32[i] = view.getInt32(start + 4 * i, true);
    return { size, i32 };
  }
  if (physical === 'DOUBLE') {
    const f64 = new Float64Array(size);
    for (let i = 0; i < size; i++) f64[i] = view.getFloat64(start + 8 * i, true);
    return { size, f64 };
  }
  if (physical === 'FLOAT') {
    const f64 = new Float64Array(size);
    for (let i = 0; i < size; i++) f64[i] = view.getFloat32(start + 4 * i, true);
    return { size, f64 };
  }
  if (physical === 'INT96') {
    const triples = new Int32Array(3 * size);
    for (let i = 0; i < 3 * size; i++) triples[i] = view.getInt32(start + 4 * i, true);
    return { size, triples };
  }
  const pairs = new Int32Array(2 * size);
  for (let i = 0; i < size; i++) {
    pairs[2 * i] = view.getInt32(start + 8 * i, true);
    pairs[2 * i + 1] = view.getInt32(start + 8 * i + 4, true);
  }
  return { size, pairs };
}

/**
 * The `present` values of a page, packed into `out` (BOOLEAN 0/1, INT32 one word, INT64 two, INT96
 * three): PLAIN (bit-packed for BOOLEAN), RLE (BOOLEAN), DELTA_BINARY_PACKED (INT32, INT64) or a
 * dictionary (INT96).
 */
function readPacked(
  encoding: number, physical: string, arena: Uint8Array, view: DataView, p: number, end: number, present: number,
  dictionary: Dictionary | undefined, scratch: ChunkScratch, out: Int32Array,
): void {
  if (physical === 'BOOLEAN') {
    if (encoding === PLAIN) {
      if (p + ((present + 7) >> 3) > end) throw new PageDecodeError('values end early');
      for (let i = 0; i < present; i++) out[i] = (arena[p + (i >> 3)] >> (i & 7)) & 1;
      return;
    }
    if (encoding === RLE) {
      if (p + 4 > end) throw new PageDecodeError('page too short');
      const len = view.getInt32(p, true);
      if (len < 0 || p + 4 + len > end) throw new PageDecodeError('bad RLE length');
      readHybrid(arena, p + 4, p + 4 + len, 1, out, present);
      return;
    }
    throw new PageDecodeError(`encoding ${encoding}`);
  }
  if (physical === 'INT96') {
    if (encoding === PLAIN) {
      if (p + 12 * present > end) throw new PageDecodeError('values end early');
      for (let i = 0; i < 3 * present; i++) out[i] = view.getInt32(p + 4 * i, true);
      return;
    }
    if (encoding === PLAIN_DICTIONARY || encoding === RLE_DICTIONARY) {
      if (!dictionary?.triples) throw new PageDecodeError('dictionary-encoded page without a dictionary');
      const indices = (scratch.indices = room(scratch.indices, present, (k) => new Int32Array(k)));
      if (present > 0) {
        if (p >= end) throw new PageDecodeError('page too short');
        const bitWidth = arena[p];
        if (bitWidth > 32) throw new PageDecodeError('bad index width');
        if (bitWidth === 0) indices.fill(0, 0, present);
        else readHybrid(arena, p + 1, end, bitWidth, indices, present);
      }
      const t = dictionary.triples;
      for (let i = 0; i < present; i++) {
        const ix = indices[i];
        if (ix < 0 || ix >= dictionary.size) throw new PageDecodeError('dictionary index out of range');
        out[3 * i] = t[3 * ix];
        out[3 * i + 1] = t[3 * ix + 1];
        out[3 * i + 2] = t[3 * ix + 2];
      }
      return;
    }
    throw new PageDecodeError(`encoding ${encoding}`);
  }
  if (encoding === DELTA_BINARY_PACKED && (physical === 'INT32' || physical === 'INT64')) {
    readDeltaBinaryPacked(arena, p, end, present, physical === 'INT64', out);
    return;
  }
  throw new PageDecodeError(`encoding ${encoding}`);
}
