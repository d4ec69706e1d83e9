/**
 * A sample of a load package's rows for storage advice: the first rows of every part (the same share of
 * each, up to `rows` in all), read back from the gzip CSV parts, so the sample holds exactly the text
 * COPY loaded. Parts are cut by row from the whole batch, so the first rows of each part cover every
 * slice's share. Reads stop once a part's share is in: a sample of 100,000 rows costs the same whatever
 * the batch's size.
 */
import { createGunzip } from 'node:zlib';
import type { Manifest } from '../../core/manifest.ts';
import type { ObjectStore } from '../store/index.ts';

export const DEFAULT_SAMPLE_ROWS = 100_000;

export interface RowSample {
  columns: string[];
  /** Each row's fields as text, null for NULL. */
  rows: Array<Array<string | null>>;
}

/**
 * Parses CSV records (delimiter, `"` quotes doubled inside, an unquoted marker for NULL) from text chunks.
 * Fields are cut with indexOf, not char by char; a record cut by a chunk's end is carried to the next chunk.
 */
export class CsvRecords {
  private carry = '';
  readonly records: Array<Array<string | null>> = [];

  constructor(
    private readonly delimiter: string,
    private readonly nullMarker: string,
  ) {}

  push(chunk: string): void {
    const text = this.carry + chunk;
    let pos = 0;
    for (;;) {
      const start = pos;
      const record = this.record(text, pos);
      if (record === undefined) {
        this.carry = text.slice(start);
        return;
      }
      this.records.push(record.fields);
      pos = record.next;
    }
  }

  /** One whole record from `pos`, or undefined when the text ends inside it. */
  private record(text: string, pos: number): { fields: Array<string | null>; next: number } | undefined {
    const fields: Array<string | null> = [];
    for (;;) {
      if (pos >= text.length) return undefined;
      let value: string;
      let quoted = false;
      if (text.charCodeAt(pos) === 34) {
        quoted = true;
        let out = '';
        let at = pos + 1;
        for (;;) {
          const q = text.indexOf('"', at);
          if (q < 0 || q + 1 >= text.length) return undefined;
          out += text.slice(at, q);
          if (text.charCodeAt(q + 1) === 34) {
            out += '"';
            at = q + 2;
          } else {
            pos = q + 1;
            break;
          }
        }
        value = out;
      } else {
        let d = text.indexOf(this.delimiter, pos);
        const n = text.indexOf('\n', pos);
        if (n < 0) return undefined;
        if (d < 0 || d > n) d = n;
        value = text.slice(pos, d);
        pos = d;
      }
      if (value.endsWith('\r') && !quoted) value = value.slice(0, -1);
      fields.push(!quoted && value === this.nullMarker ? null : value);
      const sep = text.charCodeAt(pos);
      if (sep === 13 && text.charCodeAt(pos + 1) === 10) pos++;
      if (text.charCodeAt(pos) === 10) return { fields, next: pos + 1 };
      if (pos >= text.length) return undefined;
      pos++; // the delimiter
    }
  }
}

/** The first `rows` rows of a CSV package, the same share from each part. */
export async function samplePackage(store: ObjectStore, manifest: Manifest, rows = DEFAULT_SAMPLE_ROWS): Promise<RowSample> {
  const csv = manifest.package.csv;
  if (manifest.package.format !== 'csv' || !csv) throw new Error('storage advice samples CSV parts only');
  const share = Math.ceil(rows / Math.max(1, manifest.entries.length));
  const out: RowSample = { columns: csv.columns, rows: [] };
  for (const entry of manifest.entries) {
    if (out.rows.length >= rows) break;
    const want = Math.min(share, rows - out.rows.length);
    const parser = new CsvRecords(csv.delimiter, csv.nullMarker);
    const gunzip = createGunzip();
    (await store.readStream(entry.url)).pipe(gunzip);
    gunzip.setEncoding('utf8');
    for await (const chunk of gunzip as AsyncIterable<string>) {
      parser.push(chunk);
      if (parser.records.length >= want) break;
    }
    gunzip.destroy();
    out.rows.push(...parser.records.slice(0, want));
  }
  return out;
}
