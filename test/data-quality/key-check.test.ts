/**
 * The key check is exact, never probabilistic: integer tuples are packed without a hash, and a hashed key
 * is only a candidate until the values agree. A tiny injected hash makes every hashed tuple collide: a
 * colliding pair of distinct keys is not reported and a true duplicate is, with both ordinals. A small
 * memory budget forces the sort to spill and still finds a planted duplicate.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeBigint, KEY } from '../../data-quality/hash.ts';
import { ColumnKeys, KeyCheck, type KeyColumn } from '../../data-quality/key-check.ts';
import { TupleLayout } from '../../data-quality/tuple-key.ts';
import { QualityEvaluator } from '../../data-quality/index.ts';
import { datasets } from '../../datasets/index.ts';
import { batchOf, rows, rule } from './helpers.ts';

const bigintColumn = (name: string): KeyColumn => ({ name, form: 'bigint', integer: true, show: (s) => s });
const textColumn = (name: string): KeyColumn => ({ name, form: 'text', integer: false, show: (s) => JSON.stringify(s) });
/** Every hashed tuple gets the same 64-bit hash. */
const tinyHash = (): void => {
  KEY[0] = 0;
  KEY[1] = 42;
};

/** A check over the columns, fed one batch of rows (each row one component per column). */
function checkOf(columns: KeyColumn[], batch: Array<Array<bigint | string>>, options: ConstructorParameters<typeof KeyCheck>[2] = {}): KeyCheck {
  const sources = columns.map(() => new ColumnKeys());
  const check = new KeyCheck(columns, sources, options);
  for (const s of sources) s.begin(0, batch.length);
  batch.forEach((row, r) => row.forEach((v, c) => {
    if (typeof v === 'string') sources[c].addText(v, r);
    else {
      encodeBigint(v);
      sources[c].add(KEY[0], KEY[1], r);
    }
  }));
  check.assemble(0, batch.length);
  return check;
}

describe('key check: collisions are confirmed on the values', () => {
  it('text keys under a hash where everything collides: only the true duplicates are reported', () => {
    const check = checkOf([textColumn('t')], [['a'], ['b'], ['a'], ['c'], ['b'], ['a']], { hash: tinyHash });
    const { count, samples } = check.finish(10);
    assert.equal(count, 3, 'rows 2, 4 and 5 repeat; b and c only collide with a');
    assert.deepEqual(samples.map((s) => [s.ordinal, s.first, s.values]), [[2, 0, ['a']], [4, 1, ['b']], [5, 0, ['a']]]);
  });

  it('integer tuples outside the layout are hashed and confirmed: distinct colliding pairs pass, a repeat is found', () => {
    // negative values never pack: every tuple takes the (tiny) hash
    const batch: Array<Array<bigint>> = [[-1n, 2n], [-1n, 3n], [-2n, 2n], [-1n, 3n]];
    const { count, samples } = checkOf([bigintColumn('a'), bigintColumn('b')], batch, { hash: tinyHash }).finish(10);
    assert.equal(count, 1);
    assert.deepEqual(samples.map((s) => [s.ordinal, s.first, s.values]), [[3, 1, ['-1', '3']]]);
    const clean = checkOf([bigintColumn('a'), bigintColumn('b')], batch.slice(0, 3), { hash: tinyHash }).finish(10);
    assert.equal(clean.count, 0, 'a collision never refuses a correct batch');
  });

  it('integer tuples in the layout are packed exactly (the hash is never used)', () => {
    const never = (): void => assert.fail('an integer tuple in the layout was hashed');
    const { count, samples } = checkOf([bigintColumn('l_orderkey'), bigintColumn('l_linenumber')],
      [[1n, 1n], [1n, 2n], [2n, 1n], [(1n << 39n) + 5n, 7n], [1n, 2n]], { hash: never }).finish(10);
    assert.deepEqual([count, samples[0].ordinal, samples[0].first, samples[0].values], [1, 4, 1, ['1', '2']]);
  });

  it('through the evaluator: an injected tiny hash on a text key reports the true duplicate only', () => {
    const contract = { ...datasets.supplier, quality: [{ type: 'unique' as const, column: 's_phone', severity: 'error' as const }] };
    const ev = new QualityEvaluator(contract, { tupleHash: tinyHash });
    ev.observe(batchOf(rows(1, 6, { 5: { s_phone: rows(2, 2)[0].s_phone } }), 'a.parquet'));
    const r = rule(ev.finish({ batchFolder: 'x/', files: 1 }), 'unique:s_phone');
    assert.deepEqual([r.failed, r.samples[0].row], [1, 5]);
    assert.match(r.samples[0].message, /^a\.parquet row 5 repeats key \(s_phone="[0-9-]+"\) first seen at row 2 of the same file$/);
  });
});

