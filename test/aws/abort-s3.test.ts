/**
 * The quality failure of test/jobs/abort-first-run.test.ts with staging and reports in S3 (moto): the
 * S3 store owns each part's body from its first moment too, so the run ends with exit 4 and one line,
 * the failed audit row and the reports — and no object and no unfinished multipart upload in staging.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { auditRows, oneErrorLine } from '../support/hostile.ts';
import { motoEndpoint, requireMoto } from '../support/services.ts';
import { createBucket, motoEnv, TEST_CREDENTIALS, TEST_KMS_KEY } from './moto.ts';

const BAD_ROW = '1|Supplier#000000001| N kD4on9OM Ipw3,gf0JBoQDd7tgrzrddZ| 5|27-918-335-1736|5755.94|each slyly above the careful|\n';

const env = (): NodeJS.ProcessEnv => motoEnv({ RL_KMS_KEY_ARN: TEST_KMS_KEY });

for (const engine of ENGINES) {
  describe(`quality failure with staging in S3, on ${engine}`, () => {
    let noMoto = false;
    let s3: S3Client;
    let staging: string;
    let reports: string;
    const fx = warehouseFixture(engine, 'aborts3', (dir) => {
      mkdirSync(join(dir, 'landing'));
      writeFileSync(join(dir, 'landing', 'supplier.tbl'), BAD_ROW);
    });
    before(async (t) => {
      if (!(await requireMoto(t as never))) {
        noMoto = true;
        return;
      }
      s3 = new S3Client({ endpoint: motoEndpoint(), region: 'us-east-1', credentials: TEST_CREDENTIALS, forcePathStyle: true });
      staging = await createBucket(s3, 'staging');
      reports = await createBucket(s3, 'reports');
    });

    it('exits 4 with one line, audited and reported, nothing left in the staging bucket', async (t) => {
      if (fx.skip || noMoto) return t.skip('no PostgreSQL or moto');
      const r = await runCli(
        ['run', '--dataset', 'supplier', '--date', '2026-11-18', '--source', join(fx.dir, 'landing'), '--staging', `s3://${staging}/supplier/`, '--reports', `s3://${reports}`, '--warehouse', fx.warehouse],
        { cwd: fx.dir, env: env() },
      );
      assert.equal(r.code, 4, r.stderr);
      assert.match(oneErrorLine(r), /^QualityError: .*s_nationkey/);
      assert.deepEqual((await auditRows(fx.warehouse, '2026-11-18')).map((a) => a.status), ['failed']);
      const objects = await s3.send(new ListObjectsV2Command({ Bucket: staging }));
      assert.deepEqual((objects.Contents ?? []).map((o) => o.Key), [], 'no part or manifest');
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: staging }));
      assert.deepEqual((uploads.Uploads ?? []).map((u) => u.Key), [], 'every multipart upload aborted');
      const written = ((await s3.send(new ListObjectsV2Command({ Bucket: reports }))).Contents ?? []).map((o) => o.Key!);
      for (const name of ['run.json', 'quality.json']) assert.ok(written.some((k) => k.endsWith(`/${name}`)), `${name} in ${written.join(', ')}`);
    });
  });
}
