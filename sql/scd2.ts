/**
 * The scd2 publish (writeMode "scd2"): a batch is a full snapshot of a dimension, applied to a history
 * of versions (business columns + valid_from, valid_to, is_current, load_ts, row_hash) in ONE
 * transaction — no TRUNCATE, at most 13 statements, well within BatchExecuteStatement's 40:
 *
 *   1. LOCK history, audit, stage
 *   2. guard: stage = manifest (count, sums, min/max, every column's figures)   as in the snapshot publish
 *   3. guard: no OTHER batch of the dataset used this load_ts
 *   4. guard: no batch later than this one is applied (unless replaying: --rebuild-from)
 *   5. guard: the tracked columns' canonical text fits a VARCHAR (only when a VARCHAR(MAX) could overflow it)
 *   6. UPDATE audit → 'replaced' for the published batches from the replay date on
 *   7. INSERT audit 'published' row; replaced_rows = the versions step 8 deletes
 *   8. undo: DELETE the versions opened on/after the replay date
 *   9. undo: reopen the versions closed on/after the replay date
 *  10. close: every current version whose key is missing from the stage or whose row_hash differs
 *      (valid_to = batch date, is_current false) — a changed row or a deletion
 *  11. open: every stage row whose key has no current version left (valid_from = batch date) — a new
 *      key or a changed row's new version; an unchanged key keeps its version untouched
 *  12. guard: the current versions hold exactly the manifest (count, sums, min/max, column figures)
 *
 * The replay date is the batch date itself when the batch is the latest applied one (a rerun), or the
 * `--rebuild-from` date; for a new, later batch there is nothing to undo (steps 8–9 touch no row).
 * Undo-then-apply makes a rerun of a corrected batch correct; to make a rerun of the SAME batch change
 * nothing at all (not even load_ts), the undo keeps a version opened on the batch date when the stage
 * holds its key with the same row_hash, and keeps closed the version that one replaced.
 *
 * Invariants after every publish: one current version per key of the latest batch and none for a key
 * it lacks (guard 12 counts them against the manifest); the versions of a key never overlap; a closed
 * version has valid_to > valid_from (a version opened on the batch date is either kept, identical, or
 * undone before the close). Unlike snapshot and append, an audit row marked 'replaced' may still have
 * versions in history: they belong to the key, not to the batch.
 */
import type { DatasetContract } from '../datasets/contract.ts';
import { SCD2_COLUMNS } from '../datasets/scd2-contract.ts';
import { ConfigError } from '../core/errors.ts';
import { businessColumns, tablesOf } from './ddl.ts';
import { checksSelectList, checksumCondition, publishedAuditInsert, type PublishArgs } from './load.ts';
import { hashTextFitsGuard, rowHashExpression } from './scd2-hash.ts';
import { checkDate, dateLiteral, ident, literal, timestampLiteral } from './sql-text.ts';

export interface Scd2PublishArgs extends PublishArgs {
  /** `--rebuild-from`: replay history from this date (YYYY-MM-DD, at most the batch date). */
  rebuildFrom?: string;
}

/** What each scd2 publish statement is for (the size guard, 5, is there only when needed). */
export const SCD2_STEPS = {
  order: 'guard: no batch later than this one is applied',
  current: 'guard: the current versions hold exactly the manifest rows',
} as const;

function keyMatch(contract: DatasetContract, a: string, b: string): string {
  return contract.key.map((k) => `${a}.${ident(k, 'key column')} = ${b}.${k}`).join(' AND ');
}

