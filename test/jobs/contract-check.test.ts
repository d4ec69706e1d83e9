/**
 * `redshift-loader contract check FILE` through the real command line: a good file is exit 0 and one
 * summary line; a bad one is exit 2 and one line naming the file and the JSON path, no stack trace.
 * And `--contracts` takes the same files from an s3:// prefix (moto), for every command with --dataset.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../support/cli.ts';
import { motoEndpoint, requireMoto } from '../support/services.ts';
import { createBucket, motoEnv, TEST_CREDENTIALS } from '../aws/moto.ts';

const SUPPLIER = JSON.parse(readFileSync(new URL('../../datasets/supplier.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('contract check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-contract-check-'));

  it('a good file: exit 0, one line with name, columns, key and tables', async () => {
    const r = await runCli(['contract', 'check', 'datasets/supplier.json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'datasets/supplier.json: ok — dataset supplier, 7 column(s), key (s_suppkey), writes assignment.supplier_stage, assignment.supplier_data, assignment.load_audit\n');
    const j = await runCli(['contract', 'check', 'datasets/supplier.json', '--json']);
    assert.deepEqual(JSON.parse(j.stdout), { ok: true, file: 'datasets/supplier.json', name: 'supplier', columns: 7, key: ['s_suppkey'], tables: ['assignment.supplier_stage', 'assignment.supplier_data', 'assignment.load_audit'] });
  });

  it('a bad file: exit 2, one line with the file and the JSON path', async () => {
    const file = join(dir, 'supplier.json');
    const columns = (SUPPLIER.columns as Array<Record<string, unknown>>).map((c, i) => (i === 3 ? { ...c, type: { kind: 'varchar', bytes: 0 } } : c));
    writeFileSync(file, JSON.stringify({ ...SUPPLIER, columns }));
    const r = await runCli(['contract', 'check', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.equal(lines[0], `ConfigError: ${file}: $.columns[3].type.bytes must be an integer from 1 to 65535 or "max" — fix the contract file (its fields: datasets/contract.schema.json)`);
  });

  it('bad JSON syntax: exit 2 with line and column', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{\n  "name": "broken",\n  "columns": [,]\n}\n');
    const r = await runCli(['contract', 'check', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr.trim(), new RegExp(`^ConfigError: ${file}: not valid JSON at line 3, column 15: [^\\n]*$`));
  });

  it('a missing file, no file or another action: exit 2 with the usage', async () => {
    for (const args of [['contract', 'check', join(dir, 'none.json')], ['contract', 'check'], ['contract', 'lint', 'x.json']]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^ConfigError: /);
    }
  });
});

describe('--contracts s3://… (moto)', () => {
  it('reads the contracts under an S3 prefix through the object store: ddl renders the user\'s table', async (t) => {
    if (!(await requireMoto(t))) return t.skip('no moto');
    const s3 = new S3Client({ endpoint: motoEndpoint(), region: 'us-east-1', credentials: TEST_CREDENTIALS, forcePathStyle: true });
    const bucket = await createBucket(s3, 'config');
    const mine = { ...SUPPLIER, historyTable: 'supplier_from_s3' };
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'contracts/supplier.json', Body: JSON.stringify(mine) }));
    const env = motoEnv();
    const r = await runCli(['ddl', '--dataset', 'supplier', '--contracts', `s3://${bucket}/contracts/`], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /CREATE TABLE IF NOT EXISTS assignment\.supplier_from_s3 \(/);
    const builtIn = await runCli(['ddl', '--dataset', 'supplier']);
    assert.doesNotMatch(builtIn.stdout, /supplier_from_s3/);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'contracts/supplier.json', Body: JSON.stringify({ ...mine, distKey: 'nope' }) }));
    const bad = await runCli(['ddl', '--dataset', 'supplier', '--contracts', `s3://${bucket}/contracts/`], { env });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr.trim(), new RegExp(`^ConfigError: s3://${bucket}/contracts/supplier\\.json: \\$\\.distKey names "nope"`));
  });
});
