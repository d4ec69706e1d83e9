/**
 * Named moments where a test can hold a run still and then signal it: with RL_PAUSE_AT=<name>[,<name>…]
 * in the environment, the first time the run reaches <name> it prints "paused at <name>" on stderr and
 * waits for SIGTERM or SIGINT, then carries on (so it meets the signal exactly there). Unset — as in
 * every real job — a pause point does nothing. Test-only: not part of the jobs' environment.
 *
 * Points: partition (parts open, worker threads busy), copy (first part or chunk staged, COPY
 * transaction open), commit (publish statements done, COMMIT not yet sent), committed (just after it),
 * audit (a failed run, before its audit row: where a second signal meets a shutdown in progress), advice
 * (published, the load lock and the warehouse given back, the storage advice not yet computed).
 */
import { once } from 'node:events';

const reached = new Set<string>();

export async function pausePoint(name: 'partition' | 'copy' | 'commit' | 'committed' | 'audit' | 'advice'): Promise<void> {
  const wanted = (process.env.RL_PAUSE_AT ?? '').split(',');
  if (!wanted.includes(name) || reached.has(name)) return;
  reached.add(name);
  const signalled = Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  process.stderr.write(`paused at ${name}\n`);
  // A signal listener does not keep the process alive: with nothing else open (after the warehouse is closed) it would end here.
  const alive = setInterval(() => undefined, 60_000);
  await signalled.finally(() => clearInterval(alive));
}
