/**
 * Does a table with dates and CHAR columns cost more per source byte than SUPPLIER? (`npx tsx bench/types-per-byte.ts`)
 *
 *   npx tsx bench/types-per-byte.ts [--rounds R] [--lineitem-scale S] [--supplier-scale S] [--cli DIR] [--out FILE]
 *
 * Inputs (built under bench/.data/types/ by `redshift-loader generate` when missing): LINEITEM at SF 0.1
 * (601,796 rows: 3 dates, 4 CHAR columns, 4 decimals) and SUPPLIER at SF 30 (300,000 rows), Parquet files
 * of about the same size. Each round runs, for each table, `redshift-loader partition` (the sources through
 * tsx, quality checks on, default workers) and DuckDB's COPY (SELECT * FROM read_parquet(…)) TO … (FORMAT csv,
 * DELIMITER '|', COMPRESSION gzip, PER_THREAD_OUTPUT true) at 2 threads, both timed as whole processes,
 * alternating which goes first. Reported per table (medians over the rounds): seconds, rows/s and MB/s of
 * Parquet source for both, CPU seconds (user + system, from /usr/bin/time: steadier than wall time on a
 * busy machine), and LINEITEM's cost per source byte relative to SUPPLIER's. `--cli DIR` runs
 * another checkout's CLI (DIR/jobs/main.ts), to measure before and after a change in the same conditions.
 * Writes the table to --out (default bench/types-per-byte.md) and prints it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench', '.data', 'types');
const TSX = import.meta.resolve('tsx');

interface Args {
  rounds: number;
  lineitemScale: number;
  supplierScale: number;
  cli: string;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { rounds: 3, lineitemScale: 0.1, supplierScale: 30, cli: ROOT, out: join(ROOT, 'bench', 'types-per-byte.md') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--rounds') args.rounds = Math.max(1, Math.floor(Number(v)));
    else if (a === '--lineitem-scale') args.lineitemScale = Number(v);
    else if (a === '--supplier-scale') args.supplierScale = Number(v);
    else if (a === '--cli') args.cli = v;
    else if (a === '--out') args.out = v;
    else throw new Error(`unknown flag ${a}`);
  }
  return args;
}

const TIME_OUT = join(tmpdir(), `rl-types-per-byte-${process.pid}.time`);

/**
 * Runs a process to its end under /usr/bin/time: its wall-clock seconds and its CPU seconds (user + system,
 * children included), which a busy shared machine disturbs far less (throws on a non-zero exit).
 */
