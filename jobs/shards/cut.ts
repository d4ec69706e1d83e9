/**
 * Cuts a batch into shards of even weight, in input order: a Parquet file by row groups (weight: rows),
 * a text file whole (weight: bytes, as its rows are unknown until read; a line boundary is the only exact
 * cut and finding one means reading). Each unit goes to the shard its middle falls in, so shards are
 * contiguous runs of units and never more than one unit away from even. The shard count is at most the
 * number of units: a shard always has work.
 */
import type { PlannedFile, ShardPlan, ShardSlice } from './plan-file.ts';

interface Unit {
  file: number;
  group?: number;
  weight: number;
  bytes: number;
}

export function cutShards(files: PlannedFile[], requested: number): ShardPlan[] {
  const units: Unit[] = [];
  files.forEach((f, file) => {
    if (!f.rowGroups) {
      units.push({ file, weight: f.size, bytes: f.size });
      return;
    }
    const rows = f.rowGroups.reduce((s, r) => s + r, 0);
    f.rowGroups.forEach((r, group) => {
      if (r > 0) units.push({ file, group, weight: r, bytes: rows > 0 ? Math.ceil((f.size * r) / rows) : 0 });
    });
  });
  const n = Math.max(1, Math.min(requested, units.length));
  const total = units.reduce((s, u) => s + u.weight, 0);
  const shards: ShardPlan[] = Array.from({ length: n }, (_, index) => ({ index, slices: [], weight: 0, bytes: 0 }));
  let before = 0;
  let last = -1;
  units.forEach((u, k) => {
    // By middle, except that every shard gets at least one unit (units left >= shards left).
    let s = total > 0 ? Math.min(n - 1, Math.floor(((before + u.weight / 2) * n) / total)) : 0;
    s = Math.max(s, last, n - (units.length - k));
    s = Math.min(s, last + 1);
    before += u.weight;
    last = s;
    const shard = shards[s];
    shard.weight += u.weight;
    shard.bytes += u.bytes;
    const prev: ShardSlice | undefined = shard.slices[shard.slices.length - 1];
    if (u.group === undefined) shard.slices.push({ file: u.file });
    else if (prev && prev.file === u.file && prev.rowGroups) prev.rowGroups[1] = u.group + 1;
    else shard.slices.push({ file: u.file, rowGroups: [u.group, u.group + 1] });
  });
  return shards;
}
