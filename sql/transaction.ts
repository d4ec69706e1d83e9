/**
 * What Redshift allows inside one transaction, checked before any engine runs it. Local engines are
 * more forgiving (PostgreSQL's TRUNCATE is transactional; Redshift's commits), so the local adapters
 * check here too: a statement list that would break on Redshift fails locally first.
 */
import { ConfigError } from '../core/errors.ts';
import { segments } from './local.ts';
import { head } from './sql-text.ts';

/** The most statements one Redshift transaction (one BatchExecuteStatement) may carry: every adapter checks here. */
export const MAX_TRANSACTION_STATEMENTS = 40;

/** Statements that commit or cannot run inside a Redshift transaction block. */
const NOT_IN_TRANSACTION = /^(TRUNCATE|VACUUM|BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|CREATE\s+DATABASE|DROP\s+DATABASE|CREATE\s+EXTERNAL\s+TABLE|ALTER\s+TABLE\s+\S+\s+APPEND)\b/i;

/** Throws ConfigError unless `statements` can run as one Redshift transaction (BatchExecuteStatement). */
export function checkRedshiftTransaction(statements: readonly string[]): void {
  if (statements.length === 0) throw new ConfigError('an empty transaction');
  if (statements.length > MAX_TRANSACTION_STATEMENTS) {
    throw new ConfigError(
      `a transaction of ${statements.length} statements; Redshift's BatchExecuteStatement takes at most ${MAX_TRANSACTION_STATEMENTS}`,
    );
  }
  statements.forEach((sql, i) => {
    const code = segments(sql)
      .filter((p) => p.kind !== 'comment')
      .map((p) => (p.kind === 'code' ? p.text : '?'))
      .join('')
      .trim();
    const m = NOT_IN_TRANSACTION.exec(code);
    if (m) {
      const why = m[1].toUpperCase() === 'TRUNCATE' ? ': TRUNCATE commits on Redshift (use DELETE, or run it as a step of its own)' : '';
      throw new ConfigError(`statement ${i + 1} (${head(sql, 60)}) cannot run inside a Redshift transaction${why}`);
    }
    if (code.replace(/;\s*$/, '').includes(';')) {
      throw new ConfigError(`statement ${i + 1} (${head(sql, 60)}) holds more than one statement`);
    }
  });
}
