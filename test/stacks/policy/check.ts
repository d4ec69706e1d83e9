// Runs the policy suite over synthesized stacks on disk:
//   node --import tsx test/stacks/policy/check.ts [cdktf.out]
// Exit 0 when every stack passes, 1 otherwise (one line per violation).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasets } from '../../../datasets/index.ts';
import { JOB_ENV } from '../../../core/env.ts';
import { OPTIONAL_JOB_ENV, UNSET_JOB_ENV } from '../../../stacks/job-environment.ts';
import { environments } from '../../../stacks/environments.ts';
import { checkStack } from './rules.ts';
import { landingRoot } from '../../../stacks/catalog.ts';
import type { TfJson } from './tf.ts';

const outdir = process.argv[2] ?? 'cdktf.out';
const stacksDir = join(outdir, 'stacks');
const names = readdirSync(stacksDir).sort();
const unset: readonly string[] = UNSET_JOB_ENV;
let failures = 0;
for (const env of names) {
  const tf = JSON.parse(readFileSync(join(stacksDir, env, 'cdk.tf.json'), 'utf8')) as TfJson;
  // The optional names are set only when the environment asks (RL_CONTRACTS with a contractsPrefix).
  const optional = OPTIONAL_JOB_ENV.filter((k) => !(k === 'RL_CONTRACTS' && environments[env]?.contractsPrefix !== undefined));
  const jobEnvNames = Object.keys(JOB_ENV).filter((k) => !unset.includes(k) && !(optional as readonly string[]).includes(k));
  const rowCountLimits = Object.fromEntries(Object.values(datasets).flatMap((c) => c.quality.flatMap((r) => (r.type === 'row_count_change' ? [[c.name, r.maxChangePercent]] : []))));
  const violations = checkStack(tf, { environment: env, datasets: Object.keys(datasets), landingRoots: Object.fromEntries(Object.values(datasets).map((d) => [d.name, landingRoot(d)])), jobEnvNames, unsetJobEnvNames: [...unset], rowCountLimits });
  for (const v of violations) console.log(`${env}: ${v}`);
  console.log(`${env}: ${violations.length === 0 ? 'ok' : `${violations.length} violation(s)`}`);
  failures += violations.length;
}
if (names.length < 2) {
  console.log(`only ${names.length} environment(s) synthesized; at least two expected`);
  failures++;
}
process.exit(failures ? 1 : 0);
