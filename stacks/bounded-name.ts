/**
 * Resource names made from dataset names, kept within the provider's limits. A dataset name has no
 * length limit (datasets/contract.schema.json: `^[a-z][a-z0-9_]*$`), but AWS's names do: an EventBridge
 * rule or Scheduler schedule 64 characters, a Batch job name 128, a CloudWatch alarm or a Glue crawler or classifier 255. A name that
 * fits is left as it is (the built-in datasets' names never change); a longer one keeps its head
 * (project and environment) and its tail (what the resource is), shortens the dataset's part and adds
 * 8 hex digits of the SHA-256 of the whole name, so it is stable from one synth to the next and two
 * datasets that share a long prefix still get two names.
 */
import { createHash } from 'node:crypto';

/** Characters every one of those services accepts in a name (EventBridge rules: `[.\-_A-Za-z0-9]+`). */
export const NAME_CHARACTERS = /^[.\-_A-Za-z0-9]+$/;

/** Provider limits on the names the stacks build from dataset names. */
export const NAME_LIMITS = {
  eventRule: 64,
  schedule: 64,
  batchJobName: 128,
  alarm: 255,
  glue: 255,
} as const;

const HASH_CHARS = 8;

/** `<head>-<dataset>-<tail>` when it fits in `limit`, else `<head>-<dataset cut>-<hash>-<tail>` of exactly `limit` characters. */
export function boundedName(limit: number, head: string, dataset: string, tail: string): string {
  const full = [head, dataset, tail].filter((p) => p !== '').join('-');
  if (full.length <= limit) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, HASH_CHARS);
  const fixed = [head, hash, tail].filter((p) => p !== '').join('-').length + 1;
  const room = limit - fixed;
  if (room < 1) throw new Error(`no room for dataset ${dataset} in a ${limit}-character name after "${head}" and "${tail}"`);
  return [head, dataset.slice(0, room), hash, tail].filter((p) => p !== '').join('-');
}
