/**
 * unique: no value of a column — or, with `columns`, no combination of several columns' values — appears
 * twice in the batch. It is also the rule the loader makes from the contract's `key` (composite keys
 * included) when no declared unique rule names exactly the key's columns, so the key is always enforced
 * and never reported twice. The pass collects each row's key exactly (key-check.ts: integers packed,
 * anything else hashed and every repeated hash confirmed on the values); this module turns the repeated
 * keys into the verdict.
 */
import type { DatasetContract } from '../../datasets/index.ts';
import type { KeyRuleModule } from './rule-module.ts';

export const unique: KeyRuleModule<null> = {
  type: 'unique',
  scope: 'key',
  compile(_decl, { columns }) {
    return { params: null, description: holdsNoKeyTwice(columns.map((c) => c.name)) };
  },
  implicit(contract: DatasetContract, columns) {
    return { params: null, description: `${holdsNoKeyTwice(columns.map((c) => c.name))} (the ${contract.name} contract's key)` };
  },
  judgeKeys(state, count, samples) {
    state.failed = count;
    state.samples = samples.slice();
  },
};

function holdsNoKeyTwice(names: string[]): string {
  return names.length === 1 ? `${names[0]} holds no value twice` : `(${names.join(', ')}) holds no combination of values twice`;
}

/** A key as messages show it: every column with its value, `(l_orderkey=3, l_linenumber=2)`. */
export function keyValueText(names: readonly string[], values: readonly string[]): string {
  return `(${names.map((n, i) => `${n}=${values[i]}`).join(', ')})`;
}

/** The message of a repeated key: the row, the key with every value, and where it was first seen. */
export function repeatedKeyMessage(file: string, row: number, key: string, firstFile: string, firstRow: number): string {
  const where = firstFile === file ? `row ${firstRow} of the same file` : `${firstFile}, row ${firstRow}`;
  return `${file} row ${row} repeats key ${key} first seen at ${where}`;
}
