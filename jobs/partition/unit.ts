/**
 * One unit of the partition pass: a row group of a Parquet file (or a slice of a large one), or a batch
 * of a delimited file. A unit is read, checked and written as compressed CSV blocks on its own, so units
 * run side by side on worker threads; the main thread merges their results in input order (quality
 * shares, checksums, blocks to parts), which makes every byte and every report independent of timing.
 *
 * Parquet units take the byte-level path (parquet-pages.ts, fast-columns.ts, csv-bytes.ts) when the
 * file's columns allow it, and so do text ranges whose every field has a canonical spelling
 * (delimited-columns.ts; any other range is parsed whole by parseTextRange, as before); a column whose values break a rule goes through the evaluator's per-value
 * path, and a unit the page decoder cannot read goes through hyparquet (readRowGroup), which also gives
 * the reader's exact message for a damaged file.
 */
import type { FileMetaData, SchemaElement } from 'hyparquet';
import { isTextValued, type DatasetContract } from '../../datasets/index.ts';
import { canonicalText, type Canonical } from '../../data-quality/coerce.ts';
import { QualityEvaluator, type QualityPartial } from '../../data-quality/evaluator.ts';
import { parquetLayout, readRowGroup, type OpenParquet } from '../readers/parquet.ts';
import { parseTextRange, type TextRange } from '../readers/delimited-ranges.ts';
import { decodeTextColumns, TextColumnScratch } from '../readers/delimited-columns.ts';
import { verifyChunkCrcs } from '../readers/page-crc.ts';
import { ChunkScratch, PageDecodeError, type DecodedColumn } from '../readers/parquet-pages.ts';
import type { RandomAccess } from '../store/object-store.ts';
import type { ColumnBatch, Value } from '../../core/values.ts';
import { ChecksumAccumulator, type ChecksumPartial } from './checksums.ts';
import { CSV_DIALECT, csvField } from '../../core/csv-dialect.ts';
import { decimalText } from '../../core/decimal-text.ts';
import { BlockWriter } from './csv-bytes.ts';
import { CellScratch, checkFast, type Cells, type FastSource } from './fast-columns.ts';
import { unscaledBigInt } from './decimal-bytes.ts';
import { ByteLevelDeclined, decodeUtf8, fallbackReason } from './fallback.ts';
import { pageDecoder } from './page-decoder.ts';
import type { DeflatedBlock } from './part-set.ts';
import { fieldValues, textColumnsLayout, type TextColumnsLayout } from './text-columns.ts';

export interface UnitConfig {
  contract: DatasetContract;
  gzipLevel: number;
  /** Text bytes per compressed block (whole rows). */
  blockBytes: number;
  /** The package's NULL marker (null-marker.ts); default \N. */
  nullMarker?: string;
}

/** A Parquet file's footer, sent once to every worker before its units. */
export interface ParquetFileInfo {
  fileId: number;
  uri: string;
  size: number;
  metadata: FileMetaData;
}

export interface ParquetUnit {
  kind: 'parquet';
  id: number;
  fileId: number;
  group: number;
  /** 0-based row of the file where the row group starts, and its rows. */
  groupStart: number;
  groupRows: number;
  /** The unit's rows inside the row group: [from, to). */
  from: number;
  to: number;
  /** The row group's bytes: file bytes [start, start + length) in bytes[0, length). */
  bytes: ArrayBuffer | SharedArrayBuffer;
  length: number;
  start: number;
}

export interface BatchUnit {
  kind: 'batch';
  id: number;
  batch: ColumnBatch;
}

/** Whole lines of a text file without quotes (delimited-ranges.ts), parsed where the unit runs. */
export interface TextUnit {
  kind: 'text';
  id: number;
  range: TextRange;
}

export type Unit = ParquetUnit | BatchUnit | TextUnit;

export interface UnitResult {
  id: number;
  rows: number;
  blocks: DeflatedBlock[];
  quality: QualityPartial;
  checksums: ChecksumPartial;
  /** Why the unit left the byte-level path for hyparquet (fallback.ts), or null when it did not. */
  fallback: string | null;
}

/** A unit's source columns for the byte-level path (byteLevelUnit). */
interface ByteLevelSource {
  /** Lower-cased column name -> source column. */
  byName: Map<string, number>;
  /** Per source column: how the cells are built from it. */
  fast: FastSource[];
  decoded: DecodedColumn[];
  /** Source column j's Values as the per-value path reads them (a column whose values the check does not vouch for). */
  values(j: number): Value[];
}

