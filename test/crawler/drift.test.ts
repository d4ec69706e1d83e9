import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DatasetContract } from '../../datasets/contract.ts';
import { supplier } from '../../datasets/supplier.ts';
import {
  catalogInput,
  compareSchemas,
  driftErrorFrom,
  renderDriftJson,
  renderDriftMarkdown,
  type DriftFinding,
  type DriftReport,
} from '../../crawler/drift.ts';
import { DriftError } from '../../core/errors.ts';
import { NOW, catalogVersion, cleanCatalogColumns, cleanWarehouse, file, withPolicy } from './fixtures.ts';
import { parseJson } from '../support/json.ts';

function of(report: DriftReport, kind: DriftFinding['kind']): DriftFinding[] {
  return report.findings.filter((f) => f.kind === kind);
}

function one(report: DriftReport, kind: DriftFinding['kind'], column?: string, source?: string): DriftFinding {
  const found = of(report, kind).filter((f) => (column === undefined || f.column === column) && (source === undefined || f.source.startsWith(source)));
  assert.equal(found.length, 1, `expected one ${kind}${column ? ` for ${column}` : ''}, got ${JSON.stringify(report.findings, null, 1)}`);
  return found[0];
}

function check(files: ReturnType<typeof file>[], contract: DatasetContract = supplier): DriftReport {
  return compareSchemas({ contract, files, now: NOW });
}

describe('a clean batch', () => {
  test('matches the contract with no finding at all', () => {
    const r = check([file('part-0.parquet'), file('part-1.parquet')]);
    assert.deepEqual(r.findings, []);
    assert.equal(r.decision, 'proceed');
    assert.deepEqual(r.summary, { breaking: 0, warn: 0, info: 0 });
  });
});

describe('column_removed', () => {
  test('fires, breaking, for a contract column a file lacks — the batch is refused', () => {
    const r = check([file('part-0.parquet'), file('part-1.parquet', { s_phone: null })]);
    const f = one(r, 'column_removed', 's_phone');
    assert.equal(f.severity, 'breaking');
    assert.equal(f.expected, 'varchar(40)');
    assert.equal(f.found, 'missing');
    assert.equal(f.source, 'file /landing/supplier/20260101/part-1.parquet');
    assert.equal(r.decision, 'block');
    const e = driftErrorFrom(r);
    assert.ok(e instanceof DriftError);
    assert.equal(e.exitCode, 3);
    assert.equal(
      e.oneLine(),
      'DriftError: column s_phone: contract varchar(40), missing from file /landing/supplier/20260101/part-1.parquet' +
        ' — the source dropped a column; fix the export or change the contract',
    );
  });

  test('fires even for a nullable column, under every policy', () => {
    for (const policy of ['freeze', 'evolve', 'discard'] as const) {
      const r = check([file('a.parquet', { s_comment: null })], withPolicy(policy));
      assert.equal(one(r, 'column_removed', 's_comment').severity, 'breaking', policy);
      assert.equal(r.decision, 'block', policy);
    }
  });

  test('stays quiet when every contract column is there, in any order and case', () => {
    const f = file('a.parquet');
    f.columns.reverse();
    f.columns = f.columns.map((c) => ({ ...c, name: c.name.toUpperCase() }));
    const r = check([f]);
    assert.deepEqual(of(r, 'column_removed'), []);
    assert.equal(r.decision, 'proceed');
  });

  test('matches sourceName, case-insensitively', () => {
    const contract: DatasetContract = {
      ...supplier,
      columns: supplier.columns.map((c) => (c.name === 's_suppkey' ? { ...c, sourceName: 'SuppKey' } : c)),
    };
    const renamed = file('a.parquet', { s_suppkey: { name: 'SUPPKEY' } });
    assert.deepEqual(check([renamed], contract).findings, []);
    // …and then the contract name itself is not what it looks for
    assert.equal(one(check([file('b.parquet')], contract), 'likely_rename', 's_suppkey').renamedTo, 's_suppkey');
  });
});

