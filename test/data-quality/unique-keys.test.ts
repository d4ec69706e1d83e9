/** Exact duplicate detection in bounded memory: radix-sorted runs, spilled and merged. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UniqueKeys } from '../../data-quality/index.ts';
import { inKeyOrder, radixSort } from '../../data-quality/unique-keys.ts';
import { decodeBigint, decodeNumber, encodeBigint, encodeNumber, KEY } from '../../data-quality/hash.ts';
import { lastJson } from '../support/json.ts';

/** Deterministic pseudo-random numbers (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

interface Dup { key: string; ord: number; first: number }

/** The duplicates a Map finds, in the same form as UniqueKeys reports them. */
function bruteForce(keys: Array<[number, number]>): Dup[] {
  const first = new Map<string, number>();
  const out: Dup[] = [];
  keys.forEach(([hi, lo], ord) => {
    const k = `${hi}:${lo}`;
    const f = first.get(k);
    if (f === undefined) first.set(k, ord);
    else out.push({ key: k, ord, first: f });
  });
  return out.sort((a, b) => a.ord - b.ord);
}

function run(keys: Array<[number, number]>, memoryBytes: number, spillDir?: string): { dups: Dup[]; tracker: UniqueKeys } {
  const t = new UniqueKeys({ memoryBytes, spillDir });
  keys.forEach(([hi, lo], ord) => t.add(hi, lo, ord));
  const dups: Dup[] = [];
  t.finish((hi, lo, ord, first) => dups.push({ key: `${hi}:${lo}`, ord, first }));
  return { dups: dups.sort((a, b) => a.ord - b.ord), tracker: t };
}

describe('radixSort', () => {
  it('sorts (hi, lo) keys and keeps equal keys in ordinal order', () => {
    const next = rng(7);
    const n = 5000;
    const hi = new Uint32Array(n), lo = new Uint32Array(n), ord = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      hi[i] = next() % 3; // few distinct high words: many equal keys, skipped digit passes
      lo[i] = next() % 1000;
      ord[i] = i;
    }
    const expected = [...Array(n).keys()].sort((a, b) => hi[a] - hi[b] || lo[a] - lo[b] || a - b);
    const b = [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)] as const;
    const inB = radixSort(n, hi, lo, ord, b[0], b[1], b[2], new Uint32Array(4 * 65536));
    const sortedOrd = inB ? b[2] : ord;
    assert.deepEqual([...sortedOrd], expected);
  });

  it('orders encoded bigints and numbers as their values, and decodes them back', () => {
    const bigs = [-(2n ** 63n), -5n, -1n, 0n, 1n, 2n ** 32n, 2n ** 63n - 1n];
    const enc = bigs.map((v) => (encodeBigint(v), [KEY[0], KEY[1]] as const));
    for (let i = 1; i < enc.length; i++) assert.ok(enc[i - 1][0] < enc[i][0] || (enc[i - 1][0] === enc[i][0] && enc[i - 1][1] < enc[i][1]));
    enc.forEach(([h, l], i) => assert.equal(decodeBigint(h, l), bigs[i]));
    const nums = [-1e300, -2.5, -1, -0.5, 0, 1e-300, 0.5, 1, 3, 2 ** 40, 1e300];
    const encN = nums.map((v) => (encodeNumber(v), [KEY[0], KEY[1]] as const));
    for (let i = 1; i < encN.length; i++) assert.ok(encN[i - 1][0] < encN[i][0] || (encN[i - 1][0] === encN[i][0] && encN[i - 1][1] < encN[i][1]), `${nums[i]}`);
    encN.forEach(([h, l], i) => assert.equal(decodeNumber(h, l), nums[i]));
    encodeNumber(-0);
    const negZero = [KEY[0], KEY[1]];
    encodeNumber(0);
    assert.deepEqual(negZero, [KEY[0], KEY[1]], '-0 and 0 are one key');
  });
});

describe('inKeyOrder (a run already sorted skips the sort)', () => {
  const words = (xs: number[]): Uint32Array => Uint32Array.from(xs);
  it('accepts keys in order, equal keys in ordinal order', () => {
    assert.equal(inKeyOrder(4, words([0, 0, 1, 1]), words([5, 5, 0, 7]), words([0, 1, 2, 3])), true);
    assert.equal(inKeyOrder(0, words([]), words([]), words([])), true);
  });
  it('refuses a key smaller than the one before, in either word, and equal keys out of ordinal order', () => {
    assert.equal(inKeyOrder(2, words([1, 0]), words([0, 9]), words([0, 1])), false);
    assert.equal(inKeyOrder(2, words([1, 1]), words([9, 8]), words([0, 1])), false);
    assert.equal(inKeyOrder(2, words([1, 1]), words([9, 9]), words([5, 4])), false);
  });
  it('finds the same repeats in sorted, nearly sorted and shuffled input, across runs and spills', () => {
    const next = rng(11);
    const sorted: Array<[number, number]> = [];
    for (let i = 0; i < 30000; i++) sorted.push([i >>> 12, i % 4096 === 77 && i > 0 ? (i - 1) & 0xfff : i & 0xfff]);
    const nearly = sorted.map((k) => [...k] as [number, number]);
    for (let i = 0; i < 20; i++) {
      const a = next() % nearly.length;
      const b = next() % nearly.length;
      [nearly[a], nearly[b]] = [nearly[b], nearly[a]];
    }
    for (const keys of [sorted, nearly]) {
      const want = bruteForce(keys);
      assert.ok(want.length > 0);
      for (const mem of [64 * 1024 * 1024, 200_000]) assert.deepEqual(run(keys, mem).dups, want);
    }
  });
});

