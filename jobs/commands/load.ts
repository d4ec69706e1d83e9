import { jobEnv } from '../../core/env.ts';
import { resolveLocations } from '../locations.ts';
import { loadPlan } from '../shards/load-plan.ts';
import { readPlan } from '../shards/plan-file.ts';
import { storeFor } from '../store/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { contractFor, str, type Command, type CommandContext } from './command.ts';
import { rebuildFromFlag, runNumbers, summaryLine } from './run.ts';

/** Stages, reconciles and publishes a planned batch from its shards' manifests. */
export async function loadAndSummarize(ctx: CommandContext, planUri: string): Promise<number> {
  const { values, log } = ctx;
  // Checked before the plan is read: a date that is not one is exit 2 at once, as on `run`.
  const rebuildFrom = rebuildFromFlag(values);
  const p = await readPlan(await storeFor(planUri), planUri);
  // Only the named dataset's contract table names are needed for the defaults; the plan's contract is the one used.
  const locations = resolveLocations(await contractFor(p.dataset, values.contracts), p.batchDate, {
    source: p.source, staging: str(values.staging), reports: str(values.reports), warehouse: str(values.warehouse), catalog: str(values.catalog),
  });
  const { limits } = runNumbers(values);
  const report = await loadPlan({ planUri, locations, limits, force: values.force === true, rebuildFrom, catalogExplicit: str(values.catalog) !== undefined || jobEnv('RL_CATALOG') !== undefined, log, signal: ctx.signal });
  const line = summaryLine(report, `${p.contract.schema}.${p.contract.historyTable}`);
  if (ctx.json) ctx.print(JSON.stringify({ message: line, ...report }));
  else log.info(line);
  return 0;
}

export const load: Command = {
  summary: 'check every shard manifest of a plan, merge them, then stage, reconcile and publish the batch',
  usage: 'redshift-loader load --plan URI [--contracts DIR|s3://…] [--staging URI] [--reports URI] [--warehouse URI] [--catalog URI] [--lock-timeout SECONDS] [--statement-timeout SECONDS] [--force] [--rebuild-from YYYY-MM-DD] [--json] [--debug]',
  options: {
    plan: { type: 'string' }, contracts: { type: 'string' }, staging: { type: 'string' }, reports: { type: 'string' },
    warehouse: { type: 'string' }, catalog: { type: 'string' }, 'lock-timeout': { type: 'string' }, 'statement-timeout': { type: 'string' },
    force: { type: 'boolean' }, 'rebuild-from': { type: 'string' },
  },
  stopsOnSignal: true,
  async run(ctx) {
    const planUri = str(ctx.values.plan);
    if (!planUri) throw new ConfigError('--plan is required', {}, 'the plan.json URI that `redshift-loader plan` printed');
    return loadAndSummarize(ctx, planUri);
  },
};
