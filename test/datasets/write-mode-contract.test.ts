/**
 * The contract's `writeMode` and `scd2` fields: the built-in modes, and one clear line with exit 2 for
 * a bad value (through `contract check`, as a user meets it) or a bad scd2 setting.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { datasets, parseContract, trackedColumns, writeModeOf } from '../../datasets/index.ts';
import { runCli } from '../support/cli.ts';

const DIM = JSON.parse(readFileSync(new URL('../../datasets/supplier_dim.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const SUPPLIER = JSON.parse(readFileSync(new URL('../../datasets/supplier.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function fault(c: Record<string, unknown>, file = 'supplier_dim.json'): string {
  try {
    parseContract(JSON.stringify(c), file);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

describe('write modes in contracts', () => {
  it('built-ins: supplier is a snapshot (no field), orders and lineitem append, supplier_dim scd2 over supplier\'s files', () => {
    assert.deepEqual(Object.fromEntries(Object.entries(datasets).map(([n, c]) => [n, writeModeOf(c)])), {
      region: 'snapshot', nation: 'snapshot', supplier: 'snapshot', supplier_dim: 'scd2', customer: 'snapshot', part: 'snapshot', partsupp: 'snapshot', orders: 'append', lineitem: 'append',
    });
    assert.equal(datasets.supplier_dim.source.prefix, 'supplier/{yyyymmdd}/');
    assert.equal(`${datasets.supplier_dim.schema}.${datasets.supplier_dim.historyTable}`, 'assignment.supplier_dim');
    assert.deepEqual(trackedColumns(datasets.supplier_dim), ['s_name', 's_address', 's_nationkey', 's_phone', 's_acctbal', 's_comment']);
    assert.deepEqual(trackedColumns({ ...datasets.supplier_dim, scd2: undefined }), trackedColumns(datasets.supplier_dim), 'default: all but the key');
  });

  it('a bad value or scd2 setting is one line naming the field', () => {
    assert.equal(fault({ ...DIM, writeMode: 'merge' }), 'supplier_dim.json: $.writeMode must be one of: "snapshot", "append", "scd2"');
    assert.equal(fault({ ...DIM, scd2: { tracked: ['s_suppkey'] } }), 'supplier_dim.json: $.scd2.tracked[0] names "s_suppkey", a key column: a key identifies the version, it is not tracked');
    assert.match(fault({ ...DIM, scd2: { tracked: ['nope'] } }), /\$\.scd2\.tracked\[0\] names "nope", which is not a column/);
    assert.equal(fault({ ...DIM, scd2: { tracked: ['s_name', 's_name'] } }), 'supplier_dim.json: $.scd2.tracked[1] names "s_name" twice');
    assert.equal(fault({ ...SUPPLIER, scd2: {} }, 'supplier.json'), 'supplier.json: $.scd2 applies to writeMode "scd2" only (this contract\'s is "snapshot")');
    const columns = [...(DIM.columns as object[]), { name: 'valid_from', type: { kind: 'date' }, nullable: true }];
    assert.equal(fault({ ...DIM, columns }), 'supplier_dim.json: $.columns[7].name "valid_from" is a version column an scd2 history table adds; rename it');
    assert.match(fault({ ...SUPPLIER, sortKey: { style: 'compound', columns: ['valid_from'] } }, 'supplier.json'), /\$\.sortKey\.columns\[0\] names "valid_from", which is not a column/);
    assert.equal(fault(DIM), 'accepted');
  });

  it('contract check: exit 2, one line, for a bad writeMode', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rl-write-mode-')), 'supplier_dim.json');
    writeFileSync(file, JSON.stringify({ ...DIM, writeMode: 'upsert' }));
    const r = await runCli(['contract', 'check', file]);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^ConfigError: .*supplier_dim\.json: \$\.writeMode must be one of: "snapshot", "append", "scd2" — /);
  });
});
