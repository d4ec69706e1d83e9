/**
 * The partition pass measured against its peer, in one run on the same input (`npm run bench`):
 *
 *   npm run bench [-- --quick] [--rows N] [--rounds R] [--keep] [--gzip-level L]
 *                    [--inputs gen,duck,duckv2,arrow,tbl] [--datasets supplier,lineitem] [--results FILE] [--tsx]
 *
 * Inputs (bench/inputs/, built under bench/.data/ when missing, each from "gen"'s rows), per dataset:
 * - gen: the TPC-H table from our generator, several Parquet files with 100k-row groups, snappy;
 * - duck: the same rows as DuckDB writes Parquet by default (its row groups; for SUPPLIER DOUBLE
 *   s_acctbal and BIGINT s_nationkey, the shape a file "written by another program" has; for LINEITEM
 *   DuckDB's own TPC-H types: DECIMAL(15,2), DATE, VARCHAR);
 * - duckv2: the same with PARQUET_VERSION V2 (DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, and
 *   BYTE_STREAM_SPLIT for SUPPLIER's DOUBLE; DuckDB still writes v1 data page headers);
 * - arrow: arrow-rs (parquet-wasm) rewriting DuckDB's copy of each gen file: data pages v2, dictionaries,
 *   snappy, one row group per file (≤ 625k rows, under arrow-rs's 1,048,576-row default), and every
 *   decimal as DECIMAL(20,s), which arrow-rs writes as FIXED_LEN_BYTE_ARRAY. The contract is not changed:
 *   decimal(20,s) into its decimal(15,2) / decimal(12,2) is narrowing-checked (crawler/glue-types.ts), so
 *   the drift check accepts it and the pass checks every value against the contract's precision;
 * - tbl: the same rows as dbgen `.tbl` text (generate --format csv), read by the delimited reader with the
 *   contract's source.delimited options; DuckDB reads it with read_csv (delim '|', no header, no quotes,
 *   the contract's columns in DuckDB types, nothing sniffed) and writes the same rows as from gen.
 * What each input really holds — writer (created_by), row groups, physical types, page types and
 * encodings, read from its files (bench/inputs/describe.ts) — goes into the results file; the bench
 * test builds every input at 2,000 rows and checks it (test/bench/inputs.test.ts).
 * Sizes: 1M rows, and 10M unless --quick (--rows N: only N). LINEITEM has 1–7 lines per order, so its
 * sizes are the nearest whole-order counts (SF = rows / 6,000,000: 1,000,4xx rows for 1M).
 *
 * Each round runs `redshift-loader partition` (the compiled CLI, as a user runs it; --tsx: the sources)
 * and DuckDB's COPY … TO … (FORMAT csv, DELIMITER '|', COMPRESSION gzip, PER_THREAD_OUTPUT) at 2 threads
 * through @duckdb/node-api, alternating which goes first. Quality checks stay on: they are part of the
 * pass. Reported in ONE table, a row per dataset, size and input (medians over the rounds): rows/s of
 * both and the ratio (ours timed on the whole CLI process, DuckDB on its COPY statement alone), the noise
 * of each (spread of the rounds over the median), output bytes of both and the ratio, peak RSS of both
 * processes, the zlib floor (how long zlib alone takes to compress our output text at our level on every
 * core), and whether the row meets issue 12's targets (≥ 1.5× DuckDB's rows/s, ≤ 1.15× its bytes, our
 * peak RSS ≤ 512 MiB) or by how much it misses each; per Parquet input, the columns the byte-level
 * decoder does not read (their units go value by value through hyparquet, bench/fallback-columns.ts).
 * Writes bench/RESULTS.md (--results: another file) with the machine it ran on.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { DEFAULT_GZIP_LEVEL } from '../jobs/partition/partition.ts';
import { BENCH_DATASETS, isBenchDataset, type BenchDataset } from './datasets.ts';
import { fallbackColumns, type FallbackColumn } from './fallback-columns.ts';
import { duckdbTblColumns } from './inputs/duckdb-columns.ts';
import { describeInput, describeLines } from './inputs/describe.ts';
import { buildInput, INPUT_NAMES, isInputName, isTextInput, type InputName } from './inputs/index.ts';
import { BENCH, cli, DATA, measure, ROOT } from './measure.ts';

const DUCKDB_THREADS = 2;

/** The issue-12 targets every row is held to. */
export const TARGETS = { speed: 1.5, bytes: 1.15, rssMiB: 512 };

export interface BenchArgs {
  sizes: number[];
  rounds: number | undefined;
  keep: boolean;
  gzipLevel: number | undefined;
  inputs: InputName[];
  datasets: BenchDataset[];
  results: string;
  tsx: boolean;
  build: boolean;
}

