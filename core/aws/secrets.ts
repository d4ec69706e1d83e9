/**
 * Warehouse credentials from Secrets Manager: a secret whose SecretString is the JSON Redshift's managed
 * admin secret (and RDS-style secrets) hold — {"username", "password", "host"?, "port"?, "dbname"?, …}.
 *
 * The password never reaches a log or an error: errors name the secret id only (never the secret's text,
 * not even a JSON parse message, which quotes its input), and the returned object keeps `password`
 * non-enumerable, so console.log / util.inspect / JSON.stringify of it leave the password out.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, LoadError } from '../errors.ts';
import { awsErrorInfo, secretsClient, type AwsClientOptions } from './clients.ts';

export interface DbCredentials {
  readonly username: string;
  /** Non-enumerable: present, but left out of logs and JSON. */
  readonly password: string;
  readonly host?: string;
  readonly port?: number;
  readonly dbname?: string;
  readonly engine?: string;
}

export interface SecretOptions {
  client?: SecretsManagerClient;
  clientOptions?: AwsClientOptions;
}

/** Fetches and parses a database secret by ARN or name (GetSecretValue, AWSCURRENT). */
export async function getDbCredentials(secretId: string, opts: SecretOptions = {}): Promise<DbCredentials> {
  if (!secretId) throw new ConfigError('no secret id given for the warehouse credentials', {}, 'set RL_SECRET_ARN');
  const client = opts.client ?? secretsClient(opts.clientOptions);
  let text: string | undefined;
  try {
    const res = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    text = res.SecretString ?? (res.SecretBinary ? Buffer.from(res.SecretBinary).toString('utf8') : undefined);
  } catch (e) {
    throw secretError(e, secretId);
  } finally {
    if (!opts.client) client.destroy();
  }
  return parseDbSecret(text, secretId);
}

/** Parses a secret's JSON text into credentials; errors name the secret id, never its contents. */
export function parseDbSecret(text: string | undefined, secretId: string): DbCredentials {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    json = undefined; // the parse error quotes the text: drop it
  }
  const o = json as Record<string, unknown> | undefined;
  if (!o || typeof o !== 'object' || typeof o.username !== 'string' || typeof o.password !== 'string') {
    throw new ConfigError(
      `secret ${secretId} is not a JSON object with string "username" and "password"`,
      {},
      'store the warehouse credentials as Redshift’s managed admin secret does',
    );
  }
  const port = o.port === undefined || o.port === null || o.port === '' ? undefined : Number(o.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new ConfigError(`secret ${secretId} has a "port" that is not a port number`);
  }
  const creds: Record<string, unknown> = { username: o.username };
  if (typeof o.host === 'string' && o.host) creds.host = o.host;
  if (port !== undefined) creds.port = port;
  const db = o.dbname ?? o.dbName ?? o.database;
  if (typeof db === 'string' && db) creds.dbname = db;
  if (typeof o.engine === 'string') creds.engine = o.engine;
  Object.defineProperty(creds, 'password', { value: o.password, enumerable: false });
  return Object.freeze(creds) as unknown as DbCredentials;
}

function secretError(e: unknown, secretId: string): Error {
  const { name, message } = awsErrorInfo(e);
  switch (name) {
    case 'ResourceNotFoundException':
      return new ConfigError(`secret ${secretId} does not exist`, {}, 'check RL_SECRET_ARN (and AWS_REGION)');
    case 'AccessDeniedException':
      return new ConfigError(
        `access denied to secret ${secretId}`,
        {},
        'the job role needs secretsmanager:GetSecretValue on it (and kms:Decrypt on its key)',
      );
    case 'DecryptionFailure':
      return new ConfigError(`secret ${secretId} cannot be decrypted`, {}, 'the job role needs kms:Decrypt on the secret’s key');
    case 'InvalidRequestException':
    case 'InvalidParameterException':
      return new ConfigError(`secret ${secretId} cannot be read: ${name}`, {}, 'is it scheduled for deletion?');
    default:
      // Throttling, network, 5xx after the SDK's retries: safe to retry the job. The SDK's message never
      // carries the secret's value (it has not been received), but keep only the name to be sure.
      return new LoadError(`reading secret ${secretId} failed: ${name}${message && name === 'Error' ? `: ${message}` : ''}`);
  }
}
