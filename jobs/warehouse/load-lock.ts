/**
 * One loader per dataset at a time in the warehouse phase (issue 9, item 8). The stage table belongs to
 * the dataset, not the batch: two runs of one dataset that overlap between "empty the stage" and
 * "publish" would load each other's rows (the loser then failed with "staged 0, manifest N"). So the run
 * takes the dataset's load lock before it empties the stage and releases it after the publish.
 *
 * - PostgreSQL: a session-level advisory lock, pg_try_advisory_lock(LOCK_CLASS, key(dataset)), on the
 *   adapter's one connection (one session for the whole run). The session's application_name carries
 *   the run tag (`rl <run id> <dataset> <batch>`), so a waiting run can name the holder. A killed run's
 *   session ends and the lock with it.
 * - PGlite: the same advisory lock (it cannot conflict in-process); the real exclusion between processes
 *   is the data directory's lock file (dir-lock.ts), which carries the same run tag.
 * - Redshift: no advisory locks; a ledger row in `<schema>.load_lock` (sql/load-lock.ts).
 *
 * A second run waits, polling, up to --lock-timeout and then proceeds; past it, LoadError (exit 5)
 * "another run of supplier 2026-01-02 (run id …) is loading".
 */
import { LoadError } from '../../core/errors.ts';
import type { Logger } from '../log.ts';
import { duration, LOCK_WAIT_LOG_MS } from './limits.ts';
import { describeHolder, type LockHolder } from './lock-holder.ts';

export interface LoadLockClaim {
  dataset: string;
  /** Schema of the dataset's tables (the Redshift ledger lives there). */
  schema: string;
  batchDate: string;
  runId: string;
  /** How long to wait for another run's lock; then LoadError. */
  timeoutMs: number;
  log?: Logger;
  /** SIGTERM/SIGINT (jobs/signals.ts): stops the wait at once. */
  signal?: AbortSignal;
}

export interface LoadLock {
  /** Gives the lock back; never throws (a lost session has released it already). */
  release(): Promise<void>;
}

/** First key of our advisory locks: 'RLLK', so they are recognisable in pg_locks. */
export const LOCK_CLASS = 0x524c4c4b;

/** Second key: FNV-1a of the dataset name, 31 bits (pg_locks shows keys as unsigned oids). */
export function loadLockKey(dataset: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(dataset, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 1;
}

/** `rl <run id> <dataset> <batch>`, at most 63 bytes (PostgreSQL's application_name limit). */
export function runTag(c: { runId: string; dataset: string; batchDate: string }): string {
  return Buffer.from(`rl ${c.runId} ${c.dataset} ${c.batchDate}`, 'utf8').subarray(0, 63).toString('utf8').replace(/\uFFFD$/, '');
}

/** The facts of a run tag (undefined when the text is not one). */
export function parseRunTag(text: string | undefined): Pick<LockHolder, 'runId' | 'dataset' | 'batchDate'> | undefined {
  const m = /^rl (\S+) (\S+) (\S+)$/.exec(text ?? '');
  return m ? { runId: m[1], dataset: m[2], batchDate: m[3] } : undefined;
}

/** The one line for a run that gave up waiting for the dataset's load lock. */
export function anotherRunError(claim: LoadLockClaim, holder: LockHolder | undefined, where: string): LoadError {
  const batch = holder?.batchDate ?? '';
  const who = holder?.runId ? ` (run id ${holder.runId}${holder.pid !== undefined ? `, pid ${holder.pid}` : ''}${holder.leaseUntil ? `, lease until ${holder.leaseUntil}` : ''})` : holder ? ` (${describeHolder(holder)})` : '';
  return new LoadError(
    `another run of ${claim.dataset}${batch ? ` ${batch}` : ''}${who} is loading into ${where}; gave up after waiting ${duration(claim.timeoutMs)}`,
    {},
    'let it finish, then rerun this batch (or raise --lock-timeout to wait longer)',
  );
}

export interface PollLockArgs {
  claim: LoadLockClaim;
  /** Where, for messages (the warehouse's name). */
  where: string;
  /** One attempt; true when the lock is now ours. */
  tryLock: () => Promise<boolean>;
  /** Who holds it now (best effort). */
  holder: () => Promise<LockHolder | undefined>;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Tries, then polls until the claim's timeout; logs once who it waits for after LOCK_WAIT_LOG_MS. */
export async function pollLoadLock(a: PollLockArgs): Promise<void> {
  const now = a.now ?? (() => Date.now());
  const sleep = a.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  let logged = false;
  let first: LockHolder | undefined;
  let waitedAtAll = false;
  for (;;) {
    a.claim.signal?.throwIfAborted();
    if (await a.tryLock()) {
      if (waitedAtAll) {
        const who = first ? ` for ${describeHolder(first)}` : '';
        a.claim.log?.info(`took the load lock of ${a.claim.dataset} after waiting ${duration(now() - started)}${who}`);
      }
      return;
    }
    if (!waitedAtAll) {
      waitedAtAll = true;
      first = await a.holder().catch(() => undefined);
    }
    const waited = now() - started;
    if (waited >= a.claim.timeoutMs) throw anotherRunError(a.claim, await a.holder().catch(() => undefined), a.where);
    if (!logged && waited >= LOCK_WAIT_LOG_MS) {
      logged = true;
      const h = await a.holder().catch(() => undefined);
      a.claim.log?.warn(
        `waiting ${duration(waited)} for the load lock of ${a.claim.dataset}: ${h ? `held by ${describeHolder(h)}` : 'held by another run'} (gives up after ${duration(a.claim.timeoutMs)})`,
      );
    }
    await sleep(Math.min(a.pollMs ?? 250, Math.max(1, a.claim.timeoutMs - waited)));
  }
}
