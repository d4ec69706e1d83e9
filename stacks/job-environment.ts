// The only import from jobs/: the NAMES of the variables the jobs read, as a type. The Record below
// must then list exactly those names, less UNSET_JOB_ENV — one missing or one extra fails the typecheck.
import type { JobEnvName } from '../core/env.ts';

/**
 * Variables of JOB_ENV the job definitions deliberately leave unset. RL_SECRET_ARN: the jobs log in to
 * the warehouse through IAM as the ETL user (RL_WAREHOUSE `…?user=<etl user>`, or the job role's own
 * identity on Serverless), never with a secret; set, it would be used for every warehouse URI that
 * names no `?user=` (jobs/warehouse/redshift-data.ts). RL_LOCK_TIMEOUT, RL_STATEMENT_TIMEOUT: the jobs'
 * defaults (300 s, 3600 s) are the production values; set them only to override.
 */
export const UNSET_JOB_ENV = ['RL_SECRET_ARN', 'RL_LOCK_TIMEOUT', 'RL_STATEMENT_TIMEOUT'] as const satisfies readonly JobEnvName[];

/**
 * Variables the job definitions set only when the environment asks for them. RL_CONTRACTS: only with a
 * `contractsPrefix` (stacks/contracts-location.ts); otherwise the jobs use the contracts baked into the
 * image (datasets/*.json). RL_QUALITY_IN: unset, each contract's `qualityIn` (default stream) decides.
 */
export const OPTIONAL_JOB_ENV = ['RL_CONTRACTS', 'RL_QUALITY_IN'] as const satisfies readonly JobEnvName[];

/** The variables the job definitions always set. */
export type SetJobEnvName = Exclude<JobEnvName, (typeof UNSET_JOB_ENV)[number] | (typeof OPTIONAL_JOB_ENV)[number]>;

export interface JobLocations {
  landingBucket: string;
  stagingBucket: string;
  reportsBucket: string;
  warehouseUri: string;
  catalogDatabase: string;
  copyRoleArn: string;
  keyArn: string;
  slices: number;
  /** RL_METRICS_NAMESPACE: the environment's CloudWatch namespace (core/metric-names.ts). */
  metricsNamespace: string;
  /** RL_CONTRACTS, when the environment has a contracts prefix. */
  contractsUri?: string;
}

/** The Batch job environment: locations and ARNs, never a secret or a secret's ARN. */
export function jobEnvironment(l: JobLocations): Record<SetJobEnvName, string> & { RL_CONTRACTS?: string } {
  return {
    RL_LANDING: `s3://${l.landingBucket}`,
    RL_STAGING: `s3://${l.stagingBucket}`,
    RL_REPORTS: `s3://${l.reportsBucket}`,
    RL_WAREHOUSE: l.warehouseUri,
    RL_CATALOG: `glue:${l.catalogDatabase}`,
    RL_COPY_ROLE_ARN: l.copyRoleArn,
    RL_KMS_KEY_ARN: l.keyArn,
    RL_SLICES: String(l.slices),
    RL_METRICS_NAMESPACE: l.metricsNamespace,
    ...(l.contractsUri !== undefined ? { RL_CONTRACTS: l.contractsUri } : {}),
  };
}
