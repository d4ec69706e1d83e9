// The floor: how long zlib alone takes to compress the given text files, the way the partitioner does
// (raw deflate in 1 MiB blocks, sync-flushed, memLevel 9, at the given level), on `threads` worker
// threads side by side (each file to one thread, largest first).
//   node bench/zlib-floor.mjs <level> <threads> <file>…   ->   {"seconds": …, "bytes": …}
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as zlib from 'node:zlib';

const BLOCK = 1 << 20;

if (isMainThread) {
  const [level, threads, ...files] = process.argv.slice(2);
  const shares = Array.from({ length: Number(threads) }, () => ({ files: [], bytes: 0 }));
  const sized = files.map((f) => ({ f, size: statSync(f).size })).sort((a, b) => b.size - a.size);
  for (const { f, size } of sized) {
    const s = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    s.files.push(f);
    s.bytes += size;
  }
  const started = performance.now();
  const sizes = await Promise.all(
    shares.map(
      (s) =>
        new Promise((resolve, reject) => {
          const w = new Worker(new URL(import.meta.url), { workerData: { level: Number(level), files: s.files } });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ seconds, bytes: sizes.reduce((a, b) => a + b, 0) })}\n`);
} else {
  let bytes = 0;
  const block = Buffer.allocUnsafe(BLOCK);
  for (const f of workerData.files) {
    const fd = openSync(f, 'r');
    for (let n; (n = readSync(fd, block, 0, BLOCK)) > 0; ) {
      bytes += zlib.deflateRawSync(block.subarray(0, n), { level: workerData.level, memLevel: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH }).length;
    }
    closeSync(fd);
  }
  parentPort.postMessage(bytes);
}
