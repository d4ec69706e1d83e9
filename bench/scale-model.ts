/**
 * docs/scale.md: the capacity model for TPC-H SF 1, 100 and 1000, computed from the rates
 * bench/scale-rates.ts measured (bench/SCALE-RATES.json) and the assumptions below, each named.
 *
 *   npx tsx bench/scale-model.ts [--rates bench/SCALE-RATES.json] [--out docs/scale.md]
 *
 * What is measured: per table, the partition pass's CPU seconds per row, Parquet and gzip bytes per
 * row, how well a process uses its cores, and the per-process fixed cost (NATION's run). What is
 * assumed (constants here, each with its reason): prices, the source files' layout, Redshift's COPY rate
 * per slice (not measurable without a cluster), the wall-time target a shard is sized for.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { partCount } from '../jobs/partition/part-count.ts';
import { DEFAULT_PART_SIZE } from '../jobs/store/s3-store.ts';
import { prod } from '../stacks/environments.ts';
import { BENCH, ROOT } from './measure.ts';
import type { ScaleRates, TableRates } from './scale-rates.ts';

/** TPC-H rows per table (spec 4.2.5; LINEITEM's count varies with the orders' line counts: dbgen's exact counts). */
export const TPCH_ROWS: Record<string, (sf: number) => number> = {
  region: () => 5,
  nation: () => 25,
  supplier: (sf) => 10_000 * sf,
  customer: (sf) => 150_000 * sf,
  part: (sf) => 200_000 * sf,
  partsupp: (sf) => 800_000 * sf,
  orders: (sf) => 1_500_000 * sf,
  lineitem: (sf) => ({ 1: 6_001_215, 100: 600_037_902, 1000: 5_999_989_709 })[sf] ?? 6_000_000 * sf,
};

export const SCALE_FACTORS = [1, 100, 1000];

/**
 * Assumptions. Prices: AWS list prices, on demand, US East (N. Virginia), as published on the AWS
 * pricing pages (Fargate Linux/x86; S3 Standard; KMS; Step Functions Standard; Redshift RA3). Check
 * them for your region and date; they are the only dollar inputs.
 */
export const ASSUME = {
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  /** Fargate bills from image pull to task end, per second with a one-minute minimum: start-up added per task. */
  fargateStartSeconds: 60,
  s3PutPer1000: 0.005,
  s3GetPer1000: 0.0004,
  s3GbMonth: 0.023,
  sfnPer1000Transitions: 0.025,
  /** ra3.4xlarge on demand, per node-hour. */
  redshiftNodeHour: 3.26,
  /** Source layout: Parquet files of 512 MiB with 128 MiB row groups (Spark's and Glue's default block size). */
  sourceFileBytes: 512 * 2 ** 20,
  sourceRowGroupBytes: 128 * 2 ** 20,
  /**
   * Redshift COPY of gzip text, MB of gzip read per second per slice. AWS publishes no figure; this is a
   * planning assumption, not a measurement. Measure yours: SYS_LOAD_HISTORY (loaded_bytes, duration) of a
   * night's COPY, divided by the slice count, and pass the rate here.
   */
  copyMbPerSecondPerSlice: 5,
  /** Shards are sized so one shard's pass takes at most this long (the nightly window is a few hours). */
  shardTargetMinutes: 30,
  /** vCPU and memory of one shard task (the prod environment's lineitem shards: 2 vCPU, 8 GiB). */
  shardVcpu: 2,
  shardMemoryGiB: 8,
  /** Batch array jobs: at most 10,000 children; the compute environment's maxvCpus bounds how many run at once. */
  maxVcpus: prod.batch.maxVcpus,
};

const slices = prod.warehouse.kind === 'provisioned' ? prod.warehouse.nodes * prod.warehouse.slicesPerNode : prod.warehouse.slices;
const nodes = prod.warehouse.kind === 'provisioned' ? prod.warehouse.nodes : 0;

interface Rates {
  /** CPU seconds of one more row: the slope between the two measured sizes. */
  cpuPerRow: number;
  /** CPU seconds of a process whatever its rows: the intercept (start-up, workers, listing, footers, the tail). */
  fixedCpu: number;
  parquetPerRow: number;
  gzipPerRow: number;
  /** CPU seconds per wall second per core achieved by the larger run (≤ 1). */
  efficiency: number;
  measured: TableRates;
}

