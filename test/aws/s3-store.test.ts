import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test, type TestContext } from 'node:test';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { s3Client } from '../../core/aws/clients.ts';
import { ConfigError, LoadError } from '../../core/errors.ts';
import { S3Store, parseS3Uri } from '../../jobs/store/s3-store.ts';
import { requireMoto } from '../support/services.ts';
import { TEST_CREDENTIALS, TEST_KMS_KEY, captureRequests, createBucket, motoOptions, uniqueName, userError } from './moto.ts';

const MiB = 1024 * 1024;

/** Deterministic, non-repeating bytes (so a misplaced range or part would change the hash). */
function bytes(n: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A stream that hands out `buf` in uneven chunks, like a gzip writer would. */
function chunked(buf: Buffer, chunk = 777_777): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (at >= buf.length) return this.push(null);
      this.push(buf.subarray(at, at + chunk));
      at += chunk;
    },
  });
}

const sha256hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function drain(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('S3Store against moto', () => {
  let client: S3Client;
  let bucket: string;
  let store: S3Store;
  let sent: ReturnType<typeof captureRequests>;
  let ready: Promise<void> | undefined;

  /** False (and skipped, or failed under CI) when moto is missing; sets up one bucket for the suite. */
  const skip = async (t: TestContext): Promise<boolean> => {
    if (!(await requireMoto(t))) return true;
    ready ??= (async () => {
      client = s3Client(motoOptions());
      sent = captureRequests(client);
      bucket = await createBucket(client);
      store = new S3Store({ client, kmsKeyId: TEST_KMS_KEY });
    })();
    await ready;
    return false;
  };

  test('a > 10 MB stream goes up as a multipart upload, SSE-KMS and SHA-256 part checksums on every request', async (t) => {
    if (await skip(t)) return;
    const data = bytes(20 * MiB + 12_345, 7);
    const uri = `s3://${bucket}/parts/part-00000.csv.gz`;
    sent.length = 0;
    const res = await store.write(uri, chunked(data), 'application/gzip');
    assert.deepEqual(res, { uri, size: data.length, sha256: sha256hex(data) });

    const commands = sent.map((r) => r.command);
    assert.equal(commands.filter((c) => c === 'UploadPartCommand').length, 3, commands.join(','));
    assert.ok(commands.includes('CompleteMultipartUploadCommand'));
    const create = sent.find((r) => r.command === 'CreateMultipartUploadCommand')!;
    assert.equal(create.headers['x-amz-server-side-encryption'], 'aws:kms');
    assert.equal(create.headers['x-amz-server-side-encryption-aws-kms-key-id'], TEST_KMS_KEY);
    assert.equal(create.headers['x-amz-server-side-encryption-bucket-key-enabled'], 'true');
    assert.equal(create.headers['x-amz-checksum-algorithm'], 'SHA256');
    for (const part of sent.filter((r) => r.command === 'UploadPartCommand')) {
      assert.ok(part.headers['x-amz-checksum-sha256'], 'every part carries its SHA-256 for S3 to verify');
    }

    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'parts/part-00000.csv.gz', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ContentLength, data.length);
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.equal(head.SSEKMSKeyId, TEST_KMS_KEY);
    assert.equal(head.ContentType, 'application/gzip');
    // S3's checksum of a multipart object is the composite: sha256 over the parts' sha256 digests.
    const partDigests = [0, 8 * MiB, 16 * MiB].map((o) => createHash('sha256').update(data.subarray(o, o + 8 * MiB)).digest());
    const composite = createHash('sha256').update(Buffer.concat(partDigests)).digest('base64');
    assert.equal(head.ChecksumSHA256?.replace(/-\d+$/, ''), composite);

    // Streamed read gives back the same bytes.
    const back = await drain(await store.readStream(uri));
    assert.equal(sha256hex(back), res.sha256);
  });

  test('small writes (one PutObject) are SSE-KMS too, with the full-object SHA-256 S3 verified', async (t) => {
    if (await skip(t)) return;
    sent.length = 0;
    const uri = `s3://${bucket}/small/manifest.json`;
    const body = JSON.stringify({ entries: [] });
    const res = await store.write(uri, body, 'application/json');
    assert.equal(res.sha256, sha256hex(Buffer.from(body)));
    const put = sent.find((r) => r.command === 'PutObjectCommand')!;
    assert.equal(put.headers['x-amz-server-side-encryption'], 'aws:kms');
    assert.equal(put.headers['x-amz-server-side-encryption-bucket-key-enabled'], 'true');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'small/manifest.json', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.equal(head.SSEKMSKeyId, TEST_KMS_KEY);
    assert.equal(head.BucketKeyEnabled, true);
    assert.equal(Buffer.from(head.ChecksumSHA256!, 'base64').toString('hex'), res.sha256);
    assert.equal((await store.readAll(uri)).toString(), body);

    // A Readable smaller than one part is a single PutObject as well.
    const streamed = await store.write(`s3://${bucket}/small/streamed.bin`, Readable.from([Buffer.from('a'), Buffer.from('bc')]));
    assert.deepEqual([streamed.size, streamed.sha256], [3, sha256hex(Buffer.from('abc'))]);
    const h2 = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'small/streamed.bin' }));
    assert.equal(h2.ServerSideEncryption, 'aws:kms');
  });

  test('no KMS key: writes are still SSE-KMS (AWS-managed key) with one warning; RL_KMS_KEY_ARN picks the key', async (t) => {
    if (await skip(t)) return;
    const saved = process.env.RL_KMS_KEY_ARN;
    delete process.env.RL_KMS_KEY_ARN;
    try {
      const warnings: string[] = [];
      const bare = new S3Store({ client, onNoKey: (m) => warnings.push(m) });
      await bare.write(`s3://${bucket}/nokey.txt`, 'x');
      await bare.write(`s3://${bucket}/nokey2.txt`, 'y');
      assert.equal(warnings.length, 1, 'warned once');
      assert.match(warnings[0], /RL_KMS_KEY_ARN is not set/);
      const h0 = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'nokey.txt' }));
      assert.equal(h0.ServerSideEncryption, 'aws:kms', 'never unencrypted');

      process.env.RL_KMS_KEY_ARN = TEST_KMS_KEY;
      await new S3Store({ client }).write(`s3://${bucket}/envkey.txt`, 'x');
      const h = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'envkey.txt' }));
      assert.equal(h.SSEKMSKeyId, TEST_KMS_KEY, 'the key comes from RL_KMS_KEY_ARN');
    } finally {
      if (saved === undefined) delete process.env.RL_KMS_KEY_ARN;
      else process.env.RL_KMS_KEY_ARN = saved;
    }
  });

  test('open() reads ranges (footer first) without downloading the object, pinned to one version', async (t) => {
    if (await skip(t)) return;
    const data = bytes(3 * MiB + 5, 3);
    const uri = `s3://${bucket}/ranged/file.parquet`;
    await store.write(uri, data);
    sent.length = 0;
    const ra = await store.open(uri);
    assert.equal(ra.size, data.length);
    const footer = Buffer.from(await ra.read(ra.size - 8, ra.size));
    assert.deepEqual(footer, data.subarray(data.length - 8));
    const middle = Buffer.from(await ra.read(1_000_000, 1_000_100));
    assert.deepEqual(middle, data.subarray(1_000_000, 1_000_100));
    assert.equal((await ra.read(ra.size, ra.size + 10)).byteLength, 0, 'a range past the end is empty');
    assert.deepEqual(Buffer.from(await ra.read(ra.size - 3, ra.size + 100)), data.subarray(data.length - 3), 'clamped to the size');

    const gets = sent.filter((r) => r.command === 'GetObjectCommand');
    assert.deepEqual(
      gets.map((g) => g.headers.range),
      [`bytes=${data.length - 8}-${data.length - 1}`, 'bytes=1000000-1000099', `bytes=${data.length - 3}-${data.length - 1}`],
    );
    assert.ok(gets.every((g) => g.headers['if-match']), 'every range is pinned to the ETag');
    assert.equal(sent.filter((r) => r.command === 'HeadObjectCommand').length, 1);

    // The object is replaced between two reads: the second read refuses to mix versions.
    await store.write(uri, bytes(3 * MiB + 5, 4));
    const e = await userError(ra.read(0, 10));
    assert.ok(e instanceof LoadError);
    assert.match(e.message, /changed while it was being read/);
  });

  test('list pages through continuation tokens, sorted, folders skipped, the prefix is a folder', async (t) => {
    if (await skip(t)) return;
    const keys = Array.from({ length: 25 }, (_, i) => `ds/20240101/f-${String(24 - i).padStart(3, '0')}.csv`);
    for (const k of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'ds/20240101/sub/', Body: Buffer.alloc(0), ContentLength: 0 }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'ds/20240101/sub/deep.csv', Body: 'deep' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'ds/20240101-old/other.csv', Body: 'no' }));

    const paged = new S3Store({ client, kmsKeyId: TEST_KMS_KEY, listPageSize: 7 });
    sent.length = 0;
    const listed = await paged.list(`s3://${bucket}/ds/20240101`);
    const expected = [...keys, 'ds/20240101/sub/deep.csv'].sort().map((k) => `s3://${bucket}/${k}`);
    assert.deepEqual(listed.map((o) => o.uri), expected);
    assert.equal(listed.find((o) => o.uri.endsWith('f-000.csv'))!.size, 'ds/20240101/f-000.csv'.length);
    const lists = sent.filter((r) => r.command === 'ListObjectsV2Command');
    assert.equal(lists.length, 4, 'ceil(28 keys / 7) pages');
    assert.ok(lists.slice(1).every((r) => r.query['continuation-token']), 'later pages use the continuation token');

    assert.deepEqual((await paged.list(`s3://${bucket}/ds/20240101/`)).map((o) => o.uri), expected, 'trailing slash alike');
    assert.deepEqual(
      (await paged.list(`s3://${bucket}/ds/20240101/f-003.csv`)).map((o) => o.uri),
      [`s3://${bucket}/ds/20240101/f-003.csv`],
      'a single object lists as itself',
    );
    assert.deepEqual(await paged.list(`s3://${bucket}/ds/20990101`), [], 'an empty prefix lists nothing');
  });

  test('list returns more than 1000 objects (S3 page size) from a real listing', async (t) => {
    if (await skip(t)) return;
    const n = 1003;
    const keys = Array.from({ length: n }, (_, i) => `many/k${String(i).padStart(5, '0')}`);
    for (let i = 0; i < n; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((k) => client.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: 'x' }))));
    }
    sent.length = 0;
    const listed = await store.list(`s3://${bucket}/many`);
    assert.equal(listed.length, n);
    assert.equal(listed.at(-1)!.uri, `s3://${bucket}/many/k01002`);
    assert.equal(sent.filter((r) => r.command === 'ListObjectsV2Command').length, 2);
  });

  test('a source stream that fails mid-upload leaves no object and no open multipart upload', async (t) => {
    if (await skip(t)) return;
    const data = bytes(12 * MiB, 9);
    let at = 0;
    const failing = new Readable({
      read() {
        if (at >= 10 * MiB) return this.destroy(new Error('gzip writer exploded'));
        this.push(data.subarray(at, at + MiB));
        at += MiB;
      },
    });
    const uri = `s3://${bucket}/broken/part-00001.csv.gz`;
    await assert.rejects(store.write(uri, failing), /gzip writer exploded/);
    assert.equal(await store.exists(uri), false);
    const mpu = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'broken/' }));
    assert.deepEqual(mpu.Uploads ?? [], [], 'the multipart upload was aborted');
  });

  test('errors name the URI: missing bucket, missing key; exists() is false for a missing key', async (t) => {
    if (await skip(t)) return;
    const nobucket = uniqueName('rl-missing');
    for (const call of [
      () => store.list(`s3://${nobucket}/x`),
      () => store.readStream(`s3://${nobucket}/x/a.csv`),
      () => store.readAll(`s3://${nobucket}/x/a.csv`),
      () => store.open(`s3://${nobucket}/x/a.csv`),
      () => store.exists(`s3://${nobucket}/x/a.csv`),
      () => store.write(`s3://${nobucket}/x/a.csv`, 'data'),
      () => store.write(`s3://${nobucket}/x/big.csv`, chunked(bytes(9 * MiB))),
    ]) {
      const e = await userError(call());
      assert.ok(e instanceof ConfigError, e.oneLine());
      assert.match(e.message, new RegExp(`^bucket ${nobucket} does not exist \\(s3://${nobucket}/x`));
    }
    for (const call of [
      () => store.readStream(`s3://${bucket}/nope/a.csv`),
      () => store.readAll(`s3://${bucket}/nope/a.csv`),
      () => store.open(`s3://${bucket}/nope/a.csv`),
    ]) {
      const e = await userError(call());
      assert.equal(e.message, `no such object s3://${bucket}/nope/a.csv`);
    }
    assert.equal(await store.exists(`s3://${bucket}/nope/a.csv`), false);
    assert.equal(await store.exists(`s3://${bucket}/small/manifest.json`), true);
  });

  test('join builds keys under a prefix', () => {
    const s = new S3Store({ client: s3Client({ region: 'us-east-1', credentials: TEST_CREDENTIALS }), kmsKeyId: 'k' });
    assert.equal(s.join('s3://b/staging/', 'supplier', 'batch=2024-01-01/run=r1', 'part-00000.csv.gz'), 's3://b/staging/supplier/batch=2024-01-01/run=r1/part-00000.csv.gz');
    assert.equal(s.join('s3://b', 'a.json'), 's3://b/a.json');
    assert.deepEqual(parseS3Uri('s3://b'), { bucket: 'b', key: '' });
    assert.throws(() => parseS3Uri('/tmp/x'), ConfigError);
  });
});

