/**
 * On Redshift, the encodings come from the warehouse itself: ANALYZE COMPRESSION <history table> samples
 * the table's rows per slice and reports, per column, the encoding it suggests and its estimated
 * reduction against RAW (Est_reduction_pct). The sample-based advice is then re-based on those figures:
 * the suggested encoding is Redshift's, its bytes are the sample's RAW bytes less that reduction; the
 * current bytes stay the sample's (Redshift reports no bytes). ANALYZE COMPRESSION takes an exclusive
 * lock on the table while it runs: `advise` runs it, the nightly run never does.
 */
import type { ColumnEncoding } from '../../datasets/index.ts';
import { LoadError } from '../../core/errors.ts';
import { columnDdl, layoutDdl } from '../../sql/storage/advice-ddl.ts';
import { isDeclarable } from '../../sql/storage/encodings-for-type.ts';
import type { SizedEncoding } from '../../sql/storage/encoded-size.ts';
import type { Row, Warehouse } from '../warehouse/index.ts';
import type { StorageAdvice } from './advice.ts';

/** ANALYZE COMPRESSION reads at least 100,000 rows per slice whatever is asked; this is the minimum COMPROWS. */
export const COMPROWS = 100_000;

function field(r: Row, name: string): unknown {
  const k = Object.keys(r).find((key) => key.toLowerCase() === name);
  return k === undefined ? undefined : r[k];
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function analyzeCompressionSql(table: string, rows = COMPROWS): string {
  return `ANALYZE COMPRESSION ${table} COMPROWS ${rows}`;
}

/** The advice with Redshift's encodings and reductions in place of the sample's choice. */
export function withAnalyzeCompression(advice: StorageAdvice, rows: Row[], stageTable: string): StorageAdvice {
  const byColumn = new Map<string, { encoding: string; pct: number }>();
  for (const r of rows) {
    const column = text(field(r, 'column')).trim();
    const encoding = text(field(r, 'encoding')).trim().toLowerCase();
    const pct = Number(field(r, 'est_reduction_pct'));
    if (!column || !encoding || !Number.isFinite(pct)) {
      throw new LoadError(`ANALYZE COMPRESSION ${advice.table} returned a row without column, encoding and est_reduction_pct: ${JSON.stringify(r)}`);
    }
    byColumn.set(column, { encoding, pct });
  }
  const ddl: string[] = [];
  const columns = advice.columns.map((c) => {
    const a = byColumn.get(c.column);
    const narrow = /^varchar\((\d+)\)$/.exec(c.suggestedType);
    const narrowTo = c.suggestedType !== c.declaredType && narrow ? Number(narrow[1]) : undefined;
    let out = c;
    if (a) {
      const raw = c.measured?.find((m) => m.encoding === 'raw')?.bytesPerMillion;
      const usable = isDeclarable(a.encoding as SizedEncoding);
      const suggestedEncoding = (usable ? a.encoding : c.currentEncoding) as ColumnEncoding;
      const bytes = raw === undefined || !usable ? c.bytesPerMillionNow : Math.round(raw * (1 - a.pct / 100));
      out = {
        ...c,
        suggestedEncoding,
        bytesPerMillionSuggested: suggestedEncoding === c.currentEncoding && narrowTo === undefined ? c.bytesPerMillionNow : bytes,
        reason: usable
          ? `ANALYZE COMPRESSION suggests ${a.encoding.toUpperCase()}, ${a.pct}% smaller than RAW${narrowTo === undefined ? '' : `; ${c.reason.split('; ').slice(1).join('; ')}`}`
          : `ANALYZE COMPRESSION suggests ${a.encoding.toUpperCase()}, which a contract cannot declare: kept ${c.currentEncoding.toUpperCase()}`,
      };
    }
    ddl.push(...columnDdl(advice.table, { column: c.column, currentEncoding: out.currentEncoding, suggestedEncoding: out.suggestedEncoding, narrowTo }));
    return out;
  });
  for (const t of advice.tableChanges) ddl.push(...layoutDdl({ stage: stageTable, history: advice.table }, t.kind, t.suggested));
  return {
    ...advice,
    source: 'analyze-compression',
    columns,
    ddl,
    bytesSavedPerMillionRows: columns.reduce((s, c) => s + (c.bytesPerMillionNow - c.bytesPerMillionSuggested), 0),
  };
}

/** Runs ANALYZE COMPRESSION on the history table through the warehouse and re-bases the advice on it. */
export async function analyzeCompression(wh: Pick<Warehouse, 'query'>, advice: StorageAdvice, stageTable: string): Promise<StorageAdvice> {
  const rows = await wh.query(analyzeCompressionSql(advice.table));
  return withAnalyzeCompression(advice, rows, stageTable);
}
