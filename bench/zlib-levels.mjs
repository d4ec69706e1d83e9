// What each gzip level costs on a CSV text, the way the partitioner compresses it (raw deflate in blocks,
// sync-flushed, memLevel 9), on one thread: compressed bytes and CPU seconds (user + system, the median of
// the rounds, so a busy machine skews it less than wall time). Picks DEFAULT_GZIP_LEVEL (README, Benchmark).
//   node bench/zlib-levels.mjs <text file> [rounds=3] [block bytes=1048576] [levels=1,2,3,4,5,6]
//   -> one JSON line per level: {"level", "bytes", "cpuSeconds", "rounds": [...]}
// The text: the parts decompressed, e.g. `zcat bench/.data/out-ours-lineitem-gen-1000000/part-*.csv.gz`
// (npm run bench -- --keep leaves them there).
import { readFileSync } from 'node:fs';
import * as zlib from 'node:zlib';

const [file, rounds = '3', block = String(1 << 20), levels = '1,2,3,4,5,6'] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/zlib-levels.mjs <text file> [rounds] [block bytes] [levels]');
const text = readFileSync(file);
const size = Number(block);
for (const level of levels.split(',').map(Number)) {
  const cpu = [];
  let bytes = 0;
  for (let r = 0; r < Number(rounds); r++) {
    const start = process.cpuUsage();
    bytes = 0;
    for (let o = 0; o < text.length; o += size) {
      bytes += zlib.deflateRawSync(text.subarray(o, o + size), { level, memLevel: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH }).length;
    }
    const used = process.cpuUsage(start);
    cpu.push((used.user + used.system) / 1e6);
  }
  const sorted = [...cpu].sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ level, bytes, cpuSeconds: sorted[sorted.length >> 1], rounds: cpu })}\n`);
}