describe('column_added', () => {
  const extra = [{ name: 's_rating', type: 'int', nullable: true }];

  test('fires for a column the contract lacks: breaking under freeze', () => {
    const r = check([file('a.parquet', {}, extra)]);
    const f = one(r, 'column_added', 's_rating');
    assert.equal(f.severity, 'breaking');
    assert.equal(f.found, 'int');
    assert.equal(r.decision, 'block');
    assert.match(driftErrorFrom(r).oneLine(), /column s_rating: not in the contract, found int in file .*a\.parquet; the drift policy is freeze — add the column to the contract, or set the drift policy to evolve or discard$/);
  });

  test('stays quiet for a clean file', () => {
    assert.deepEqual(of(check([file('a.parquet')]), 'column_added'), []);
  });
});

describe('type_widened', () => {
  test('fires (info) for INT32 where the contract says bigint', () => {
    const r = check([file('a.parquet', { s_suppkey: 'int' })]);
    const f = one(r, 'type_widened', 's_suppkey');
    assert.deepEqual([f.severity, f.expected, f.found], ['info', 'bigint', 'int']);
    assert.equal(r.decision, 'proceed');
  });

  test('fires for a decimal with fewer digits than the contract', () => {
    assert.equal(one(check([file('a.parquet', { s_acctbal: 'decimal(10,2)' })]), 'type_widened', 's_acctbal').severity, 'info');
  });

  test('stays quiet for the contract type itself', () => {
    assert.deepEqual(of(check([file('a.parquet', { s_suppkey: 'BIGINT' })]), 'type_widened'), []);
  });
});

describe('type_narrowed_checked', () => {
  test('fires (warn) for BIGINT into integer and DOUBLE into decimal(12,2): the pass checks the values', () => {
    const r = check([file('a.parquet', { s_nationkey: 'bigint', s_acctbal: 'double' })]);
    const n = one(r, 'type_narrowed_checked', 's_nationkey');
    assert.deepEqual([n.severity, n.expected, n.found], ['warn', 'integer', 'bigint']);
    const a = one(r, 'type_narrowed_checked', 's_acctbal');
    assert.deepEqual([a.severity, a.expected, a.found], ['warn', 'decimal(12,2)', 'double']);
    assert.match(a.message, /values checked/);
    assert.equal(r.decision, 'proceed');
  });

  test('fires for a decimal with more scale than the contract', () => {
    assert.equal(one(check([file('a.parquet', { s_acctbal: 'decimal(15,4)' })]), 'type_narrowed_checked', 's_acctbal').severity, 'warn');
  });

  test('stays quiet for int into integer', () => {
    assert.deepEqual(of(check([file('a.parquet')]), 'type_narrowed_checked'), []);
  });
});

describe('type_breaking', () => {
  test('fires for a number turned into a string — the batch is refused with one line', () => {
    const r = check([file('part-0.parquet', { s_acctbal: 'string' })]);
    const f = one(r, 'type_breaking', 's_acctbal');
    assert.deepEqual([f.severity, f.expected, f.found], ['breaking', 'decimal(12,2)', 'string']);
    assert.equal(r.decision, 'block');
    const e = driftErrorFrom(r);
    assert.equal(e.exitCode, 3);
    assert.equal(
      e.oneLine(),
      'DriftError: column s_acctbal: contract decimal(12,2), found string in file /landing/supplier/20260101/part-0.parquet' +
        ' — the source changed type; fix the export or change the contract',
    );
  });

  test('fires for a fraction into an integer, a double into an integer, a timestamp into a date', () => {
    assert.equal(one(check([file('a.parquet', { s_nationkey: 'decimal(5,2)' })]), 'type_breaking', 's_nationkey').severity, 'breaking');
    assert.equal(one(check([file('a.parquet', { s_nationkey: 'double' })]), 'type_breaking', 's_nationkey').severity, 'breaking');
    const contract: DatasetContract = { ...supplier, columns: [...supplier.columns, { name: 'as_of', type: { kind: 'date' }, nullable: true }] };
    const r = check([file('a.parquet', {}, [{ name: 'as_of', type: 'timestamp', nullable: true }])], contract);
    assert.equal(one(r, 'type_breaking', 'as_of').expected, 'date');
  });

  test('fires, naming the column, for a nested type the loader cannot map', () => {
    const r = check([file('a.parquet', { s_address: 'struct<street:string,city:string>' })]);
    const f = one(r, 'type_breaking', 's_address');
    assert.match(f.message, /column s_address: contract varchar\(100\), found struct<street:string,city:string> in file .*, which the loader cannot map/);
    assert.equal(r.decision, 'block');
  });

  test('stays quiet for DOUBLE into decimal (checked, not breaking) and for the contract types', () => {
    assert.deepEqual(of(check([file('a.parquet', { s_acctbal: 'double' })]), 'type_breaking'), []);
    assert.deepEqual(of(check([file('a.parquet')]), 'type_breaking'), []);
  });

  test('a CSV file declares no types: its text columns give no type finding', () => {
    const csv = file('a.csv', Object.fromEntries(['s_suppkey', 's_nationkey', 's_acctbal'].map((c) => [c, 'string'])), [], 'csv');
    assert.deepEqual(check([csv]).findings, []);
  });
});