interface FileState {
  uri: string;
  size: number;
  open: OpenParquet;
  elements: SchemaElement[];
  /** Per file column: how the byte-level path reads it, if it can. */
  fast: Array<FastSource | undefined>;
  /** Lower-cased column name -> file column (the last of equal names, as the evaluator matches). */
  byName: Map<string, number>;
}

/** How the byte-level path reads a column, mirroring parquet.ts describe() and hyparquet's conversions. */
export function fastSourceOf(e: SchemaElement): FastSource | undefined {
  const lt = e.logical_type;
  const ct = e.converted_type;
  if (ct === 'DECIMAL' || lt?.type === 'DECIMAL') {
    const scale = (lt?.type === 'DECIMAL' ? lt.scale : e.scale) ?? 0;
    const t = e.type;
    const stored = t === 'INT32' || t === 'INT64' || t === 'BYTE_ARRAY' || (t === 'FIXED_LEN_BYTE_ARRAY' && (e.type_length ?? 0) > 0);
    return stored && scale >= 0 ? { kind: 'decimal', physical: t, scale } : undefined;
  }
  const temporal = temporalSourceOf(e);
  if (temporal !== null) return temporal;
  switch (e.type) {
    case 'BOOLEAN':
      return ct === undefined && lt === undefined ? { kind: 'boolean' } : undefined;
    case 'INT32': {
      const plainCt = ct === undefined || ['INT_8', 'INT_16', 'INT_32', 'UINT_8', 'UINT_16'].includes(ct);
      const plainLt = lt === undefined || (lt.type === 'INTEGER' && (lt.isSigned || lt.bitWidth < 32));
      return plainCt && plainLt ? { kind: 'int', physical: 'INT32' } : undefined;
    }
    case 'INT64': {
      const plainCt = ct === undefined || ct === 'INT_64';
      const plainLt = lt === undefined || (lt.type === 'INTEGER' && lt.isSigned);
      return plainCt && plainLt ? { kind: 'int', physical: 'INT64' } : undefined;
    }
    case 'DOUBLE':
    case 'FLOAT': // widened exactly to a double by the decoder, as the reader does
      return ct === undefined && lt === undefined ? { kind: 'double' } : undefined;
    case 'BYTE_ARRAY':
      if (ct === 'UTF8' || lt?.type === 'STRING') return { kind: 'text', strict: true };
      if (ct === 'JSON' || ct === 'ENUM' || lt?.type === 'JSON' || lt?.type === 'ENUM' || (!ct && !lt)) return { kind: 'text', strict: false };
      return undefined;
    default:
      return undefined;
  }
}

/**
 * DATE, TIMESTAMP (logical or legacy converted type) and INT96 columns: what the byte-level path formats;
 * undefined for another time type it does not write (TIME, a TIMESTAMP of another physical type); null when
 * the column is not temporal.
 */
function temporalSourceOf(e: SchemaElement): FastSource | undefined | null {
  const lt = e.logical_type;
  const ct = e.converted_type;
  if (ct === 'DATE' || lt?.type === 'DATE') return e.type === 'INT32' ? { kind: 'date' } : undefined;
  if (e.type === 'INT96') return ct === undefined && lt === undefined ? { kind: 'timestamp', unit: 'INT96' } : undefined;
  if (ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS' || lt?.type === 'TIMESTAMP') {
    // The converted type wins, as the reader reads it.
    const unit = ct === 'TIMESTAMP_MILLIS' ? 'MILLIS' : ct === 'TIMESTAMP_MICROS' ? 'MICROS' : lt?.type === 'TIMESTAMP' ? lt.unit : undefined;
    return e.type === 'INT64' && unit !== undefined ? { kind: 'timestamp', unit } : undefined;
  }
  if (ct === 'TIME_MILLIS' || ct === 'TIME_MICROS' || lt?.type === 'TIME') return undefined;
  return null;
}

/**
 * The Values readParquetBatches hands on for a decoded column (text that is not UTF-8 declines the unit).
 * A date or timestamp column is not rebuilt here: the unit goes to the reader, whose values the per-value
 * path knows (and refuses with its own message when a value has no exact canonical text).
 */