function timed(cmd: string, argv: string[], cwd: string): Promise<{ seconds: number; cpu: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', TIME_OUT, cmd, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const [user, sys] = readFileSync(TIME_OUT, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
      if (code === 0) resolve({ seconds, cpu: user + sys, stdout });
      else reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}: ${stderr.trim().split('\n').at(-1)}`));
    });
  });
}

const cliArgs = (cli: string, args: string[]): string[] => ['--import', TSX, join(cli, 'jobs', 'main.ts'), ...args];

async function input(dataset: string, scale: number): Promise<{ dir: string; bytes: number; rows: number; gzip: number }> {
  const dir = join(DATA, `${dataset}-${scale}`);
  if (!existsSync(dir) || readdirSync(dir).length === 0) {
    mkdirSync(dir, { recursive: true });
    await timed(process.execPath, cliArgs(ROOT, ['generate', '--dataset', dataset, '--scale', String(scale), '--format', 'parquet', '--out', dir]), ROOT);
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.parquet'));
  const bytes = files.reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  return { dir, bytes, rows: 0, gzip: 0 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tables = [
    { name: 'supplier', ...(await input('supplier', args.supplierScale)) },
    { name: 'lineitem', ...(await input('lineitem', args.lineitemScale)) },
  ];
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  const ours = new Map<string, number[]>();
  const duck = new Map<string, number[]>();
  const oursCpu = new Map<string, number[]>();
  const duckCpu = new Map<string, number[]>();
  let version = '';
  const scratch = join(DATA, 'out');
  for (let round = 0; round < args.rounds; round++) {
    for (const t of tables) {
      const runOurs = async (): Promise<void> => {
        rmSync(scratch, { recursive: true, force: true });
        const r = await timed(process.execPath, cliArgs(args.cli, ['partition', '--dataset', t.name, '--source', t.dir, '--out', scratch, '--json']), args.cli);
        const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { rows: number; bytes: number };
        t.rows = summary.rows;
        t.gzip = summary.bytes;
        ours.set(t.name, [...(ours.get(t.name) ?? []), r.seconds]);
        oursCpu.set(t.name, [...(oursCpu.get(t.name) ?? []), r.cpu]);
      };
      const runDuck = async (): Promise<void> => {
        rmSync(scratch, { recursive: true, force: true });
        const r = await timed(process.execPath, [join(ROOT, 'bench', 'types-per-byte-duckdb.mjs'), t.dir, scratch, '2'], ROOT);
        version = (JSON.parse(r.stdout) as { version: string }).version;
        duck.set(t.name, [...(duck.get(t.name) ?? []), r.seconds]);
        duckCpu.set(t.name, [...(duckCpu.get(t.name) ?? []), r.cpu]);
      };
      if (round % 2 === 0) {
        await runOurs();
        await runDuck();
      } else {
        await runDuck();
        await runOurs();
      }
      process.stderr.write(`round ${round + 1}/${args.rounds} ${t.name}: ours ${ours.get(t.name)!.at(-1)!.toFixed(2)} s, DuckDB ${duck.get(t.name)!.at(-1)!.toFixed(2)} s\n`);
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  const mb = (b: number): string => (b / 1e6).toFixed(1);
  const lines = [
    '| table | Parquet MB | rows | gzip CSV MB (ours) | ours s (CPU s) | ours rows/s | ours MB/s | DuckDB s (CPU s) | DuckDB rows/s | DuckDB MB/s | ours / DuckDB time (CPU) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const perByte = new Map<string, number>();
  const cpuPerByte = new Map<string, number>();
  for (const t of tables) {
    const o = median(ours.get(t.name)!);
    const d = median(duck.get(t.name)!);
    const oc = median(oursCpu.get(t.name)!);
    const dc = median(duckCpu.get(t.name)!);
    perByte.set(t.name, o / t.bytes);
    cpuPerByte.set(t.name, oc / t.bytes);
    const f = (x: number): string => Math.round(x).toLocaleString('en-US');
    lines.push(`| ${t.name} | ${mb(t.bytes)} | ${f(t.rows)} | ${mb(t.gzip)} | ${o.toFixed(2)} (${oc.toFixed(2)}) | ${f(t.rows / o)} | ${(t.bytes / 1e6 / o).toFixed(2)} | ${d.toFixed(2)} (${dc.toFixed(2)}) | ${f(t.rows / d)} | ${(t.bytes / 1e6 / d).toFixed(2)} | ${(o / d).toFixed(2)}× (${(oc / dc).toFixed(2)}×) |`);
  }
  const ratio = perByte.get('lineitem')! / perByte.get('supplier')!;
  const cpuRatio = cpuPerByte.get('lineitem')! / cpuPerByte.get('supplier')!;
  const duckCpuRatio = (median(duckCpu.get('lineitem')!) / tables[1].bytes) / (median(duckCpu.get('supplier')!) / tables[0].bytes);
  const [sup, li] = tables;
  const outRatio = (li.gzip / li.bytes) / (sup.gzip / sup.bytes);
  const duckRatio = (median(duck.get('lineitem')!) / li.bytes) / (median(duck.get('supplier')!) / sup.bytes);
  const text = [
    `# Cost per source byte: LINEITEM vs SUPPLIER`,
    '',
    ...lines,
    '',
    `LINEITEM costs **${ratio.toFixed(2)}×** SUPPLIER's wall time and **${cpuRatio.toFixed(2)}×** its CPU time per Parquet source byte`
      + ` (ours; medians of ${args.rounds} rounds, whole processes); DuckDB ${duckRatio.toFixed(2)}× and ${duckCpuRatio.toFixed(2)}×. Each LINEITEM source byte becomes ${outRatio.toFixed(2)}× as many gzip CSV bytes as a SUPPLIER one`
      + ` (dates and dictionary-encoded CHAR are a few bits in Parquet, 2–25 bytes of text), so per output byte LINEITEM costs ${(cpuRatio / outRatio).toFixed(2)}× SUPPLIER's CPU time.`,
    '',
    `Machine: ${new Date().toISOString()}; ${availableParallelism()} cores; Node ${process.version}; ${version} at 2 threads; CLI ${args.cli}; load average at the start ${load}.`,
    '',
  ].join('\n');
  writeFileSync(args.out, text);
  process.stdout.write(text);
}

await main();
