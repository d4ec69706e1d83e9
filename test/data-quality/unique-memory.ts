/**
 * Peak memory of the uniqueness check over N distinct bigint keys (plus one planted duplicate),
 * through QualityEvaluator.observe with a key-only contract, in batches of 65536 as a reader hands
 * them over. Prints one JSON line: keys, peak RSS (MB), seconds, the duplicate found.
 *   node --import tsx test/data-quality/unique-memory.ts [keys=10000000] [uniqueMemoryBytes]
 */
import { supplier, type DatasetContract } from '../../datasets/index.ts';
import { QualityEvaluator } from '../../data-quality/index.ts';

const keys = Number(process.argv[2] ?? 10_000_000);
const budget = process.argv[3] ? Number(process.argv[3]) : undefined;
const contract: DatasetContract = {
  ...supplier,
  columns: [supplier.columns[0]],
  quality: [
    { type: 'not_null', column: 's_suppkey', severity: 'error' },
    { type: 'unique', column: 's_suppkey', severity: 'error' },
  ],
};

const q = new QualityEvaluator(contract, { uniqueMemoryBytes: budget });
const batchRows = 65536;
const total = keys + 1; // the last row repeats an earlier key
const stride = 7_368_787; // coprime with most N: keys arrive in scrambled order
const t0 = performance.now();
let file = 0;
for (let start = 0; start < total; start += batchRows) {
  const n = Math.min(batchRows, total - start);
  const col = new Array<bigint>(n);
  for (let k = 0; k < n; k++) {
    const i = start + k;
    col[k] = i < keys ? BigInt(((i * stride) % keys) + 1) : BigInt(((12_345 * stride) % keys) + 1);
  }
  q.observe({ file: `part-${file++}.parquet`, firstRow: 1, numRows: n, columns: { s_suppkey: col } });
}
const t1 = performance.now();
const report = q.finish({ batchFolder: 'synthetic/', files: file });
const t2 = performance.now();
const unique = report.rules.find((r) => r.id === 'unique:s_suppkey')!;
console.log(JSON.stringify({
  keys,
  uniqueMemoryBytes: budget ?? 'default',
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  observeSeconds: +((t1 - t0) / 1000).toFixed(2),
  finishSeconds: +((t2 - t1) / 1000).toFixed(2),
  duplicates: unique.failed,
  firstDuplicate: unique.samples[0] ?? null,
  distinctEstimate: report.columns[0].distinctEstimate,
}));
