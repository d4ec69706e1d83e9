/**
 * The smallest translation from our Redshift dialect to PostgreSQL (15 on a server, 18 in PGlite),
 * so the local warehouses run the very statements Redshift runs.
 *
 * Rules, applied to SQL text outside string literals, quoted identifiers and comments:
 * - drop `ENCODE x`, `BACKUP YES|NO`, `DISTSTYLE x`, `DISTKEY(…)` (and a bare column DISTKEY),
 *   `[COMPOUND|INTERLEAVED] SORTKEY(…)` (and a bare column SORTKEY, SORTKEY AUTO);
 * - `VARCHAR(MAX)` → `TEXT` (PostgreSQL has no MAX; TEXT is unbounded, widths are checked upstream);
 * - `LOCK a, b` → `LOCK TABLE a, b IN EXCLUSIVE MODE` (Redshift's LOCK takes no mode; EXCLUSIVE blocks
 *   every other writer and locker, like Redshift's, but still lets readers read);
 * - `CREATE USER x PASSWORD DISABLE` → `CREATE ROLE x LOGIN` (x plain, or a quoted IAM identity);
 * - a string literal containing a backslash → `E'…'`: Redshift reads backslash escapes in ordinary
 *   literals; PostgreSQL (standard_conforming_strings = on) reads them only in E'…'. Same bytes, same
 *   meaning.
 * - COPY … FROM 's3://…' is NOT translated: a local engine cannot read S3. The local adapters stream
 *   the manifest's parts through `localCopyStatement` instead. Asking for it throws.
 */
import { ConfigError } from '../core/errors.ts';
import { head, ident, qualifiedName } from './sql-text.ts';

export type Segment =
  | { kind: 'code'; text: string }
  | { kind: 'string'; text: string } // the whole literal, quotes included
  | { kind: 'identifier'; text: string } // "quoted identifier", quotes included
  | { kind: 'comment'; text: string };

/**
 * Splits SQL into code, string literals (Redshift rules: `''` and `\x` escapes), quoted identifiers
 * and comments, so rewrite rules never touch the inside of a literal.
 */
export function segments(sql: string): Segment[] {
  const out: Segment[] = [];
  let code = '';
  let i = 0;
  const flush = (): void => {
    if (code) out.push({ kind: 'code', text: code });
    code = '';
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'") {
      // A literal may carry an E / e prefix already (PostgreSQL form); it stays with the code before it.
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new ConfigError(`unterminated string literal in SQL: ${head(sql)}`);
        const d = sql[j];
        if (d === '\\') j += 2;
        else if (d === "'" && sql[j + 1] === "'") j += 2;
        else if (d === "'") break;
        else j += 1;
      }
      flush();
      out.push({ kind: 'string', text: sql.slice(i, j + 1) });
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new ConfigError(`unterminated quoted identifier in SQL: ${head(sql)}`);
        if (sql[j] === '"' && sql[j + 1] === '"') j += 2;
        else if (sql[j] === '"') break;
        else j += 1;
      }
      flush();
      out.push({ kind: 'identifier', text: sql.slice(i, j + 1) });
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const j = end === -1 ? sql.length : end;
      flush();
      out.push({ kind: 'comment', text: sql.slice(i, j) });
      i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new ConfigError(`unterminated comment in SQL: ${head(sql)}`);
      flush();
      out.push({ kind: 'comment', text: sql.slice(i, end + 2) });
      i = end + 2;
    } else {
      code += c;
      i += 1;
    }
  }
  flush();
  return out;
}

/** The statement's code with literals, identifiers and comments blanked out (for matching). */
function codeOnly(parts: Segment[]): string {
  return parts.map((p) => (p.kind === 'code' ? p.text : p.kind === 'comment' ? ' ' : '?')).join('');
}

