/**
 * Exact duplicate detection over any number of 64-bit keys in bounded memory.
 *
 * Each key arrives as (hi, lo) with its ordinal (its position in the pass, 0-based). Entries collect
 * in runs of fixed size (12 bytes an entry: three Uint32Arrays). A full run is sorted by a stable LSD
 * radix sort on the key (16-bit digits; digits every key shares are skipped), so entries with equal
 * keys stay in ordinal order, and kept in memory. When the sorted runs would exceed the memory
 * budget they are written to one temporary spill file and dropped. finish() k-way merges all runs
 * (memory and file, the latter read in blocks) and reports, for every repeated key, each later
 * occurrence with the ordinal of the first: the whole input in key order, duplicates adjacent. Runs
 * whose key ranges do not overlap (keys that arrive in key order) are scanned one by one instead.
 *
 * Memory: 24 bytes × run size (the filling run and the sort's scratch) + 1 MB of digit counts +
 * the sorted runs kept in memory, all within `memoryBytes`. 10M keys in 256 MB: no spill, ~146 MB.
 * Ordinals are Uint32: at most 4,294,967,295 keys per pass.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface UniqueKeysOptions {
  /** Memory budget in bytes for buffers, sort scratch and kept runs (default 256 MB). */
  memoryBytes?: number;
  /** Parent folder of the temporary spill folder (default: the OS temp folder). */
  spillDir?: string;
}

/** Called for each repeated occurrence: its key, its ordinal, and the ordinal of the key's first occurrence. */
export type DuplicateSink = (hi: number, lo: number, ordinal: number, firstOrdinal: number) => void;

/** A sorted run's smallest and largest key (its first and last entry). */
interface KeyRange {
  firstHi: number;
  firstLo: number;
  lastHi: number;
  lastLo: number;
}

interface MemoryRun extends KeyRange {
  seq: number;
  hi: Uint32Array;
  lo: Uint32Array;
  ord: Uint32Array;
  length: number;
}

interface FileRun extends KeyRange {
  seq: number;
  /** Byte offset of the run in the spill file: hi words, then lo words, then ordinals. */
  offset: number;
  length: number;
}

const DIGITS = 1 << 16;
const MAX_RUN = 1 << 20;
const MIN_RUN = 1 << 10;
const MAX_ORDINAL = 0xffffffff;

export class UniqueKeys {
  readonly memoryBytes: number;
  private readonly runCapacity: number;
  private readonly spillParent: string;
  private hi: Uint32Array;
  private lo: Uint32Array;
  private ord: Uint32Array;
  private n = 0;
  private scratch?: { hi: Uint32Array; lo: Uint32Array; ord: Uint32Array; counts: Uint32Array };
  private memoryRuns: MemoryRun[] = [];
  private keptBytes = 0;
  private fileRuns: FileRun[] = [];
  private spill?: { dir: string; path: string; fd: number; size: number };
  private seq = 0;
  /** Keys added so far. */
  count = 0;
  /** Runs written to the spill file so far. */
  spilledRuns = 0;
  /** How finish() found the duplicates: one run scanned, disjoint runs scanned in key order, or the k-way merge. */
  mergeKind: 'single' | 'disjoint' | 'heap' | undefined;
  private finished = false;

  constructor(options: UniqueKeysOptions = {}) {
    this.memoryBytes = Math.max(options.memoryBytes ?? 256 * 1024 * 1024, 1);
    this.runCapacity = Math.min(MAX_RUN, Math.max(MIN_RUN, Math.floor(this.memoryBytes / 48)));
    this.spillParent = options.spillDir ?? tmpdir();
    this.hi = new Uint32Array(this.runCapacity);
    this.lo = new Uint32Array(this.runCapacity);
    this.ord = new Uint32Array(this.runCapacity);
  }

  /** Adds one key. Hot path: three typed-array stores. */
  add(hi: number, lo: number, ordinal: number): void {
    if (this.n === this.runCapacity) this.seal();
    const i = this.n++;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.ord[i] = ordinal;
  }