describe('key check: shares from worker evaluators', () => {
  it('a text key and a composite key handed over as partials are judged on the values, across shares', () => {
    const contract = { ...datasets.supplier, quality: [{ type: 'unique' as const, columns: ['s_phone', 's_nationkey'], severity: 'error' as const }] };
    const main = new QualityEvaluator(contract, { tupleHash: tinyHash });
    const worker = new QualityEvaluator(contract, { partial: true });
    worker.observe(batchOf(rows(1, 4), 'a.parquet'));
    main.absorb(worker.takePartial());
    const phone = rows(3, 3)[0].s_phone;
    worker.observe(batchOf(rows(5, 8, { 6: { s_phone: phone, s_nationkey: 3 }, 7: { s_phone: phone, s_nationkey: 4 } }), 'b.parquet'));
    main.absorb(worker.takePartial());
    const r = rule(main.finish({ batchFolder: 'x/', files: 2 }), 'unique:s_phone,s_nationkey');
    assert.deepEqual([r.checked, r.failed], [8, 1], 'row 7 differs in s_nationkey: only a collision under the tiny hash');
    assert.equal(r.samples[0].message, `b.parquet row 2 repeats key (s_phone="${String(phone)}", s_nationkey=3) first seen at a.parquet, row 3`);
  });
});

describe('tuple layout', () => {
  it('LINEITEM at SF 1: 42 bits of order key and 21 of line number, packed and unpacked exactly', () => {
    // 23 + 3 bits needed; the 37 spare shared out (18 each, the remainder to the first column)
    const layout = TupleLayout.fromMaxima([6_000_000, 7])!;
    assert.deepEqual(layout.widths, [42, 21]);
    assert.equal(layout.pack([2 ** 42 - 1, 2 ** 21 - 1]), true);
    assert.deepEqual([KEY[0], KEY[1]], [0x7fffffff, 0xffffffff]);
    assert.deepEqual(layout.unpack(KEY[0], KEY[1]), [2n ** 42n - 1n, 2n ** 21n - 1n]);
    assert.equal(layout.pack([6_000_000_123, 3]), true);
    assert.deepEqual(layout.unpack(KEY[0], KEY[1]), [6_000_000_123n, 3n]);
    assert.equal(layout.pack([1, 0]), true);
    assert.deepEqual([KEY[0], KEY[1]], [0, 2 ** 21]);
    assert.equal(layout.pack([2 ** 42, 1]), false, 'beyond the layout: the tuple is hashed instead');
    assert.equal(layout.pack([-1, 1]), false, 'negative: hashed instead');
    assert.equal(TupleLayout.fromMaxima([2 ** 40, 2 ** 30]), undefined, '72 bits do not pack');
  });

  it('packs every layout exactly: the key is the values laid end to end, bit for bit (BigInt as the reference)', () => {
    let x = 12345;
    const next = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
    for (let t = 0; t < 3000; t++) {
      const k = 1 + (next() % 4);
      const widths: number[] = [];
      let left = 63;
      for (let c = 0; c < k; c++) {
        const w = Math.max(1, Math.min(53, left - (k - 1 - c), 1 + (next() % 53)));
        widths.push(w);
        left -= w;
      }
      const layout = new TupleLayout(widths);
      const values = widths.map((w) => {
        const r = next() % 3;
        const top = 2 ** w - 1;
        return r === 0 ? top : r === 1 ? 0 : Math.floor((next() / 2 ** 32) * top);
      });
      assert.equal(layout.pack(values), true);
      let want = 0n;
      values.forEach((v, c) => (want = (want << BigInt(widths[c])) | BigInt(v)));
      assert.equal((BigInt(KEY[0]) << 32n) | BigInt(KEY[1]), want, `${widths.join(",")} ${values.join(",")}`);
      assert.deepEqual(layout.unpack(KEY[0], KEY[1]), values.map(BigInt));
    }
  });
});

