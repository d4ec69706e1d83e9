/**
 * Memory and time of the composite-key check at scale: N (l_orderkey, l_linenumber) pairs (default
 * 100,000,000) through the real code path the Parquet fast path takes — a QualityEvaluator on LINEITEM's
 * contract cut to its two key columns and their rules, fed units of 1,000,000 rows as typed arrays through
 * begin() and the byte-level checkNumbers (no JS value per cell), with the partitioner's 24 MiB sort budget
 * — and one duplicate planted near the end, which must be found with both rows. Prints the peak RSS of the
 * whole process (process.resourceUsage().maxRSS), the time, and the duplicate's message; exit 1 when the
 * duplicate is not found exactly, or the peak is above 512 MiB.
 *
 *   npx tsx bench/composite-keys.ts [rows]
 *
 * Keys are TPC-H's: sparse order keys (the first 8 of every 32), four lines per order.
 */
import { datasets, type DatasetContract } from '../datasets/index.ts';
import { QualityEvaluator, qualityErrorFrom } from '../data-quality/index.ts';

const ROWS = Number(process.argv[2] ?? 100_000_000);
const UNIT = 1_000_000;
const LINES = 4;
/** The partitioner's budget for the uniqueness check (jobs/partition/partition.ts UNIQUE_MEMORY_BYTES). */
const SORT_BYTES = 24 * 1024 * 1024;
const LIMIT = 512 * 1024 * 1024;

const orderKey = (order: number): number => Math.floor(order / 8) * 32 + (order % 8) + 1;

const full = datasets.lineitem;
const keyColumns = new Set(full.key);
const contract: DatasetContract = {
  ...full,
  columns: full.columns.filter((c) => keyColumns.has(c.name)),
  quality: full.quality.filter((r) => 'column' in r && keyColumns.has(r.column)),
  checksums: { sum: [], minMax: [] },
};

// Row DUP (near the end) repeats the key of row FIRST.
const DUP = ROWS - 7;
const FIRST = 1234;

const started = process.hrtime.bigint();
const ev = new QualityEvaluator(contract, { uniqueMemoryBytes: SORT_BYTES });
const orders = new Float64Array(UNIT);
const lines = new Float64Array(UNIT);
for (let start = 0; start < ROWS; start += UNIT) {
  const n = Math.min(UNIT, ROWS - start);
  for (let r = 0; r < n; r++) {
    const i = start + r === DUP ? FIRST : start + r;
    orders[r] = orderKey(Math.floor(i / LINES));
    lines[r] = (i % LINES) + 1;
  }
  const file = `lineitem-${String(Math.floor(start / (10 * UNIT))).padStart(3, '0')}.parquet`;
  const base = ev.begin(file, (start % (10 * UNIT)) + 1, n);
  if (!ev.byteLevel(0).checkNumbers(orders.subarray(0, n), null, n, 0, base)) throw new Error('l_orderkey left the byte-level path');
  if (!ev.byteLevel(1).checkNumbers(lines.subarray(0, n), null, n, 0, base)) throw new Error('l_linenumber left the byte-level path');
}
const fed = process.hrtime.bigint();
const report = ev.finish({ batchFolder: 'bench/', files: Math.ceil(ROWS / (10 * UNIT)) });
const done = process.hrtime.bigint();

const peak = process.resourceUsage().maxRSS * 1024;
const key = report.rules.find((r) => r.id === 'unique:l_orderkey,l_linenumber')!;
const line = qualityErrorFrom(report)?.oneLine() ?? '(no error)';
const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
const s = (a: bigint, b: bigint): string => `${(Number(b - a) / 1e9).toFixed(1)} s`;
console.log(`${ROWS.toLocaleString('en-US')} (l_orderkey, l_linenumber) keys: peak RSS ${mib(peak)}, ${s(started, done)} (feeding ${s(started, fed)}, sort/merge/judge ${s(fed, done)}); Node ${process.version}; ${key.checked.toLocaleString('en-US')} keys checked, ${key.failed} repeated`);
console.log(line);
const expected = `row ${(DUP % (10 * UNIT)) + 1} repeats key (l_orderkey=${orderKey(Math.floor(FIRST / LINES))}, l_linenumber=${(FIRST % LINES) + 1}) first seen at`;
const firstAt = DUP < 10 * UNIT ? `row ${FIRST + 1} of the same file` : `lineitem-000.parquet, row ${FIRST + 1}`;
const ok = key.failed === 1 && key.checked === ROWS && key.samples[0].message.includes(`${expected} ${firstAt}`);
if (!ok) {
  console.error(`FAILED: expected exactly one repeat: …${expected} ${firstAt}`);
  process.exit(1);
}
if (peak > LIMIT) {
  console.error(`FAILED: peak RSS ${mib(peak)} is above ${mib(LIMIT)}`);
  process.exit(1);
}