  /** Merges everything, calls `sink` for every repeated occurrence, and removes the spill file. */
  finish(sink: DuplicateSink): void {
    if (this.finished) throw new Error('UniqueKeys.finish called twice');
    this.finished = true;
    try {
      if (this.n > 0) this.seal(true);
      this.merge(sink);
    } finally {
      this.dispose();
    }
  }

  /** Frees memory and removes the spill folder (also after an aborted pass). */
  dispose(): void {
    this.memoryRuns = [];
    this.scratch = undefined;
    this.hi = this.lo = this.ord = new Uint32Array(0);
    if (this.spill) {
      closeSync(this.spill.fd);
      rmSync(this.spill.dir, { recursive: true, force: true });
      this.spill = undefined;
    }
  }

  private seal(last = false): void {
    const n = this.n;
    this.count += n;
    if (this.count > MAX_ORDINAL) throw new RangeError('more than 4,294,967,295 keys in one pass');
    const s = (this.scratch ??= {
      hi: new Uint32Array(this.runCapacity),
      lo: new Uint32Array(this.runCapacity),
      ord: new Uint32Array(this.runCapacity),
      counts: new Uint32Array(4 * DIGITS),
    });
    // Batches often arrive in key order (a table exported by its key): such a run is sorted already.
    const inScratch = inKeyOrder(n, this.hi, this.lo, this.ord) ? false : radixSort(n, this.hi, this.lo, this.ord, s.hi, s.lo, s.ord, s.counts);
    const [hi, lo, ord] = inScratch ? [s.hi, s.lo, s.ord] : [this.hi, this.lo, this.ord];
    const run: MemoryRun = {
      seq: this.seq++, hi, lo, ord, length: n,
      firstHi: hi[0], firstLo: lo[0], lastHi: hi[n - 1], lastLo: lo[n - 1],
    };
    // The arrays that hold the run now belong to it; the other set becomes the scratch, and a new
    // filling run is allocated only if more keys can come (seal() at finish is the last).
    if (inScratch) {
      s.hi = this.hi;
      s.lo = this.lo;
      s.ord = this.ord;
    }
    this.memoryRuns.push(run);
    this.keptBytes += 12 * this.runCapacity;
    this.n = 0;
    const fixed = 24 * this.runCapacity + 4 * 4 * DIGITS;
    if (this.keptBytes + fixed > this.memoryBytes) this.spillRuns();
    if (last) return;
    this.hi = new Uint32Array(this.runCapacity);
    this.lo = new Uint32Array(this.runCapacity);
    this.ord = new Uint32Array(this.runCapacity);
  }

  private spillRuns(): void {
    if (!this.spill) {
      const dir = mkdtempSync(join(this.spillParent, 'redshift-loader-unique-'));
      const path = join(dir, 'runs.bin');
      this.spill = { dir, path, fd: openSync(path, 'w+'), size: 0 };
    }
    const sp = this.spill;
    for (const run of this.memoryRuns) {
      const offset = sp.size;
      for (const words of [run.hi, run.lo, run.ord]) {
        const bytes = Buffer.from(words.buffer, words.byteOffset, run.length * 4);
        let done = 0;
        while (done < bytes.length) done += writeSync(sp.fd, bytes, done, bytes.length - done, sp.size + done);
        sp.size += bytes.length;
      }
      this.fileRuns.push({ seq: run.seq, offset, length: run.length, firstHi: run.firstHi, firstLo: run.firstLo, lastHi: run.lastHi, lastLo: run.lastLo });
      this.spilledRuns++;
    }
    this.memoryRuns = [];
    this.keptBytes = 0;
  }