function materialize(source: FastSource, col: DecodedColumn, name: string): Value[] {
  if (source.kind === 'date' || source.kind === 'timestamp') {
    throw new ByteLevelDeclined(`column ${name} (${source.kind}): a value outside what the byte-level path writes or vouches for`);
  }
  const n = col.rows;
  const out = new Array<Value>(n);
  const valid = col.valid;
  for (let r = 0; r < n; r++) {
    if (valid !== null && valid[r] === 0) {
      out[r] = null;
      continue;
    }
    switch (col.physical) {
      case 'INT32':
        out[r] = source.kind === 'decimal' ? decimalText(BigInt(col.values[r]), source.scale) : col.values[r];
        break;
      case 'INT64': {
        const big = (BigInt(col.words[2 * r + 1]) << 32n) | BigInt(col.words[2 * r] >>> 0);
        out[r] = source.kind === 'decimal' ? decimalText(big, source.scale) : big;
        break;
      }
      case 'DOUBLE':
      case 'FLOAT':
        out[r] = col.values[r];
        break;
      case 'FIXED_LEN_BYTE_ARRAY':
      case 'BYTE_ARRAY':
        if (source.kind === 'decimal') {
          out[r] = decimalText(unscaledBigInt(col.data, col.offsets[r], col.lengths[r]), source.scale);
          break;
        }
        if (col.physical === 'FIXED_LEN_BYTE_ARRAY') throw new ByteLevelDeclined(`column ${name} (FIXED_LEN_BYTE_ARRAY) is read by the byte-level path only as a decimal`);
        out[r] = decodeUtf8(col.data.subarray(col.offsets[r], col.offsets[r] + col.lengths[r]), name);
        break;
      case 'BOOLEAN':
        out[r] = col.values[r] === 1;
        break;
      case 'INT96':
        throw new ByteLevelDeclined(`column ${name} (INT96) is read by the byte-level path only as a timestamp`);
    }
  }
  return out;
}

/** Declines the unit unless every value of a text column decodes as UTF-8 (decimals stored as bytes are not text). */
function checkUtf8(col: DecodedColumn, source: FastSource, name: string): void {
  if (col.physical !== 'BYTE_ARRAY' || source.kind !== 'text') return;
  const { data, offsets, lengths, valid } = col;
  for (let r = 0; r < col.rows; r++) {
    if (valid !== null && valid[r] === 0) continue;
    const o = offsets[r];
    const end = o + lengths[r];
    let or = 0;
    for (let i = o; i < end; i++) or |= data[i];
    if (or >= 0x80) decodeUtf8(data.subarray(o, end), name);
  }
}

/** Random access over the bytes of one row group, for hyparquet (reads past them come back short). */
function bufferAccess(uri: string, size: number, bytes: Uint8Array, start: number): RandomAccess {
  return {
    uri,
    size,
    read(from: number, to: number): Promise<ArrayBuffer> {
      if (from < start) return Promise.reject(new PageDecodeError(`read of ${from} before the row group at ${start}`));
      const a = Math.min(from - start, bytes.length);
      const b = Math.max(a, Math.min(to - start, bytes.length));
      return Promise.resolve(bytes.slice(a, b).buffer);
    },
  };
}

export class UnitProcessor {
  private readonly evaluator: QualityEvaluator;
  private readonly checksums: ChecksumAccumulator;
  private readonly writer: BlockWriter;
  private readonly files = new Map<number, FileState>();
  private readonly field: Array<(v: Exclude<Canonical, null>) => string>;
  /** Buffers reused from unit to unit: per file column (decoding) and per contract column (cells). */
  private readonly decodeScratch: ChunkScratch[] = [];
  private readonly cellScratch: CellScratch[];
  private readonly nullMarker: string;
  /** Text units: how the byte-level path reads the file's columns (the names of the last range), and its buffers. */
  private textLayout: { key: string; layout: TextColumnsLayout } | undefined;
  private readonly textScratch = new TextColumnScratch();

  constructor(private readonly config: UnitConfig) {
    const { contract } = config;
    const marker = (this.nullMarker = config.nullMarker ?? CSV_DIALECT.nullMarker);
    this.evaluator = new QualityEvaluator(contract, { partial: true });
    this.checksums = new ChecksumAccumulator(contract, marker);
    this.writer = new BlockWriter(config.blockBytes, config.gzipLevel, marker);
    this.cellScratch = contract.columns.map(() => new CellScratch());
    this.field = contract.columns.map((c) => {
      const t = c.type;
      return isTextValued(t) ? (v) => csvField(v as string, marker) : (v) => canonicalText(t, v);
    });
  }