describe('S3Store error mapping over HTTP (a server that denies everything)', () => {
  // moto does not enforce IAM; this server answers every request like S3 does for a role without access.
  let server: ReturnType<typeof createServer>;
  let endpoint: string;
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(403, { 'content-type': 'application/xml', 'x-amz-request-id': 'denied' });
        // HEAD responses carry no body (the SDK then names the error Forbidden).
        res.end(req.method === 'HEAD' ? undefined : '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('access denied names the URI and the permission the job role lacks', async () => {
    const store = new S3Store({
      client: s3Client({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
      kmsKeyId: TEST_KMS_KEY,
    });
    const read = await userError(store.readStream('s3://landing/supplier/20240101/a.parquet'));
    assert.equal(
      read.oneLine(),
      'ConfigError: access denied to s3://landing/supplier/20240101/a.parquet — the job role needs s3:GetObject on arn:aws:s3:::landing/supplier/20240101/a.parquet',
    );
    const open = await userError(store.open('s3://landing/supplier/20240101/a.parquet'));
    assert.match(open.oneLine(), /access denied to s3:\/\/landing\/supplier\/20240101\/a\.parquet — the job role needs s3:GetObject/);
    const list = await userError(store.list('s3://landing/supplier/20240101'));
    assert.match(list.oneLine(), /access denied to s3:\/\/landing\/supplier\/20240101 — the job role needs s3:ListBucket on arn:aws:s3:::landing$/);
    const write = await userError(store.write('s3://staging/x/part.csv.gz', 'abc'));
    assert.match(write.oneLine(), new RegExp(`needs s3:PutObject on arn:aws:s3:::staging/x/part.csv.gz and kms:GenerateDataKey on ${TEST_KMS_KEY}$`));
  });
});

describe('S3Store reads exactly the version listed (moto)', () => {
  let client: S3Client;
  const skip = async (t: TestContext): Promise<boolean> => {
    if (!(await requireMoto(t))) return true;
    client ??= s3Client(motoOptions());
    return false;
  };
  const put = (bucket: string, key: string, body: string | Buffer) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  test('listFolder: the objects directly under the prefix with size and ETag; subfolders as folders', async (t) => {
    if (await skip(t)) return;
    const bucket = await createBucket(client);
    const store = new S3Store({ client });
    await put(bucket, 'ds/20240101/a.csv', 'one\n');
    await put(bucket, 'ds/20240101/backup/b.csv', 'two\n');
    await put(bucket, 'ds/20240101/', '');
    await put(bucket, 'ds/202401011/c.csv', 'not this folder\n');
    const entries = await store.listFolder(`s3://${bucket}/ds/20240101`);
    assert.deepEqual(entries.map((e) => [e.name, e.kind]), [['a.csv', 'file'], ['backup', 'folder']]);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'ds/20240101/a.csv' }));
    assert.deepEqual(entries[0].info?.identity, { size: 4, etag: head.ETag });
    const single = await store.listFolder(`s3://${bucket}/ds/20240101/a.csv`);
    assert.deepEqual(single.map((e) => [e.uri, e.kind, e.info?.identity]), [[`s3://${bucket}/ds/20240101/a.csv`, 'file', { size: 4, etag: head.ETag }]], 'one object is a batch of one');
  });

  test('unversioned bucket: an object overwritten after the listing is a LoadError (If-Match), a deleted one too', async (t) => {
    if (await skip(t)) return;
    const bucket = await createBucket(client);
    const store = new S3Store({ client });
    await put(bucket, 'b/x.csv', 'listed\n');
    await put(bucket, 'b/y.csv', 'listed too\n');
    const [x, y] = (await store.listFolder(`s3://${bucket}/b`)).map((e) => e.info!);
    assert.equal((await store.readAll(x.uri, x.identity)).toString(), 'listed\n', 'unchanged: read');
    await put(bucket, 'b/x.csv', 'replaced by the exporter\n');
    for (const read of [() => store.readAll(x.uri, x.identity), () => store.readStream(x.uri, x.identity).then(drain), () => store.open(x.uri, x.identity).then((a) => a.read(0, 3))]) {
      const e = await userError(read());
      assert.ok(e instanceof LoadError, e.oneLine());
      assert.match(e.oneLine(), /x\.csv changed during the run \(listed: size 7, ETag "[0-9a-f]+"; now: size 25, ETag/);
    }
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'b/y.csv' }));
    const gone = await userError(store.readAll(y.uri, y.identity));
    assert.ok(gone instanceof LoadError);
    assert.match(gone.oneLine(), /y\.csv vanished during the run/);
  });

  test('versioned bucket: the listed VersionId is read, whatever was written over it since', async (t) => {
    if (await skip(t)) return;
    const bucket = await createBucket(client);
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const store = new S3Store({ client });
    await put(bucket, 'v/x.csv', 'listed\n');
    const [x] = (await store.listFolder(`s3://${bucket}/v`)).map((e) => e.info!);
    assert.ok(x.identity?.versionId, 'the listing records the version');
    await put(bucket, 'v/x.csv', 'replaced by the exporter\n');
    assert.equal((await store.readAll(x.uri, x.identity)).toString(), 'listed\n');
    assert.equal((await drain(await store.readStream(x.uri, x.identity))).toString(), 'listed\n');
    assert.equal(Buffer.from(await (await store.open(x.uri, x.identity)).read(0, 6)).toString(), 'listed');
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'v/x.csv', VersionId: x.identity.versionId }));
    const gone = await userError(store.readAll(x.uri, x.identity));
    assert.ok(gone instanceof LoadError);
    assert.match(gone.oneLine(), /vanished during the run/);
  });
});
