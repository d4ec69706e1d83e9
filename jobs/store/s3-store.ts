/**
 * The S3 adapter of the object-store port, for `s3://bucket/prefix` locations.
 *
 * - list: ListObjectsV2 page by page (continuation tokens), "folder" keys ending in '/' skipped, sorted by
 *   URI. A prefix is a folder: `s3://b/x/2024` lists `x/2024` itself and `x/2024/…`, never `x/20240101`.
 * - listFolder: ListObjectsV2 with Delimiter '/' (the objects directly in the folder, and its subfolders),
 *   then one HeadObject per object for a consistent (size, ETag, VersionId) identity. HeadObject rather
 *   than ListObjectVersions: it needs only the s3:GetObject the job already has (ListObjectVersions needs
 *   s3:ListBucketVersions) and costs one request per file of the batch, where ListObjectVersions pages
 *   through every old version of every key under the prefix.
 * - open: HeadObject for size and ETag, then ranged GetObjects pinned to that ETag (If-Match), so a
 *   Parquet footer and its row groups always come from the same version of the object. Given the listed
 *   identity, every read asks for the listed VersionId (versioned bucket: the listed bytes even if the
 *   key was overwritten since; reading a version needs s3:GetObjectVersion) or the listed ETag (If-Match:
 *   412 means changed); either way a change or deletion since the listing is a LoadError (exit 5).
 * - write: one streamed multipart upload (lib-storage, 8 MiB parts, 3 in flight), SSE-KMS with the
 *   environment's key on every write, S3-verified SHA-256 part checksums; the sha256 of the whole object
 *   is computed while streaming and returned. A failed or interrupted upload is aborted: S3 never shows
 *   a partial object.
 *
 * Checksums: S3's own ChecksumSHA256 of a multipart object is a composite (sha256 of the part digests,
 * "-N"), not the sha256 of the bytes; the manifest records our whole-object sha256 from WriteResult.
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { awsErrorInfo, s3Client, type AwsClientOptions } from '../../core/aws/clients.ts';
import { asError } from '../../core/as-error.ts';
import { jobEnv } from '../../core/env.ts';
import { ConfigError, LoadError, UserError } from '../../core/errors.ts';
import type { SourceIdentity } from '../../core/manifest.ts';
import { changedError, vanishedError } from './identity.ts';
import type { FolderEntry, ObjectInfo, ObjectStore, RandomAccess, WriteResult } from './object-store.ts';
import { claimBody, type ClaimedBody } from './write-body.ts';

export interface S3StoreOptions {
  /** A ready client (tests, or a shared one); otherwise one from core/aws/clients.ts with `clientOptions`. */
  client?: S3Client;
  clientOptions?: AwsClientOptions;
  /** KMS key (ARN, id or alias) every write is encrypted with. Defaults to RL_KMS_KEY_ARN. */
  kmsKeyId?: string;
  /** Called once when no key is configured (writes then use SSE-KMS with the AWS-managed key). */
  onNoKey?: (message: string) => void;
  /** Multipart part size in bytes (default 8 MiB; S3's minimum is 5 MiB). */
  partSize?: number;
  /** Parts uploaded concurrently (default 3). Memory held ≈ partSize × (queueSize + 1). */
  queueSize?: number;
  /** Keys per ListObjectsV2 page (default 1000, S3's maximum). */
  listPageSize?: number;
}

export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface S3Location {
  bucket: string;
  key: string;
}

/** Splits `s3://bucket/key` (the key may be empty). */
export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new ConfigError(`not an S3 location: ${uri}`, {}, 'use s3://bucket/prefix');
  return { bucket: m[1], key: m[2] };
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

type Op = 'list' | 'read' | 'write';

export class S3Store implements ObjectStore {
  readonly client: S3Client;
  private readonly kmsKeyId?: string;
  private readonly onNoKey: (message: string) => void;
  private warnedNoKey = false;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;

  constructor(opts: S3StoreOptions = {}) {
    this.client = opts.client ?? s3Client(opts.clientOptions);
    this.kmsKeyId = opts.kmsKeyId ?? jobEnv('RL_KMS_KEY_ARN');
    this.onNoKey = opts.onNoKey ?? ((m) => process.stderr.write(`warn: ${m}\n`));
    this.partSize = opts.partSize ?? DEFAULT_PART_SIZE;
    if (this.partSize < MIN_PART_SIZE) {
      throw new ConfigError(`S3 part size ${this.partSize} is below S3's minimum of ${MIN_PART_SIZE} bytes`);
    }
    this.queueSize = opts.queueSize ?? 3;
    this.listPageSize = opts.listPageSize ?? 1000;
  }

