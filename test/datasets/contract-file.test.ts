/**
 * Contract files: every kind of mistake is caught with the file and the JSON path of the bad field, and
 * contract.schema.json agrees with the checker (it uses only keywords the checker reads) and with the
 * TypeScript types (every enum and every field of the types, no more, no less).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  ContractFileError, contractSchema, parseContract, supplier,
  type ColumnContract, type ColumnEncoding, type DatasetContract, type DelimitedSourceOptions, type DriftPolicy,
  type QualityRule, type RedshiftType, type Severity, type SourceLayout,
} from '../../datasets/index.ts';
import { ANNOTATION_KEYWORDS, CHECKED_KEYWORDS, type JsonSchema } from '../../datasets/schema-check.ts';

const TEXT = readFileSync(new URL('../../datasets/supplier.json', import.meta.url), 'utf8');
const good = (): Record<string, unknown> & DatasetContract => JSON.parse(TEXT) as Record<string, unknown> & DatasetContract;

function fault(value: unknown, file = 'x/supplier.json'): ContractFileError {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  try {
    parseContract(text, file);
  } catch (e) {
    assert.ok(e instanceof ContractFileError, String(e));
    return e;
  }
  assert.fail('the contract was accepted');
}

describe('contract files', () => {
  it('the built-in supplier.json passes and reads as the contract the code uses', () => {
    const c = parseContract(TEXT, 'datasets/supplier.json');
    assert.deepEqual(c, supplier);
    assert.equal('$schema' in c, false, '$schema is for editors only');
    assert.equal(good().$schema, './contract.schema.json');
  });

  it('an unknown field: its path, and the fields that exist', () => {
    const c = good();
    (c.columns[2] as unknown as Record<string, unknown>).nulable = true;
    const e = fault(c);
    assert.equal(e.path, '$.columns[2].nulable');
    assert.match(e.message, /^x\/supplier\.json: \$\.columns\[2\]\.nulable is not a known field \(known: name, type, nullable/);
    assert.equal(fault({ ...good(), distkey: 'x' }).path, '$.distkey');
  });

  it('a bad type: an unknown kind, and a field of the wrong JSON type', () => {
    const c = good();
    c.columns[1].type = { kind: 'text' } as unknown as RedshiftType;
    const e = fault(c);
    assert.equal(e.path, '$.columns[1].type.kind');
    assert.match(e.message, /\$\.columns\[1\]\.type\.kind must be one of: "smallint", "integer", "bigint", "decimal"/);
    const d = good();
    (d.columns[0] as unknown as Record<string, unknown>).nullable = 'no';
    assert.match(fault(d).message, /\$\.columns\[0\]\.nullable must be true or false$/);
  });

  it('a width out of range', () => {
    const c = good();
    c.columns[3].type = { kind: 'varchar', bytes: 70000 };
    const e = fault(c);
    assert.equal(e.message, 'x/supplier.json: $.columns[3].type.bytes must be an integer from 1 to 65535 or "max"');
    const d = good();
    d.columns[3].type = { kind: 'char', bytes: 0 };
    assert.equal(fault(d).message, 'x/supplier.json: $.columns[3].type.bytes must be an integer from 1 to 4096');
    const p = good();
    p.columns[5].type = { kind: 'decimal', precision: 39, scale: 2 };
    assert.equal(fault(p).path, '$.columns[5].type.precision');
  });

  it('a name that is not the file name', () => {
    const e = fault(good(), 'contracts/suppliers.json');
    assert.equal(e.path, '$.name');
    assert.match(e.message, /^contracts\/suppliers\.json: \$\.name is "supplier" but the file is suppliers\.json/);
  });

  it('a duplicate column', () => {
    const c = good();
    c.columns.push({ ...c.columns[1] });
    const e = fault(c);
    assert.equal(e.path, '$.columns[7].name');
    assert.match(e.message, /"s_name" is a duplicate column/);
  });

  it('a key, dist key, sort key, checksum or rule naming a missing column', () => {
    const c = good();
    c.key = ['s_suppkey', 's_nope'];
    const e = fault(c);
    assert.equal(e.path, '$.key[1]');
    assert.match(e.message, /\$\.key\[1\] names "s_nope", which is not a column \(columns: s_suppkey, s_name/);
    assert.equal(fault({ ...good(), distKey: 'nope' }).path, '$.distKey');
    assert.equal(fault({ ...good(), sortKey: { style: 'compound', columns: ['load_ts', 'nope'] } }).path, '$.sortKey.columns[1]');
    assert.equal(fault({ ...good(), checksums: { sum: [], minMax: ['nope'] } }).path, '$.checksums.minMax[0]');
    const q = good();
    q.quality[3] = { type: 'unique', column: 'nope', severity: 'error' };
    assert.equal(fault(q).path, '$.quality[3].column');
  });

  it('a key column that is nullable, or named twice; a composite unique naming a missing column', () => {
    const c = good();
    c.columns[1].nullable = true;
    c.key = ['s_suppkey', 's_name'];
    const e = fault(c);
    assert.equal(e.path, '$.key[1]');
    assert.equal(e.message, 'x/supplier.json: $.key[1] names "s_name", which is nullable: every key column must be "nullable": false');
    assert.equal(fault({ ...good(), key: ['s_suppkey', 's_suppkey'] }).path, '$.key[1]');
    const q = good();
    q.quality[3] = { type: 'unique', columns: ['s_suppkey', 's_nope'], severity: 'error' };
    const u = fault(q);
    assert.equal(u.path, '$.quality[3].columns[1]');
    assert.match(u.message, /\$\.quality\[3\]\.columns\[1\] names "s_nope", which is not a column/);
    q.quality[3] = { type: 'unique', columns: ['s_name', 's_name'], severity: 'error' };
    assert.equal(fault(q).path, '$.quality[3].columns[1]');
  });

  it('unique takes exactly one of column and columns', () => {
    const q = good();
    q.quality[3] = { type: 'unique', column: 's_name', columns: ['s_phone'], severity: 'error' } as never;
    const e = fault(q);
    assert.equal(e.path, '$.quality[3]');
    assert.equal(e.message, 'x/supplier.json: $.quality[3] must have exactly one of: column, columns');
    q.quality[3] = { type: 'unique', severity: 'error' } as never;
    assert.equal(fault(q).message, 'x/supplier.json: $.quality[3] must have exactly one of: column, columns');
    q.quality[3] = { type: 'unique', columns: [], severity: 'error' };
    assert.equal(fault(q).message, 'x/supplier.json: $.quality[3].columns must have at least 1 item(s)');
    q.quality[3] = { type: 'unique', columns: ['s_name', 's_phone'], severity: 'warn' };
    assert.deepEqual(parseContract(JSON.stringify(q), 'x/supplier.json').quality[3], { type: 'unique', columns: ['s_name', 's_phone'], severity: 'warn' });
  });

  it('bad JSON syntax: line and column', () => {
    const broken = TEXT.replace('"schema": "assignment",', '"schema": "assignment"');
    const line = TEXT.split('\n').findIndex((l) => l.includes('"stageTable"')) + 1;
    const e = fault(broken);
    assert.equal(e.path, '$');
    assert.match(e.message, new RegExp(`^x/supplier\\.json: not valid JSON at line ${line}, column 3: `));
    assert.match(fault('{"name": ').message, /not valid JSON at line 1, column 10/);
  });

  it('a missing field, a bad enum and a bad rule parameter', () => {
    const c = good() as Record<string, unknown>;
    delete c.key;
    assert.equal(fault(c).message, 'x/supplier.json: $.key is required');
    assert.match(fault({ ...good(), drift: { policy: 'melt' } }).message, /\$\.drift\.policy must be one of: "freeze", "evolve", "discard"$/);
    const q = good();
    q.quality[10] = { type: 'row_count_change', maxChangePercent: -1, severity: 'warn' };
    assert.equal(fault(q).message, 'x/supplier.json: $.quality[10].maxChangePercent must be a number of at least 0');
  });
});

/** Every value of a TypeScript union, as a Record the compiler makes complete (a missing key fails typecheck). */
const keys = (r: Record<string, true>): string[] => Object.keys(r).sort();
const TS = {
  kinds: keys({ smallint: true, integer: true, bigint: true, decimal: true, real: true, 'double precision': true, boolean: true, varchar: true, char: true, date: true, timestamp: true } satisfies Record<RedshiftType['kind'], true>),
  rules: keys({ not_null: true, unique: true, range: true, allowed_values: true, pattern: true, max_bytes: true, decimal_fit: true, row_count_change: true, freshness: true } satisfies Record<QualityRule['type'], true>),
  encodings: keys({ raw: true, az64: true, zstd: true, lzo: true, bytedict: true, delta: true, runlength: true, text255: true } satisfies Record<ColumnEncoding, true>),
  policies: keys({ freeze: true, evolve: true, discard: true } satisfies Record<DriftPolicy, true>),
  severities: keys({ error: true, warn: true } satisfies Record<Severity, true>),
  formats: keys({ parquet: true, csv: true } satisfies Record<SourceLayout['formats'][number], true>),
  distStyles: keys({ key: true, all: true, even: true } satisfies Record<NonNullable<DatasetContract['distStyle']>, true>),
  sortStyles: keys({ compound: true, interleaved: true } satisfies Record<DatasetContract['sortKey']['style'], true>),
  contractFields: keys({ name: true, description: true, schema: true, stageTable: true, historyTable: true, auditTable: true, columns: true, loadTimestampColumn: true, distStyle: true, distKey: true, sortKey: true, key: true, source: true, checksums: true, drift: true, quality: true, qualityIn: true, writeMode: true, scd2: true, completionMarker: true, retention: true } satisfies Record<keyof DatasetContract, true>),
  columnFields: keys({ name: true, type: true, nullable: true, encoding: true, sourceName: true, description: true, observed: true } satisfies Record<keyof ColumnContract, true>),
  delimitedFields: keys({ delimiter: true, header: true, quote: true, nullMarker: true, trailingDelimiter: true } satisfies Record<keyof DelimitedSourceOptions, true>),
};