export type ModelRates = { fixedCpu: number; fixedWall: number; tables: Record<string, Rates> };

export function ratesOf(r: ScaleRates, cores: number): ModelRates {
  const fixed = r.tables.nation?.[0];
  if (!fixed) throw new Error('the rates have no NATION run (the fixed cost of a plan or load task)');
  const tables: Record<string, Rates> = {};
  for (const [name, sizes] of Object.entries(r.tables)) {
    const small = sizes[0];
    const big = sizes[sizes.length - 1];
    const slope = sizes.length > 1 && big.rows > small.rows ? Math.max(0, (big.cpuSeconds - small.cpuSeconds) / (big.rows - small.rows)) : 0;
    tables[name] = {
      cpuPerRow: slope,
      fixedCpu: Math.max(fixed.cpuSeconds, small.cpuSeconds - slope * small.rows),
      parquetPerRow: big.parquetBytes / big.rows,
      gzipPerRow: big.gzipBytes / big.rows,
      efficiency: Math.min(1, big.cpuSeconds / big.wallSeconds / cores),
      measured: sizes,
    };
  }
  return { fixedCpu: fixed.cpuSeconds, fixedWall: fixed.wallSeconds, tables };
}

export interface Night {
  table: string;
  sf: number;
  rows: number;
  parquetGB: number;
  gzipGB: number;
  shards: number;
  vcpuHours: number;
  shardWallMinutes: number;
  copyMinutes: number;
  requests: { put: number; get: number; list: number };
  dollars: { fargate: number; s3Requests: number; s3Storage: number; stepFunctions: number };
}

export function night(table: string, sf: number, rates: ModelRates, stagingDays: number): Night {
  const r = rates.tables[table];
  const rows = TPCH_ROWS[table](sf);
  const parquet = rows * r.parquetPerRow;
  const gzip = rows * r.gzipPerRow;
  const cpu = rows * r.cpuPerRow;
  // Shards: enough that one shard's CPU fits the target at the measured efficiency; even rows per shard,
  // cut by row group, so no more shards than row groups.
  const perShardCpu = ASSUME.shardVcpu * r.efficiency * ASSUME.shardTargetMinutes * 60 - r.fixedCpu;
  const rowGroups = Math.max(1, Math.ceil(parquet / ASSUME.sourceRowGroupBytes));
  const shards = Math.max(1, Math.min(rowGroups, 10_000, Math.ceil(cpu / perShardCpu)));
  const shardCpu = cpu / shards + r.fixedCpu;
  const shardWall = shardCpu / (ASSUME.shardVcpu * r.efficiency);
  // At most maxVcpus run at once: waves of shards.
  const concurrent = Math.max(1, Math.floor(ASSUME.maxVcpus / ASSUME.shardVcpu));
  const waves = Math.ceil(shards / concurrent);
  const billedSeconds = shards * (shardWall + ASSUME.fargateStartSeconds) + 2 * (rates.fixedWall + ASSUME.fargateStartSeconds);
  const vcpuHours = (billedSeconds * ASSUME.shardVcpu) / 3600;
  const gbHours = (billedSeconds * ASSUME.shardMemoryGiB) / 3600;
  // S3 requests of one night.
  const files = Math.max(1, Math.ceil(parquet / ASSUME.sourceFileBytes));
  const partsPerShard = partCount(slices, parquet / shards);
  const parts = partsPerShard * shards;
  const partBytes = gzip / parts;
  const uploadParts = parts * Math.max(1, Math.ceil(partBytes / DEFAULT_PART_SIZE));
  const list = 1 + Math.ceil(files / 1000) * 2; // plan lists the batch; load lists nothing but the plan's own names
  const put = parts * 2 + uploadParts + shards + 3; // create + complete per part, each 8 MiB upload part, a manifest per shard, plan, pointer, batch manifest
  const get =
    files * 3 + // plan: HEAD + footer (tail, then the footer when longer than the tail)
    files + shards + rowGroups + // shards: a HEAD per file they touch (a file cut between shards is touched by each), a GET per row group
    shards + 1 + // load: each shard manifest, the plan
    parts + 1; // COPY: each part, the manifest
  const copySeconds = gzip / 1e6 / (slices * ASSUME.copyMbPerSecondPerSlice);
  const storedGB = (gzip / 1e9) * (stagingDays / 30); // steady state: a night's parts kept stagingDays
  return {
    table, sf, rows,
    parquetGB: parquet / 1e9,
    gzipGB: gzip / 1e9,
    shards,
    vcpuHours,
    shardWallMinutes: (waves * shardWall) / 60,
    copyMinutes: copySeconds / 60,
    requests: { put, get, list },
    dollars: {
      fargate: vcpuHours * ASSUME.fargateVcpuHour + gbHours * ASSUME.fargateGbHour,
      s3Requests: ((put + list) / 1000) * ASSUME.s3PutPer1000 + (get / 1000) * ASSUME.s3GetPer1000,
      s3Storage: (storedGB * ASSUME.s3GbMonth) / 30,
      stepFunctions: ((8 + 0) / 1000) * ASSUME.sfnPer1000Transitions,
    },
  };
}

