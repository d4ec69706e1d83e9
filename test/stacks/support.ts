import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { datasets as allDatasets, type DatasetContract } from '../../datasets/index.ts';
import { JOB_ENV } from '../../core/env.ts';
import { buildApp } from '../../stacks/app.ts';
import type { StackContext } from '../../stacks/context.ts';
import { dev, environments, type EnvironmentSettings } from '../../stacks/environments.ts';
import { sizingTable } from '../../stacks/dataset-sizing.ts';
import { landingRoot } from '../../stacks/catalog.ts';
import { OPTIONAL_JOB_ENV, UNSET_JOB_ENV } from '../../stacks/job-environment.ts';
import { LoaderStack } from '../../stacks/loader-stack.ts';
import { Names } from '../../stacks/naming.ts';
import type { CheckOptions } from './policy/rules.ts';
import type { TfJson } from './policy/tf.ts';

export const ACCOUNT = '123456789012';
export const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/test`;
export const DATASETS: DatasetContract[] = Object.values(allDatasets);

/** A context with literal values, for constructs synthesized on their own. */
export function testContext(settings: EnvironmentSettings = dev): StackContext {
  return { settings, names: new Names(settings), accountId: ACCOUNT, region: settings.region, partition: 'aws', tags: {} };
}

export interface Synth {
  /** What cdktf's Testing matchers take. */
  json: string;
  tf: TfJson;
}

/** One construct (and whatever it needs) in a fresh stack. */
export function synthScope(fn: (scope: Construct) => void): Synth {
  const json = Testing.synthScope(fn);
  return { json, tf: JSON.parse(json) as TfJson };
}

export function synthStack(settings: EnvironmentSettings = dev, datasets: DatasetContract[] = DATASETS): Synth & { stack: LoaderStack } {
  const stack = new LoaderStack(Testing.app(), { settings, datasets, backend: settings.state });
  const json = Testing.synth(stack);
  return { stack, json, tf: JSON.parse(json) as TfJson };
}

let written: Map<string, TfJson> | undefined;
/** Every environment as `npm run synth` writes it (the real App, to a temporary cdktf.out). */
export function synthesizedEnvironments(): Map<string, TfJson> {
  if (written) return written;
  const outdir = mkdtempSync(join(tmpdir(), 'rl-stacks-'));
  buildApp({ outdir }).app.synth();
  written = new Map();
  for (const env of readdirSync(join(outdir, 'stacks')).sort()) {
    written.set(env, JSON.parse(readFileSync(join(outdir, 'stacks', env, 'cdk.tf.json'), 'utf8')) as TfJson);
  }
  return written;
}

/** What the rules expect of an environment; `contractsPrefix` as in its settings (RL_CONTRACTS set only then). */
export function checkOptions(environment: string, contractsPrefix?: string): CheckOptions {
  const optional: readonly string[] = OPTIONAL_JOB_ENV;
  // With a contractsPrefix the stacks set RL_CONTRACTS; the other optional names (RL_QUALITY_IN) stay unset.
  const unset: string[] = [...UNSET_JOB_ENV, ...(contractsPrefix === undefined ? optional : optional.filter((n) => n !== 'RL_CONTRACTS'))];
  return {
    environment,
    datasets: DATASETS.map((d) => d.name),
    landingRoots: Object.fromEntries(DATASETS.map((d) => [d.name, landingRoot(d)])),
    jobEnvNames: Object.keys(JOB_ENV).filter((k) => !unset.includes(k)),
    unsetJobEnvNames: unset,
    ...(contractsPrefix !== undefined ? { contractsPrefix } : {}),
    sizing: sizingTable(environments[environment], DATASETS.map((d) => d.name)),
    rowCountLimits: rowCountLimits(DATASETS),
  };
}

/** Each contract's row_count_change maxChangePercent, read from the contracts themselves (the alarm thresholds). */
export function rowCountLimits(contracts: DatasetContract[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of contracts) {
    for (const r of c.quality) if (r.type === 'row_count_change') out[c.name] = r.maxChangePercent;
  }
  return out;
}

export function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0];
}