export function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { sizes: [1_000_000, 10_000_000], rounds: undefined, keep: false, gzipLevel: undefined, inputs: [...INPUT_NAMES], datasets: ['supplier', 'lineitem'], results: join(BENCH, 'RESULTS.md'), tsx: false, build: true };
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`${flag} needs a whole number of at least ${min}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.sizes = [1_000_000];
    else if (a === '--rows') args.sizes = [int(a, argv[++i], 1)];
    else if (a === '--rounds') args.rounds = int(a, argv[++i], 1);
    else if (a === '--keep') args.keep = true;
    else if (a === '--gzip-level') args.gzipLevel = int(a, argv[++i], 1);
    else if (a === '--tsx') args.tsx = true;
    else if (a === '--results') {
      const f = argv[++i];
      if (!f) throw new Error('--results needs a file name');
      args.results = f;
    }
    else if (a === '--no-build') args.build = false;
    else if (a === '--inputs') {
      const list = (argv[++i] ?? '').split(',');
      if (!list.length || !list.every(isInputName)) throw new Error(`--inputs takes ${INPUT_NAMES.join(',')}; got ${list.join(',')}`);
      args.inputs = list;
    } else if (a === '--datasets') {
      const list = (argv[++i] ?? '').split(',');
      if (!list.length || !list.every(isBenchDataset)) throw new Error(`--datasets takes ${Object.keys(BENCH_DATASETS).join(',')}; got ${list.join(',')}`);
      args.datasets = list;
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

interface Run {
  /** The whole process, wall time. */
  seconds: number;
  /** The whole process, user + system CPU seconds of every thread. */
  cpu: number;
  bytes: number;
  rss: number;
  rows: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Spread of the rounds, (max − min) / median: how far one round is from another on this machine. */
function noise(xs: number[]): number {
  return (Math.max(...xs) - Math.min(...xs)) / median(xs);
}

/**
 * The environment our process runs with in the Batch image (Dockerfile's ENV): glibc returns large freed
 * buffers at once, so peak RSS is what the job has in production (test/bench/partition.test.ts keeps the
 * two in step). Without it glibc's arenas grow with the run's length (README "Benchmark").
 */
export const IMAGE_ENV = { NODE_ENV: 'production', MALLOC_MMAP_THRESHOLD_: '131072' } as const;

async function runOurs(dataset: BenchDataset, input: string, out: string, a: BenchArgs): Promise<Run> {
  rmSync(out, { recursive: true, force: true });
  const flags = ['partition', '--dataset', dataset, '--source', input, '--out', out, '--json'];
  if (a.gzipLevel !== undefined) flags.push('--gzip-level', String(a.gzipLevel));
  const r = await measure([...cli(a.tsx), ...flags], IMAGE_ENV);
  const line = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status?: string; rows?: number; bytes?: number }).find((l) => l.status === 'ok');
  if (!line) throw new Error(`no result line from partition: ${r.stdout}`);
  return { seconds: r.seconds, cpu: r.cpuSeconds, bytes: line.bytes!, rss: r.rss, rows: line.rows! };
}

/** DuckDB's COPY to gzip text; `tblColumns` when the input is `.tbl` text (read_csv with those columns). */
async function runDuck(input: string, out: string, tblColumns?: Record<string, string>): Promise<Run & { copy: number; version: string }> {
  rmSync(out, { recursive: true, force: true });
  const r = await measure([join(BENCH, 'duckdb-copy.mjs'), input, out, String(DUCKDB_THREADS), ...(tblColumns ? [JSON.stringify(tblColumns)] : [])]);
  const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; rows: number; version: string };
  // PER_THREAD_OUTPUT: a folder with one gzip file per thread.
  const bytes = readdirSync(out).reduce((s, f) => s + statSync(join(out, f)).size, 0);
  return { seconds: r.seconds, copy: line.seconds, cpu: r.cpuSeconds, bytes, rss: r.rss, rows: line.rows, version: line.version };
}

/** zlib alone on our output text, at our level, on every core. */
async function zlibFloor(partsDir: string, level: number): Promise<number> {
  const manifest = JSON.parse(readFileSync(join(partsDir, 'manifest.json'), 'utf8')) as { entries: Array<{ url: string }> };
  const textDir = join(DATA, 'floor-text');
  rmSync(textDir, { recursive: true, force: true });
  mkdirSync(textDir, { recursive: true });
  const texts: string[] = [];
  try {
    for (const [i, e] of manifest.entries.entries()) {
      const t = join(textDir, `part-${i}.csv`);
      await pipeline(createReadStream(e.url), createGunzip(), createWriteStream(t));
      texts.push(t);
    }
    const r = await measure([join(BENCH, 'zlib-floor.mjs'), String(level), String(availableParallelism()), ...texts]);
    return (JSON.parse(r.stdout) as { seconds: number }).seconds;
  } finally {
    rmSync(textDir, { recursive: true, force: true });
  }
}

interface Row {
  dataset: string;
  rows: number;
  input: string;
  ours: Run[];
  /** DuckDB's runs: `seconds` is its whole process (what the ratio uses), `copy` the COPY statement alone. */
  duck: Array<Run & { copy: number }>;
  floor: number;
}

function machine(duckVersion: string): string[] {
  const model = cpus()[0]?.model ?? 'unknown';
  let cpuinfo = model;
  try {
    cpuinfo = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux
  }
  return [
    `- CPU: ${cpuinfo}, ${availableParallelism()} cores available (nproc), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
    `- Node ${process.version}; DuckDB ${duckVersion} at ${DUCKDB_THREADS} threads through @duckdb/node-api`,
    `- load average at the start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the machine slows both sides; the ratios are what compares)`,
  ];
}

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mb = (b: number): string => `${fmt(b / 1e6, 1)} MB`;

