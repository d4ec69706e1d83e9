/**
 * Contract column names from the names a batch's files give their columns: lower case, every character
 * outside [a-z0-9_$] replaced by `_`, a leading digit or `$` prefixed with `_`, at most 127 characters.
 * When the result differs from the file's name (case aside: the run matches names case-insensitively),
 * the column keeps the file's name as `sourceName`. Two names that become one are refused (exit 2).
 */
import { ConfigError } from '../../core/errors.ts';

export interface ColumnName {
  name: string;
  /** The file's own name when `name` differs from it other than in case. */
  sourceName?: string;
}

export function contractColumnName(source: string): ColumnName {
  let name = source.toLowerCase().replace(/[^a-z0-9_$]/g, '_');
  if (!/^[a-z_]/.test(name)) name = `_${name}`;
  name = name.slice(0, 127);
  return name === source.toLowerCase() ? { name } : { name, sourceName: source };
}

/** Names for every source column, in order; refuses two that become the same contract name. */
export function contractColumnNames(sources: string[], file: string): ColumnName[] {
  const seen = new Map<string, string>();
  return sources.map((s) => {
    const n = contractColumnName(s);
    const before = seen.get(n.name);
    if (before !== undefined) {
      throw new ConfigError(`columns ${JSON.stringify(before)} and ${JSON.stringify(s)} would both be named ${n.name} in the contract`, { file },
        'rename one of them in the export');
    }
    seen.set(n.name, s);
    return n;
  });
}
