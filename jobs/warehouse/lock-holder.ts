/**
 * Who holds a lock, as an engine can tell it (PostgreSQL: pg_stat_activity; Redshift: SVV_TRANSACTIONS;
 * our own load lock: the holder's run id), and the one-line phrases messages are built from.
 */
export interface LockHolder {
  pid?: number;
  user?: string;
  /** The holder's application name (PostgreSQL), e.g. psql or another loader's run tag. */
  application?: string;
  /** 'idle in transaction', 'active', … (PostgreSQL). */
  state?: string;
  /** When its transaction (or session) started, as the engine prints it. */
  since?: string;
  /** A loader run holding our load lock. */
  runId?: string;
  dataset?: string;
  batchDate?: string;
  /** When a lease-based claim (Redshift ledger) expires. */
  leaseUntil?: string;
}

/** "pid 123 (user alice, application psql, idle in transaction since 2026-01-02 03:04:05)". */
export function describeHolder(h: LockHolder): string {
  const facts: string[] = [];
  if (h.user) facts.push(`user ${h.user}`);
  if (h.runId) facts.push(`run id ${h.runId}`);
  else if (h.application) facts.push(`application ${h.application}`);
  const since = h.since ? ` since ${h.since}` : '';
  if (h.state) facts.push(`${h.state}${since}`);
  else if (since) facts.push(since.trim());
  if (h.leaseUntil) facts.push(`lease until ${h.leaseUntil}`);
  const who = h.pid !== undefined ? `pid ${h.pid}` : 'a session';
  return facts.length ? `${who} (${facts.join(', ')})` : who;
}

export function describeHolders(hs: readonly LockHolder[]): string {
  return hs.map(describeHolder).join(' and ');
}
