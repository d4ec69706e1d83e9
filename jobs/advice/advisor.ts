/**
 * The storage advisor: from a batch's profile and a sample of its rows, per column a narrower VARCHAR
 * (from the widest value ever seen, with headroom: data-quality's suggestedBytes, never below that
 * value) and the encoding that stores the sample in the fewest bytes (sql/storage/), plus the table's
 * sort and distribution changes the profile and contract give evidence for, and the DDL that applies it.
 */
import type { ColumnContract, DatasetContract } from '../../datasets/index.ts';
import type { ColumnProfile } from '../../data-quality/index.ts';
import { suggestedBytes } from '../../data-quality/profile.ts';
import { typeText } from '../../data-quality/coerce.ts';
import { encodingFor, tablesOf } from '../../sql/ddl.ts';
import { sampleColumnOf } from '../../sql/storage/column-sample.ts';
import { encodingAdvice } from '../../sql/storage/column-encoding-advice.ts';
import { ZSTD_METHOD } from '../../sql/storage/encoded-size.ts';
import { layoutAdvice } from '../../sql/storage/layout-advice.ts';
import { canNarrow, columnDdl, layoutDdl } from '../../sql/storage/advice-ddl.ts';
import type { ColumnAdvice, StorageAdvice } from './advice.ts';
import type { RowSample } from './part-sample.ts';

export interface AdvisorInput {
  contract: DatasetContract;
  batchDate: string;
  runId: string;
  /** The batch's row count and column profile (quality report). */
  rowCount: number;
  profile: ColumnProfile[];
  sample: RowSample;
  /** Widest value per text column over every batch read (this one included), and which batches those were. */
  widest: ReadonlyMap<string, number>;
  widestFromBatches: string[];
}

/** The narrower VARCHAR width for a column, or undefined: only when the declared width is over twice the widest value ever seen. */
export function narrowerWidth(c: ColumnContract, widest: number | undefined): number | undefined {
  if (c.type.kind !== 'varchar' || widest === undefined || widest === 0) return undefined;
  const declared = c.type.bytes === 'max' ? 65535 : c.type.bytes;
  if (declared <= 2 * widest) return undefined;
  const n = suggestedBytes(widest);
  return n < declared && n >= widest ? n : undefined;
}

export function storageAdvice(i: AdvisorInput): StorageAdvice {
  const { contract } = i;
  const tables = tablesOf(contract);
  const firstSortKey = contract.sortKey.columns[0];
  const columns: ColumnAdvice[] = [];
  const ddl: string[] = [];
  for (const c of contract.columns) {
    const at = i.sample.columns.indexOf(c.name);
    const texts = at < 0 ? [] : i.sample.rows.map((r) => r[at] ?? null);
    const widest = i.widest.get(c.name);
    let narrowTo = narrowerWidth(c, widest);
    const current = encodingFor({ name: c.name, type: c.type, nullable: c.nullable, encoding: c.encoding }, firstSortKey);
    const suggestedType = narrowTo === undefined ? c.type : { kind: 'varchar' as const, bytes: narrowTo };
    const now = sampleColumnOf(c.type, texts);
    const enc = encodingAdvice({
      type: c.type,
      current,
      now,
      suggested: narrowTo === undefined ? now : sampleColumnOf(suggestedType, texts),
      sampleRows: texts.length,
      firstSortKey: c.name === firstSortKey,
    });
    const reasons = [enc.reason];
    if (narrowTo !== undefined && !canNarrow(current, enc.suggestedEncoding)) {
      reasons.push(`could be varchar(${narrowTo}) but Redshift cannot resize a ${current.toUpperCase()} column`);
      narrowTo = undefined;
    } else if (narrowTo !== undefined) {
      reasons.push(`widest value ${widest} bytes in ${i.widestFromBatches.length} batch(es): varchar(${narrowTo}) holds it with 25% headroom (declared width is what every sort, hash and join reserves)`);
    }
    columns.push({
      column: c.name,
      declaredType: typeText(c.type),
      currentEncoding: enc.currentEncoding,
      suggestedType: narrowTo === undefined ? typeText(c.type) : `varchar(${narrowTo})`,
      suggestedEncoding: enc.suggestedEncoding,
      bytesPerMillionNow: enc.bytesPerMillionNow,
      bytesPerMillionSuggested: narrowTo === undefined && enc.suggestedEncoding === enc.currentEncoding ? enc.bytesPerMillionNow : enc.bytesPerMillionSuggested,
      reason: reasons.join('; '),
      measured: enc.measured,
      ...(widest !== undefined && (c.type.kind === 'varchar' || c.type.kind === 'char') ? { widestBytes: widest } : {}),
    });
    ddl.push(...columnDdl(tables.history, { column: c.name, currentEncoding: enc.currentEncoding, suggestedEncoding: enc.suggestedEncoding, narrowTo }));
  }
  const distinct = new Map(i.profile.map((p) => [p.column, p.distinctEstimate]));
  const tableChanges = layoutAdvice(contract, { rowCount: i.rowCount, distinct });
  for (const t of tableChanges) ddl.push(...layoutDdl(tables, t.kind, t.suggested));
  return {
    dataset: contract.name,
    table: tables.history,
    sampleRows: i.sample.rows.length,
    source: 'sample',
    columns,
    tableChanges,
    ddl,
    bytesSavedPerMillionRows: columns.reduce((s, c) => s + (c.bytesPerMillionNow - c.bytesPerMillionSuggested), 0),
    basedOn: { batchDate: i.batchDate, runId: i.runId, widestFromBatches: i.widestFromBatches },
    zstdMethod: ZSTD_METHOD,
  };
}