describe('contract.schema.json agrees with the checker and the types', () => {
  const schema = contractSchema();
  const defs = schema.$defs as Record<string, JsonSchema>;
  const props = (s: JsonSchema): Record<string, JsonSchema> => s.properties as Record<string, JsonSchema>;
  const consts = (branches: JsonSchema[], tag: string): string[] => branches.map((b) => props(b)[tag].const as string).sort();

  it('is draft 2020-12 and uses only keywords the checker reads', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    const known = new Set<string>([...CHECKED_KEYWORDS, ...ANNOTATION_KEYWORDS]);
    const walk = (s: unknown, path: string, isMap = false): void => {
      if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${path}[${i}]`));
      if (typeof s !== 'object' || s === null) return;
      for (const [k, v] of Object.entries(s)) {
        if (isMap) { walk(v, `${path}.${k}`); continue; }
        assert.ok(known.has(k), `${path}: keyword ${k} is not checked`);
        if (k === 'properties' || k === '$defs') walk(v, `${path}.${k}`, true);
        else if (k === 'items' || k === 'oneOf') walk(v, `${path}.${k}`);
      }
    };
    walk(schema, '$');
  });

  it('every object is closed (additionalProperties: false) and every property described', () => {
    const walk = (s: JsonSchema, path: string): void => {
      if (s.properties) {
        assert.equal(s.additionalProperties, false, `${path} is closed`);
        for (const [k, v] of Object.entries(props(s))) {
          assert.ok(v.description !== undefined || v.$ref !== undefined || k === 'kind' || k === 'type', `${path}.${k} has a description`);
          walk(v, `${path}.${k}`);
        }
      }
      if (s.items) walk(s.items as JsonSchema, `${path}[]`);
      for (const b of (s.oneOf ?? []) as JsonSchema[]) walk(b, `${path}|`);
    };
    walk(schema, '$');
    for (const [k, d] of Object.entries(defs)) walk(d, `$defs.${k}`);
  });

  it('its enums are the TypeScript unions', () => {
    assert.deepEqual(consts(defs.redshiftType.oneOf as JsonSchema[], 'kind'), TS.kinds);
    assert.deepEqual(consts(defs.qualityRule.oneOf as JsonSchema[], 'type'), TS.rules);
    assert.deepEqual([...(props(defs.column).encoding.enum as string[])].sort(), TS.encodings);
    assert.deepEqual([...(props(props(schema).drift).policy.enum as string[])].sort(), TS.policies);
    assert.deepEqual([...(defs.severity.enum as string[])].sort(), TS.severities);
    assert.deepEqual([...((props(props(schema).source).formats.items as JsonSchema).enum as string[])].sort(), TS.formats);
    assert.deepEqual([...(props(props(schema).sortKey).style.enum as string[])].sort(), TS.sortStyles);
    assert.deepEqual([...(props(schema).distStyle.enum as string[])].sort(), TS.distStyles);
  });

  it('its fields are the TypeScript interfaces\' fields, and every one is checked', () => {
    assert.deepEqual(Object.keys(props(schema)).filter((k) => k !== '$schema').sort(), TS.contractFields);
    assert.deepEqual(Object.keys(props(defs.column)).sort(), TS.columnFields);
    assert.deepEqual(Object.keys(props(props(props(schema).source).delimited)).sort(), TS.delimitedFields);
    // Every field at the top, in a column and in the delimited options refuses a value of the wrong shape.
    for (const k of TS.contractFields) assert.match(fault({ ...good(), [k]: { wrong: 1 } }).path, new RegExp(`^\\$\\.${k}\\b`), k);
    for (const k of TS.columnFields) {
      const c = good();
      (c.columns[1] as unknown as Record<string, unknown>)[k] = 12345;
      assert.match(fault(c).path, new RegExp(`^\\$\\.columns\\[1\\]\\.${k}\\b`), k);
    }
    for (const k of TS.delimitedFields) {
      const c = good();
      (c.source.delimited as unknown as Record<string, unknown>)[k] = 12345;
      assert.equal(fault(c).path, `$.source.delimited.${k}`, k);
    }
  });
});
