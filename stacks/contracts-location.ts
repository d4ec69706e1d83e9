/**
 * Where the jobs read the users' own contracts (RL_CONTRACTS), when an environment names a
 * `contractsPrefix`: a prefix of the environment's LANDING bucket, read-only for the job role.
 *
 * Why landing and not staging or reports: staging and reports expire every object after
 * `retention.stagingDays` / `reportsDays` (one bucket-wide lifecycle rule; S3 lifecycle filters cannot
 * exclude a prefix), so contracts kept there would vanish a week after upload. Landing keeps objects
 * (versioned, noncurrent versions expire), is already encrypted with the environment key the job role
 * may decrypt through S3, and the jobs already read it; its crawlers crawl only the dataset roots, so a
 * prefix outside them is never catalogued. Why not a new bucket: one more bucket (policy, logging,
 * lifecycle) for a handful of JSON files, and no privilege saved — the grant below is exactly one prefix.
 */
import type { DatasetContract } from '../datasets/index.ts';
import { landingRoot } from './catalog.ts';
import type { EnvironmentSettings } from './environments.ts';
import { allow, type Statement } from './iam.ts';

/** What `contractsPrefix` may be: relative key segments ending in `/` (e.g. `contracts/`). */
const PREFIX = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*\/$/;

/**
 * The environment's contracts prefix, checked; undefined when it names none (the jobs then use the
 * contracts baked into the image). Throws at synth on a malformed prefix or one that overlaps a
 * dataset's landing root (the crawler would catalogue the contracts, the job role's grants would mix).
 */
export function contractsPrefix(settings: Pick<EnvironmentSettings, 'name' | 'contractsPrefix'>, datasets: DatasetContract[]): string | undefined {
  const p = settings.contractsPrefix;
  if (p === undefined) return undefined;
  const fail = (m: string): never => {
    throw new Error(`environment ${settings.name}: contractsPrefix ${JSON.stringify(p)} ${m}`);
  };
  if (!PREFIX.test(p)) fail('must be lower-case key segments ending in "/", e.g. "contracts/"');
  for (const d of datasets) {
    const root = landingRoot(d);
    if (p.startsWith(root) || root.startsWith(p)) fail(`overlaps the landing root ${root} of dataset ${d.name}`);
  }
  return p;
}

/** RL_CONTRACTS: the prefix in the landing bucket (a bucket name or a Terraform reference to it). */
export function contractsUri(landingBucket: string, prefix: string): string {
  return `s3://${landingBucket}/${prefix}`;
}

/**
 * The job role's grant: list that prefix and read its objects, nothing more (no write, no versions).
 * kms:Decrypt on the environment key through S3 is granted already (UseKeyThroughServices).
 */
export function readContractsStatements(landingArn: string, prefix: string): Statement[] {
  return [
    allow('ReadContracts', ['s3:GetObject'], [`${landingArn}/${prefix}*`]),
    allow('ListContracts', ['s3:ListBucket'], [landingArn], { StringLike: { 's3:prefix': [`${prefix}*`] } }),
  ];
}
