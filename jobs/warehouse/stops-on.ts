/**
 * A warehouse whose calls stop on an AbortSignal (SIGTERM/SIGINT, jobs/signals.ts). The run talks to
 * the warehouse through this wrapper; it records a failure through the unwrapped adapter, which an
 * abort leaves open.
 *
 * - A call started after the abort fails at once with the signal's reason.
 * - An abort during a call asks the adapter to cancel() it, waits until the call has settled (its
 *   transaction rolled back), and then fails with the signal's reason, whatever error the engine gave.
 * - A call that still succeeds (e.g. COMMIT finished before the cancel reached the engine) returns its
 *   result: what the engine committed stands, and the caller decides what that means.
 */
import type { LoadLockClaim } from './load-lock.ts';
import type { CopyManifestArgs, LoadLock, Row, Warehouse } from './warehouse.ts';

export function stopsOn(signal: AbortSignal | undefined, wh: Warehouse): Warehouse {
  if (!signal) return wh;
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    signal.throwIfAborted();
    let cancelled: Promise<void> | undefined;
    const onAbort = (): void => {
      cancelled = wh.cancel().catch(() => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await work();
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Never leave a cancel in flight: it must not land on the next statement (the audit row).
      await cancelled;
    }
  };
  return {
    get name() {
      return wh.name;
    },
    get dialect() {
      return wh.dialect;
    },
    query: (sql: string): Promise<Row[]> => guard(() => wh.query(sql)),
    transaction: (statements: string[]): Promise<void> => guard(() => wh.transaction(statements)),
    copyManifest: (args: CopyManifestArgs): Promise<number> => guard(() => wh.copyManifest(args)),
    slices: (): Promise<number | undefined> => guard(() => wh.slices()),
    // The wait for another run's lock stops on the signal too (it polls; nothing to cancel on the server).
    acquireLoadLock: (claim: LoadLockClaim): Promise<LoadLock> => guard(() => wh.acquireLoadLock({ ...claim, signal })),
    cancel: () => wh.cancel(),
    close: () => wh.close(),
  };
}