/** Which columns of each input the byte-level decoder does not read (their units are read value by value). */
export function fallbackNotes(inputs: Array<{ input: string; columns: FallbackColumn[] }>): string[] {
  const out = ['Per-value fallback: columns of each input the byte-level decoder does not read (every unit of such a file goes through hyparquet and the per-value path):', ''];
  for (const i of inputs) {
    const cols = i.columns.map((c) => `\`${c.name}\` (${c.parquetType} → ${c.contractType})`);
    out.push(`- ${i.input}: ${cols.length ? cols.join(', ') : 'none — every column on the byte-level path'}`);
  }
  out.push('');
  return out;
}

/** Whether a row meets the targets: `met`, or what it misses by how much. */
export function verdict(speed: number, bytes: number, rssMiB: number): string {
  const missed = [
    speed < TARGETS.speed ? `speed ${fmt(speed, 2)}× < ${TARGETS.speed}×` : '',
    bytes > TARGETS.bytes ? `bytes ${fmt(bytes, 3)}× > ${TARGETS.bytes}×` : '',
    rssMiB > TARGETS.rssMiB ? `RSS ${fmt(rssMiB)} MiB > ${TARGETS.rssMiB} MiB` : '',
  ].filter(Boolean);
  return missed.length ? `missed: ${missed.join(', ')}` : 'met';
}

