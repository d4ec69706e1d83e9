import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import type { ManifestEntry } from '../manifest.ts';
import type { ObjectStore, WriteResult } from '../store/object-store.ts';

interface Part {
  uri: string;
  gzip: Gzip;
  done: Promise<WriteResult>;
  rows: number;
  textBytes: number;
}

/**
 * k gzip parts written side by side. Each block of whole rows goes to the part with the fewest bytes so
 * far, so parts come out even in size and the assignment is a pure function of the input (the same input
 * gives the same parts). zlib compresses on libuv's thread pool, so k parts keep every core busy while
 * the main thread encodes.
 */
export class PartSet {
  private readonly parts: Part[];
  private failure: unknown;

  constructor(store: ObjectStore, outUri: string, count: number, gzipLevel: number) {
    this.parts = Array.from({ length: count }, (_, i) => {
      const uri = store.join(outUri, `part-${String(i).padStart(5, '0')}.csv.gz`);
      const gzip = createGzip({ level: gzipLevel, chunkSize: 1 << 16 });
      const done = store.write(uri, gzip, 'application/gzip');
      done.catch((e) => {
        this.failure ??= e;
      });
      return { uri, gzip, done, rows: 0, textBytes: 0 };
    });
  }

  get count(): number {
    return this.parts.length;
  }

  /** Appends whole CSV rows to the smallest part; waits when that part's gzip stream is full. */
  async append(block: Buffer, rows: number): Promise<void> {
    if (this.failure) throw this.failure;
    let target = this.parts[0];
    for (const p of this.parts) if (p.textBytes < target.textBytes) target = p;
    target.rows += rows;
    target.textBytes += block.length;
    if (!target.gzip.write(block)) {
      await Promise.race([once(target.gzip, 'drain'), target.done.then(() => undefined)]);
      if (this.failure) throw this.failure;
    }
  }

  /** Closes every part and returns the manifest entries, in part order. */
  async finish(): Promise<ManifestEntry[]> {
    for (const p of this.parts) p.gzip.end();
    const results = await Promise.all(this.parts.map((p) => p.done));
    return results.map((r, i) => ({
      url: r.uri,
      mandatory: true,
      meta: { content_length: r.size, record_count: this.parts[i].rows, sha256: r.sha256 },
    }));
  }

  /** Stops writing; no part appears under its real name. */
  async abort(): Promise<void> {
    for (const p of this.parts) p.gzip.destroy(new Error('partitioning aborted'));
    await Promise.allSettled(this.parts.map((p) => p.done));
  }
}
