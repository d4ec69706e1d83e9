import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ListBucketsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetDatabasesCommand } from '@aws-sdk/client-glue';
import { awsRegion, configuredEndpoint, glueClient, s3Client } from '../../core/aws/clients.ts';
import { motoEndpoint, requireMoto } from '../support/services.ts';
import { captureRequests, createBucket, motoOptions } from './moto.ts';

const KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_GLUE',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_RETRY_MODE',
  'AWS_MAX_ATTEMPTS',
];
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/** An endpoint nothing listens on: a request that went there would fail to connect. */
const DEAD = 'http://127.0.0.1:9';

describe('AWS client factory', () => {
  test('AWS_ENDPOINT_URL is read by the SDK itself; S3 then goes path-style', async (t) => {
    if (!(await requireMoto(t))) return;
    const bucket = await createBucket(s3Client(motoOptions()));
    process.env.AWS_ENDPOINT_URL = motoEndpoint();
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    const client = s3Client();
    const sent = captureRequests(client);
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.equal(page.$metadata.httpStatusCode, 200);
    const url = new URL(motoEndpoint());
    assert.equal(sent[0].hostname, url.hostname, 'no bucket in the host name');
    assert.equal(sent[0].port, Number(url.port));
    assert.match(sent[0].path, new RegExp(`^/${bucket}/?$`));
    assert.equal(client.config.forcePathStyle, true);
  });

  test('AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL, per service', async (t) => {
    if (!(await requireMoto(t))) return;
    process.env.AWS_ENDPOINT_URL = DEAD;
    process.env.AWS_ENDPOINT_URL_S3 = motoEndpoint();
    process.env.AWS_ENDPOINT_URL_GLUE = motoEndpoint();
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    const buckets = await s3Client({ maxAttempts: 1 }).send(new ListBucketsCommand({}));
    assert.equal(buckets.$metadata.httpStatusCode, 200);
    const dbs = await glueClient({ maxAttempts: 1 }).send(new GetDatabasesCommand({}));
    assert.equal(dbs.$metadata.httpStatusCode, 200);
    assert.equal(configuredEndpoint('Secrets Manager'), DEAD, 'no SECRETS_MANAGER override: the general one');
    process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = 'true';
    assert.equal(configuredEndpoint('S3'), undefined);
  });

  test('without an endpoint S3 stays virtual-hosted; region defaults to us-east-1; adaptive retries', async () => {
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL_S3;
    delete process.env.AWS_REGION;
    delete process.env.AWS_RETRY_MODE;
    delete process.env.AWS_MAX_ATTEMPTS;
    assert.equal(awsRegion(), 'us-east-1');
    const c = s3Client();
    assert.equal(c.config.forcePathStyle, false);
    assert.equal(await c.config.region(), 'us-east-1');
    assert.equal(((await c.config.retryStrategy()) as { mode?: string }).mode, 'adaptive');
    assert.equal(await c.config.maxAttempts(), 5);
    process.env.AWS_REGION = 'eu-west-1';
    process.env.AWS_RETRY_MODE = 'standard';
    process.env.AWS_MAX_ATTEMPTS = '3';
    const d = s3Client();
    assert.equal(await d.config.region(), 'eu-west-1');
    assert.equal(((await d.config.retryStrategy()) as { mode?: string }).mode, 'standard', 'the SDK reads AWS_RETRY_MODE itself');
    assert.equal(await d.config.maxAttempts(), 3);
  });
});