export function table(rows: Row[], level: number): string[] {
  const out = [
    '| dataset | rows | input | ours s | ours rows/s | DuckDB s (process; COPY alone) | DuckDB rows/s | speed ratio | CPU s ours / DuckDB | noise ours / DuckDB | ours gzip | DuckDB gzip | bytes ratio | ours peak RSS | DuckDB peak RSS | zlib floor s (level ' + level + ', all cores) | ' +
      `targets (≥ ${TARGETS.speed}× rows/s, ≤ ${TARGETS.bytes}× bytes, ours ≤ ${TARGETS.rssMiB} MiB) |`,
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const ours = median(r.ours.map((x) => x.seconds));
    const duck = median(r.duck.map((x) => x.seconds));
    const duckCopy = median(r.duck.map((x) => x.copy));
    const oursBytes = r.ours[0].bytes;
    const duckBytes = r.duck[0].bytes;
    const spread = (xs: Run[]): string => (xs.length > 1 ? `${fmt(100 * noise(xs.map((x) => x.seconds)))}%` : '–');
    const oursRss = Math.max(...r.ours.map((x) => x.rss)) / 2 ** 20;
    out.push(
      `| ${r.dataset} | ${fmt(r.rows)} | ${r.input} | ${fmt(ours, 2)} | ${fmt(r.rows / ours)} | ${fmt(duck, 2)}; ${fmt(duckCopy, 2)} | ${fmt(r.rows / duck)} | **${fmt(duck / ours, 2)}×** | ${fmt(median(r.ours.map((x) => x.cpu)), 1)} / ${fmt(median(r.duck.map((x) => x.cpu)), 1)} | ${spread(r.ours)} / ${spread(r.duck)} | ${mb(oursBytes)} | ${mb(duckBytes)} | ${fmt(oursBytes / duckBytes, 3)}× | ${fmt(oursRss)} MiB | ${fmt(Math.max(...r.duck.map((x) => x.rss)) / 2 ** 20)} MiB | ${fmt(r.floor, 2)} | ${verdict(duck / ours, oursBytes / duckBytes, oursRss)} |`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  mkdirSync(DATA, { recursive: true });
  if (a.build && !a.tsx) {
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('npm run build failed');
  }
  const level = a.gzipLevel ?? DEFAULT_GZIP_LEVEL;
  const header = machine('?');
  const results: Row[] = [];
  let duckVersion = '?';
  const fallbacks: Array<{ input: string; columns: FallbackColumn[] }> = [];
  const descriptions: string[] = [];
  for (const dataset of a.datasets) {
    for (const size of a.sizes) {
      const rounds = a.rounds ?? (size > 2_000_000 ? 2 : 3);
      for (const name of a.inputs) {
        const { dir, rows } = await buildInput(name, { dataset, size, data: DATA, tsx: a.tsx });
        const label = `${name} (${dir.slice(ROOT.length)})`;
        const row: Row = { dataset, rows, input: label, ours: [], duck: [], floor: NaN };
        descriptions.push(...describeLines(`${dataset} ${label}`, await describeInput(dir)));
        if (!isTextInput(name)) fallbacks.push({ input: `${dataset} ${label}`, columns: await fallbackColumns(dataset, dir) });
        const tblColumns = isTextInput(name) ? duckdbTblColumns(dataset) : undefined;
        const oursOut = join(DATA, `out-ours-${dataset}-${name}-${size}`);
        const duckOut = join(DATA, `out-duck-${dataset}-${name}-${size}`);
        const tag = `${dataset} ${rows} ${name}`;
        for (let r = 0; r < rounds; r++) {
          const order = r % 2 === 0 ? ['ours', 'duck'] : ['duck', 'ours'];
          for (const who of order) {
            if (who === 'ours') {
              const x = await runOurs(dataset, dir, oursOut, a);
              if (x.rows !== rows) throw new Error(`partition read ${x.rows} rows, expected ${rows}`);
              row.ours.push(x);
              console.log(`${tag} round ${r + 1}: ours ${x.seconds.toFixed(2)} s (CPU ${x.cpu.toFixed(2)} s), ${mb(x.bytes)}, peak RSS ${fmt(x.rss / 2 ** 20)} MiB`);
            } else {
              const x = await runDuck(dir, duckOut, tblColumns);
              if (x.rows !== rows) throw new Error(`DuckDB wrote ${x.rows} rows, expected ${rows}`);
              duckVersion = x.version;
              row.duck.push(x);
              console.log(`${tag} round ${r + 1}: DuckDB ${x.seconds.toFixed(2)} s (COPY ${x.copy.toFixed(2)} s, CPU ${x.cpu.toFixed(2)} s), ${mb(x.bytes)}, peak RSS ${fmt(x.rss / 2 ** 20)} MiB`);
            }
          }
        }
        row.floor = await zlibFloor(oursOut, level);
        console.log(`${tag}: zlib floor ${row.floor.toFixed(2)} s`);
        if (!a.keep) {
          rmSync(oursOut, { recursive: true, force: true });
          rmSync(duckOut, { recursive: true, force: true });
        }
        results.push(row);
      }
    }
  }
  header[1] = machine(duckVersion)[1];
  const lines = [
    '# Partition benchmark',
    '',
    `\`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    ...header,
    '',
    ...table(results, level),
    '',
    'Both sides are timed as whole processes, start to exit, and the speed ratio is DuckDB\'s process time over ours (DuckDB\'s COPY statement alone is shown after it; CPU s is user + system of every thread of each process). ours: `redshift-loader partition --dataset <dataset>` (quality checks on); DuckDB: `COPY (SELECT * FROM read_parquet(…)) TO … (FORMAT csv, DELIMITER \'|\', COMPRESSION gzip, PER_THREAD_OUTPUT)` (for tbl `read_csv(…, delim = \'|\', header = false, quote = \'\', columns = {the contract\'s columns in DuckDB types})`), in a Node process through @duckdb/node-api (bench/duckdb-copy.mjs). Medians over the rounds, run alternately; noise is (slowest − fastest) / median of the rounds; peak RSS is the largest of the rounds (getrusage maxrss of the process, every thread).',
    '',
    'Inputs, as their files say (bench/inputs/describe.ts: footers, and the page headers of each file\'s first row group):',
    '',
    ...descriptions,
    '',
    ...fallbackNotes(fallbacks),
  ];
  console.log(`\n${lines.join('\n')}`);
  if (a.sizes.length > 1 || a.sizes[0] >= 1_000_000) writeFileSync(a.results, lines.join('\n'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