  addFile(info: ParquetFileInfo): void {
    const open = parquetLayout(info.uri, info.metadata);
    const elements = open.metadata.schema.slice(1, 1 + open.columns.length);
    const byName = new Map<string, number>();
    open.columns.forEach((c, j) => byName.set(c.name.toLowerCase(), j));
    this.files.set(info.fileId, { uri: info.uri, size: info.size, open, elements, fast: elements.map(fastSourceOf), byName });
  }

  dropFile(fileId: number): void {
    this.files.delete(fileId);
  }

  async run(unit: Unit): Promise<UnitResult> {
    if (unit.kind === 'batch') return this.generic(unit.id, unit.batch, null);
    if (unit.kind === 'text') {
      const fast = this.textUnit(unit);
      return typeof fast === 'string' ? this.generic(unit.id, parseTextRange(unit.range), fast) : fast;
    }
    const st = this.files.get(unit.fileId);
    if (!st) throw new Error(`unit of unknown file ${unit.fileId}`);
    const bytes = new Uint8Array(unit.bytes, 0, unit.length);
    const n = unit.to - unit.from;
    const batch: ColumnBatch = { file: st.uri, firstRow: unit.groupStart + unit.from + 1, numRows: n, columns: {} };
    const unread = st.fast.findIndex((f) => f === undefined);
    let fallback: string;
    if (unread < 0) {
      try {
        return this.fastUnit(unit, st, bytes, batch);
      } catch (e) {
        // Not for the byte-level path (or a damaged file): forget what it counted, and read with hyparquet.
        // Anything but the decoder's own refusal or this path's is a bug: it fails the run.
        const reason = fallbackReason(e);
        if (reason === undefined) throw e;
        fallback = reason;
        this.evaluator.takePartial();
        this.checksums.take();
      }
    } else {
      const e = st.elements[unread];
      fallback = `column ${st.open.columns[unread].name} (${[e.type, e.logical_type?.type ?? e.converted_type].filter(Boolean).join(' ')}) is not read by the byte-level decoder`;
    }
    const access = bufferAccess(st.uri, st.size, bytes, unit.start);
    let values = await readRowGroup(access, st.open, unit.group, unit.groupStart, unit.groupRows);
    if (unit.from > 0 || unit.to < unit.groupRows) values = values.map((v) => v.slice(unit.from, unit.to));
    const columns: Record<string, Value[]> = {};
    st.open.columns.forEach((c, j) => (columns[c.name] = values[j]));
    return this.generic(unit.id, { ...batch, columns }, fallback);
  }

  /** The evaluator's own path for every column: observe, then CSV from the canonical values. */
  private generic(id: number, batch: ColumnBatch, fallback: string | null): UnitResult {
    const n = batch.numRows;
    const canon = this.evaluator.observe(batch);
    this.checksums.add(canon.columns, 0, n);
    const cells = canon.columns.map((values, ci) => this.genericCells(ci, values, n));
    const blocks = this.writer.write(cells, n);
    return { id, rows: n, blocks, quality: this.evaluator.takePartial(), checksums: this.checksums.take(), fallback };
  }

  private genericCells(ci: number, values: Canonical[], n: number): Cells {
    const field = this.field[ci];
    const texts = new Array<string>(n);
    let maxLength = 2;
    const marker = this.nullMarker;
    for (let r = 0; r < n; r++) {
      const v = values[r];
      const s = v === null ? marker : field(v);
      texts[r] = s;
      if (s.length > maxLength) maxLength = s.length;
    }
    return { kind: 'generic', texts, maxLength };
  }