const CODE_RULES: ReadonlyArray<[RegExp, string]> = [
  [/\s+ENCODE\s+[A-Za-z0-9_]+/gi, ''],
  [/\s*\bBACKUP\s+(?:YES|NO)\b/gi, ''],
  [/\s*\bDISTSTYLE\s+(?:ALL|EVEN|KEY|AUTO)\b/gi, ''],
  [/\s*\bDISTKEY\s*\([^)]*\)/gi, ''],
  [/\s*\b(?:COMPOUND\s+|INTERLEAVED\s+)?SORTKEY\s*\([^)]*\)/gi, ''],
  [/\s*\bSORTKEY\s+AUTO\b/gi, ''],
  [/\s+(?:DISTKEY|SORTKEY)\b/gi, ''],
  [/\bVARCHAR\s*\(\s*MAX\s*\)/gi, 'TEXT'],
];

/** Translates one Redshift statement for PostgreSQL / PGlite. Throws for COPY from S3. */
export function toLocalDialect(sql: string): string {
  const parts = segments(sql);
  const code = codeOnly(parts).trim();

  if (/^COPY\b/i.test(code)) {
    if (/\bFROM\s+STDIN\b/i.test(code) || parts.some((p) => p.kind === 'string' && p.text === "'/dev/blob'")) return sql;
    throw new ConfigError(
      `COPY from S3 cannot run on a local engine: ${head(sql, 80)}`,
      {},
      'local warehouses stream the manifest parts themselves (Warehouse.copyManifest)',
    );
  }

  const lock = /^LOCK\s+(?:TABLE\s+)?([A-Za-z0-9_.,\s]+?)\s*;?$/i.exec(code);
  if (lock && !/\bMODE\b/i.test(code)) {
    const tables = lock[1].split(',').map((s) => qualifiedName(s.trim()));
    return `LOCK TABLE ${tables.join(', ')} IN EXCLUSIVE MODE`;
  }

  const user = /^CREATE\s+USER\s+([A-Za-z0-9_]+|\?)\s+PASSWORD\s+DISABLE\s*;?$/i.exec(code);
  if (user) {
    // A quoted name is an IAM identity (sql-text.ts userIdent): kept quoted, as PostgreSQL needs it too.
    const name = user[1] === '?' ? parts.find((p) => p.kind === 'identifier')!.text : ident(user[1], 'user name');
    return `CREATE ROLE ${name} LOGIN`;
  }

  let out = '';
  for (const p of parts) {
    if (p.kind === 'code') out += CODE_RULES.reduce((s, [re, to]) => s.replace(re, to), p.text);
    else if (p.kind === 'string' && p.text.includes('\\') && !/(?:^|[^A-Za-z0-9_])[Ee]$/.test(out)) out += `E${p.text}`;
    else out += p.text;
  }
  return out;
}

/** Same as toLocalDialect. */
export const toPostgres = toLocalDialect;

/** CSV layout of the parts (manifest.package.csv). */
export interface LocalCsv {
  delimiter: string;
  quote: string;
  nullMarker: string;
}

/** A PostgreSQL string literal with standard_conforming_strings = on: only quotes doubled. */
function pgLiteral(s: string): string {
  if (s.includes('\0')) throw new ConfigError('a SQL literal may not contain a NUL character');
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The local engines' COPY for one part (or one chunk of one): the same CSV rules Redshift's COPY …
 * CSV reads — quote doubling as the only escape, NULL as the unquoted marker, a quoted marker is text.
 * `source` is 'STDIN' (PostgreSQL wire) or '/dev/blob' (PGlite).
 */
export function localCopyStatement(table: string, columns: readonly string[], csv: LocalCsv, source: 'STDIN' | '/dev/blob'): string {
  const cols = columns.map((c) => ident(c, 'column name')).join(', ');
  const from = source === 'STDIN' ? 'STDIN' : `'/dev/blob'`;
  return (
    `COPY ${qualifiedName(table)} (${cols}) FROM ${from} WITH (FORMAT csv, DELIMITER ${pgLiteral(csv.delimiter)}, ` +
    `QUOTE ${pgLiteral(csv.quote)}, ESCAPE ${pgLiteral(csv.quote)}, NULL ${pgLiteral(csv.nullMarker)})`
  );
}