  async list(prefixUri: string): Promise<ObjectInfo[]> {
    const { bucket, key: prefix } = parseS3Uri(prefixUri);
    const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.client
        .send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix || undefined,
            ContinuationToken: token,
            MaxKeys: this.listPageSize,
          }),
        )
        .catch((e) => {
          throw this.mapError(e, 'list', bucket, prefix);
        });
      for (const o of page.Contents ?? []) {
        const k = o.Key;
        if (k === undefined || k.endsWith('/')) continue;
        if (k !== prefix && !k.startsWith(folder)) continue;
        out.push({ uri: s3Uri(bucket, k), size: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async listFolder(folderUri: string): Promise<FolderEntry[]> {
    const { bucket, key } = parseS3Uri(folderUri);
    const folder = key === '' || key.endsWith('/') ? key : `${key}/`;
    const files: string[] = [];
    const out: FolderEntry[] = [];
    let token: string | undefined;
    do {
      const page = await this.client
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder || undefined, Delimiter: '/', ContinuationToken: token, MaxKeys: this.listPageSize }))
        .catch((e) => {
          throw this.mapError(e, 'list', bucket, folder);
        });
      for (const o of page.Contents ?? []) if (o.Key !== undefined && o.Key !== folder) files.push(o.Key);
      for (const p of page.CommonPrefixes ?? []) {
        if (p.Prefix === undefined) continue;
        out.push({ uri: s3Uri(bucket, p.Prefix.slice(0, -1)), name: p.Prefix.slice(folder.length, -1), kind: 'folder' });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    for (const k of files) {
      const uri = s3Uri(bucket, k);
      const head = await this.head(bucket, k);
      // Deleted between the listing and its HEAD: not part of the batch as listed.
      if (!head) continue;
      const identity: SourceIdentity = { size: head.size, etag: head.etag, ...(head.versionId ? { versionId: head.versionId } : {}) };
      out.push({ uri, name: k.slice(folder.length), kind: 'file', info: { uri, size: head.size, identity } });
    }
    if (out.length === 0 && key !== '' && !key.endsWith('/')) {
      // A single object given as the source is a batch of that one object (as a single local file is).
      const head = await this.head(bucket, key);
      const name = key.slice(key.lastIndexOf('/') + 1);
      if (head) return [{ uri: folderUri, name, kind: 'file', info: { uri: folderUri, size: head.size, identity: { size: head.size, etag: head.etag, ...(head.versionId ? { versionId: head.versionId } : {}) } } }];
    }
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async open(uri: string, expect?: SourceIdentity): Promise<RandomAccess> {
    const { bucket, key } = parseS3Uri(uri);
    if (expect) {
      return {
        uri,
        size: expect.size,
        read: async (start: number, end: number): Promise<ArrayBuffer> => {
          const first = Math.max(0, start);
          const last = Math.min(end, expect.size) - 1;
          if (first > last) return new ArrayBuffer(0);
          const bytes = await (await this.getListed(uri, expect, `bytes=${first}-${last}`)).transformToByteArray();
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        },
      };
    }
    const head = await this.head(bucket, key);
    if (!head) throw new ConfigError(`no such object ${uri}`);
    const { size, etag } = head;
    const client = this.client;
    return {
      uri,
      size,
      read: async (start: number, end: number): Promise<ArrayBuffer> => {
        const first = Math.max(0, start);
        const last = Math.min(end, size) - 1;
        if (first > last) return new ArrayBuffer(0);
        const res = await client
          .send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${first}-${last}`, IfMatch: etag }))
          .catch((e) => {
            throw this.mapError(e, 'read', bucket, key);
          });
        const bytes = await res.Body!.transformToByteArray();
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      },
    };
  }

  async readStream(uri: string, expect?: SourceIdentity): Promise<Readable> {
    const { bucket, key } = parseS3Uri(uri);
    if (expect) {
      const body = await this.getListed(uri, expect);
      if (!(body instanceof Readable)) throw new LoadError(`S3 returned no readable body for ${uri}`);
      return body;
    }
    const res = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((e) => {
      throw this.mapError(e, 'read', bucket, key);
    });
    const body = res.Body;
    if (!(body instanceof Readable)) throw new LoadError(`S3 returned no readable body for ${uri}`);
    return body;
  }

  async readAll(uri: string, expect?: SourceIdentity): Promise<Buffer> {
    const { bucket, key } = parseS3Uri(uri);
    if (expect) return Buffer.from(await (await this.getListed(uri, expect)).transformToByteArray());
    const res = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((e) => {
      throw this.mapError(e, 'read', bucket, key);
    });
    return Buffer.from(await res.Body!.transformToByteArray());
  }

  async write(uri: string, body: Readable | Buffer | string, contentType?: string): Promise<WriteResult> {
    // Own a streamed body before anything can throw or wait: its errors are this write's (write-body.ts),
    // and a write refused before it reads the body gives the body up, so its producer stops.
    const claimed = typeof body === 'string' || Buffer.isBuffer(body) ? undefined : claimBody(body);
    try {
      return await this.writeClaimed(uri, body, contentType, claimed);
    } catch (e) {
      claimed?.release();
      throw e;
    }
  }

  private async writeClaimed(uri: string, body: Readable | Buffer | string, contentType: string | undefined, claimed: ClaimedBody | undefined): Promise<WriteResult> {
    const { bucket, key } = parseS3Uri(uri);
    if (key === '' || key.endsWith('/')) throw new ConfigError(`cannot write an object at folder location ${uri}`);
    if (!this.kmsKeyId && !this.warnedNoKey) {
      this.warnedNoKey = true;
      this.onNoKey(
        `RL_KMS_KEY_ARN is not set: S3 writes are encrypted with SSE-KMS under the AWS-managed key, not the environment's key`,
      );
    }
    const hash = createHash('sha256');
    let size = 0;
    // Never unencrypted: SSE-KMS with the environment's key, or S3's AWS-managed KMS key when none is set.
    const encryption = this.kmsKeyId
      ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.kmsKeyId, BucketKeyEnabled: true }
      : { ServerSideEncryption: 'aws:kms' as const, BucketKeyEnabled: true };
    const params = {
      Bucket: bucket,
      Key: key,
      ContentType: contentType,
      ChecksumAlgorithm: 'SHA256' as const,
      ...encryption,
    };

    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      const buf = Buffer.from(body);
      hash.update(buf);
      const upload = new Upload({ client: this.client, params: { ...params, Body: buf }, partSize: this.partSize, queueSize: this.queueSize });
      await upload.done().catch((e) => {
        throw this.mapError(e, 'write', bucket, key);
      });
      return { uri, size: buf.length, sha256: hash.digest('hex') };
    }

    const source = claimed!.stream;
    const early = claimed!.failure();
    if (early) throw early;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    const upload = new Upload({ client: this.client, params: { ...params, Body: tap }, partSize: this.partSize, queueSize: this.queueSize });
    // The source feeds the tap while the upload drains it. A failing source errors the tap, lib-storage's
    // read of it throws, and the upload aborts its multipart upload (awaited) before done() rejects. A
    // failing upload stops reading: the source is destroyed so nothing keeps producing.
    const piping = pipeline(source, tap).then(
      () => undefined,
      (e: unknown) => asError(e),
    );
    try {
      await upload.done();
    } catch (e) {
      const sourceError = tap.errored ?? claimed!.failure();
      source.destroy();
      tap.destroy();
      await piping;
      if (sourceError) throw sourceError;
      throw this.mapError(e, 'write', bucket, key);
    }
    const pipeError = await piping;
    if (pipeError) throw pipeError;
    return { uri, size, sha256: hash.digest('hex') };
  }

  async exists(uri: string): Promise<boolean> {
    const { bucket, key } = parseS3Uri(uri);
    return (await this.head(bucket, key)) !== undefined;
  }

  join(prefixUri: string, ...parts: string[]): string {
    const { bucket, key } = parseS3Uri(prefixUri);
    const segments = [key, ...parts].flatMap((p) => p.split('/')).filter((s) => s !== '');
    return s3Uri(bucket, segments.join('/'));
  }

  /**
   * The body of exactly the version listed: by VersionId when the listing saw one, else by ETag (If-Match).
   * A version or key that is gone is "vanished", a 412 (or another ETag) is "changed": both LoadErrors.
   */
  private async getListed(uri: string, expect: SourceIdentity, range?: string): Promise<NonNullable<GetObjectCommandOutput['Body']>> {
    const { bucket, key } = parseS3Uri(uri);
    const pin = expect.versionId ? { VersionId: expect.versionId } : { IfMatch: expect.etag };
    let res;
    try {
      res = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range, ...pin }));
    } catch (e) {
      const { name, status } = awsErrorInfo(e);
      if (name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NotFound' || status === 404) throw vanishedError(uri, expect);
      if (name === 'PreconditionFailed' || status === 412) {
        const now = await this.head(bucket, key).catch(() => undefined);
        if (!now) throw vanishedError(uri, expect);
        throw changedError(uri, expect, { size: now.size, etag: now.etag, ...(now.versionId ? { versionId: now.versionId } : {}) });
      }
      throw this.mapError(e, 'read', bucket, key);
    }
    if (expect.etag !== undefined && res.ETag !== undefined && res.ETag !== expect.etag) {
      (res.Body as { destroy?: () => void } | undefined)?.destroy?.();
      throw changedError(uri, expect, { size: res.ContentLength ?? 0, etag: res.ETag });
    }
    if (!res.Body) throw new LoadError(`S3 returned no body for ${uri}`);
    return res.Body;
  }

  /** Size, ETag and VersionId of an object, or undefined when it does not exist (in a bucket that does). */
  private async head(bucket: string, key: string): Promise<{ size: number; etag?: string; versionId?: string } | undefined> {
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: h.ContentLength ?? 0, etag: h.ETag, versionId: h.VersionId };
    } catch (e) {
      const { name, status } = awsErrorInfo(e);
      if (name === 'NotFound' || name === 'NoSuchKey' || status === 404) {
        // A HEAD response has no body: a missing bucket and a missing key both read as 404 NotFound.
        await this.assertBucket(bucket, key);
        return undefined;
      }
      throw this.mapError(e, 'read', bucket, key);
    }
  }

  private async assertBucket(bucket: string, key: string): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (e) {
      const { name, status } = awsErrorInfo(e);
      if (name === 'NotFound' || name === 'NoSuchBucket' || status === 404) {
        throw this.mapError(Object.assign(new Error('missing bucket'), { name: 'NoSuchBucket' }), 'read', bucket, key);
      }
      throw this.mapError(e, 'read', bucket, key);
    }
  }

  /** An SDK error as one clear line naming the URI (and, for access, the permission the role lacks). */
  mapError(e: unknown, op: Op, bucket: string, key: string): Error {
    if (e instanceof UserError) return e;
    const uri = s3Uri(bucket, key);
    const { name, status, message } = awsErrorInfo(e);
    if (name === 'NoSuchBucket') {
      return new ConfigError(`bucket ${bucket} does not exist (${uri})`, {}, 'check the location URI and AWS_REGION');
    }
    if (name === 'AccessDenied' || name === 'Forbidden' || name === 'AllAccessDisabled' || status === 403) {
      const need =
        op === 'list'
          ? `s3:ListBucket on arn:aws:s3:::${bucket}`
          : op === 'read'
            ? `s3:GetObject on arn:aws:s3:::${bucket}/${key}`
            : `s3:PutObject on arn:aws:s3:::${bucket}/${key} and kms:GenerateDataKey on ${this.kmsKeyId ?? 'the bucket key'}`;
      return new ConfigError(`access denied to ${uri}`, {}, `the job role needs ${need}`);
    }
    if (/^KMS\./.test(name) || name === 'KMSKeyNotAccessibleFault') {
      return new ConfigError(`KMS refused the write to ${uri}: ${name}: ${message}`, {}, 'check RL_KMS_KEY_ARN and the key policy');
    }
    if (name === 'NoSuchKey' || name === 'NotFound') return new ConfigError(`no such object ${uri}`);
    if (name === 'PreconditionFailed') {
      return new LoadError(`${uri} changed while it was being read`, {}, 'rerun: the batch was rewritten mid-read');
    }
    return new LoadError(`S3 ${op} of ${uri} failed: ${name}: ${message}`);
  }
}