const n0 = (x: number): string => Math.round(x).toLocaleString('en-US');
const n2 = (x: number): string => (x >= 100 ? n0(x) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));
const usd = (x: number): string => (x >= 1 ? `$${x.toFixed(2)}` : x >= 0.01 ? `$${x.toFixed(3)}` : `$${x.toFixed(4)}`);

export function renderScale(r: ScaleRates): string {
  const cores = Number(/(\d+) cores/.exec(r.machine)?.[1] ?? 2);
  const rates = ratesOf(r, cores);
  const stagingDays = prod.retention.stagingDays;
  const out: string[] = [];
  out.push('# Capacity model: TPC-H SF 1, 100 and 1000', '');
  out.push(
    'What a night costs, table by table: rows and bytes, shards, vCPU-hours and wall time, COPY time, S3 requests and dollars. ' +
      'Generated by `npx tsx bench/scale-model.ts` from the rates `npx tsx bench/scale-rates.ts` measured on this project\'s build machine; ' +
      're-run both after a change to the pass, or on your own hardware, and the tables follow.',
    '',
    '## What is measured, and what is assumed', '',
    `Measured (\`${r.command}\`, ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC, ${r.machine}, load average at the start ${r.loadAverageAtStart.join(' ')}): ` +
      'for each table, about the asked number of rows of our generator\'s Parquet, partitioned by `redshift-loader partition` as a whole process with the quality checks on, median of the rounds.',
    '',
    '| table | rows measured | CPU s (spread) | wall s (spread) | peak RSS | Parquet B/row | gzip B/row | CPU µs per extra row | fixed CPU s per process | core use |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const [name, t] of Object.entries(rates.tables)) {
    const m = t.measured;
    const each = (f: (x: (typeof m)[number]) => string): string => m.map(f).join(' / ');
    out.push(
      `| ${name} | ${each((x) => n0(x.rows))} | ${each((x) => `${x.cpuSeconds.toFixed(2)} (${Math.round(100 * x.cpuSpread)}%)`)} | ${each((x) => `${x.wallSeconds.toFixed(2)} (${Math.round(100 * x.wallSpread)}%)`)} | ${each((x) => `${n0(x.peakRssBytes / 2 ** 20)} MiB`)} | ${n2(t.parquetPerRow)} | ${n2(t.gzipPerRow)} | ${m.length > 1 ? n2(t.cpuPerRow * 1e6) : '–'} | ${t.fixedCpu.toFixed(2)} | ${Math.round(100 * t.efficiency)}% |`,
    );
  }
  out.push(
    '',
    `- Two sizes per table (one for NATION and REGION). CPU µs per extra row is the slope between them, the fixed CPU the intercept: what a process costs whatever its rows (start-up, worker threads, listing, footers, the last part's tail). A single size would charge every row with a share of that: at 500k rows it is about half of the CPU. A plan or load task is charged NATION's run (${rates.fixedCpu.toFixed(2)} s CPU, ${rates.fixedWall.toFixed(2)} s wall). CPU time is what the model scales: it adds up across shards and moves less than wall time when other work shares the machine. Core use is CPU ÷ (wall × cores) of the larger run.`,
    `- Noise: the rounds spread by up to ${Math.round(100 * Math.max(...Object.values(r.tables).flat().map((x) => Math.max(x.cpuSpread, x.wallSpread))))}% on this shared virtual machine, and a slope between two sizes carries the noise of both; read the per-table CPU figures below as ±25%, and re-measure on your own hardware before committing a budget.`,
    '- Bytes per row are the larger run\'s; they scale linearly with rows (the same generator at every scale factor). Real exports differ in compression and row-group size.',
    '',
    'Assumed (constants at the top of `bench/scale-model.ts`):',
    '',
    `- Prices, on demand, US East list prices: Fargate $${ASSUME.fargateVcpuHour}/vCPU-hour and $${ASSUME.fargateGbHour}/GB-hour; S3 $${ASSUME.s3PutPer1000} per 1,000 PUT/LIST and $${ASSUME.s3GetPer1000} per 1,000 GET, $${ASSUME.s3GbMonth}/GB-month; Step Functions $${ASSUME.sfnPer1000Transitions} per 1,000 transitions; ra3.4xlarge $${ASSUME.redshiftNodeHour}/node-hour. Check them for your region.`,
    `- Each shard: ${ASSUME.shardVcpu} vCPU and ${ASSUME.shardMemoryGiB} GiB (the prod environment's LINEITEM shards), sized so its pass takes at most ${ASSUME.shardTargetMinutes} minutes at the measured core use, never more shards than row groups; at most ${ASSUME.maxVcpus} vCPU run at once (the compute environment's maxvCpus), so more shards run in waves. Fargate bills about ${ASSUME.fargateStartSeconds} s of start-up per task, added to each.`,
    `- Source layout: Parquet files of ${ASSUME.sourceFileBytes / 2 ** 20} MiB with ${ASSUME.sourceRowGroupBytes / 2 ** 20} MiB row groups (Spark's and Glue's default block size).`,
    `- COPY: ${ASSUME.copyMbPerSecondPerSlice} MB of gzip per second per slice, on the prod cluster's ${slices} slices (${nodes} × ${prod.warehouse.kind === 'provisioned' ? prod.warehouse.nodeType : 'serverless'}). AWS publishes no such rate and nothing here can measure it: it is a planning figure. Measure yours from a night's COPY (\`SELECT loaded_bytes, duration FROM sys_load_history\`) and put it in the model. COPY time scales inversely with slices: twice the nodes, half the time.`,
    `- S3 requests per night: plan lists the batch and reads each file's HEAD and footer (3 requests a file); each shard reads a HEAD per file and one ranged GET per row group; each part is a multipart upload (create, one request per ${DEFAULT_PART_SIZE / 2 ** 20} MiB, complete); a manifest per shard, the plan, its pointer and the batch manifest; COPY reads each part once. Part counts come from the loader's own rule (jobs/partition/part-count.ts) for ${slices} slices. Staging keeps a night's parts ${stagingDays} days (prod).`,
    '',
  );
  for (const sf of SCALE_FACTORS) {
    const rows = Object.keys(TPCH_ROWS).filter((t) => rates.tables[t]).map((t) => night(t, sf, rates, stagingDays));
    const total = rows.reduce(
      (s, x) => ({
        rows: s.rows + x.rows, parquetGB: s.parquetGB + x.parquetGB, gzipGB: s.gzipGB + x.gzipGB, shards: s.shards + x.shards,
        vcpuHours: s.vcpuHours + x.vcpuHours, copyMinutes: s.copyMinutes + x.copyMinutes,
        put: s.put + x.requests.put + x.requests.list, get: s.get + x.requests.get,
        dollars: s.dollars + x.dollars.fargate + x.dollars.s3Requests + x.dollars.s3Storage + x.dollars.stepFunctions,
        wall: Math.max(s.wall, x.shardWallMinutes),
      }),
      { rows: 0, parquetGB: 0, gzipGB: 0, shards: 0, vcpuHours: 0, copyMinutes: 0, put: 0, get: 0, dollars: 0, wall: 0 },
    );
    out.push(`## SF ${sf}`, '');
    out.push('| table | rows | Parquet GB | gzip GB | shards | vCPU-hours | pass wall (min) | COPY (min) | S3 PUT+LIST | S3 GET | $ Fargate | $ S3 | $ night |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const x of rows) {
      const d = x.dollars;
      out.push(
        `| ${x.table} | ${n0(x.rows)} | ${n2(x.parquetGB)} | ${n2(x.gzipGB)} | ${x.shards} | ${n2(x.vcpuHours)} | ${n2(x.shardWallMinutes)} | ${n2(x.copyMinutes)} | ${n0(x.requests.put + x.requests.list)} | ${n0(x.requests.get)} | ${usd(d.fargate)} | ${usd(d.s3Requests + d.s3Storage)} | ${usd(d.fargate + d.s3Requests + d.s3Storage + d.stepFunctions)} |`,
      );
    }
    out.push(
      `| **all eight** | ${n0(total.rows)} | ${n2(total.parquetGB)} | ${n2(total.gzipGB)} | ${total.shards} | ${n2(total.vcpuHours)} | ${n2(total.wall)} (longest) | ${n2(total.copyMinutes)} | ${n0(total.put)} | ${n0(total.get)} | | | **${usd(total.dollars)}** |`,
      '',
    );
    const clusterNight = (total.copyMinutes / 60) * nodes * ASSUME.redshiftNodeHour;
    // All tables' shards share the compute environment: the pass takes at least their vCPU-hours over maxVcpus.
    const shardVcpuHours = total.vcpuHours;
    const sharedHours = shardVcpuHours / ASSUME.maxVcpus;
    const passHours = Math.max(total.wall / 60, sharedHours);
    // COPYs of different tables run one after another on the cluster's slices (each COPY uses every slice).
    const slicesFor30 = Math.ceil((total.gzipGB * 1e3) / (ASSUME.copyMbPerSecondPerSlice * 1800));
    out.push(
      `Night: the eight runs start together. Their shards need ${n2(shardVcpuHours)} vCPU-hours; with at most ${ASSUME.maxVcpus} vCPU at once the pass takes about ${n2(passHours * 60)} min ` +
        `(the longest table alone: ${n2(total.wall)} min), then the COPYs, which share the cluster's ${slices} slices: ${n2(total.copyMinutes)} min at the assumed rate. ` +
        `COPY within 30 minutes would need about ${n0(slicesFor30)} slices at that rate. ` +
        `The cluster runs whether or not a load runs; its share of the night, the COPY time on ${nodes} nodes, is ≈ ${usd(clusterNight)} on demand (not in the totals above).`,
      '',
    );
  }
  out.push(
    '## Sizing an environment from this', '',
    '- Per dataset, `batch.datasets.<name>` in stacks/environments.ts sets shards, vCPU and memory (docs/deploy.md, "Sizing a dataset"); set shards to the SF column you expect and check that the sum of `shards × vcpu` over datasets loaded at the same time stays under `batch.maxVcpus`, or accept waves.',
    '- A shard\'s memory does not grow with its rows (the pass is bounded by `--max-page-bytes` and the part buffers; peak RSS above), so more rows mean more shards, not bigger tasks.',
    '- More slices shorten COPY in proportion; the part count follows the slices (a multiple of them), so `RL_SLICES` must be the cluster\'s real count.',
    '- With `--quality-in warehouse` (docs in README), no shard reads the rows: the pass is replaced by COPY FORMAT AS PARQUET and the rules\' SQL on the stage; the Fargate column then drops to the plan and load tasks, and the cluster does the work.',
    '',
  );
  return out.join('\n');
}

function main(): void {
  const argv = process.argv.slice(2);
  let ratesFile = join(BENCH, 'SCALE-RATES.json');
  let outFile = join(ROOT, 'docs', 'scale.md');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rates') ratesFile = argv[++i];
    else if (argv[i] === '--out') outFile = argv[++i];
    else throw new Error(`unknown flag ${argv[i]}; usage: npx tsx bench/scale-model.ts [--rates FILE] [--out FILE]`);
  }
  const rates = JSON.parse(readFileSync(ratesFile, 'utf8')) as ScaleRates;
  writeFileSync(outFile, renderScale(rates));
  console.log(`wrote ${outFile.replace(`${ROOT}/`, '')}`);
}

if (process.argv[1] && process.argv[1].endsWith('scale-model.ts')) main();
