/**
 * Throughput of QualityEvaluator.observe over synthetic SUPPLIER rows (all rules of the contract).
 *   node --import tsx test/data-quality/bench-observe.ts [rows=1000000] [batchRows=65536] [rounds=3]
 * Prints the best of `rounds` rows/s with s_acctbal given as decimal text (what the Parquet reader
 * hands over for DECIMAL) and as a double (a DOUBLE column), and coercion alone for comparison.
 */
import { supplier } from '../../datasets/index.ts';
import type { ColumnBatch, Value } from '../../core/values.ts';
import { QualityEvaluator, coercerFor } from '../../data-quality/index.ts';

const total = Number(process.argv[2] ?? 1_000_000);
const batchRows = Number(process.argv[3] ?? 65536);
const words = ['furiously', 'carefully', 'blithely', 'final', 'pending', 'ironic', 'regular', 'express', 'deposits', 'requests', 'accounts', 'packages'];

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Strings as a reader hands them over: decoded from UTF-8 bytes, flat (not concatenation trees). */
const flat = (s: string): string => decoder.decode(encoder.encode(s));

/** The batches of the pass, made one at a time (a reader holds one row group, not the whole input). */
function* makeBatches(acctbalAsText: boolean): Generator<ColumnBatch> {
  let index = 0;
  for (let start = 1; start <= total; start += batchRows) {
    const n = Math.min(batchRows, total - start + 1);
    const cols: Record<string, Value[]> = {
      s_suppkey: [], s_name: [], s_address: [], s_nationkey: [], s_phone: [], s_acctbal: [], s_comment: [],
    };
    for (let k = 0; k < n; k++) {
      const i = start + k;
      cols.s_suppkey.push(BigInt(i));
      cols.s_name.push(flat(`Supplier#${String(i).padStart(9, '0')}`));
      cols.s_address.push(flat(`${words[i % 12]} ${i.toString(36)} ${words[(i * 7) % 12]},${'x'.repeat(i % 25)}`));
      cols.s_nationkey.push(i % 25);
      cols.s_phone.push(flat(`${10 + (i % 25)}-${100 + (i % 900)}-${100 + (i % 877)}-${1000 + (i % 9000)}`));
      const cents = ((i * 7919) % 1099999) - 99999;
      cols.s_acctbal.push(acctbalAsText ? `${(cents / 100).toFixed(2)}` : cents / 100);
      let c = '';
      for (let w = 0; w < 4 + (i % 10); w++) c += `${words[(i + w * 5) % 12]} `;
      cols.s_comment.push(flat(c.trimEnd()));
    }
    yield { file: `synthetic/part-${index++}.parquet`, firstRow: 1, numRows: n, columns: cols };
  }
}

/** Time spent in coercion alone (the lead's coercers, no rules, no profile), for comparison. */
function coerceOnly(asText: boolean): number {
  const coercers = supplier.columns.map((c) => [c.name, coercerFor(c)] as const);
  let ms = 0;
  let sink = 0;
  for (const b of makeBatches(asText)) {
    const t0 = performance.now();
    for (const [name, coerce] of coercers) {
      const src = b.columns[name];
      for (let r = 0; r < b.numRows; r++) if (coerce(src[r]) === null) sink++;
    }
    ms += performance.now() - t0;
  }
  if (sink < 0) console.log(sink);
  return ms;
}

function observeAll(asText: boolean): { ms: number; decision: string } {
  const q = new QualityEvaluator(supplier);
  let ms = 0;
  let files = 0;
  for (const b of makeBatches(asText)) {
    const t0 = performance.now();
    q.observe(b);
    ms += performance.now() - t0;
    files++;
  }
  const t1 = performance.now();
  const report = q.finish({ batchFolder: 'synthetic/', files });
  const fin = performance.now() - t1;
  return { ms: ms + fin, decision: `${report.decision}; observe ${ms.toFixed(0)} ms + finish ${fin.toFixed(0)} ms` };
}

const rounds = Number(process.argv[4] ?? 3);
for (const asText of [true, false]) {
  // Best of `rounds`: the machine's noise only ever slows a round down.
  let c = Infinity;
  let o = { ms: Infinity, decision: '' };
  for (let k = 0; k < rounds; k++) {
    c = Math.min(c, coerceOnly(asText));
    const x = observeAll(asText);
    if (x.ms < o.ms) o = x;
  }
  const rate = (ms: number): string => `${Math.round((total / ms) * 1000).toLocaleString('en-US')} rows/s`;
  console.log(
    `s_acctbal as ${asText ? 'decimal text' : 'double     '}: observe ${rate(o.ms)} [${o.decision}]; coercion alone ${rate(c)}`,
  );
}