describe('nullability_changed', () => {
  test('fires (warn, not breaking) when a NOT NULL contract column is nullable in a file (DuckDB writes OPTIONAL)', () => {
    const r = check([file('a.parquet', { s_suppkey: { nullable: true } })]);
    const f = one(r, 'nullability_changed', 's_suppkey');
    assert.deepEqual([f.severity, f.expected, f.found], ['warn', 'not null', 'nullable']);
    assert.equal(r.decision, 'proceed');
  });

  test('stays quiet for REQUIRED files, for nullable contract columns, and for CSV files', () => {
    assert.deepEqual(of(check([file('a.parquet')]), 'nullability_changed'), []);
    assert.deepEqual(of(check([file('a.parquet', { s_name: { nullable: false } })]), 'nullability_changed'), []);
    assert.deepEqual(of(check([file('a.csv', { s_suppkey: { nullable: true } }, [], 'csv')]), 'nullability_changed'), []);
  });
});

describe('likely_rename', () => {
  test('fires for one column removed and one of the same type added, instead of the pair', () => {
    const r = check([file('a.parquet', { s_phone: null }, [{ name: 'S_Phone_Number', type: 'string', nullable: true }])]);
    const f = one(r, 'likely_rename', 's_phone');
    assert.equal(f.renamedTo, 's_phone_number');
    assert.equal(f.severity, 'breaking');
    assert.deepEqual(of(r, 'column_removed'), []);
    assert.deepEqual(of(r, 'column_added'), []);
    assert.match(driftErrorFrom(r).oneLine(), /column s_phone: contract varchar\(40\), missing from file .*, which has s_phone_number string instead — likely a rename.*set sourceName: 'S_Phone_Number' on s_phone/);
  });

  test('stays quiet when the added column has another type', () => {
    const r = check([file('a.parquet', { s_phone: null }, [{ name: 's_rating', type: 'int', nullable: true }])]);
    assert.deepEqual(of(r, 'likely_rename'), []);
    one(r, 'column_removed', 's_phone');
    one(r, 'column_added', 's_rating');
  });

  test('stays quiet when more than one column changed', () => {
    const r = check([
      file('a.parquet', { s_phone: null, s_name: null }, [
        { name: 'phone', type: 'string', nullable: true },
        { name: 'name', type: 'string', nullable: true },
      ]),
    ]);
    assert.deepEqual(of(r, 'likely_rename'), []);
    assert.equal(of(r, 'column_removed').length, 2);
  });
});

