/**
 * Reads every shard manifest of a plan and merges them into the batch's manifest: the parts in shard
 * order, the source files with their rows added up (a file cut by row groups appears in several shards),
 * and the checksums and per-column figures combined exactly (rows and counts add, sums add as exact
 * decimals, min of mins, max of maxes). A missing shard, a shard of another plan or of another CSV layout
 * is refused (LoadError, exit 5: rerun that shard).
 */
import { LoadError } from '../../core/errors.ts';
import type { Checksums, ColumnFigures, Manifest, SourceFile } from '../../core/manifest.ts';
import { figureKind } from '../partition/column-figures.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { compareDecimal, pick, sumOf, textOrder } from './exact-decimal.ts';
import { shardFolder, shardRunId, type Plan } from './plan-file.ts';

export async function readShardManifests(store: ObjectStore, planUri: string, plan: Plan): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (let i = 0; i < plan.shards; i++) {
    const uri = store.join(shardFolder(store, planUri, i), 'manifest.json');
    const rerun = `run \`redshift-loader partition --plan ${planUri} --shard ${i}\`, then load again`;
    if (!(await store.exists(uri))) throw new LoadError(`shard ${i} of ${plan.shards} has no manifest: it has not finished`, { file: uri }, rerun);
    let m: Manifest;
    try {
      m = JSON.parse((await store.readAll(uri)).toString('utf8')) as Manifest;
    } catch {
      throw new LoadError(`shard ${i}'s manifest is not JSON`, { file: uri }, rerun);
    }
    const expected = shardRunId(plan.planId, i);
    if (m.package?.runId !== expected || m.package.dataset !== plan.dataset || m.package.batchDate !== plan.batchDate) {
      throw new LoadError(`shard ${i}'s manifest belongs to another plan (${m.package?.runId ?? 'unknown'}, expected ${expected})`, { file: uri }, rerun);
    }
    if (!(await store.exists(store.join(shardFolder(store, planUri, i), 'quality.json')))) {
      throw new LoadError(`shard ${i} has no quality report: it did not finish`, { file: uri }, rerun);
    }
    out.push(m);
  }
  return out;
}

export function mergeManifests(plan: Plan, shards: Manifest[], runId: string): Manifest {
  const first = shards[0].package;
  for (const [i, m] of shards.entries()) {
    if (m.package.csv?.nullMarker !== first.csv?.nullMarker) {
      throw new LoadError(`shards 0 and ${i} wrote NULL as different markers (${first.csv?.nullMarker} and ${m.package.csv?.nullMarker}): one COPY cannot read both`, {}, 'load this batch with --shards 1');
    }
  }
  const sourceFiles: SourceFile[] = [];
  const byUri = new Map<string, SourceFile>();
  for (const m of shards) {
    for (const f of m.package.sourceFiles) {
      const seen = byUri.get(f.uri);
      if (seen) seen.rows += f.rows;
      else {
        const copy = { ...f };
        byUri.set(f.uri, copy);
        sourceFiles.push(copy);
      }
    }
  }
  return {
    entries: shards.flatMap((m) => m.entries),
    package: {
      ...first,
      runId,
      createdAt: plan.createdAt,
      sourceFiles,
      sourceRows: shards.reduce((s, m) => s + m.package.sourceRows, 0),
      checksums: shards.map((m) => m.package.checksums).reduce((a, b) => mergeChecksums(plan, a, b)),
    },
  };
}

function mergeChecksums(plan: Plan, a: Checksums, b: Checksums): Checksums {
  const out: Checksums = { rows: a.rows + b.rows, sums: {}, min: {}, max: {} };
  for (const k of Object.keys(a.sums)) out.sums[k] = sumOf(a.sums[k], b.sums[k]);
  for (const k of Object.keys(a.min)) out.min[k] = pick(a.min[k], b.min[k], 'min', compareDecimal);
  for (const k of Object.keys(a.max)) out.max[k] = pick(a.max[k], b.max[k], 'max', compareDecimal);
  if (a.columns && b.columns) {
    out.columns = {};
    for (const c of plan.contract.columns) out.columns[c.name] = mergeFigures(figureKind(c.type), a.columns[c.name], b.columns[c.name]);
  }
  return out;
}

function mergeFigures(kind: ReturnType<typeof figureKind>, a: ColumnFigures, b: ColumnFigures): ColumnFigures {
  const f: ColumnFigures = { count: a.count + b.count };
  if ('bytes' in a || 'bytes' in b) f.bytes = sumOf(a.bytes, b.bytes);
  const order = kind === 'temporal' ? textOrder : compareDecimal;
  if ('sum' in a || 'sum' in b) f.sum = sumOf(a.sum, b.sum);
  if ('min' in a || 'min' in b) f.min = pick(a.min, b.min, 'min', order);
  if ('max' in a || 'max' in b) f.max = pick(a.max, b.max, 'max', order);
  return f;
}
