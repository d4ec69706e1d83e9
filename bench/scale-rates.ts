/**
 * The rates docs/scale.md is computed from, measured on this machine for every TPC-H table:
 *
 *   npx tsx bench/scale-rates.ts [--rows N] [--rounds R] [--out bench/SCALE-RATES.json]
 *
 * For each table it generates about N rows and 4·N rows (our generator's Parquet: 4 files, 100k-row
 * groups, snappy), then runs `redshift-loader partition` on each R times as a whole process with the
 * Batch image's environment, and records per size: rows, Parquet bytes, gzip part bytes, wall seconds,
 * CPU seconds (user + system, every thread) and peak RSS, median of the rounds with the spread. The
 * model takes the cost of one more row from the slope between the two sizes and a process's fixed cost
 * from the intercept: a single size would charge every row with a share of start-up, worker spin-up and
 * the tail, which at 500k rows is about half the CPU. NATION and REGION are measured once (their runs
 * are nearly all fixed cost). CPU seconds are what the model scales by (they add up over shards and move
 * less than wall time when other work shares the machine); wall seconds show how well the cores were used.
 */
import { readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { tpchTable, tpchTableNames } from '../tpch/index.ts';
import { BENCH, DATA, ROOT, cli, measure } from './measure.ts';
import { IMAGE_ENV } from './partition.ts';
import { TPCH_ROWS } from './scale-model.ts';

interface Args {
  rows: number;
  rounds: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { rows: 500_000, rounds: 3, out: join(BENCH, 'SCALE-RATES.json') };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const v = argv[++i];
    if (f === '--rows') a.rows = Number(v);
    else if (f === '--rounds') a.rounds = Number(v);
    else if (f === '--out') a.out = v;
    else throw new Error(`unknown flag ${f}; usage: npx tsx bench/scale-rates.ts [--rows N] [--rounds R] [--out FILE]`);
    if (f !== '--out' && (!Number.isInteger(Number(v)) || Number(v) < 1)) throw new Error(`${f} must be a positive integer`);
  }
  return a;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs: number[]): number => (Math.max(...xs) - Math.min(...xs)) / median(xs);
const folderBytes = (dir: string): number => readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);

export interface SizeRates {
  rows: number;
  scale: number;
  parquetBytes: number;
  gzipBytes: number;
  parts: number;
  wallSeconds: number;
  cpuSeconds: number;
  wallSpread: number;
  cpuSpread: number;
  peakRssBytes: number;
  rounds: Array<{ wallSeconds: number; cpuSeconds: number }>;
}

/** The measured sizes of a table, smallest first (one for NATION and REGION, two for the others). */
export type TableRates = SizeRates[];

export interface ScaleRates {
  command: string;
  measuredAt: string;
  machine: string;
  loadAverageAtStart: number[];
  rowsAsked: number;
  tables: Record<string, TableRates>;
}

async function measureSize(name: string, scale: number, files: number, work: string, roundsWanted: number): Promise<SizeRates> {
  const src = join(work, `${name}-${scale}`);
  rmSync(src, { recursive: true, force: true });
  const g = await measure([...cli(false), 'generate', '--dataset', name, '--scale', String(scale), '--files', String(files), '--row-group', '100000', '--format', 'parquet', '--out', src, '--json']);
  const rows = (JSON.parse(g.stdout.trim().split('\n').pop()!) as { rows: number }).rows;
  const out = join(work, `${name}-out`);
  const rounds: SizeRates['rounds'] = [];
  let gzipBytes = 0;
  let parts = 0;
  let peak = 0;
  for (let r = 0; r < roundsWanted; r++) {
    rmSync(out, { recursive: true, force: true });
    const m = await measure([...cli(false), 'partition', '--dataset', name, '--source', src, '--out', out, '--json'], IMAGE_ENV);
    const line = m.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status?: string; bytes?: number; parts?: number }).find((l) => l.status === 'ok');
    if (!line) throw new Error(`partition ${name} wrote no result line`);
    gzipBytes = line.bytes!;
    parts = line.parts!;
    peak = Math.max(peak, m.rss);
    rounds.push({ wallSeconds: m.seconds, cpuSeconds: m.cpuSeconds });
  }
  const wall = rounds.map((x) => x.wallSeconds);
  const cpu = rounds.map((x) => x.cpuSeconds);
  const parquetBytes = folderBytes(src);
  rmSync(out, { recursive: true, force: true });
  rmSync(src, { recursive: true, force: true });
  console.log(`${name}: ${rows} rows, wall ${median(wall).toFixed(2)} s, CPU ${median(cpu).toFixed(2)} s (spread ${(100 * spread(cpu)).toFixed(0)}%)`);
  return {
    rows, scale, parquetBytes, gzipBytes, parts,
    wallSeconds: median(wall), cpuSeconds: median(cpu), wallSpread: spread(wall), cpuSpread: spread(cpu), peakRssBytes: peak, rounds,
  };
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const result: ScaleRates = {
    command: `npx tsx bench/scale-rates.ts --rows ${a.rows} --rounds ${a.rounds}`,
    measuredAt: new Date().toISOString(),
    machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    rowsAsked: a.rows,
    tables: {},
  };
  const work = join(DATA, 'scale');
  mkdirSync(work, { recursive: true });
  for (const name of tpchTableNames()) {
    const t = tpchTable(name);
    const sizes = t.fixedRows !== undefined ? [a.rows] : [a.rows, 4 * a.rows];
    result.tables[name] = [];
    for (const asked of sizes) {
      // Fixed-size tables (NATION, REGION) at scale 1; the others at the scale that gives about `asked` rows.
      const scale = t.fixedRows !== undefined ? 1 : Math.max(0.0001, Math.round((asked / TPCH_ROWS[name](1)) * 10_000) / 10_000);
      result.tables[name].push(await measureSize(name, scale, t.fixedRows !== undefined ? 1 : 4, work, a.rounds));
    }
  }
  writeFileSync(a.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${a.out.replace(`${ROOT}/`, '')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
