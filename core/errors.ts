/**
 * Errors a user can cause. Each carries the exit code the CLI ends with and prints as one line.
 * Exit codes: 0 ok, 2 bad usage or config, 3 drift blocked the run, 4 quality blocked it,
 * 5 load or reconciliation failed, 1 anything unexpected; 143/130 stopped by SIGTERM/SIGINT (jobs/terminated.ts).
 * Batch retries only 1, 5 and 143.
 */
export interface Where {
  file?: string;
  /** 1-based row number inside the file (data rows; a header does not count). */
  row?: number;
  column?: string;
  rule?: string;
}

export abstract class UserError extends Error {
  abstract readonly exitCode: number;
  readonly where: Where;
  /** What the user can do about it. */
  readonly hint?: string;
  constructor(message: string, where: Where = {}, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.where = where;
    this.hint = hint;
  }
  /** The one line a terminal shows: what, where, and what to do. */
  oneLine(): string {
    const at: string[] = [];
    if (this.where.file) at.push(this.where.file);
    if (this.where.row !== undefined) at.push(`row ${this.where.row}`);
    if (this.where.column) at.push(`column ${this.where.column}`);
    if (this.where.rule) at.push(`rule ${this.where.rule}`);
    const place = at.length ? ` (${at.join(', ')})` : '';
    const hint = this.hint ? ` — ${this.hint}` : '';
    return `${this.name}: ${this.message}${place}${hint}`.replace(/\s*\n\s*/g, ' ');
  }
}

/** Bad flags, unknown dataset, unreachable configuration. */
export class ConfigError extends UserError {
  readonly exitCode = 2;
}

/** The batch's schema broke the contract. */
export class DriftError extends UserError {
  readonly exitCode = 3;
}

/** The batch's values broke the contract: unreadable files, empty batches, values Redshift would reject, cut or round. */
export class QualityError extends UserError {
  readonly exitCode = 4;
}

/** Loading or reconciling failed; safe to retry. */
export class LoadError extends UserError {
  readonly exitCode = 5;
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
