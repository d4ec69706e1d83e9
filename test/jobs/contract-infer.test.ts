/**
 * `redshift-loader contract infer` through the real command line: the contract it drafts from a Parquet
 * folder (DuckDB-written), a CSV folder, dbgen .tbl files and an s3:// prefix (moto), each checked by
 * `contract check`; and every refusal — exit 2 and one line saying what, where and what to do.
 * (The drafted contracts loaded end to end: contract-infer-e2e.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runCli, SHARED_TPCH, type CliResult } from '../support/cli.ts';
import { motoEndpoint, requireMoto } from '../support/services.ts';
import { createBucket, motoEnv, TEST_CREDENTIALS } from '../aws/moto.ts';
import type { DatasetContract } from '../../datasets/index.ts';

const root = mkdtempSync(join(tmpdir(), 'rl-contract-infer-'));
const at = (...p: string[]): string => join(root, ...p);

function folder(name: string, files: Record<string, string> = {}): string {
  mkdirSync(at(name), { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(at(name, f), text);
  return at(name);
}

async function duck(sqls: string[]): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    for (const s of sqls) await con.run(s);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

const infer = (args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> => runCli(['contract', 'infer', ...args], { env });

/** The one line a refusal prints (any JSON log lines before it aside). */
function refusal(r: CliResult): string {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('{'));
  assert.equal(lines.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  return lines[0];
}

function contractOf(r: CliResult): DatasetContract {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as DatasetContract;
}

const types = (c: DatasetContract) => Object.fromEntries(c.columns.map((col) => [col.name, col.type]));

