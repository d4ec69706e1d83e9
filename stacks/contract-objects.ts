import { Construct } from 'constructs';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object/index.js';
import type { StackContext } from './context.ts';
import type { ContractFile } from './environment-contracts.ts';

/**
 * The environment's extra contract files, uploaded to its contracts prefix in the landing bucket as
 * `<prefix><dataset>.json` (SSE-KMS with the environment key): the jobs read them through RL_CONTRACTS,
 * and a deploy that changes a file replaces the object.
 */
export class ContractObjects extends Construct {
  readonly objects: S3Object[];

  constructor(scope: Construct, id: string, ctx: StackContext, deps: { bucket: string; prefix: string; keyArn: string; files: ContractFile[] }) {
    super(scope, id);
    this.objects = deps.files.map(
      (f) =>
        new S3Object(this, `contract-${f.contract.name}`, {
          bucket: deps.bucket,
          key: `${deps.prefix}${f.contract.name}.json`,
          content: literal(f.text),
          contentType: 'application/json',
          serverSideEncryption: 'aws:kms',
          kmsKeyId: deps.keyArn,
          tags: ctx.tags,
        }),
    );
  }
}

/** Terraform would read `${…}` and `%{…}` in the content as template syntax: keep the file's bytes. */
function literal(text: string): string {
  return text.replaceAll('${', '$${').replaceAll('%{', '%%{');
}
