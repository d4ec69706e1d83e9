/**
 * What a benchmark input really is, read from its files rather than from how it was built: for Parquet
 * the writer (footer `created_by`), files, row groups, each column's physical and logical type, the
 * encodings every footer lists per column, and the page types and data-page encodings found by walking
 * the page headers of each file's first row group; for text, the files and bytes. The bench prints it
 * into the results file and the bench test checks that each input has what it claims.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { DATA_PAGE, DATA_PAGE_V2, readPageHeader } from '../../jobs/readers/parquet-pages.ts';
import { parquetTypeText } from '../fallback-columns.ts';

const ENCODINGS = ['PLAIN', 'GROUP_VAR_INT', 'PLAIN_DICTIONARY', 'RLE', 'BIT_PACKED', 'DELTA_BINARY_PACKED', 'DELTA_LENGTH_BYTE_ARRAY', 'DELTA_BYTE_ARRAY', 'RLE_DICTIONARY', 'BYTE_STREAM_SPLIT'];
const PAGE_TYPES = ['DATA_PAGE', 'INDEX_PAGE', 'DICTIONARY_PAGE', 'DATA_PAGE_V2'];

export interface InputDescription {
  format: 'parquet' | 'text';
  files: number;
  bytes: number;
  /** Footer `created_by` values (Parquet). */
  writers: string[];
  rowGroups: number;
  /** Smallest and largest row group, in rows. */
  groupRows: [number, number];
  /** Column → physical and logical type, e.g. `FIXED_LEN_BYTE_ARRAY DECIMAL`. */
  types: Record<string, string>;
  /** Encoding → columns whose column chunks list it in some footer. */
  encodings: Record<string, string[]>;
  /** Page type → pages of that type in the first row group of every file. */
  pages: Record<string, number>;
  /** Encoding → columns whose data pages (first row group of every file) use it for their values. */
  pageEncodings: Record<string, string[]>;
}

const add = (m: Record<string, string[]>, k: string, v: string): void => {
  const l = (m[k] ??= []);
  if (!l.includes(v)) l.push(v);
};

export async function describeInput(dir: string): Promise<InputDescription> {
  const names = readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
  const bytes = names.reduce((s, n) => s + statSync(join(dir, n)).size, 0);
  const parquet = names.filter((n) => n.endsWith('.parquet'));
  const d: InputDescription = { format: parquet.length ? 'parquet' : 'text', files: names.length, bytes, writers: [], rowGroups: 0, groupRows: [Infinity, 0], types: {}, encodings: {}, pages: {}, pageEncodings: {} };
  for (const f of parquet) {
    const path = join(dir, f);
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(path));
    if (meta.created_by && !d.writers.includes(meta.created_by)) d.writers.push(meta.created_by);
    for (const e of meta.schema.slice(1)) d.types[e.name] ??= parquetTypeText(e);
    d.rowGroups += meta.row_groups.length;
    for (const [g, rg] of meta.row_groups.entries()) {
      const rows = Number(rg.num_rows);
      d.groupRows = [Math.min(d.groupRows[0], rows), Math.max(d.groupRows[1], rows)];
      for (const c of rg.columns) {
        const m = c.meta_data!;
        const col = m.path_in_schema.join('.');
        for (const e of m.encodings) add(d.encodings, e, col);
        if (g === 0) walkPages(path, m.dictionary_page_offset, m.data_page_offset, Number(m.total_compressed_size), col, d);
      }
    }
  }
  if (!parquet.length) d.groupRows = [0, 0];
  return d;
}

function walkPages(path: string, dictOffset: bigint | undefined, dataOffset: bigint, size: number, col: string, d: InputDescription): void {
  const start = dictOffset !== undefined && dictOffset > 0n && dictOffset < dataOffset ? Number(dictOffset) : Number(dataOffset);
  const buf = new Uint8Array(size);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, size, start);
  } finally {
    closeSync(fd);
  }
  for (let pos = 0; pos < size; ) {
    const h = readPageHeader(buf, pos, size);
    const type = PAGE_TYPES[h.type] ?? `page type ${h.type}`;
    d.pages[type] = (d.pages[type] ?? 0) + 1;
    if (h.type === DATA_PAGE || h.type === DATA_PAGE_V2) add(d.pageEncodings, ENCODINGS[h.encoding] ?? `encoding ${h.encoding}`, col);
    pos = h.dataStart + h.compressed;
  }
}

/** The description as the lines of the results file. */
export function describeLines(label: string, d: InputDescription): string[] {
  const mb = `${(d.bytes / 1e6).toFixed(1)} MB`;
  if (d.format === 'text') return [`- **${label}**: ${d.files} text files, ${mb}: read by the delimited reader (no Parquet decoder)`];
  const byType: Record<string, string[]> = {};
  for (const [col, t] of Object.entries(d.types)) add(byType, t, col);
  const list = (m: Record<string, string[]>): string => Object.entries(m).map(([k, cols]) => `${k} (${cols.join(', ')})`).join('; ');
  return [
    `- **${label}**: ${d.writers.map((w) => `\`${w}\``).join(', ') || 'no created_by'}; ${d.files} files, ${mb}, ${d.rowGroups} row groups of ${d.groupRows[0].toLocaleString('en-US')}–${d.groupRows[1].toLocaleString('en-US')} rows`,
    `  - types: ${list(byType)}`,
    `  - pages (first row group of each file): ${Object.entries(d.pages).map(([k, n]) => `${k} ×${n}`).join(', ')}; data-page encodings: ${list(d.pageEncodings)}`,
  ];
}
