/**
 * unique: no loadable value of the column appears twice in the batch. The evaluator collects the
 * column's keys (64-bit, see hash.ts; across units and workers) and judges them at the end; this
 * module turns the repeated keys into the verdict. Byte level: keys are taken from the bytes.
 */
import type { ColumnRuleModule } from './rule-module.ts';

export const unique: ColumnRuleModule<null> = {
  type: 'unique',
  scope: 'column',
  counts: 'loadable',
  keys: true,
  compile(_decl, { column: c }) {
    return { params: null, description: `${c.name} holds no value twice` };
  },
  judgeKeys(state, count, samples) {
    state.failed = count;
    state.samples = samples.slice();
  },
  byteLevel() {
    return {};
  },
};

/** The message of a repeated key: where it was first seen. */
export function repeatedKeyMessage(value: string, firstFile: string, firstRow: number, sameFile: boolean): string {
  const where = sameFile ? `row ${firstRow} of the same file` : `${firstFile}, row ${firstRow}`;
  return `${value} repeats a key first seen at ${where}`;
}
