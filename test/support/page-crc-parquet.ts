/**
 * Adds page CRCs to a Parquet file written by any writer: every page header is written again with `crc` =
 * CRC-32 of the page bytes after it (as the Parquet spec defines it), and the footer again with the
 * shifted offsets (page indexes dropped). The page bytes themselves are unchanged.
 * Also: where each page of a file is (to flip a byte inside one).
 */
import * as zlib from 'node:zlib';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';

export interface PageAt {
  group: number;
  column: string;
  /** 1-based, within the column chunk. */
  page: number;
  type: string;
  headerOffset: number;
  dataOffset: number;
  length: number;
  crc?: number;
}

function chunkStart(meta: NonNullable<FileMetaData['row_groups'][number]['columns'][number]['meta_data']>): number {
  return Number(meta.dictionary_page_offset || meta.data_page_offset);
}

/** Every page of every column chunk, in file order. */
export function pagesOf(file: Uint8Array): PageAt[] {
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  const md = parquetMetadata(buffer);
  const view = new DataView(buffer);
  const out: PageAt[] = [];
  md.row_groups.forEach((rg, group) => {
    for (const c of rg.columns) {
      const meta = c.meta_data!;
      const start = chunkStart(meta);
      const end = start + Number(meta.total_compressed_size);
      let page = 0;
      for (let pos = start; pos < end; ) {
        const reader = { view, offset: pos };
        const h = parquetHeader(reader);
        out.push({ group, column: meta.path_in_schema.join('.'), page: ++page, type: h.type, headerOffset: pos, dataOffset: reader.offset, length: h.compressed_page_size, crc: h.crc });
        pos = reader.offset + h.compressed_page_size;
      }
    }
  });
  return out;
}

/** The same file with a CRC in every page header. */
export function withPageCrcs(file: Uint8Array): Uint8Array {
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  const md = parquetMetadata(buffer);
  const view = new DataView(buffer);
  const w = new ByteWriter();
  w.appendBytes(file.subarray(0, 4));
  for (const rg of md.row_groups) {
    const groupStart = w.offset;
    for (const c of rg.columns) {
      const meta = c.meta_data!;
      const start = chunkStart(meta);
      const end = start + Number(meta.total_compressed_size);
      const newStart = w.offset;
      let newDict: bigint | undefined;
      let newData: bigint | undefined;
      for (let pos = start; pos < end; ) {
        const reader = { view, offset: pos };
        const h = parquetHeader(reader);
        const data = file.subarray(reader.offset, reader.offset + h.compressed_page_size);
        if (h.type === 'DICTIONARY_PAGE') newDict ??= BigInt(w.offset);
        else newData ??= BigInt(w.offset);
        writePageHeader(w, { ...h, crc: zlib.crc32(data) | 0 } as never); // hyparquet-writer types a nested hyparquet copy
        w.appendBytes(data);
        pos = reader.offset + h.compressed_page_size;
      }
      const grown = w.offset - newStart - (end - start);
      meta.dictionary_page_offset = newDict;
      meta.data_page_offset = newData!;
      meta.total_compressed_size = BigInt(w.offset - newStart);
      meta.total_uncompressed_size = BigInt(Number(meta.total_uncompressed_size) + grown);
      c.file_offset = BigInt(newStart);
      c.offset_index_offset = c.offset_index_length = c.column_index_offset = c.column_index_length = undefined;
    }
    rg.file_offset = BigInt(groupStart);
    rg.total_compressed_size = BigInt(w.offset - groupStart);
  }
  const footerStart = w.offset;
  writeMetadata(w, md as never);
  w.appendUint32(w.offset - footerStart);
  w.appendBytes(new TextEncoder().encode('PAR1'));
  return new Uint8Array(w.getBuffer());
}
