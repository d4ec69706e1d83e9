/**
 * A run stopped by a signal (SIGTERM from AWS Batch on cancel, timeout or a host going away; SIGINT from a
 * terminal). Exit code 128 + the signal's number, as a shell reports a process the signal killed:
 * 143 for SIGTERM, 130 for SIGINT. Its one line is the reason the audit row and the run report record.
 */
import { constants } from 'node:os';
import { UserError } from '../core/errors.ts';

export type StopSignal = 'SIGTERM' | 'SIGINT';

export const STOP_SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

/** 143 for SIGTERM, 130 for SIGINT. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

export class TerminatedError extends UserError {
  readonly exitCode: number;
  constructor(readonly signal: StopSignal) {
    super(`terminated by ${signal}`, {}, 'nothing of this run was published (the previous copy stays); rerun the batch');
    this.exitCode = signalExitCode(signal);
  }

  /** "terminated by SIGTERM — …": the reason itself, without the class name. */
  override oneLine(): string {
    return `${this.message} — ${this.hint}`;
  }
}
