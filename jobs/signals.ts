/**
 * SIGTERM and SIGINT for the CLI. A command that can stop cleanly (`run`, `start`, `partition`) gets an
 * AbortSignal: the first signal aborts it with a TerminatedError, the work stops and rolls back, the
 * failure is recorded, and the command ends with 128 + the signal's number. A second signal, or a
 * shutdown that takes longer than `graceMs` (AWS Batch sends SIGKILL 30 s after SIGTERM), exits at
 * once with the same code. Commands that cannot stop cleanly exit at once on the first signal.
 */
import type { Logger } from './log.ts';
import { STOP_SIGNALS, TerminatedError, signalExitCode, type StopSignal } from './terminated.ts';

/** How long a clean shutdown may take before the process exits anyway: well inside Batch's 30 s. */
export const SHUTDOWN_GRACE_MS = 20_000;

export interface Termination {
  /** Aborted (reason: a TerminatedError) on the first SIGTERM or SIGINT. */
  readonly signal: AbortSignal;
  /** The signal that arrived, if one did. */
  readonly received: TerminatedError | undefined;
  /** Removes the handlers (the command is over). */
  dispose(): void;
}

export interface TerminationOptions {
  /** Whether the command stops cleanly on its AbortSignal; if not, the first signal exits at once. */
  graceful: boolean;
  log: Logger;
  graceMs?: number;
  /** How the process ends at once (tests of this module pass their own). */
  exit?: (code: number) => void;
}

export function onTermination(opts: TerminationOptions): Termination {
  const controller = new AbortController();
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let received: TerminatedError | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  const handlers = new Map<StopSignal, () => void>();
  for (const name of STOP_SIGNALS) {
    const handler = (): void => {
      const code = signalExitCode(name);
      opts.log.endProgress();
      if (received || !opts.graceful) {
        process.stderr.write(`${received ? `second signal (${name})` : `terminated by ${name}`}: exiting at once with ${code}\n`);
        exit(code);
        return;
      }
      received = new TerminatedError(name);
      opts.log.warn(`received ${name}: stopping and rolling back; a second signal exits at once`);
      watchdog = setTimeout(() => {
        process.stderr.write(`shutdown after ${name} took longer than ${(opts.graceMs ?? SHUTDOWN_GRACE_MS) / 1000} s: exiting with ${code}\n`);
        exit(code);
      }, opts.graceMs ?? SHUTDOWN_GRACE_MS);
      watchdog.unref();
      controller.abort(received);
    };
    handlers.set(name, handler);
    process.on(name, handler);
  }
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      for (const [name, handler] of handlers) process.removeListener(name, handler);
      if (watchdog) clearTimeout(watchdog);
    },
  };
}
