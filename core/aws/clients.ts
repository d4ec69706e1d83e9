/**
 * One factory for the AWS SDK clients the jobs use.
 *
 * Endpoints: SDK v3 (3.1175 here) already reads `AWS_ENDPOINT_URL` and the service-specific
 * `AWS_ENDPOINT_URL_<SERVICE_ID>` (S3, GLUE, SECRETS_MANAGER, REDSHIFT_DATA), and honours
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` — so this factory does NOT pass those on (no double handling).
 * It only looks at them to decide what the SDK cannot: S3 must use path-style addressing when an
 * endpoint is configured (moto, MinIO, …: no `<bucket>.<host>` DNS). An explicit `endpoint` option
 * (tests) wins over the environment.
 *
 * Region: `AWS_REGION`, else us-east-1. Retries: the SDK's adaptive mode (standard + client-side rate
 * limiting on throttles), 5 attempts, unless `AWS_RETRY_MODE` / `AWS_MAX_ATTEMPTS` say otherwise.
 */
import { GlueClient } from '@aws-sdk/client-glue';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface AwsClientOptions {
  /** Defaults to AWS_REGION, else us-east-1. */
  region?: string;
  /** An explicit endpoint URL (tests). Without it the SDK reads AWS_ENDPOINT_URL[_<SERVICE>] itself. */
  endpoint?: string;
  /** Explicit credentials (tests against moto). Without them the SDK's default chain (job role). */
  credentials?: S3ClientConfig['credentials'];
  /** Defaults to AWS_MAX_ATTEMPTS, else 5. */
  maxAttempts?: number;
}

export const DEFAULT_REGION = 'us-east-1';
const DEFAULT_MAX_ATTEMPTS = 5;

/** The SDK's service ids, which name the service-specific endpoint variables. */
export type AwsServiceId = 'S3' | 'Glue' | 'Secrets Manager' | 'Redshift Data';

export function awsRegion(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_REGION || DEFAULT_REGION;
}

/**
 * The endpoint the SDK will use from the environment for a service, mirroring its precedence
 * (AWS_ENDPOINT_URL_<SERVICE> over AWS_ENDPOINT_URL, both off under AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).
 * Only used to decide path-style addressing; the SDK resolves the endpoint itself.
 */
export function configuredEndpoint(serviceId: AwsServiceId, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  const specific = env[['AWS_ENDPOINT_URL', ...serviceId.split(' ').map((w) => w.toUpperCase())].join('_')];
  return specific || env.AWS_ENDPOINT_URL || undefined;
}

function base(opts: AwsClientOptions) {
  const attemptsEnv = Number(process.env.AWS_MAX_ATTEMPTS);
  return {
    region: opts.region ?? awsRegion(),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(process.env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' }),
    maxAttempts: opts.maxAttempts ?? (attemptsEnv > 0 ? attemptsEnv : DEFAULT_MAX_ATTEMPTS),
  };
}

export function s3Client(opts: AwsClientOptions = {}): S3Client {
  const endpointSet = Boolean(opts.endpoint ?? configuredEndpoint('S3'));
  return new S3Client({ ...base(opts), forcePathStyle: endpointSet });
}

export function glueClient(opts: AwsClientOptions = {}): GlueClient {
  return new GlueClient(base(opts));
}

export function secretsClient(opts: AwsClientOptions = {}): SecretsManagerClient {
  return new SecretsManagerClient(base(opts));
}

export function redshiftDataClient(opts: AwsClientOptions = {}): RedshiftDataClient {
  return new RedshiftDataClient(base(opts));
}

/** The SDK error's name (NoSuchBucket, AccessDenied, …) and HTTP status, for mapping to user errors. */
export function awsErrorInfo(e: unknown): { name: string; status?: number; message: string } {
  const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return {
    name: err?.name ?? err?.Code ?? 'Error',
    status: err?.$metadata?.httpStatusCode,
    message: err?.message ?? String(e),
  };
}
