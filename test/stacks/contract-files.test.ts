// An environment's extra contract files (contractFiles): read at synth, each gets the crawler, schedule
// and grants of a built-in contract, and is uploaded to the contracts prefix the jobs read (RL_CONTRACTS).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStack, RULES } from './policy/rules.ts';
import { resources, strAt, text } from './policy/tf.ts';
import { dev, type EnvironmentSettings } from '../../stacks/environments.ts';
import { checkOptions, DATASETS, synthStack } from './support.ts';
import { sizingTable } from '../../stacks/dataset-sizing.ts';

const dir = mkdtempSync(join(tmpdir(), 'rl-contract-files-'));
const acme = join(dir, 'acme_supplier.json');
const acmeText = readFileSync(new URL('../../datasets/supplier.json', import.meta.url), 'utf8')
  .replace('"$schema": "./contract.schema.json"', '"$schema": "../datasets/contract.schema.json"')
  .replace('"name": "supplier"', '"name": "acme_supplier"')
  .replace('"stageTable": "supplier_stage"', '"stageTable": "acme_supplier_stage"')
  .replace('"historyTable": "supplier_data"', '"historyTable": "acme_supplier_data"');
writeFileSync(acme, acmeText);
const bad = join(dir, 'bad.json');
writeFileSync(bad, acmeText.replace('"kind": "bigint"', '"kind": "bigint", "bytes": "x"').replace('"name": "acme_supplier"', '"name": 7'));

const withFiles: EnvironmentSettings = { ...dev, contractsPrefix: 'contracts/', contractFiles: [acme] };

describe('contractFiles', () => {
  const { tf } = synthStack(withFiles);

  it('gives the extra contract a crawler and a nightly schedule', () => {
    assert.ok(resources(tf, 'aws_glue_crawler').some((c) => JSON.stringify(c.attrs.s3_target).includes('/acme_supplier/')), 'crawler on acme_supplier/');
    assert.ok(resources(tf, 'aws_scheduler_schedule').some((s) => JSON.stringify(s.attrs.target).includes('acme_supplier')), 'schedule for acme_supplier');
  });

  it('uploads the file, byte for byte and KMS-encrypted, to <prefix><dataset>.json in the landing bucket', () => {
    const objects = resources(tf, 'aws_s3_object');
    assert.equal(objects.length, 1);
    const o = objects[0].attrs;
    assert.equal(o.key, 'contracts/acme_supplier.json');
    assert.equal(strAt(o, 'content').replaceAll('$${', '${').replaceAll('%%{', '%{'), acmeText);
    assert.equal(o.server_side_encryption, 'aws:kms');
    assert.match(text(o.bucket), /^\$\{aws_s3_bucket\.storage_landing_[A-Z0-9]+\.bucket\}$/);
    assert.match(text(o.kms_key_id), /^\$\{aws_kms_key\.[^.]+\.arn\}$/);
  });

  it('passes the whole policy suite with the extra dataset', () => {
    const o = checkOptions('dev', 'contracts/');
    o.datasets = [...o.datasets, 'acme_supplier'];
    o.sizing = sizingTable(dev, o.datasets);
    o.rowCountLimits = { ...o.rowCountLimits, acme_supplier: 20 };
    assert.deepEqual(checkStack(tf, o, RULES), []);
  });

  it('uploads nothing and adds no dataset without contractFiles', () => {
    const plain = synthStack({ ...dev, contractsPrefix: 'contracts/' }).tf;
    assert.equal(resources(plain, 'aws_s3_object').length, 0);
    assert.equal(resources(plain, 'aws_glue_crawler').length, DATASETS.length);
    assert.ok(!resources(plain, 'aws_glue_crawler').some((c) => JSON.stringify(c.attrs.s3_target).includes('/acme_supplier/')));
  });

  it('refuses contractFiles without a contractsPrefix, an unreadable file, and a bad contract (naming the file and field)', () => {
    assert.throws(() => synthStack({ ...dev, contractFiles: [acme] }), /contractFiles need a contractsPrefix/);
    assert.throws(() => synthStack({ ...withFiles, contractFiles: [join(dir, 'missing.json')] }), /missing\.json cannot be read \(ENOENT\)/);
    assert.throws(() => synthStack({ ...withFiles, contractFiles: [bad] }), (e: Error) => e.message.includes('bad.json') && e.message.includes('$.'));
  });
});
