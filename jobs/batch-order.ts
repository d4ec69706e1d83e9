/**
 * An scd2 dimension is a chain of batches applied in date order: each batch closes and opens versions
 * against the one before it. Before any data moves, a run refuses a batch older than the latest one
 * applied (exit 2, saying how to replay), unless `--rebuild-from DATE` asks to replay history from
 * DATE; a rerun of the latest batch is allowed (it changes nothing when the files are the same). The
 * publish transaction checks the order again under its lock (sql/scd2.ts), for a run that raced past.
 */
import type { DatasetContract } from '../datasets/index.ts';
import { writeModeOf } from '../datasets/index.ts';
import { ConfigError } from '../core/errors.ts';
import { latestAppliedBatchQuery } from '../sql/scd2.ts';

type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

/** Throws ConfigError (exit 2) when the batch may not be applied now; `rebuildFrom` is `--rebuild-from`. */
export async function checkBatchOrder(contract: DatasetContract, batchDate: string, rebuildFrom: string | undefined, query: Query): Promise<void> {
  if (writeModeOf(contract) !== 'scd2') {
    if (rebuildFrom !== undefined) {
      throw new ConfigError(`--rebuild-from replays an scd2 history; dataset ${contract.name} is written in mode ${writeModeOf(contract)}`, {}, 'drop --rebuild-from: a rerun of a batch already replaces it');
    }
    return;
  }
  if (rebuildFrom !== undefined) {
    if (rebuildFrom > batchDate) {
      throw new ConfigError(`--rebuild-from ${rebuildFrom} is after the batch date ${batchDate}`, {}, `run --date ${rebuildFrom} --rebuild-from ${rebuildFrom}, then the later days in order`);
    }
    return;
  }
  const [row] = await query(latestAppliedBatchQuery(contract));
  const latest = typeof row?.latest === 'string' ? row.latest : undefined;
  if (latest !== undefined && batchDate < latest) {
    throw new ConfigError(
      `batch ${batchDate} of ${contract.name} is older than the latest batch applied to ${contract.schema}.${contract.historyTable} (${latest}): an scd2 history takes batches in date order`,
      {},
      `to replay history from ${batchDate}, run this batch with --rebuild-from ${batchDate}, then every later day up to ${latest} in order`,
    );
  }
}