describe('contract infer', () => {
  before(async () => {
    folder('pq');
    folder('u64');
    folder('list');
    folder('blob');
    await duck([
      `COPY (SELECT i::INTEGER AS o_id, (i * 1000000000000)::BIGINT AS o_big, (i * 1.25)::DECIMAL(15,2) AS o_price,
          CASE WHEN i = 2 THEN NULL ELSE 'naïve #' || i END AS o_name, DATE '2024-01-01' + i::INTEGER AS o_date, (i % 2 = 0) AS o_flag,
          i::SMALLINT AS o_small, i::UTINYINT AS o_u8, i::UINTEGER AS o_u32, i::DOUBLE / 4 AS o_dbl, i::FLOAT AS o_real,
          TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) SECOND AS o_ts
        FROM range(1, 21) t(i)) TO '${at('pq', 'part-0.parquet')}' (FORMAT parquet)`,
      `COPY (SELECT 1::BIGINT AS id, 18446744073709551615::UBIGINT AS u) TO '${at('u64', 'x.parquet')}' (FORMAT parquet)`,
      `COPY (SELECT 1 AS id, [1, 2] AS l) TO '${at('list', 'x.parquet')}' (FORMAT parquet)`,
      `COPY (SELECT 1 AS id, 'ab'::BLOB AS b) TO '${at('blob', 'x.parquet')}' (FORMAT parquet)`,
    ]);
  });

  it('Parquet: types from the footer, NULLs and widths from every row; printed on stdout and valid for contract check', async () => {
    const r = await infer(['--dataset', 'orders_ext', '--source', at('pq'), '--key', 'o_id']);
    const c = contractOf(r);
    assert.deepEqual(types(c), {
      o_id: { kind: 'integer' }, o_big: { kind: 'bigint' }, o_price: { kind: 'decimal', precision: 15, scale: 2 },
      o_name: { kind: 'varchar', bytes: 16 }, o_date: { kind: 'date' }, o_flag: { kind: 'boolean' }, o_small: { kind: 'smallint' },
      o_u8: { kind: 'smallint' }, o_u32: { kind: 'bigint' }, o_dbl: { kind: 'double precision' }, o_real: { kind: 'real' }, o_ts: { kind: 'timestamp' },
    });
    const name = c.columns.find((col) => col.name === 'o_name')!;
    assert.equal(name.nullable, true);
    assert.deepEqual(name.observed, { rows: 20, nulls: 1, maxBytes: 10 }, "'naïve #10' is 10 bytes in UTF-8");
    assert.equal(c.columns.filter((col) => col.nullable).length, 1);
    assert.deepEqual({ key: c.key, distKey: c.distKey, sortKey: c.sortKey, load: c.loadTimestampColumn }, { key: ['o_id'], distKey: 'o_id', sortKey: { style: 'compound', columns: ['load_ts'] }, load: 'load_ts' });
    assert.deepEqual([c.schema, c.stageTable, c.historyTable, c.auditTable], ['assignment', 'orders_ext_stage', 'orders_ext_data', 'load_audit']);
    assert.deepEqual(c.checksums, { sum: ['o_price'], minMax: ['o_id'] });
    assert.deepEqual(c.source.formats, ['parquet']);
    assert.deepEqual(c.drift, { policy: 'freeze' });
    const rules = c.quality.map((q) => `${q.type}${'column' in q ? `:${q.column}` : ''}`);
    assert.deepEqual(rules.filter((q) => q.startsWith('unique') || q.startsWith('max_bytes') || q.startsWith('decimal_fit') || !q.includes(':')),
      ['unique:o_id', 'max_bytes:o_name', 'decimal_fit:o_price', 'row_count_change', 'freshness']);
    assert.equal(rules.filter((q) => q.startsWith('not_null')).length, 11);
    assert.match(r.stderr, /inferred dataset orders_ext: 12 column\(s\) from 1 Parquet file\(s\), 20 row\(s\) scanned; key \(o_id\), no key value repeats in 20 row\(s\)/);
    const file = join(folder('printed'), 'orders_ext.json');
    writeFileSync(file, r.stdout);
    const check = await runCli(['contract', 'check', file]);
    assert.equal(check.code, 0, check.stderr);
  });

  it('CSV with a header and quotes: a type only when every value reads back unchanged; leading zeros and mixed values stay varchar, and say why', async () => {
    const src = folder('csv', {
      'a.csv': 'Id,Label,Price,Zip,Day,OK,Mixed,Order Date\n1,bolt,0.10,00501,2024-01-02,true,12,2024-01-02\n2,"nut, ""hex""",12.5,10001,2024-02-29,false,abc,\n',
      'b.csv': 'Id,Label,Price,Zip,Day,OK,Mixed,Order Date\n3,"",-3.25,20001,1999-12-31,TRUE,7,2023-02-30\n',
    });
    const c = contractOf(await infer(['--dataset', 'widgets', '--source', src]));
    assert.deepEqual(types(c), {
      id: { kind: 'integer' }, label: { kind: 'varchar', bytes: 16 }, price: { kind: 'decimal', precision: 4, scale: 2 }, zip: { kind: 'varchar', bytes: 16 },
      day: { kind: 'date' }, ok: { kind: 'boolean' }, mixed: { kind: 'varchar', bytes: 16 }, order_date: { kind: 'varchar', bytes: 16 },
    });
    const col = (n: string) => c.columns.find((x) => x.name === n)!;
    assert.equal(col('zip').description, 'varchar: 2 value(s) read as integer, but "00501" (a.csv row 1) has a leading zero a number would drop');
    assert.equal(col('mixed').description, 'varchar: 2 value(s) read as integer, but "abc" (a.csv row 2) is text');
    assert.match(col('order_date').description ?? '', /"2023-02-30" \(b\.csv row 1\) is not a calendar date/);
    assert.equal(col('order_date').sourceName, 'Order Date');
    assert.equal(col('label').nullable, false, 'a quoted empty field is an empty string, not NULL');
    assert.equal(col('order_date').nullable, true, 'an unquoted empty field is NULL (null marker "")');
    assert.deepEqual(col('label').observed, { rows: 3, nulls: 0, maxBytes: 10 }, 'nut, "hex" is 10 bytes');
    assert.deepEqual(c.source.delimited, { delimiter: ',', header: true, quote: '"', nullMarker: '', trailingDelimiter: false });
    assert.deepEqual(c.key, ['id']);
  });

  it('dbgen .tbl: | with a trailing delimiter and no header by default; columns c1..cn, or --columns', async () => {
    const tbl = readFileSync(join(SHARED_TPCH, 'supplier_sf1.tbl'), 'utf8').split('\n').slice(0, 50).join('\n') + '\n';
    const src = folder('tbl', { 'supplier.tbl': tbl });
    const c = contractOf(await infer(['--dataset', 'supp', '--source', src]));
    assert.deepEqual(c.source.delimited, { delimiter: '|', header: false, quote: null, nullMarker: '', trailingDelimiter: true });
    assert.deepEqual(c.columns.map((x) => `${x.name} ${x.type.kind}`), ['c1 integer', 'c2 varchar', 'c3 varchar', 'c4 integer', 'c5 varchar', 'c6 decimal', 'c7 varchar']);
    assert.deepEqual(c.columns[5].type, { kind: 'decimal', precision: 6, scale: 2 });
    const named = contractOf(await infer(['--dataset', 'supp', '--source', src, '--columns', 's_suppkey,s_name,s_address,s_nationkey,s_phone,s_acctbal,s_comment']));
    assert.deepEqual(named.columns.map((x) => x.name), ['s_suppkey', 's_name', 's_address', 's_nationkey', 's_phone', 's_acctbal', 's_comment']);
    assert.match(refusal(await infer(['--dataset', 'supp', '--source', src, '--columns', 'a,b'])), /^ConfigError: --columns names 2 column\(s\) but the file has 7 field\(s\) per row \(supplier\.tbl\)/);
  });

  it('--out writes the file atomically and never over an existing one without --force', async () => {
    const src = folder('out-src', { 'w.csv': 'id,v\n1,a\n2,b\n' });
    const dir = folder('contracts');
    const out = join(dir, 'widgets.json');
    const r = await infer(['--dataset', 'widgets', '--source', src, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`wrote ${out}`));
    const first = readFileSync(out, 'utf8');
    assert.equal((JSON.parse(first) as DatasetContract).name, 'widgets');
    writeFileSync(join(src, 'w.csv'), 'id,v\n1,a\n2,bbbbbbbbbbbbbbbbbbbbbbbbb\n');
    const again = await infer(['--dataset', 'widgets', '--source', src, '--out', out]);
    assert.equal(refusal(again), `ConfigError: the --out file already exists (${out}) — pass --force to replace it, or choose another --out`);
    assert.equal(readFileSync(out, 'utf8'), first, 'the existing file is unchanged');
    const forced = await infer(['--dataset', 'widgets', '--source', src, '--out', out, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual((JSON.parse(readFileSync(out, 'utf8')) as DatasetContract).columns[1].type, { kind: 'varchar', bytes: 32 });
    assert.deepEqual(readdirSync(dir), ['widgets.json'], 'no temporary file left behind');
    assert.match(refusal(await infer(['--dataset', 'widgets', '--source', src, '--out', join(dir, 'other.json')])), /--out .*other\.json does not match --dataset widgets: a contract file is named <dataset>\.json/);
    assert.match(refusal(await infer(['--dataset', 'widgets', '--source', src, '--out', join(dir, 'nope', 'widgets.json')])), /the folder of the --out file does not exist/);
  });

  it('refuses Parquet types no contract column holds: UINT64, LIST, binary — naming the file and column', async () => {
    assert.match(refusal(await infer(['--dataset', 'x', '--source', at('u64')])),
      /^ConfigError: column u has no contract type: it is Parquet INT64 .*UINT.*64.* \(x\.parquet, column u\) — an unsigned 64-bit integer .*cast it to DECIMAL\(20,0\)/);
    assert.match(refusal(await infer(['--dataset', 'x', '--source', at('list')])), /^ConfigError: column l has no contract type: it is a LIST, and a contract column is flat \(x\.parquet, column l\) — flatten it/);
    assert.match(refusal(await infer(['--dataset', 'x', '--source', at('blob')])), /^ConfigError: column b has no contract type: it is Parquet BYTE_ARRAY \(x\.parquet, column b\) — binary .*write it as a string column/);
  });

  it('refuses a folder with nothing to infer from: missing, empty, only markers, header only, mixed formats', async () => {
    assert.match(refusal(await infer(['--dataset', 'x', '--source', at('missing')])), /^ConfigError: --source .*missing is not a folder/);
    assert.match(refusal(await infer(['--dataset', 'x', '--source', folder('empty')])), /^ConfigError: no data files to infer a contract from in .*empty — /);
    assert.match(refusal(await infer(['--dataset', 'x', '--source', folder('markers', { _SUCCESS: '', '.hidden.csv': 'a\n1\n' })])),
      /^ConfigError: no data files to infer a contract from in .*markers \(ignored: \.hidden\.csv, _SUCCESS\)/);
    assert.match(refusal(await infer(['--dataset', 'x', '--source', folder('header-only', { 'a.csv': 'id,v\n' })])), /hold no rows: nothing to infer types, NULLs and widths from/);
    const mixed = folder('mixed', { 'a.csv': 'o_id\n1\n' });
    writeFileSync(join(mixed, 'b.parquet'), readFileSync(at('pq', 'part-0.parquet')));
    assert.match(refusal(await infer(['--dataset', 'x', '--source', mixed])), /holds both Parquet and text files: a contract reads one format/);
    const damaged = await infer(['--dataset', 'x', '--source', folder('damaged', { 'x.parquet': 'PAR1 not a footer PAR1' })]);
    assert.equal(damaged.code, 4, damaged.stderr);
    assert.match(damaged.stderr.trim(), /^QualityError: not a readable Parquet file \(.*\) \(.*x\.parquet\) — the upload may have been cut off/);
  });

  it('refuses a key that is missing, NULL somewhere, or repeats; without --key the first column must be unique', async () => {
    const src = folder('keys', { 'k.csv': 'a,b,c\n1,x,\n1,y,5\n2,x,6\n' });
    assert.match(refusal(await infer(['--dataset', 'k', '--source', src, '--key', 'a,nope'])), /^ConfigError: --key names "nope", which is not a column of the batch \(columns: a, b, c\)/);
    assert.equal(refusal(await infer(['--dataset', 'k', '--source', src, '--key', 'c'])),
      'ConfigError: --key column c holds NULL: a key column must never be NULL (k.csv, row 1, column c) — name columns that always hold a value in --key');
    assert.equal(refusal(await infer(['--dataset', 'k', '--source', src])),
      'ConfigError: the first column a, the key without --key, repeats: (a=1) here, first seen at row 1 (k.csv, row 2) — pass --key naming the column(s) that identify a row, e.g. --key a,b');
    const two = folder('keys2', { 'k1.csv': 'a,b\n1,x\n', 'k2.csv': 'a,b\n2,x\n1,x\n' });
    assert.equal(refusal(await infer(['--dataset', 'k', '--source', two, '--key', 'a,b'])),
      'ConfigError: --key (a, b) repeats: (a=1, b=x) here, first seen at row 1 of k1.csv (k2.csv, row 2) — name the column(s) that identify a row in --key');
    const c = contractOf(await infer(['--dataset', 'k', '--source', src, '--key', 'a,B']));
    assert.deepEqual({ key: c.key, distKey: c.distKey, minMax: c.checksums.minMax }, { key: ['a', 'b'], distKey: 'a', minMax: ['a'] });
    assert.equal(c.quality.some((q) => q.type === 'unique'), false, 'a composite key has no one-column unique rule');
  });

  it('refuses a bad dataset name, a value wider than Redshift\'s varchar, and contradicting flags', async () => {
    const src = folder('names', { 'w.csv': 'id\n1\n' });
    assert.match(refusal(await infer(['--dataset', 'Bad-Name', '--source', src])), /^ConfigError: --dataset "Bad-Name" is not a dataset name — a dataset name matches/);
    assert.match(refusal(await infer(['--source', src])), /contract infer needs --dataset NAME/);
    assert.match(refusal(await infer(['--dataset', 'w', '--source', src, '--header', '--no-header'])), /--header and --no-header contradict each other/);
    assert.match(refusal(await runCli(['contract', 'check', 'datasets/supplier.json', '--key', 'x'])), /^ConfigError: contract check takes no --key/);
    const wide = folder('wide', { 'w.csv': `id,v\n1,${'é'.repeat(32768)}\n` });
    assert.match(refusal(await infer(['--dataset', 'w', '--source', wide])), /^ConfigError: column v holds a value of 65536 bytes in UTF-8, more than Redshift's widest varchar \(65535 bytes\) \(column v\)/);
  });

  it('reads an s3:// batch folder through the object store (moto)', async (t) => {
    if (!(await requireMoto(t))) return t.skip('no moto');
    const s3 = new S3Client({ endpoint: motoEndpoint(), region: 'us-east-1', credentials: TEST_CREDENTIALS, forcePathStyle: true });
    const bucket = await createBucket(s3, 'infer');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'widgets/20261201/w.csv', Body: 'id,price\n1,0.5\n2,10.25\n' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'widgets/20261201/_SUCCESS', Body: '' }));
    const r = await infer(['--dataset', 'widgets', '--source', `s3://${bucket}/widgets/20261201/`], motoEnv());
    const c = contractOf(r);
    assert.deepEqual(types(c), { id: { kind: 'integer' }, price: { kind: 'decimal', precision: 4, scale: 2 } });
    assert.match(r.stderr, /ignored s3:\/\/.*_SUCCESS: marker file/);
  });
});
