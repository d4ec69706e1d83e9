/**
 * pattern: every loadable text value matches a regular expression (compiled by ../pattern.ts: fixed
 * ASCII masks where the pattern allows, RegExp otherwise). Byte level: ASCII values are tested byte
 * by byte against the masks; other values, and patterns without masks, through the matcher.
 */
import type { QualityRule } from '../../datasets/index.ts';
import { compilePattern, fixedMasks, type Matcher } from '../pattern.ts';
import { typeText } from '../coerce.ts';
import type { ColumnRuleModule } from './rule-module.ts';
import { sqlString } from '../../core/sql-literal.ts';
import { ConfigError } from '../../core/errors.ts';

/** The declaration, as the contract types it (datasets/contract.ts). */
export type PatternDeclaration = Extract<QualityRule, { type: 'pattern' }>;

export interface PatternParams {
  match: Matcher;
  pattern: string;
  masks: Uint32Array | undefined;
}

export const pattern: ColumnRuleModule<PatternParams> = {
  type: 'pattern',
  scope: 'column',
  counts: 'loadable',
  compile(decl, ctx) {
    const rule = decl as unknown as PatternDeclaration;
    const c = ctx.column;
    if (ctx.kind !== 'string') ctx.bad(`pattern on ${c.name}: the column is ${typeText(c.type)}, not text`);
    let match: Matcher;
    try {
      match = compilePattern(rule.pattern);
    } catch (e) {
      return ctx.bad(`pattern on ${c.name} is not a regular expression: ${(e as Error).message}`);
    }
    return { params: { match, pattern: rule.pattern, masks: fixedMasks(rule.pattern) }, description: `${c.name} matches /${rule.pattern}/` };
  },
  values({ params }, show) {
    const { match } = params;
    return { test: (v) => match(v as string), message: (v) => `${show(v)} does not match /${params.pattern}/` };
  },
  sqlForm({ params }, column, col) {
    // POSIX regular expressions on both engines (Redshift's ~ also takes \d, \w, \s); JavaScript-only
    // syntax would mean something else there, so it is refused rather than run with another meaning.
    if (/\(\?|\\[pPkbB]|\\u/.test(params.pattern)) {
      throw new ConfigError(
        `pattern on ${column.name} (/${params.pattern}/) uses JavaScript-only syntax (lookaround, named groups, \\b, \\p, \\u) the warehouse's POSIX regular expressions read differently`,
        { column: column.name },
        'rewrite the pattern in POSIX terms, or check it with --quality-in stream',
      );
    }
    const text = column.type.kind === 'char' ? `RTRIM(${col})` : col;
    return `NOT (${text} ~ ${sqlString(params.pattern)})`;
  },
  byteLevel({ params }) {
    return { pattern: { match: params.match, masks: params.masks } };
  },
};