describe('policies on a new column', () => {
  const extra = [{ name: 'S_Rating', type: 'int', nullable: false }];

  test('freeze: any new column stops the run', () => {
    const r = check([file('a.parquet', {}, extra)], withPolicy('freeze'));
    assert.equal(r.policy, 'freeze');
    assert.equal(r.decision, 'block');
    assert.deepEqual([r.evolve, r.addColumns, r.ignored], [[], [], []]);
  });

  test('evolve: the column is added, nullable, with the Redshift type of its Glue type', () => {
    const r = check([file('a.parquet', {}, extra), file('b.parquet', {}, [{ name: 's_rating', type: 'bigint', nullable: true }])], withPolicy('evolve'));
    assert.equal(r.decision, 'proceed');
    assert.deepEqual(of(r, 'column_added').map((f) => [f.column, f.found, f.severity]), [['s_rating', 'int', 'info'], ['s_rating', 'bigint', 'info']]);
    // files disagree (int, bigint): the wider type, as the crawler would record it
    assert.deepEqual(r.evolve, [{ name: 's_rating', type: { kind: 'bigint' }, nullable: true, sourceName: 'S_Rating' }]);
    assert.deepEqual(r.addColumns, r.evolve);
    assert.deepEqual(r.ignored, []);
  });

  test('evolve: string → varchar(max), decimal kept; a column of a type the loader cannot map still blocks', () => {
    const r = check([file('a.parquet', {}, [{ name: 'note', type: 'string', nullable: true }, { name: 'fee', type: 'decimal(9,3)', nullable: true }])], withPolicy('evolve'));
    assert.deepEqual(r.evolve.map((c) => c.type), [{ kind: 'varchar', bytes: 'max' }, { kind: 'decimal', precision: 9, scale: 3 }]);
    const bad = check([file('a.parquet', {}, [{ name: 'tags', type: 'array<string>', nullable: true }])], withPolicy('evolve'));
    assert.equal(one(bad, 'column_added', 'tags').severity, 'breaking');
    assert.deepEqual(bad.evolve, []);
    assert.equal(bad.decision, 'block');
    for (const name of ['load_ts', 'order date']) {
      const clash = check([file('a.parquet', {}, [{ name, type: 'int', nullable: true }])], withPolicy('evolve'));
      assert.equal(one(clash, 'column_added', name).severity, 'breaking', name);
      assert.deepEqual(clash.evolve, [], name);
    }
  });

  test('discard: the column is ignored and the run proceeds', () => {
    const r = check([file('a.parquet', {}, extra), file('b.parquet', {}, extra)], withPolicy('discard'));
    assert.equal(r.decision, 'proceed');
    assert.equal(one(r, 'column_added', 's_rating').severity, 'info');
    assert.deepEqual(r.ignored, ['s_rating']);
    assert.deepEqual(r.evolve, []);
  });

  test('breaking changes block under every policy', () => {
    for (const policy of ['freeze', 'evolve', 'discard'] as const) {
      const r = check([file('a.parquet', { s_acctbal: 'string' }, extra)], withPolicy(policy));
      assert.equal(r.decision, 'block', policy);
      assert.equal(driftErrorFrom(r).exitCode, 3);
    }
  });
});

