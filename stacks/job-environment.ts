// The only import from jobs/: the NAMES of the variables the jobs read, as a type. The Record below
// must then list exactly those names — one missing or one extra fails the typecheck.
import type { JobEnvName } from '../jobs/config/env.ts';

export interface JobLocations {
  landingBucket: string;
  stagingBucket: string;
  reportsBucket: string;
  warehouseUri: string;
  catalogDatabase: string;
  secretArn: string;
  copyRoleArn: string;
  keyArn: string;
  slices: number;
}

/** The Batch job environment: locations and ARNs, never a secret's value. */
export function jobEnvironment(l: JobLocations): Record<JobEnvName, string> {
  return {
    RL_LANDING: `s3://${l.landingBucket}`,
    RL_STAGING: `s3://${l.stagingBucket}`,
    RL_REPORTS: `s3://${l.reportsBucket}`,
    RL_WAREHOUSE: l.warehouseUri,
    RL_CATALOG: `glue:${l.catalogDatabase}`,
    RL_SECRET_ARN: l.secretArn,
    RL_COPY_ROLE_ARN: l.copyRoleArn,
    RL_KMS_KEY_ARN: l.keyArn,
    RL_SLICES: String(l.slices),
  };
}