  private merge(sink: DuplicateSink): void {
    const cursors: Cursor[] = [];
    const blockEntries = this.fileRuns.length
      ? Math.max(256, Math.min(1 << 16, Math.floor(this.memoryBytes / (2 * 12 * this.fileRuns.length))))
      : 0;
    for (const r of this.fileRuns) cursors.push(new FileCursor(this.spill!.fd, r, blockEntries));
    for (const r of this.memoryRuns) cursors.push(new MemoryCursor(r));
    const live = cursors.filter((c) => c.fill());
    live.sort((a, b) => a.seq - b.seq);
    if (live.length <= 1) {
      this.mergeKind = 'single';
      if (live.length === 1) scanSingle(live[0], sink);
      return;
    }
    // Runs whose key ranges do not overlap (keys that arrive in order: a table exported by its key) share no
    // key: scanned one after another in key order, they report exactly what the merge would, without a heap.
    const byFirst = live.slice().sort((a, b) => compareKeys(a.range.firstHi, a.range.firstLo, b.range.firstHi, b.range.firstLo));
    let disjoint = true;
    for (let i = 1; i < byFirst.length && disjoint; i++) {
      const p = byFirst[i - 1].range;
      const c = byFirst[i].range;
      disjoint = compareKeys(p.lastHi, p.lastLo, c.firstHi, c.firstLo) < 0;
    }
    this.mergeKind = disjoint ? 'disjoint' : 'heap';
    if (disjoint) for (const c of byFirst) scanSingle(c, sink);
    else mergeCursors(live, sink);
  }
}

/** True when the first n entries are already in the order radixSort gives: by key, equal keys by ordinal. */
export function inKeyOrder(n: number, hi: Uint32Array, lo: Uint32Array, ord: Uint32Array): boolean {
  for (let i = 1; i < n; i++) {
    const a = hi[i - 1];
    const b = hi[i];
    if (a < b) continue;
    if (a > b) return false;
    const c = lo[i - 1];
    const d = lo[i];
    if (c < d) continue;
    if (c > d || ord[i - 1] > ord[i]) return false;
  }
  return true;
}

/** Stable LSD radix sort of (hi, lo) keys carrying ordinals; returns true when the result is in the b arrays. */
export function radixSort(
  n: number,
  aHi: Uint32Array, aLo: Uint32Array, aOrd: Uint32Array,
  bHi: Uint32Array, bLo: Uint32Array, bOrd: Uint32Array,
  counts: Uint32Array,
): boolean {
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const h = aHi[i];
    const l = aLo[i];
    counts[l & 0xffff]++;
    counts[DIGITS + (l >>> 16)]++;
    counts[2 * DIGITS + (h & 0xffff)]++;
    counts[3 * DIGITS + (h >>> 16)]++;
  }
  let sHi = aHi, sLo = aLo, sOrd = aOrd, dHi = bHi, dLo = bLo, dOrd = bOrd;
  let inB = false;
  for (let pass = 0; pass < 4 && n > 0; pass++) {
    const base = pass * DIGITS;
    const high = pass >= 2;
    const shift = pass & 1 ? 16 : 0;
    const first = ((high ? sHi[0] : sLo[0]) >>> shift) & 0xffff;
    if (counts[base + first] === n) continue; // every key has this digit
    let sum = 0;
    for (let d = 0; d < DIGITS; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    const words = high ? sHi : sLo;
    for (let i = 0; i < n; i++) {
      const j = counts[base + ((words[i] >>> shift) & 0xffff)]++;
      dHi[j] = sHi[i];
      dLo[j] = sLo[i];
      dOrd[j] = sOrd[i];
    }
    [sHi, dHi] = [dHi, sHi];
    [sLo, dLo] = [dLo, sLo];
    [sOrd, dOrd] = [dOrd, sOrd];
    inB = !inB;
  }
  return inB;
}

/** Unsigned order of two (hi, lo) keys: negative, 0 or positive. */
function compareKeys(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return aHi !== bHi ? aHi - bHi : aLo - bLo;
}

