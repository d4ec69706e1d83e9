// Preloaded into a benchmarked process (node --import ./rss-report.mjs …): on exit it writes the
// process's peak resident set (getrusage maxrss, every thread included, bytes) and its CPU seconds
// (user + system, every thread) to $BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    // "<peak RSS bytes> <CPU seconds, user + system, every thread>"
    writeFileSync(file, `${u.maxRSS * 1024} ${(u.userCPUTime + u.systemCPUTime) / 1e6}`);
  });
}
