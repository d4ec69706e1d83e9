/** The shard cut (jobs/shards/cut.ts) and the exact merge of shard figures (exact-decimal.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutShards } from '../../jobs/shards/cut.ts';
import { addDecimal, compareDecimal, pick, sumOf } from '../../jobs/shards/exact-decimal.ts';

describe('cutShards', () => {
  const files = [
    { uri: 'a.parquet', size: 1000, rowGroups: [100, 100, 100, 100, 100] },
    { uri: 'b.csv', size: 300 },
    { uri: 'c.parquet', size: 1000, rowGroups: [100, 0, 100, 100, 100, 100] },
  ];

  it('covers every row group once, in order, and evens the weight', () => {
    for (const n of [1, 2, 3, 5, 11]) {
      const cut = cutShards(files, n);
      assert.equal(cut.length, n, `${n} shards`);
      const seen: string[] = [];
      for (const s of cut) {
        assert.ok(s.slices.length > 0, 'no empty shard');
        for (const sl of s.slices) {
          if (!sl.rowGroups) seen.push(`${sl.file}`);
          else for (let g = sl.rowGroups[0]; g < sl.rowGroups[1]; g++) if (files[sl.file].rowGroups![g] > 0) seen.push(`${sl.file}:${g}`);
        }
      }
      assert.deepEqual(seen, ['0:0', '0:1', '0:2', '0:3', '0:4', '1', '2:0', '2:2', '2:3', '2:4', '2:5']);
      const total = cut.reduce((s, x) => s + x.weight, 0);
      assert.equal(total, 1300);
      for (const s of cut) assert.ok(Math.abs(s.weight - total / n) <= 300, `shard ${s.index} of ${n}: ${s.weight}`);
    }
  });

  it('never makes more shards than units: a text file is never split', () => {
    assert.equal(cutShards([{ uri: 'x.csv', size: 10 }], 8).length, 1);
    assert.equal(cutShards(files, 100).length, 11);
  });
});

describe('exact decimal merge', () => {
  it('adds and orders decimal text without a double', () => {
    assert.equal(addDecimal('9007199254740993.01', '0.99'), '9007199254740994.00');
    assert.equal(addDecimal('-1.5', '1.25'), '-0.25');
    assert.equal(sumOf(null, '3'), '3');
    assert.equal(compareDecimal('-0.10', '-0.09'), -1);
    assert.equal(pick('9007199254740993', '9007199254740992', 'max', compareDecimal), '9007199254740993');
    assert.equal(pick(null, '2', 'min', compareDecimal), '2');
  });
});
