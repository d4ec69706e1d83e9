/**
 * Bad batches are refused before anything reaches the history table: the right exit code, one line that
 * names the problem (and the column where there is one), no stack trace, and an unchanged history table.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { SUPPLIER_PARQUET_SCHEMA, supplierBatches } from '../../tpch/index.ts';
import { runCli, SHARED_TPCH } from '../support/cli.ts';
import { freshDatabase, requirePostgres } from '../support/services.ts';
import { published } from '../support/supplier.ts';

type Schema = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>;
type Columns = Record<string, unknown[]>;

const base = [...supplierBatches({ scale: 0.01 })][0];
function columns(): Columns {
  return {
    s_suppkey: Array.from({ length: base.numRows }, (_, i) => BigInt(base.firstKey + i)),
    s_name: [...base.name],
    s_address: [...base.address],
    s_nationkey: Array.from(base.nationkey),
    s_phone: [...base.phone],
    s_acctbal: Array.from(base.acctbalCents, (c) => BigInt(c)),
    s_comment: [...base.comment],
  };
}

function write(dir: string, cols: Columns, schema: Schema = SUPPLIER_PARQUET_SCHEMA): string {
  mkdirSync(dir, { recursive: true });
  const names = schema.slice(1).map((e) => e.name);
  const root = { ...schema[0], num_children: names.length };
  const buf = parquetWriteBuffer({
    schema: [root, ...schema.slice(1)],
    columnData: names.map((name) => ({ name, data: cols[name] as never })),
  });
  writeFileSync(join(dir, 'part-0.parquet'), new Uint8Array(buf));
  return dir;
}

const element = (name: string): Schema[number] => SUPPLIER_PARQUET_SCHEMA.find((e) => e.name === name)!;

const CASES: Array<{ name: string; code: number; pattern: RegExp; make(dir: string): string; audited?: false }> = [
  {
    name: 'a duplicate key',
    code: 4,
    pattern: /unique.*s_suppkey/,
    make: (d) => write(d, { ...columns(), s_suppkey: columns().s_suppkey.map((k, i) => (i === 7 ? 7n : k)) }),
  },
  {
    name: 'a NULL key',
    code: 4,
    pattern: /s_suppkey/,
    make: (d) => write(d, { ...columns(), s_suppkey: columns().s_suppkey.map((k, i) => (i === 3 ? null : k)) }),
  },
  {
    name: 'a name of 34 three-byte characters (102 bytes, 34 characters)',
    code: 4,
    pattern: /s_name.*102 bytes|102 bytes.*s_name/,
    make: (d) => write(d, { ...columns(), s_name: columns().s_name.map((v, i) => (i === 11 ? '€'.repeat(34) : v)) }),
  },
  {
    name: 'a missing column',
    code: 3,
    pattern: /s_phone/,
    make: (d) => {
      const { s_phone: _drop, ...rest } = columns();
      return write(d, rest, SUPPLIER_PARQUET_SCHEMA.filter((e) => e.name !== 's_phone'));
    },
  },
  {
    name: 'a number turned into a string',
    code: 3,
    pattern: /s_acctbal/,
    make: (d) =>
      write(
        d,
        { ...columns(), s_acctbal: columns().s_acctbal.map((c) => String(Number(c) / 100)) },
        SUPPLIER_PARQUET_SCHEMA.map<Schema[number]>((e) => (e.name === 's_acctbal' ? { name: 's_acctbal', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' } : e)),
      ),
  },
  {
    name: 'a decimal over 12 digits',
    code: 4,
    pattern: /s_acctbal/,
    make: (d) =>
      write(
        d,
        { ...columns(), s_acctbal: columns().s_acctbal.map((c, i) => (i === 20 ? 123456789012345n : c)) },
        SUPPLIER_PARQUET_SCHEMA.map<Schema[number]>((e) =>
          e.name === 's_acctbal' ? { ...element('s_acctbal'), precision: 15, logical_type: { type: 'DECIMAL', precision: 15, scale: 2 } } : e,
        ),
      ),
  },
  {
    name: 'a truncated Parquet file',
    code: 4,
    pattern: /data_0\.parquet/,
    make: (d) => {
      mkdirSync(d, { recursive: true });
      const whole = readFileSync(join(SHARED_TPCH, 'duckdb-snappy', 'data_0.parquet'));
      writeFileSync(join(d, 'data_0.parquet'), whole.subarray(0, whole.length - 100));
      return d;
    },
  },
  // Refused before the warehouse is opened, so no audit row: nothing was attempted.
  { name: 'an empty folder', code: 4, pattern: /empty/, make: (d) => (mkdirSync(d, { recursive: true }), d), audited: false },
];

describe('bad batches are refused with nothing published', () => {
  let dir: string;
  let warehouse: string;
  let drop: (() => Promise<void>) | undefined;
  let skip = false;
  before(async (t) => {
    dir = mkdtempSync(join(tmpdir(), 'rl-refuse-'));
    if (!(await requirePostgres(t as never))) {
      skip = true;
      return;
    }
    const db = await freshDatabase('rl_refuse');
    warehouse = db.url;
    drop = db.drop;
    // A good copy of the batch first: a refused rerun must leave it untouched.
    const good = write(join(dir, 'good'), columns());
    const r = await runCli(['run', '--dataset', 'supplier', '--date', '2026-11-05', '--source', good, '--warehouse', warehouse], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await drop?.();
  });

  for (const c of CASES) {
    it(`${c.name}: exit ${c.code}, one line naming it`, async (t) => {
      if (skip) return t.skip('no PostgreSQL');
      const before = await published(warehouse);
      const source = c.make(join(dir, c.name.replace(/\W+/g, '-')));
      const r = await runCli(['run', '--dataset', 'supplier', '--date', '2026-11-05', '--source', source, '--warehouse', warehouse], { cwd: dir });
      assert.equal(r.code, c.code, r.stderr);
      const errorLines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
      assert.equal(errorLines.length, 1, r.stderr);
      assert.match(errorLines[0], c.pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at \S+ \(/, 'no stack trace');
      const after = await published(warehouse);
      assert.deepEqual([after.rows, after.loadTs], [before.rows, before.loadTs], 'the published copy of the batch is untouched');
      const failed = (p: typeof before) => p.audit.filter((a) => a.status === 'failed').length;
      assert.equal(failed(after), failed(before) + (c.audited === false ? 0 : 1), 'the refusal is in the audit table');
    });
  }
});
