/**
 * The memory bound of the partition pass: the largest decompressed Parquet page it accepts.
 *
 * A unit decodes the pages that hold its rows, and a page is decompressed whole, so a row group stored
 * as one huge page per column (DuckDB with a large ROW_GROUP_SIZE: 1M SUPPLIER rows in one 66 MB page
 * of s_comment) cannot be cut into small units: each worker then holds every column's page, their values
 * and the CSV text of the whole row group (measured: 741 MiB peak RSS with 33 MB pages, 768 MiB with
 * 66 MB pages). Rather than run out of memory on a Batch container, the pass refuses such a row group
 * before any of it is decompressed, naming the file, row group, column, page and its size (exit 4).
 *
 * Only page headers are read here (nothing is decompressed); headers that do not parse are left to the
 * decoder, which reports the damage in its own words.
 */
import { QualityError } from '../../core/errors.ts';
import type { RowGroup } from 'hyparquet';
import { DATA_PAGE, DATA_PAGE_V2, DICTIONARY_PAGE, readPageHeader } from '../readers/parquet-pages.ts';

/**
 * Default bound (--max-page-bytes): 16 MiB decompressed. Every common writer stays far below it
 * (parquet-mr, pyarrow, arrow-rs and hyparquet-writer: ~1 MB pages; DuckDB's default 122,880-row groups:
 * at most ~8 MB for SUPPLIER's s_comment); measured at the bound, the pass peaks under 512 MiB.
 */
export const DEFAULT_MAX_PAGE_BYTES = 16 * 1024 * 1024;

export interface PageSizeWhere {
  /** The file's URI, as messages name it. */
  file: string;
  /** 0-based row group. */
  group: number;
  /** Rows of the file before this row group. */
  groupStart: number;
}

/**
 * Throws QualityError if a page of the row group decompresses to more than `maxBytes`. `buf` holds the
 * row group's column chunks, its byte 0 being byte `start` of the file.
 */
export function checkPageSizes(buf: Uint8Array, start: number, group: RowGroup, maxBytes: number, where: PageSizeWhere): void {
  for (const c of group.columns) {
    const m = c.meta_data;
    if (!m || Number(m.total_uncompressed_size) <= maxBytes) continue; // no page of it can be larger
    const chunkEnd = Number(m.dictionary_page_offset || m.data_page_offset) + Number(m.total_compressed_size) - start;
    let pos = Number(m.dictionary_page_offset || m.data_page_offset) - start;
    let page = 0;
    let rows = 0;
    while (pos >= 0 && pos < Math.min(chunkEnd, buf.length)) {
      let h;
      try {
        h = readPageHeader(buf, pos, Math.min(chunkEnd, buf.length));
      } catch {
        return; // damaged: the decoder names it
      }
      const isData = h.type === DATA_PAGE || h.type === DATA_PAGE_V2;
      if (h.uncompressed > maxBytes && (isData || h.type === DICTIONARY_PAGE)) {
        const column = m.path_in_schema.join('.');
        const what = isData ? `data page ${page} (rows ${where.groupStart + rows + 1}-${where.groupStart + rows + Math.max(h.type === DATA_PAGE ? h.numValues : h.numRows, 0)} of the file)` : 'dictionary page';
        throw new QualityError(
          `row group ${where.group}, ${what} decompresses to ${h.uncompressed.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} bytes a page may take (--max-page-bytes)`,
          { file: where.file, row: where.groupStart + rows + 1, column },
          'write the file with smaller pages or row groups (DuckDB: ROW_GROUP_SIZE 122880, the default; pyarrow/Spark: data_page_size 1 MB), or raise --max-page-bytes if the job has the memory',
        );
      }
      if (isData) {
        rows += h.type === DATA_PAGE ? h.numValues : h.numRows;
        page++;
      }
      pos = h.dataStart + h.compressed;
    }
  }
}