  private fastUnit(unit: ParquetUnit, st: FileState, bytes: Uint8Array, batch: ColumnBatch): UnitResult {
    const group = st.open.metadata.row_groups[unit.group];
    const decoded = st.open.columns.map((c, j) => {
      const chunk = group.columns[j];
      const meta = chunk?.meta_data;
      if (!meta || meta.path_in_schema.length !== 1 || meta.path_in_schema[0] !== c.name) throw new PageDecodeError('column chunk does not match the schema');
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset) - unit.start;
      const end = start + Number(meta.total_compressed_size);
      if (!(start >= 0 && end <= bytes.length)) throw new PageDecodeError('column chunk outside the row group bytes');
      const e = st.elements[j];
      verifyChunkCrcs(bytes, start, end, unit.start, { file: st.uri, group: unit.group, column: c.name }, unit);
      const scratch = (this.decodeScratch[j] ??= new ChunkScratch());
      // A row group cut into units: the next unit of this chunk in this worker reuses its dictionary (dictionary-reuse.ts).
      const chunkKey = unit.from > 0 || unit.to < unit.groupRows ? `${unit.fileId}/${unit.group}/${j}` : undefined;
      return pageDecoder.decodeChunk(bytes, { physical: e.type!, typeLength: e.type_length, optional: e.repetition_type !== 'REQUIRED', codec: meta.codec, start, end, chunkKey }, unit.groupRows, unit.from, unit.to, scratch);
    });
    const ev = this.evaluator;
    const contract = this.config.contract;
    // Columns the contract does not take are still read as the reader reads them: text must be UTF-8.
    const used = new Set<number>();
    for (let ci = 0; ci < contract.columns.length; ci++) {
      const j = st.byName.get(ev.columnCheck(ci).sourceKey);
      if (j !== undefined) used.add(j);
    }
    decoded.forEach((col, j) => {
      if (!used.has(j)) checkUtf8(col, st.fast[j]!, st.open.columns[j].name);
    });
    return this.byteLevelUnit(unit.id, batch, { byName: st.byName, fast: st.fast as FastSource[], decoded, values: (j) => materialize(st.fast[j]!, decoded[j], st.open.columns[j].name) });
  }

  /**
   * A text range on the byte-level path (delimited-columns.ts), or the reason the decoder declines it: the
   * caller then parses it whole (parseTextRange), as before, and the reason is counted with the fallbacks.
   */
  private textUnit(unit: TextUnit): UnitResult | string {
    const r = unit.range;
    const key = r.names.join('\u0000');
    if (this.textLayout?.key !== key) this.textLayout = { key, layout: textColumnsLayout(this.config.contract, r.names) };
    const { layout } = this.textLayout;
    const text = decodeTextColumns(r, layout.plans, this.textScratch);
    if ('declined' in text) return text.declined;
    const batch: ColumnBatch = { file: r.options.file, firstRow: r.firstRow, numRows: text.rows, columns: {} };
    return this.byteLevelUnit(unit.id, batch, { byName: layout.byName, fast: layout.fast, decoded: text.columns, values: (j) => fieldValues(text.fields[j]) });
  }

  /**
   * The byte-level path shared by Parquet and text units: each contract column's cells from its decoded
   * source column (fast-columns.ts checkFast), or through the evaluator's per-value path from the source's
   * own Values when the check does not vouch for it; then the CSV blocks.
   */
  private byteLevelUnit(id: number, batch: ColumnBatch, src: ByteLevelSource): UnitResult {
    const n = batch.numRows;
    const ev = this.evaluator;
    const contract = this.config.contract;
    const base = ev.begin(batch.file, batch.firstRow, n);
    this.checksums.addRows(n);
    const cells: Cells[] = contract.columns.map((_, ci) => {
      const j = src.byName.get(ev.columnCheck(ci).sourceKey);
      if (j !== undefined) {
        const c = checkFast(ev, ci, src.fast[j], src.decoded[j], base, this.cellScratch[ci]);
        if (c) {
          if (c.kind === 'int' || c.kind === 'decimal') this.checksums.addSafeIntegers(ci, c.values, c.valid, n);
          else if (c.kind === 'text') this.checksums.addText(ci, c.data, c.offsets, c.lengths, c.valid, n);
          else if (c.kind === 'bool') this.checksums.addCount(ci, c.valid, n);
          return c;
        }
      }
      const values = j === undefined ? undefined : src.values(j);
      const out = new Array<Canonical>(n);
      ev.observeColumn(ci, values, out, batch, base);
      this.checksums.addCanonical(ci, out, n);
      return this.genericCells(ci, out, n);
    });
    const blocks = this.writer.write(cells, n);
    return { id, rows: n, blocks, quality: ev.takePartial(), checksums: this.checksums.take(), fallback: null };
  }
}