describe('the catalog', () => {
  test('without a batch, the latest version decides: a string where a number is expected blocks', () => {
    const v1 = catalogVersion('1', cleanCatalogColumns());
    const v2 = catalogVersion('2', cleanCatalogColumns().map((c) => (c.name === 's_acctbal' ? { ...c, type: 'string' } : c)));
    const r = compareSchemas({ contract: supplier, catalog: catalogInput([v2, v1]), now: NOW });
    const f = one(r, 'type_breaking', 's_acctbal', 'catalog v2');
    assert.equal(f.source, 'catalog v2');
    assert.equal(f.severity, 'breaking');
    assert.equal(
      driftErrorFrom(r).oneLine(),
      'DriftError: column s_acctbal: contract decimal(12,2), found string in catalog v2 — the source changed type; fix the export or change the contract',
    );
    // and the diff says where it came from
    const diff = r.findings.find((x) => x.source === 'catalog v1→v2')!;
    assert.deepEqual([diff.kind, diff.column, diff.expected, diff.found, diff.severity], ['type_breaking', 's_acctbal', 'decimal(12,2)', 'string', 'warn']);
    assert.deepEqual(r.inputs.catalog, {
      database: 'landing', table: 'supplier', location: '/landing/supplier/', classification: 'parquet',
      latestVersion: '2', previousVersion: '1', columns: 7,
    });
    assert.deepEqual(r.inputs.files, []);
  });

  test('without a batch, a clean catalog passes with no finding', () => {
    const r = compareSchemas({ contract: supplier, catalog: { latest: catalogVersion('1', cleanCatalogColumns()) }, now: NOW });
    assert.deepEqual(r.findings, []);
    assert.equal(r.decision, 'proceed');
  });

  test('version diff v1→v2: added, removed, widened, narrowed, nullability, each named with the versions', () => {
    const v1 = catalogVersion('1', [
      { name: 's_suppkey', type: 'int', nullable: false },
      { name: 's_nationkey', type: 'bigint', nullable: true },
      { name: 's_acctbal', type: 'decimal(12,2)', nullable: true },
      { name: 's_fax', type: 'string', nullable: true },
    ]);
    const v2 = catalogVersion('2', [
      { name: 's_suppkey', type: 'bigint', nullable: true },
      { name: 's_nationkey', type: 'int', nullable: true },
      { name: 's_acctbal', type: 'decimal(12,2)', nullable: true },
      { name: 's_rating', type: 'int', nullable: true },
    ]);
    const r = compareSchemas({ contract: supplier, catalog: { latest: v2, previous: v1 }, now: NOW });
    const diff = r.findings.filter((f) => f.source === 'catalog v1→v2');
    const pick = (k: string, c: string) => diff.find((f) => f.kind === k && f.column === c);
    assert.equal(pick('type_widened', 's_suppkey')?.severity, 'info');
    assert.equal(pick('nullability_changed', 's_suppkey')?.found, 'nullable');
    assert.equal(pick('type_narrowed_checked', 's_nationkey')?.severity, 'warn');
    assert.equal(pick('column_removed', 's_fax')?.severity, 'warn');
    assert.equal(pick('column_added', 's_rating')?.severity, 'warn');
    assert.equal(diff.filter((f) => f.column === 's_acctbal').length, 0);
    assert.ok(diff.every((f) => f.severity !== 'breaking'), 'a diff is history, never a verdict');
    assert.match(pick('column_removed', 's_fax')!.message, /s_fax: string in catalog v1, gone in v2/);
  });

  test('version diff: a lone removed + added of one type is a likely rename', () => {
    const cols = cleanCatalogColumns();
    const v1 = catalogVersion('1', cols);
    const v2 = catalogVersion('2', cols.map((c) => (c.name === 's_comment' ? { ...c, name: 's_remark' } : c)));
    const r = compareSchemas({ contract: supplier, catalog: { latest: v2, previous: v1 }, now: NOW });
    const diff = r.findings.filter((f) => f.source === 'catalog v1→v2');
    assert.deepEqual(diff.map((f) => [f.kind, f.column, f.renamedTo]), [['likely_rename', 's_comment', 's_remark']]);
    // against the contract, v2 lacks s_comment: a rename too, and breaking (no batch: the catalog decides)
    assert.equal(r.findings.find((f) => f.source === 'catalog v2')?.kind, 'likely_rename');
    assert.equal(r.decision, 'block');
  });

  test('version diff stays quiet when only the spelling changed', () => {
    const v1 = catalogVersion('1', cleanCatalogColumns().map((c) => ({ ...c, type: c.type === 'int' ? 'integer' : c.type.toUpperCase() })));
    const v2 = catalogVersion('2', cleanCatalogColumns());
    const r = compareSchemas({ contract: supplier, catalog: { latest: v2, previous: v1 }, now: NOW });
    assert.deepEqual(r.findings, []);
  });

  test('a stale catalog does not block a batch whose files are right, and says so', () => {
    const stale = catalogVersion('3', cleanCatalogColumns().map((c) => (c.name === 's_acctbal' ? { ...c, type: 'string' } : c)));
    const r = compareSchemas({ contract: supplier, catalog: { latest: stale }, files: [file('a.parquet')], now: NOW });
    assert.equal(r.decision, 'proceed');
    const f = one(r, 'type_breaking', 's_acctbal');
    assert.equal(f.source, 'catalog v3');
    assert.equal(f.severity, 'warn');
    assert.match(f.message, /the batch's files decide the run/);
    assert.equal(r.inputs.catalog?.stale, true);
    assert.match(r.notes.join('\n'), /catalog v3 does not describe this batch \(catalog v3 records s_acctbal as string, the files have decimal\(12,2\)\).*re-run the crawler/);
  });

  test('files that break the contract block even when the catalog is clean; the catalog is reported stale', () => {
    const r = compareSchemas({
      contract: supplier,
      catalog: { latest: catalogVersion('3', cleanCatalogColumns()) },
      files: [file('a.parquet', {}, [{ name: 's_rating', type: 'int', nullable: true }])],
      now: NOW,
    });
    assert.equal(r.decision, 'block');
    assert.equal(one(r, 'column_added', 's_rating').source, 'file /landing/supplier/20260101/a.parquet');
    assert.match(r.notes.join('\n'), /the files have s_rating \(int\), which catalog v3 lacks/);
  });

  test('a catalog that matches the files is not stale; files that disagree with each other are noted', () => {
    const cat = catalogVersion('2', cleanCatalogColumns().map((c) => (c.name === 's_nationkey' ? { ...c, type: 'bigint' } : c)));
    const r = compareSchemas({
      contract: supplier,
      catalog: { latest: cat },
      files: [file('a.parquet', { s_nationkey: 'bigint' }), file('b.parquet'), file('c.parquet', { s_nationkey: 'bigint' })],
      now: NOW,
    });
    assert.equal(r.inputs.catalog?.stale, false);
    assert.deepEqual(r.notes, ["the batch's files disagree on column s_nationkey: bigint (2 files), int (1 file)"]);
    // one finding for the two files that say the same thing
    const n = one(r, 'type_narrowed_checked', 's_nationkey', 'file');
    assert.equal(n.sources.length, 2);
    assert.equal(one(r, 'type_narrowed_checked', 's_nationkey', 'catalog').severity, 'warn');
    assert.match(n.message, /\(and 1 more file\)$/);
  });
});

describe('a catalog crawled from CSV', () => {
  test("Glue's positional col0…colN match the headerless contract by position; dbgen's trailing | column is not a column", () => {
    const types = ['bigint', 'string', 'string', 'bigint', 'string', 'double', 'string', 'string'];
    const latest = catalogVersion('1', types.map((type, i) => ({ name: `col${i}`, type })), 'csv');
    const r = compareSchemas({ contract: supplier, catalog: { latest }, now: NOW });
    assert.deepEqual(r.findings.map((f) => [f.kind, f.column, f.found]), [
      ['type_narrowed_checked', 's_nationkey', 'bigint'],
      ['type_narrowed_checked', 's_acctbal', 'double'],
    ]);
    assert.equal(r.decision, 'proceed');
  });

  test('text where a number is expected is checked per value (warn), not breaking; a missing position is', () => {
    const strings = catalogVersion('1', Array.from({ length: 7 }, (_, i) => ({ name: `col${i}`, type: 'string' })), 'csv');
    const r = compareSchemas({ contract: supplier, catalog: { latest: strings }, now: NOW });
    assert.deepEqual(of(r, 'type_narrowed_checked').map((f) => f.column), ['s_suppkey', 's_nationkey', 's_acctbal']);
    assert.equal(r.decision, 'proceed');
    const short = catalogVersion('1', Array.from({ length: 6 }, (_, i) => ({ name: `col${i}`, type: 'string' })), 'csv');
    assert.equal(one(compareSchemas({ contract: supplier, catalog: { latest: short }, now: NOW }), 'column_removed', 's_comment').severity, 'breaking');
  });
});

describe('the catalog with a batch is advice', () => {
  test('its new column is capped at warn under freeze, and evolve takes columns only from the files', () => {
    const extra = { name: 's_rating', type: 'int' };
    const latest = catalogVersion('4', [...cleanCatalogColumns(), extra]);
    const frozen = compareSchemas({ contract: supplier, catalog: { latest }, files: [file('a.parquet')], now: NOW });
    assert.equal(one(frozen, 'column_added', 's_rating', 'catalog').severity, 'warn');
    assert.equal(frozen.decision, 'proceed');
    const evolving = compareSchemas({ contract: withPolicy('evolve'), catalog: { latest }, files: [file('a.parquet')], now: NOW });
    assert.equal(one(evolving, 'column_added', 's_rating', 'catalog').severity, 'info');
    assert.deepEqual(evolving.evolve, [], 'no file has it: nothing to load');
    // without a batch the same catalog decides
    assert.equal(compareSchemas({ contract: supplier, catalog: { latest }, now: NOW }).decision, 'block');
    assert.deepEqual(compareSchemas({ contract: withPolicy('evolve'), catalog: { latest }, now: NOW }).evolve,
      [{ name: 's_rating', type: { kind: 'integer' }, nullable: true }]);
  });
});

describe('the warehouse table', () => {
  const wh = (change: (cols: ReturnType<typeof cleanWarehouse>) => ReturnType<typeof cleanWarehouse>, contract = supplier) =>
    compareSchemas({ contract, warehouse: change(cleanWarehouse()), now: NOW });

  test('a history table created from the contract matches (numeric(12,2), character varying, load_ts ignored)', () => {
    const r = wh((c) => c);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.inputs.warehouse, { columns: 8 });
  });

  test('a varchar(50) column where the contract says 100 is breaking: values are checked against the contract, not the table', () => {
    const r = wh((cols) => cols.map((c) => (c.name === 's_name' ? { ...c, type: 'character varying(50)' } : c)));
    const f = one(r, 'type_breaking', 's_name');
    assert.deepEqual([f.source, f.expected, f.found, f.severity], ['warehouse', 'varchar(100)', 'character varying(50)', 'breaking']);
    assert.match(driftErrorFrom(r).oneLine(), /column s_name: contract varchar\(100\), found character varying\(50\) in the warehouse table, narrower than the contract — .*widen the column/);
  });

  test('a wider warehouse column is info; integer for a bigint contract column is breaking', () => {
    const wider = wh((cols) => cols.map((c) => (c.name === 's_name' ? { ...c, type: 'character varying(200)' } : c)));
    assert.equal(one(wider, 'type_widened', 's_name').severity, 'info');
    assert.equal(wider.decision, 'proceed');
    const narrower = wh((cols) => cols.map((c) => (c.name === 's_suppkey' ? { ...c, type: 'integer' } : c)));
    assert.equal(one(narrower, 'type_breaking', 's_suppkey').severity, 'breaking');
  });

  test('a contract column the table lacks: breaking, or added under evolve when nullable', () => {
    const missing = (cols: ReturnType<typeof cleanWarehouse>) => cols.filter((c) => c.name !== 's_phone');
    const frozen = wh(missing);
    assert.equal(one(frozen, 'column_removed', 's_phone').severity, 'breaking');
    const evolving = wh(missing, withPolicy('evolve'));
    assert.equal(one(evolving, 'column_removed', 's_phone').severity, 'warn');
    assert.deepEqual(evolving.addColumns, [{ name: 's_phone', type: { kind: 'varchar', bytes: 40 }, nullable: true }]);
    assert.deepEqual(evolving.evolve, []);
    assert.equal(evolving.decision, 'proceed');
  });

  test('extra table columns: nullable is info (left NULL), NOT NULL is breaking; loader columns are skipped', () => {
    const nullable = wh((cols) => [...cols, { name: 'note', type: 'character varying(10)', nullable: true }]);
    assert.equal(one(nullable, 'column_added', 'note').severity, 'info');
    const required = wh((cols) => [...cols, { name: 'batch_id', type: 'bigint', nullable: false }]);
    assert.equal(one(required, 'column_added', 'batch_id').severity, 'breaking');
    const skipped = compareSchemas({
      contract: supplier, warehouse: [...cleanWarehouse(), { name: 'batch_id', type: 'bigint', nullable: false }],
      loaderColumns: ['load_ts', 'batch_id'], now: NOW,
    });
    assert.deepEqual(skipped.findings, []);
  });

  test('nullability: NOT NULL in the table where the contract allows NULL is breaking; the reverse is info', () => {
    const r = wh((cols) => cols.map((c) => (c.name === 's_name' ? { ...c, nullable: false } : c.name === 's_suppkey' ? { ...c, nullable: true } : c)));
    assert.equal(one(r, 'nullability_changed', 's_name').severity, 'breaking');
    assert.equal(one(r, 'nullability_changed', 's_suppkey').severity, 'info');
  });

  test('a type the loader cannot map is breaking', () => {
    const r = wh((cols) => cols.map((c) => (c.name === 's_comment' ? { ...c, type: 'super' } : c)));
    assert.match(one(r, 'type_breaking', 's_comment').message, /a type the loader cannot map/);
  });

  test('a renamed warehouse column is a likely rename', () => {
    const r = wh((cols) => cols.map((c) => (c.name === 's_phone' ? { ...c, name: 's_telephone' } : c)));
    const f = one(r, 'likely_rename', 's_phone');
    assert.equal(f.renamedTo, 's_telephone');
    assert.match(f.hint ?? '', /RENAME COLUMN s_telephone TO s_phone/);
  });

  test('evolve: a new column an earlier evolve already added is loaded, not added again', () => {
    const r = compareSchemas({
      contract: withPolicy('evolve'),
      files: [file('a.parquet', {}, [{ name: 's_rating', type: 'int', nullable: true }])],
      warehouse: [...cleanWarehouse(), { name: 's_rating', type: 'bigint', nullable: true }],
      now: NOW,
    });
    assert.equal(r.decision, 'proceed');
    assert.deepEqual(r.evolve, [{ name: 's_rating', type: { kind: 'bigint' }, nullable: true }]);
    assert.deepEqual(r.addColumns, []);
    // the batch's int fits the table's bigint
    assert.equal(one(r, 'type_widened', 's_rating').source, 'warehouse');

    const clash = compareSchemas({
      contract: withPolicy('evolve'),
      files: [file('a.parquet', {}, [{ name: 's_rating', type: 'string', nullable: true }])],
      warehouse: [...cleanWarehouse(), { name: 's_rating', type: 'integer', nullable: true }],
      now: NOW,
    });
    assert.equal(one(clash, 'type_breaking', 's_rating').severity, 'breaking');
    assert.equal(clash.decision, 'block');
  });
});

