/**
 * Every environment variable the jobs read. The CDKTF job definitions set exactly these (a test keeps
 * the two in step). They carry locations and ARNs, never secrets.
 */
export const JOB_ENV = {
  RL_LANDING: 'landing root URI; the batch is <root>/<dataset>/<YYYYMMDD>/ (e.g. s3://dev-landing)',
  RL_STAGING: 'staging root URI for parts and manifests (e.g. s3://dev-staging)',
  RL_REPORTS: 'reports root URI (e.g. s3://dev-reports)',
  RL_WAREHOUSE: 'warehouse URI: pglite:<dir>, postgres://…, redshift-data:cluster/<id>/<db>, redshift-data:workgroup/<name>/<db>',
  RL_CATALOG: 'catalog URI: local:<dir> or glue:<database>',
  RL_SECRET_ARN: 'ARN of the Secrets Manager secret holding the warehouse credentials (the ARN, not the secret)',
  RL_COPY_ROLE_ARN: 'IAM role Redshift assumes to COPY from the staging bucket',
  RL_KMS_KEY_ARN: 'KMS key every S3 write is encrypted with (SSE-KMS)',
  RL_CONTRACTS: 'folder or s3:// prefix of the users\' own contracts (<dataset>.json); one named like a built-in replaces it (--contracts wins)',
  RL_SLICES: 'slice count of the cluster when it cannot be read from STV_SLICES',
  RL_LOCK_TIMEOUT: 'seconds any warehouse statement may wait for a lock (default 300; --lock-timeout wins)',
  RL_STATEMENT_TIMEOUT: 'seconds any warehouse statement may run (default 3600; --statement-timeout wins)',
  RL_QUALITY_IN: 'where the quality rules run: stream (default) or warehouse (SQL on the stage; needs --strategy parquet); --quality-in wins, then this, then the contract\'s qualityIn',
  RL_METRICS_NAMESPACE: 'CloudWatch namespace of the Embedded Metric Format metrics in the JSON log lines (default redshift-loader; the stacks set redshift-loader/<environment>)',
} as const;

export type JobEnvName = keyof typeof JOB_ENV;

export function jobEnv(name: JobEnvName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}
