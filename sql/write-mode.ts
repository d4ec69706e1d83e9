/**
 * The publish per write mode (the contract's `writeMode`): which statements publish a staged batch and
 * which query reads back what was published.
 *
 * - snapshot and append share the ledgered replace (sql/load.ts): the batch's rows go in stamped with
 *   the run's load_ts, and a rerun of the batch first deletes the copy the earlier run published. A
 *   snapshot batch is a full copy of the source; an append batch is that day's facts only — the same
 *   statements, a different promise about what the files hold.
 * - scd2 applies the batch as a full snapshot of a dimension to its versions (sql/scd2.ts).
 */
import type { DatasetContract } from '../datasets/contract.ts';
import { writeModeOf } from '../datasets/contract.ts';
import { historyChecksQuery, publishStatements } from './load.ts';
import { currentVersionsChecksQuery, scd2PublishStatements, type Scd2PublishArgs } from './scd2.ts';

/** The publish transaction of the contract's write mode. `rebuildFrom` is for scd2 only. */
export function publishStatementsFor(args: Scd2PublishArgs): string[] {
  if (writeModeOf(args.contract) === 'scd2') return scd2PublishStatements(args);
  return publishStatements(args);
}

/**
 * The read-back after the publish committed, compared with the manifest: the rows of this load_ts
 * (snapshot, append), or the current versions (scd2: a version opened by an earlier batch stays).
 */
export function publishedChecksQuery(contract: DatasetContract, loadTs: string): string {
  return writeModeOf(contract) === 'scd2' ? currentVersionsChecksQuery(contract) : historyChecksQuery(contract, loadTs);
}