abstract class Cursor {
  hi: Uint32Array = new Uint32Array(0);
  lo: Uint32Array = new Uint32Array(0);
  ord: Uint32Array = new Uint32Array(0);
  pos = 0;
  end = 0;
  constructor(
    readonly seq: number,
    readonly range: KeyRange,
  ) {}
  /** Makes pos < end true, reading the next block if needed; false when the run is exhausted. */
  abstract fill(): boolean;
}

class MemoryCursor extends Cursor {
  private done = false;
  constructor(run: MemoryRun) {
    super(run.seq, run);
    this.hi = run.hi;
    this.lo = run.lo;
    this.ord = run.ord;
    this.end = run.length;
  }
  fill(): boolean {
    if (this.pos < this.end) return true;
    if (!this.done) {
      this.done = true;
      this.hi = this.lo = this.ord = new Uint32Array(0);
    }
    return false;
  }
}

class FileCursor extends Cursor {
  private next = 0;
  constructor(
    private readonly fd: number,
    private readonly run: FileRun,
    private readonly block: number,
  ) {
    super(run.seq, run);
  }
  fill(): boolean {
    if (this.pos < this.end) return true;
    const left = this.run.length - this.next;
    if (left <= 0) return false;
    const k = Math.min(this.block, left);
    if (this.hi.length < k) {
      this.hi = new Uint32Array(k);
      this.lo = new Uint32Array(k);
      this.ord = new Uint32Array(k);
    }
    const { offset, length } = this.run;
    this.read(this.hi, k, offset + 4 * this.next);
    this.read(this.lo, k, offset + 4 * (length + this.next));
    this.read(this.ord, k, offset + 4 * (2 * length + this.next));
    this.next += k;
    this.pos = 0;
    this.end = k;
    return true;
  }
  private read(into: Uint32Array, k: number, position: number): void {
    const bytes = Buffer.from(into.buffer, into.byteOffset, k * 4);
    let done = 0;
    while (done < bytes.length) {
      const got = readSync(this.fd, bytes, done, bytes.length - done, position + done);
      if (got === 0) throw new Error('spill file ended early');
      done += got;
    }
  }
}

function scanSingle(c: Cursor, sink: DuplicateSink): void {
  let has = false;
  let pHi = 0, pLo = 0, first = 0;
  do {
    const { hi, lo, ord, end } = c;
    for (let i = c.pos; i < end; i++) {
      const h = hi[i];
      const l = lo[i];
      if (has && h === pHi && l === pLo) sink(h, l, ord[i], first);
      else {
        has = true;
        pHi = h;
        pLo = l;
        first = ord[i];
      }
    }
    c.pos = end;
  } while (c.fill());
}

/** k-way merge with a binary heap ordered by (hi, lo, seq): equal keys come out in ordinal order. */
function mergeCursors(cursors: Cursor[], sink: DuplicateSink): void {
  const heap = cursors.slice();
  const less = (a: Cursor, b: Cursor): boolean => {
    const ah = a.hi[a.pos], bh = b.hi[b.pos];
    if (ah !== bh) return ah < bh;
    const al = a.lo[a.pos], bl = b.lo[b.pos];
    if (al !== bl) return al < bl;
    return a.seq < b.seq;
  };
  const down = (i: number): void => {
    const n = heap.length;
    const x = heap[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && less(heap[c + 1], heap[c])) c++;
      if (!less(heap[c], x)) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = x;
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  let has = false;
  let pHi = 0, pLo = 0, first = 0;
  while (heap.length > 0) {
    const c = heap[0];
    const h = c.hi[c.pos];
    const l = c.lo[c.pos];
    const o = c.ord[c.pos];
    if (has && h === pHi && l === pLo) sink(h, l, o, first);
    else {
      has = true;
      pHi = h;
      pLo = l;
      first = o;
    }
    c.pos++;
    if (!c.fill()) {
      const last = heap.pop()!;
      if (heap.length === 0) break;
      heap[0] = last;
    }
    down(0);
  }
}
