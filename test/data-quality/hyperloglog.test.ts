/** The distinct-count sketch stays within ~2 % from tens to millions of values. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HyperLogLog } from '../../data-quality/index.ts';
import { hashBigint, hashNumber, hashText } from '../../data-quality/hash.ts';

describe('HyperLogLog', () => {
  it('is 0 when empty and exact-ish for a handful of values', () => {
    const h = new HyperLogLog();
    assert.equal(h.estimate(), 0);
    for (const v of [1, 2, 3, 2, 1]) h.add(hashNumber(v));
    assert.equal(h.estimate(), 3);
  });

  for (const n of [1_000, 50_000, 1_000_000]) {
    it(`estimates ${n.toLocaleString('en-US')} distinct values within 2 % (numbers, bigints, text)`, () => {
      const hn = new HyperLogLog(), hb = new HyperLogLog(), ht = new HyperLogLog();
      for (let i = 0; i < n; i++) {
        hn.add(hashNumber(i));
        hn.add(hashNumber(i)); // repeats do not count
        hb.add(hashBigint(BigInt(i) * 100n - 99999n));
        ht.add(hashText(`Supplier#${String(i).padStart(9, '0')}`));
      }
      for (const [name, h] of [['numbers', hn], ['bigints', hb], ['text', ht]] as const) {
        const err = Math.abs(h.estimate() - n) / n;
        assert.ok(err < 0.02, `${name}: estimate ${h.estimate()} for ${n} (${(err * 100).toFixed(2)} %)`);
      }
    });
  }
});

describe('hashText', () => {
  it('gives the UTF-8 byte length alongside the hash', async () => {
    const { TEXT } = await import('../../data-quality/hash.ts');
    for (const s of ['', 'a', 'abc', 'é', '€'.repeat(34), '😀x', '\ud800', 'a\udc00b']) {
      hashText(s);
      assert.equal(TEXT.bytes, Buffer.byteLength(s, 'utf8'), JSON.stringify(s));
    }
    assert.notEqual(hashText('ab'), hashText('ba'));
    assert.notEqual(hashText('a'), hashText('a\u0000'));
  });
});
