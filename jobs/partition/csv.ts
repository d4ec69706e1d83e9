/**
 * The CSV dialect of the parts, one place for the writer and the loaders:
 * `|` between fields, `"` quotes, NULL as an unquoted marker: \N, or the package's own marker when a value
 * is \N (null-marker.ts; the manifest records it). A field is quoted when it holds the delimiter,
 * a quote, CR or LF, equals the NULL marker, or is empty (so '' never reads back as NULL anywhere).
 * Backslashes are ordinary characters in CSV mode, in PostgreSQL and in Redshift alike.
 */
import type { DatasetContract, RedshiftType } from '../../datasets/index.ts';
import { canonicalText, type Canonical } from '../../data-quality/coerce.ts';

export const CSV_DIALECT = { delimiter: '|', quote: '"', nullMarker: '\\N' } as const;

const NEEDS_QUOTES = /[|"\r\n]/;
const QUOTES = /"/g;

export function csvField(text: string, nullMarker: string = CSV_DIALECT.nullMarker): string {
  if (text === '' || text === CSV_DIALECT.nullMarker || text === nullMarker) return `"${text}"`;
  if (NEEDS_QUOTES.test(text)) return `"${text.replace(QUOTES, '""')}"`;
  return text;
}

/** Formats contract columns of canonical values into CSV lines. */
export class CsvRowEncoder {
  private readonly types: RedshiftType[];
  private readonly textual: boolean[];
  constructor(
    contract: DatasetContract,
    private readonly nullMarker: string = CSV_DIALECT.nullMarker,
  ) {
    this.types = contract.columns.map((c) => c.type);
    this.textual = this.types.map((t) => t.kind === 'varchar' || t.kind === 'char' || t.kind === 'date' || t.kind === 'timestamp');
  }

  /** CSV text of row `r` of `columns`, with its trailing LF. */
  line(columns: Canonical[][], r: number): string {
    let out = '';
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) out += '|';
      const v = columns[c][r];
      if (v === null) out += this.nullMarker;
      else if (this.textual[c]) out += csvField(v as string, this.nullMarker);
      else out += canonicalText(this.types[c], v);
    }
    return `${out}\n`;
  }
}
