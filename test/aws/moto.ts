/** Shared helpers for the AWS adapter tests: clients pointed at the moto server, unique names, request capture. */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import type { AwsClientOptions } from '../../core/aws/clients.ts';
import { UserError } from '../../core/errors.ts';
import { motoEndpoint } from '../support/services.ts';

export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** moto accepts any key id on SSE-KMS writes; the shape of a real ARN keeps the test honest. */
export const TEST_KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/0b7e4b31-5c54-4a4e-9d0a-5e2f0c1d2e3f';

export function motoOptions(): AwsClientOptions {
  return { endpoint: motoEndpoint(), region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 2 };
}

/** The environment a CLI child process needs to reach moto as the SDK's own endpoint, plus `extra`. */
export function motoEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL: motoEndpoint(),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    ...extra,
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`.toLowerCase();
}

export async function createBucket(client: S3Client, prefix = 'rl-test'): Promise<string> {
  const bucket = uniqueName(prefix);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export interface SentRequest {
  command: string;
  method: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Records every HTTP request a client sends (after signing: the headers that went on the wire). */
export function captureRequests(client: { middlewareStack: S3Client['middlewareStack'] }): SentRequest[] {
  const sent: SentRequest[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const req = args.request as Omit<SentRequest, 'command'>;
      sent.push({
        command: context.commandName ?? '?',
        method: req.method,
        hostname: req.hostname,
        port: req.port,
        path: req.path,
        query: { ...req.query },
        headers: { ...req.headers },
      });
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'captureRequests' },
  );
  return sent;
}

/** The UserError a call fails with (fails the test if it succeeds or throws anything else). */
export async function userError(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${(e as Error)?.stack ?? String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}