describe('the report', () => {
  const report = compareSchemas({
    contract: supplier,
    catalog: { latest: catalogVersion('2', cleanCatalogColumns()), previous: catalogVersion('1', cleanCatalogColumns()) },
    files: [file('a.parquet', { s_acctbal: 'string', s_nationkey: 'bigint' }), file('b|c.parquet')],
    warehouse: cleanWarehouse(),
    now: NOW,
  });

  test('JSON is the report itself: dataset, generatedAt, inputs, findings most severe first', () => {
    const json = parseJson<DriftReport>(renderDriftJson(report));
    assert.equal(json.dataset, 'supplier');
    assert.equal(json.generatedAt, '2026-01-02T03:04:05.000Z');
    assert.equal(json.decision, 'block');
    assert.equal(json.inputs.files.length, 2);
    assert.deepEqual(json.inputs.files[0], { file: '/landing/supplier/20260101/a.parquet', format: 'parquet', columns: 7, rowCount: 10 });
    assert.equal(json.inputs.catalog?.latestVersion, '2');
    assert.deepEqual(json.findings.map((f: DriftFinding) => f.severity), ['breaking', 'warn']);
    assert.deepEqual(json, JSON.parse(JSON.stringify(report)));
  });

  test('Markdown shows the decision, the inputs, a findings table (pipes escaped) and the files', () => {
    const md = renderDriftMarkdown(report);
    assert.match(md, /^# Drift report: supplier$/m);
    assert.match(md, /Decision: \*\*BLOCK\*\* \(1 breaking, 1 warn, 0 info\)/);
    assert.match(md, /Compared: contract \(7 columns\); catalog landing\.supplier v2 \(previous v1\), stale; 2 files of the batch; warehouse table \(8 columns\)/);
    assert.match(md, /\| breaking \| type_breaking \| s_acctbal \| decimal\(12,2\) \| string \| file \/landing\/supplier\/20260101\/a\.parquet \|/);
    assert.match(md, /b\\\|c\.parquet/);
    assert.match(md, /- \*\*breaking\*\*: column s_acctbal: contract decimal\(12,2\), found string/);
  });

  test('Markdown for a clean run without a batch', () => {
    const md = renderDriftMarkdown(compareSchemas({ contract: supplier, catalog: { latest: catalogVersion('1', cleanCatalogColumns()) }, now: NOW }));
    assert.match(md, /Decision: \*\*proceed\*\*/);
    assert.match(md, /no batch; no warehouse table yet/);
    assert.match(md, /No differences\./);
  });

  test('driftErrorFrom counts the other breaking findings and refuses a report that blocks nothing', () => {
    const r = check([file('a.parquet', { s_acctbal: 'string', s_phone: null })]);
    assert.match(driftErrorFrom(r).message, /\(and 1 more breaking finding: see the drift report\)$/);
    assert.throws(() => driftErrorFrom(check([file('a.parquet')])), RangeError);
  });
});
