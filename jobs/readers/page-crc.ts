/**
 * Page checksums. A Parquet page header may carry `crc`: the CRC-32 (the gzip/zlib one) of the page bytes
 * that follow the header, exactly as stored (compressed; for a v2 page, levels and values together). When
 * a writer recorded one, a page whose bytes do not match it was damaged in transit or storage, and no
 * decoder may read it: the batch is refused (exit 4) naming the file, row group, column and page.
 *
 * Both decoders call this before they read a unit: the byte-level one (jobs/partition/unit.ts) for each
 * column chunk of the unit, hyparquet's (readRowGroup in ./parquet.ts) for each chunk of the row group.
 * Pages without a `crc` are not checked; headers that do not parse are left to the decoders, whose own
 * errors say so.
 */
import { QualityError } from '../../core/errors.ts';
import { crc32 } from '../partition/crc32.ts';
import { DATA_PAGE, DATA_PAGE_V2, DICTIONARY_PAGE, PageDecodeError, readPageHeader } from './parquet-pages.ts';

/** Where a column chunk is, for the message. `group` is 0-based. */
export interface ChunkPlace {
  file: string;
  group: number;
  column: string;
}

/** Rows of the row group a unit reads: data pages wholly outside them are checked by the units that read them. */
export interface RowRange {
  from: number;
  to: number;
}

function pageKind(type: number): string {
  if (type === DICTIONARY_PAGE) return 'dictionary page';
  if (type === DATA_PAGE || type === DATA_PAGE_V2) return 'data page';
  return 'index page';
}

export function crcMismatch(place: ChunkPlace, page: number, kind: string, offset: number): QualityError {
  return new QualityError(
    `row group ${place.group + 1}, column ${place.column}, page ${page} (${kind} at byte offset ${offset}) fails its CRC-32 checksum: the file was damaged in transit or storage`,
    { file: place.file, column: place.column },
    're-export or re-copy it',
  );
}

/**
 * Checks every page of the column chunk at buf[start, end) that carries a CRC (buf[0] is byte
 * `fileOffset` of the file); with `rows`, only the dictionary and the data pages holding those rows.
 * Returns the number of pages checked; throws crcMismatch's QualityError at the first damaged page.
 */
export function verifyChunkCrcs(buf: Uint8Array, start: number, end: number, fileOffset: number, place: ChunkPlace, rows?: RowRange): number {
  let checked = 0;
  let first = 0;
  let page = 0;
  for (let pos = start; pos < end; ) {
    let h;
    try {
      h = readPageHeader(buf, pos, end);
    } catch (e) {
      if (e instanceof PageDecodeError) return checked; // the decoder reading this chunk says what is wrong
      throw e;
    }
    page++;
    let wanted = true;
    if (rows && (h.type === DATA_PAGE || h.type === DATA_PAGE_V2)) {
      const n = h.type === DATA_PAGE ? h.numValues : h.numRows;
      wanted = first < rows.to && first + n > rows.from;
      first += n;
    }
    if (wanted && h.crc !== undefined) {
      if (crc32(buf.subarray(h.dataStart, h.dataStart + h.compressed)) !== h.crc) {
        throw crcMismatch(place, page, pageKind(h.type), fileOffset + pos);
      }
      checked++;
    }
    if (rows && first >= rows.to) break;
    pos = h.dataStart + h.compressed;
  }
  return checked;
}
