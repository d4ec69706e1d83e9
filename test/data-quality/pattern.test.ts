/** Patterns compiled to bitmaps mean exactly what the RegExp means. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePattern } from '../../data-quality/index.ts';
import { fixedMasks } from '../../data-quality/pattern.ts';

const cases: Array<[string, boolean, string[]]> = [
  // pattern, compiled to a bitmap?, values to try
  ['^[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{4}$', true, ['27-918-335-1736', '27-918-335-173', '27-918-335-17366', '2a-918-335-1736', '27-918-335-173٣', '27_918-335-1736', '']],
  ['^\\d{3}\\.[A-Fa-f_]x$', true, ['123.ax', '123.Fx', '123._x', '123.gx', '123ax', '12.3ax']],
  ['^[\\w-]{2}\\$$', true, ['a-$', '__$', 'a $', 'ab']],
  ['^[0-9]+$', false, ['1', '123', '', '1a']],
  ['^(a|b)$', false, ['a', 'b', 'c']],
  ['[0-9]{2}', false, ['x12y', 'x1y']],
  ['^[^0-9]{2}$', false, ['ab', 'a1', 'éé']],
  ['^é{2}$', false, ['éé', 'ee']],
  ['^a\\$', false, ['a$', 'a']],
];

describe('compilePattern', () => {
  for (const [pattern, fixed, values] of cases) {
    it(`${pattern} ${fixed ? 'as a bitmap' : 'through RegExp'} agrees with RegExp`, () => {
      assert.equal(fixedMasks(pattern) !== undefined, fixed);
      const match = compilePattern(pattern);
      const re = new RegExp(pattern);
      for (const v of values) assert.equal(match(v), re.test(v), JSON.stringify(v));
    });
  }

  it('throws on an invalid regular expression', () => {
    assert.throws(() => compilePattern('(['), SyntaxError);
  });
});