describe('key check: bounded memory', () => {
  it('a small budget spills sorted runs and still finds the planted composite duplicate with both ordinals', () => {
    const n = 60_000;
    const sources = [new ColumnKeys(), new ColumnKeys()];
    const check = new KeyCheck([bigintColumn('l_orderkey'), bigintColumn('l_linenumber')], sources, { memoryBytes: 64 * 1024 });
    for (let base = 0; base < n; base += 5000) {
      for (const s of sources) s.begin(base, 5000);
      for (let r = 0; r < 5000; r++) {
        const i = base + r;
        const order = i === n - 3 ? 1234 : Math.floor(i / 4) + 1; // row n-3 repeats (1234, 3): first at 1233*4 + 2
        const line = i === n - 3 ? 3 : (i % 4) + 1;
        encodeBigint(BigInt(order));
        sources[0].add(KEY[0], KEY[1], i);
        encodeBigint(BigInt(line));
        sources[1].add(KEY[0], KEY[1], i);
      }
      check.assemble(base, 5000);
    }
    assert.ok(check.spilledRuns > 0, 'the sort spilled');
    const { count, samples } = check.finish(5);
    assert.equal(count, 1);
    assert.deepEqual(samples.map((s) => [s.ordinal, s.first, s.values]), [[n - 3, 1233 * 4 + 2, ['1234', '3']]]);
  });

  it('through the evaluator at the same budget: the planted duplicate with both files and rows, and no spill file left', () => {
    const spillDir = mkdtempSync(join(tmpdir(), 'rl-key-spill-'));
    try {
      const ev = new QualityEvaluator({ ...datasets.partsupp, quality: [] }, { uniqueMemoryBytes: 64 * 1024, spillDir });
      const unit = 5000;
      for (let base = 0; base < 60_000; base += unit) {
        const part = new Float64Array(unit);
        const supp = new Float64Array(unit);
        for (let r = 0; r < unit; r++) {
          const i = base + r === 59_990 ? 4321 : base + r; // repeats row 4321's (part, supplier)
          part[r] = Math.floor(i / 4) + 1;
          supp[r] = (i % 4) * 25 + 1;
        }
        const b = ev.begin(`part-${Math.floor(base / 10_000)}.parquet`, (base % 10_000) + 1, unit);
        assert.equal(ev.byteLevel(0).checkNumbers(part, null, unit, 0, b), true);
        assert.equal(ev.byteLevel(1).checkNumbers(supp, null, unit, 0, b), true);
      }
      const r = rule(ev.finish({ batchFolder: 'x/', files: 6 }), 'unique:ps_partkey,ps_suppkey');
      assert.deepEqual([r.checked, r.failed], [60_000, 1]);
      assert.deepEqual(r.samples[0], {
        file: 'part-5.parquet', row: 9991, value: '(ps_partkey=1081, ps_suppkey=26)',
        message: 'part-5.parquet row 9991 repeats key (ps_partkey=1081, ps_suppkey=26) first seen at part-0.parquet, row 4322',
      });
      assert.deepEqual(readdirSync(spillDir), [], 'the spill files are removed');
    } finally {
      rmSync(spillDir, { recursive: true, force: true });
    }
  });
});
