import { parseBatchDate, resolveLocations, todayUtc } from '../locations.ts';
import { makePlan } from '../shards/make-plan.ts';
import { checkPointerUri, writePlanPointer } from '../shards/plan-pointer.ts';
import { DEFAULT_SLICES } from '../partition/part-count.ts';
import { contractFor, intFlag, partFlags, str, type Command } from './command.ts';

/** Most shards a plan may have (an AWS Batch array job's limit is 10,000). */
export const MAX_SHARDS = 10_000;

export const plan: Command = {
  summary: 'list a batch, read its footers, check drift and cut it into shards: writes plan.json to staging',
  usage: 'redshift-loader plan --dataset NAME [--contracts DIR|s3://…] [--date YYYY-MM-DD] [--shards N] [--source URI] [--staging URI] [--catalog URI] [--slices N] [--parts-per-slice N] [--gzip-level 1-9] [--pointer URI] [--json]',
  options: {
    dataset: { type: 'string' }, contracts: { type: 'string' }, date: { type: 'string' },
    source: { type: 'string' }, staging: { type: 'string' }, catalog: { type: 'string' },
    shards: { type: 'string' }, slices: { type: 'string' }, 'parts-per-slice': { type: 'string' }, 'gzip-level': { type: 'string' },
    pointer: { type: 'string' },
  },
  async run({ values, log, json, print }) {
    const contract = await contractFor(values.dataset, values.contracts);
    const batchDate = parseBatchDate(str(values.date) ?? todayUtc());
    const locations = resolveLocations(contract, batchDate, { source: str(values.source), staging: str(values.staging), catalog: str(values.catalog) });
    const shards = intFlag('shards', values.shards, 1, MAX_SHARDS) ?? 1;
    const parts = partFlags(values);
    const gzipLevel = intFlag('gzip-level', values['gzip-level'], 1, 9);
    const options = { slices: parts.slices ?? DEFAULT_SLICES, ...(parts.partsPerSlice ? { partsPerSlice: parts.partsPerSlice } : {}), ...(gzipLevel ? { gzipLevel } : {}) };
    const pointer = str(values.pointer);
    await checkPointerUri(pointer);
    const { plan: p, planUri } = await makePlan({ contract, batchDate, locations, shards, options, log });
    // After plan.json: a pointer never names a plan that is not there.
    if (pointer !== undefined) await writePlanPointer(pointer, { plan: planUri, planId: p.planId, shards: p.shards });
    const line = `planned ${p.files.length} file(s) into ${p.shards} shard(s) (plan ${p.planId}) — plan: ${planUri}`;
    if (json) print(JSON.stringify({ status: 'ok', message: line, plan: planUri, planId: p.planId, shards: p.shards }));
    else log.info(line);
    return 0;
  },
};
