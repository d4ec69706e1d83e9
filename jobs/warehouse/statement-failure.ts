import { LoadError } from '../../core/errors.ts';

/**
 * A statement of a query or transaction failed: names which one (0-based `index`) and carries the
 * engine's own error text (`detail`) and SQLSTATE when the engine gives one. Prints as a LoadError
 * (exit 5): the transaction rolled back, so a retry is safe.
 */
export class StatementFailure extends LoadError {
  constructor(
    message: string,
    /** 0-based index of the failing statement. */
    readonly index: number,
    /** The engine's own error text. */
    readonly detail: string,
    /** SQLSTATE, e.g. '22012' for division by zero. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

/** The first line of a statement, shortened, for messages. */
export function statementHead(sql: string, max = 100): string {
  const one = sql.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Wraps an engine error raised by statement `index` of `statements`. */
export function statementFailure(e: unknown, index: number, statements: readonly string[]): StatementFailure {
  const err = e as { message?: string; code?: string };
  const detail = String(err?.message ?? e).replace(/\s+/g, ' ').trim();
  const which = statements.length > 1 ? `statement ${index + 1} of ${statements.length}` : 'statement';
  const f = new StatementFailure(
    `${which} failed: ${detail} — ${statementHead(statements[index] ?? '')}`,
    index,
    detail,
    typeof err?.code === 'string' ? err.code : undefined,
  );
  (f as { cause?: unknown }).cause = e;
  return f;
}