describe('UniqueKeys', () => {
  const next = rng(42);
  const keys: Array<[number, number]> = [];
  for (let i = 0; i < 20_000; i++) keys.push([next() % 4, next() % 30_000]); // ~25 % repeats
  const expected = bruteForce(keys);

  it('finds every repeated occurrence with the ordinal of the first, in memory', () => {
    const { dups, tracker } = run(keys, 256 * 1024 * 1024);
    assert.equal(tracker.spilledRuns, 0);
    assert.ok(expected.length > 1000);
    assert.deepEqual(dups, expected);
  });

  it('finds the same through many spilled runs, and removes its spill folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dq-spill-test-'));
    try {
      const { dups, tracker } = run(keys, 16 * 1024, dir);
      assert.ok(tracker.spilledRuns >= 10, `spilled ${tracker.spilledRuns} runs`);
      assert.deepEqual(dups, expected);
      assert.deepEqual(readdirSync(dir), [], 'spill folder removed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports nothing for distinct keys, and nothing for no keys', () => {
    const distinct: Array<[number, number]> = [];
    for (let i = 0; i < 5000; i++) distinct.push([0x80000000, (i * 2654435761) >>> 0]);
    assert.deepEqual(run(distinct, 16 * 1024).dups, []);
    assert.deepEqual(run([], 16 * 1024).dups, []);
  });

  it('checks 2M keys in well under 300 MB of RSS (child process; 10M: see unique-memory.ts)', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/data-quality/unique-memory.ts', '2000000'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    assert.equal(child.status, 0, child.stderr);
    const result = lastJson<{ duplicates: number; firstDuplicate: { file: string; row: number }; peakRssMB: number }>(child.stdout);
    assert.equal(result.duplicates, 1);
    assert.equal(result.firstDuplicate.file, 'part-30.parquet');
    assert.equal(result.firstDuplicate.row, 2_000_000 - 30 * 65536 + 1);
    assert.ok(result.peakRssMB < 300, `peak RSS ${result.peakRssMB} MB`);
  });
});

describe('UniqueKeys over runs that do not overlap (keys in key order)', () => {
  /** Every sink call, in the order finish() makes them. */
  function calls(keys: Array<[number, number]>, memoryBytes: number): { seen: Dup[]; kind: UniqueKeys['mergeKind']; spilled: number } {
    const t = new UniqueKeys({ memoryBytes });
    keys.forEach(([hi, lo], ord) => t.add(hi, lo, ord));
    const seen: Dup[] = [];
    t.finish((hi, lo, ord, first) => seen.push({ key: `${hi}:${lo}`, ord, first }));
    return { seen, kind: t.mergeKind, spilled: t.spilledRuns };
  }
  /** The brute force's repeats in the order the merge reports them: by key (unsigned hi, lo), then ordinal. */
  function inMergeOrder(keys: Array<[number, number]>): Dup[] {
    return bruteForce(keys).sort((a, b) => {
      const [ah, al] = a.key.split(':').map(Number);
      const [bh, bl] = b.key.split(':').map(Number);
      return ah - bh || al - bl || a.ord - b.ord;
    });
  }
  // 1,024-key runs (the smallest), spilled to the file; 4 MB: runs kept in memory, then spilled.
  for (const memoryBytes of [1024 * 48, 4 * 1024 * 1024]) {
    it(`scans them one by one and reports what the merge reports (memory ${memoryBytes} bytes)`, () => {
      // Ascending keys across both words, with repeats inside runs only (ordinals 500-502 of each 1,024).
      const keys: Array<[number, number]> = [];
      let k = 0xfffff000;
      for (let i = 0; i < 300_000; i++) {
        if (i % 1024 < 500 || i % 1024 > 502) k++;
        keys.push([Math.floor(k / 2 ** 32), k >>> 0]);
      }
      const r = calls(keys, memoryBytes);
      assert.equal(r.kind, 'disjoint');
      assert.deepEqual(r.seen, inMergeOrder(keys));
      assert.ok(r.seen.length > 500);
    });
  }

  it('merges runs that share a key at their edge, and reports that repeat across them', () => {
    const keys: Array<[number, number]> = [];
    for (let i = 0; i < 5000; i++) keys.push([0, i === 1024 ? 1023 : i]); // ordinal 1024 opens the second run with the first's last key
    const r = calls(keys, 1024 * 48);
    assert.equal(r.kind, 'heap');
    assert.deepEqual(r.seen, [{ key: '0:1023', ord: 1024, first: 1023 }]);
  });

  it('merges runs in any order when their ranges interleave, and orders disjoint runs that arrive out of order', () => {
    const interleaved: Array<[number, number]> = [];
    for (let i = 0; i < 4096; i++) interleaved.push([0, (i % 1024) * 4 + Math.floor(i / 1024)]);
    interleaved.push([0, 7]);
    const a = calls(interleaved, 1024 * 48);
    assert.equal(a.kind, 'heap');
    assert.deepEqual(a.seen, inMergeOrder(interleaved));

    const descendingRuns: Array<[number, number]> = [];
    for (let run = 3; run >= 0; run--) for (let i = 0; i < 1024; i++) descendingRuns.push([run, i === 9 ? 8 : i]);
    const b = calls(descendingRuns, 1024 * 48);
    assert.equal(b.kind, 'disjoint');
    assert.deepEqual(b.seen, inMergeOrder(descendingRuns));
    assert.equal(b.seen.length, 4);
  });
});
