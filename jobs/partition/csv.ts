/** CSV lines of canonical values, in the parts' dialect (core/csv-dialect.ts). */
import { isTextValued, type DatasetContract, type RedshiftType } from '../../datasets/index.ts';
import { canonicalText, type Canonical } from '../../data-quality/coerce.ts';
import { CSV_DIALECT, csvField } from '../../core/csv-dialect.ts';

/** Formats contract columns of canonical values into CSV lines. */
export class CsvRowEncoder {
  private readonly types: RedshiftType[];
  private readonly textual: boolean[];
  constructor(
    contract: DatasetContract,
    private readonly nullMarker: string = CSV_DIALECT.nullMarker,
  ) {
    this.types = contract.columns.map((c) => c.type);
    this.textual = this.types.map(isTextValued);
  }

  /** CSV text of row `r` of `columns`, with its trailing LF. */
  line(columns: Canonical[][], r: number): string {
    let out = '';
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) out += CSV_DIALECT.delimiter;
      const v = columns[c][r];
      if (v === null) out += this.nullMarker;
      else if (this.textual[c]) out += csvField(v as string, this.nullMarker);
      else out += canonicalText(this.types[c], v);
    }
    return `${out}\n`;
  }
}
