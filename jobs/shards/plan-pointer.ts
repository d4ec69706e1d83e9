/**
 * The plan pointer: a small JSON object `{"plan": URI, "planId": …, "shards": N}` written to a location the
 * caller chose in advance (`plan --pointer URI`). The plan's own URI holds its content hash, so no one
 * can know it before `plan` ran; an AWS Batch job's stdout does not reach Step Functions either. The
 * nightly state machine therefore names the pointer (one per execution) and reads it back with S3
 * GetObject to learn the plan and the array size. Written through the store: all or nothing.
 */
import { ConfigError } from '../../core/errors.ts';
import { storeFor } from '../store/index.ts';

export interface PlanPointer {
  plan: string;
  planId: string;
  shards: number;
}

/** The store that will take the pointer; checked before any work so a bad URI costs nothing. */
export async function checkPointerUri(uri: string | undefined): Promise<void> {
  if (uri === undefined) return;
  if (!/\.json$/.test(uri)) throw new ConfigError(`--pointer must name a .json object, got "${uri}"`, {}, 'pass e.g. s3://<staging>/plans/<dataset>/<execution>.json');
  await storeFor(uri);
}

export async function writePlanPointer(uri: string, pointer: PlanPointer): Promise<void> {
  const store = await storeFor(uri);
  await store.write(uri, `${JSON.stringify(pointer)}\n`, 'application/json');
}
