/**
 * The dataset's load lock on Redshift, through the ledger in sql/load-lock.ts (Redshift has no advisory
 * locks). Shared by both Redshift adapters: it needs only query() and transaction().
 */
import { formatTimestamp } from '../../sql/sql-text.ts';
import { claimStatements, holderQuery, loadLockTable, releaseStatement } from '../../sql/load-lock.ts';
import { ConfigError } from '../../core/errors.ts';
import type { WarehouseLimits } from './limits.ts';
import type { LockHolder } from './lock-holder.ts';
import { pollLoadLock, type LoadLock, type LoadLockClaim } from './load-lock.ts';
import { StatementFailure } from './statement-failure.ts';
import type { Row } from './warehouse.ts';

interface SqlRunner {
  query(sql: string): Promise<Row[]>;
  transaction(statements: string[]): Promise<void>;
}

/**
 * How long a claim lives without its run: every statement between the claim and the publish (TRUNCATE,
 * COPY, the stage checks, the publish) at its full statement timeout, plus ten minutes. A killed run
 * blocks the dataset no longer than that.
 */
export function leaseMs(limits: WarehouseLimits): number {
  return 4 * limits.statementTimeoutMs + 10 * 60_000;
}

function holderOf(r: Row | undefined): LockHolder | undefined {
  if (!r) return undefined;
  return { runId: String(r.run_id), batchDate: String(r.batch_date), since: String(r.claimed_at), leaseUntil: `${String(r.lease_until)} UTC` };
}

export async function acquireLedgerLock(
  db: SqlRunner,
  claim: LoadLockClaim,
  where: string,
  limits: WarehouseLimits,
  clock: { now(): number; sleep(ms: number): Promise<void> } = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
): Promise<LoadLock> {
  const lookup = holderQuery(claim.schema, claim.dataset);
  try {
    await pollLoadLock({
      claim,
      where,
      pollMs: 2000,
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
      tryLock: async () => {
        const now = clock.now();
        await db.transaction(
          claimStatements({
            schema: claim.schema,
            dataset: claim.dataset,
            runId: claim.runId,
            batchDate: claim.batchDate,
            now: formatTimestamp(new Date(now)),
            leaseUntil: formatTimestamp(new Date(now + leaseMs(limits))),
          }),
        );
        const [r] = await db.query(lookup);
        return r?.run_id === claim.runId;
      },
      holder: async () => holderOf((await db.query(lookup))[0]),
    });
  } catch (e) {
    if (e instanceof StatementFailure && /load_lock/i.test(e.detail) && /does not exist/i.test(e.detail)) {
      throw new ConfigError(`the load-lock ledger ${loadLockTable(claim.schema)} is missing in ${where}`, {}, `run \`redshift-loader setup --dataset ${claim.dataset}\` once (it creates the table and its grants)`);
    }
    throw e;
  }
  return {
    release: async () => {
      await db.query(releaseStatement(claim.schema, claim.dataset, claim.runId)).catch(() => undefined);
    },
  };
}
