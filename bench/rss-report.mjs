// Preloaded into a benchmarked process (node --import ./rss-report.mjs …): on exit it writes the
// process's peak resident set (getrusage maxrss, every thread included) to $BENCH_RSS_FILE, in bytes.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