/** The scd2 publish transaction (see the file comment for the order and why). */
export function scd2PublishStatements(args: Scd2PublishArgs): string[] {
  const { contract, expected } = args;
  const t = tablesOf(contract);
  const cols = businessColumns(contract);
  const lt = ident(contract.loadTimestampColumn, 'load timestamp column');
  const { validFrom, validTo, isCurrent, rowHash } = SCD2_COLUMNS;
  const batch = dateLiteral(args.batchDate, 'batch date');
  const loadTs = timestampLiteral(args.loadTs, 'load timestamp');
  if (args.rebuildFrom !== undefined && checkDate(args.rebuildFrom, '--rebuild-from') > args.batchDate) {
    throw new ConfigError(`--rebuild-from ${args.rebuildFrom} is after the batch date ${args.batchDate}`, {}, 'replay from the batch date or an earlier one');
  }
  const replayFrom = dateLiteral(args.rebuildFrom ?? args.batchDate, 'replay date');
  const keepSame = (args.rebuildFrom ?? args.batchDate) === args.batchDate;
  const dataset = literal(contract.name);
  const condition = checksumCondition(contract, expected);
  const h = t.history;
  const sameInStage = `EXISTS (SELECT 1 FROM ${t.stage} s WHERE ${keyMatch(contract, 's', h)} AND ${rowHashExpression(contract, 's')} = ${h}.${rowHash})`;
  // Opened on the batch date and identical to the stage's row: a rerun keeps it as it is.
  const kept = keepSame ? ` AND NOT (${h}.${validFrom} = ${batch} AND ${sameInStage})` : '';
  const undone = `${validFrom} >= ${replayFrom}${kept}`;
  // Closed on the batch date by a version the rerun keeps: it stays closed.
  const staysClosed = keepSame
    ? ` AND NOT (${h}.${validTo} = ${batch} AND EXISTS (SELECT 1 FROM ${h} v WHERE ${keyMatch(contract, 'v', h)} AND v.${validFrom} = ${batch}))`
    : '';
  const sizeGuard = hashTextFitsGuard(contract, t.stage);

  return [
    `LOCK ${t.history}, ${t.audit}, ${t.stage}`,
    `/* guard: the stage holds exactly the manifest rows */ SELECT 1 / (CASE WHEN ${condition} THEN 1 ELSE 0 END) AS stage_ok FROM ${t.stage}`,
    `/* guard: no other batch used this load timestamp */ SELECT 1 / (CASE WHEN COUNT(*) = 0 THEN 1 ELSE 0 END) AS load_ts_ok FROM ${t.audit} ` +
      `WHERE dataset = ${dataset} AND load_ts = ${loadTs} AND batch_date <> ${batch}`,
    ...(args.rebuildFrom === undefined
      ? [
          `/* ${SCD2_STEPS.order} */ SELECT 1 / (CASE WHEN COUNT(*) = 0 THEN 1 ELSE 0 END) AS order_ok FROM ${t.audit} ` +
            `WHERE dataset = ${dataset} AND status = 'published' AND batch_date > ${batch}`,
        ]
      : []),
    ...(sizeGuard ? [sizeGuard] : []),
    `UPDATE ${t.audit} SET status = 'replaced' WHERE dataset = ${dataset} AND status = 'published' AND batch_date >= ${replayFrom}`,
    publishedAuditInsert(args, 'COUNT(*)', `${h} WHERE ${undone}`),
    `DELETE FROM ${h} WHERE ${undone}`,
    `UPDATE ${h} SET ${validTo} = CAST(NULL AS DATE), ${isCurrent} = TRUE WHERE ${validTo} >= ${replayFrom}${staysClosed}`,
    `UPDATE ${h} SET ${validTo} = ${batch}, ${isCurrent} = FALSE WHERE ${isCurrent} AND NOT ${sameInStage}`,
    `INSERT INTO ${h} (${cols.join(', ')}, ${validFrom}, ${validTo}, ${isCurrent}, ${lt}, ${rowHash})\n` +
      `SELECT ${cols.map((c) => `s.${c}`).join(', ')}, ${batch}, CAST(NULL AS DATE), TRUE, ${loadTs}, ${rowHashExpression(contract, 's')}\n` +
      `FROM ${t.stage} s WHERE NOT EXISTS (SELECT 1 FROM ${h} WHERE ${h}.${isCurrent} AND ${keyMatch(contract, h, 's')})`,
    `/* ${SCD2_STEPS.current} */ SELECT 1 / (CASE WHEN ${condition} THEN 1 ELSE 0 END) AS current_ok FROM ${h} WHERE ${isCurrent}`,
  ];
}

/** The stage checks' aggregates over the current versions (the read-back after an scd2 publish). */
export function currentVersionsChecksQuery(contract: DatasetContract): string {
  const t = tablesOf(contract);
  return `SELECT\n  ${checksSelectList(contract)}\nFROM ${t.history}\nWHERE ${SCD2_COLUMNS.isCurrent}`;
}

/** The latest batch date published into the dataset (as text, `latest`), or NULL when none is. */
export function latestAppliedBatchQuery(contract: DatasetContract): string {
  const t = tablesOf(contract);
  return `SELECT CAST(MAX(batch_date) AS VARCHAR(10)) AS latest FROM ${t.audit} WHERE dataset = ${literal(contract.name)} AND status = 'published'`;
}
