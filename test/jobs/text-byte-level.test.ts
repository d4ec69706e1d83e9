/**
 * Text ranges (dbgen `.tbl`, no quotes) on the byte-level path (jobs/readers/delimited-columns.ts): a
 * differential test against the path every text range took before, the whole-range parser and the
 * per-value evaluator (`parseTextRange` handed on as a batch unit). For each range the two must give the
 * same compressed blocks (and so the same CSV text), the same quality share and the same checksums — or
 * throw the same error. Ranges of canonical spellings take the byte-level path (no fallback); each
 * spelling outside its canonical subset declines the whole range, named in the fallback it is counted as.
 */
import assert from 'node:assert/strict';
import { constants, inflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { createReadStream } from 'node:fs';
import { builtInContract, parseContract } from '../../datasets/index.ts';
import { delimitedRanges, parseTextRange, type TextRange } from '../../jobs/readers/delimited-ranges.ts';
import { UnitProcessor, type UnitResult } from '../../jobs/partition/unit.ts';

const contract = parseContract(JSON.stringify({
  name: 'edges', description: 'one column per kind the text decoder types, and some it does not', schema: 'assignment',
  stageTable: 'edges_stage', historyTable: 'edges_data', auditTable: 'load_audit',
  columns: [
    { name: 'id', type: { kind: 'bigint' }, nullable: false },
    { name: 'qty', type: { kind: 'integer' }, nullable: true },
    { name: 'small', type: { kind: 'smallint' }, nullable: true },
    { name: 'price', type: { kind: 'decimal', precision: 15, scale: 2 }, nullable: true },
    { name: 'whole', type: { kind: 'decimal', precision: 5, scale: 0 }, nullable: true },
    { name: 'wide', type: { kind: 'decimal', precision: 20, scale: 3 }, nullable: true },
    { name: 'day', type: { kind: 'date' }, nullable: true },
    { name: 'ts', type: { kind: 'timestamp' }, nullable: true },
    { name: 'flag', type: { kind: 'boolean' }, nullable: true },
    { name: 'code', type: { kind: 'char', bytes: 4 }, nullable: true },
    { name: 'note', type: { kind: 'varchar', bytes: 24 }, nullable: true },
  ],
  loadTimestampColumn: 'load_ts', distKey: 'id', sortKey: { style: 'compound', columns: ['load_ts'] }, key: ['id'],
  source: { prefix: '{dataset}/{yyyymmdd}/', formats: ['csv'], delimited: { delimiter: '|', header: false, quote: null, nullMarker: '', trailingDelimiter: true } },
  checksums: { sum: ['price', 'whole', 'wide'], minMax: ['id', 'qty', 'small', 'day'] }, drift: { policy: 'freeze' },
  quality: [
    { type: 'range', column: 'qty', min: '-1000000', max: '1000000', severity: 'error' },
    { type: 'range', column: 'day', min: '0001-01-01', max: '9999-12-31', severity: 'error' },
    { type: 'max_bytes', column: 'note', severity: 'error' },
  ],
}), 'edges.json');

/** The file's columns: the contract's, and one it does not take (read, never written). */
const NAMES = ['id', 'qty', 'small', 'price', 'whole', 'wide', 'day', 'ts', 'flag', 'code', 'extra', 'note'];
const OPTIONS = { file: 'edges.tbl', ...contract.source.delimited };

type Fields = Record<string, string>;
const CLEAN: Fields = {
  qty: '42', small: '-7', price: '5755.94', whole: '12', wide: '1.5', day: '1996-03-13', ts: '1996-03-13 10:11:12',
  flag: 'true', code: 'AB', extra: 'ignored', note: 'plain text',
};

function line(id: number, over: Fields = {}): string {
  const f: Fields = { ...CLEAN, id: String(id), ...over };
  return NAMES.map((n) => f[n]).join('|') + '|';
}

function range(lines: string[], end = '\n', last = '\n', firstRow = 1): TextRange {
  const bytes = Buffer.from(lines.join(end) + last, 'utf8');
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  return { options: OPTIONS, names: NAMES, firstRow, bytes: ab, length: bytes.length };
}

function processor(c = contract): UnitProcessor {
  return new UnitProcessor({ contract: c, gzipLevel: 4, blockBytes: 256 });
}

type Outcome = { result: UnitResult } | { error: string };

async function outcome(p: Promise<UnitResult>): Promise<Outcome> {
  try {
    return { result: await p };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** The range through today's byte-level path, and through the whole-range parser + per-value path. */
async function both(r: TextRange): Promise<{ fast: Outcome; generic: Outcome }> {
  const fast = await outcome(processor().run({ kind: 'text', id: 0, range: r }));
  const generic = await outcome(Promise.resolve().then(() => processor().run({ kind: 'batch', id: 0, batch: parseTextRange(r) })));
  return { fast, generic };
}

const text = (r: UnitResult) => Buffer.concat(r.blocks.map((b) => inflateRawSync(b.bytes, { finishFlush: constants.Z_SYNC_FLUSH }))).toString('utf8');

/** Asserts that both paths agree byte for byte and returns the byte-level path's fallback reason (null: it took the range). */
async function sameAsGeneric(r: TextRange): Promise<string | null> {
  const { fast, generic } = await both(r);
  if ('error' in generic) {
    assert.deepEqual(fast, generic);
    return null;
  }
  assert.ok('result' in fast, `byte-level path threw: ${'error' in fast ? fast.error : ''}`);
  const a = fast.result;
  const b = generic.result;
  assert.equal(text(a), text(b));
  assert.equal(a.rows, b.rows);
  assert.deepEqual(a.blocks, b.blocks);
  assert.deepEqual(a.checksums, b.checksums);
  assert.deepEqual(a.quality, b.quality);
  assert.equal(b.fallback, null);
  // The path itself: the byte-level decoder takes the range (a result), or names why it declines it.
  const direct = textUnit(r);
  assert.equal(typeof direct === 'string' ? direct : null, a.fallback);
  return a.fallback;
}

/** UnitProcessor's byte-level step for a text range alone: its result, or the reason it declines the range. */
function textUnit(r: TextRange, c = contract): UnitResult | string {
  const p = processor(c) as unknown as { textUnit(u: unknown): UnitResult | string };
  return p.textUnit({ kind: 'text', id: 0, range: r });
}

const ACCEPTED: Fields[] = [
  { qty: '0', small: '0', price: '0', whole: '0', wide: '0', note: 'zero' },
  { qty: '-1', small: '32767', price: '-0.05', whole: '-99999', wide: '-12.5', note: 'negatives' },
  { qty: '1000000', small: '-32768', price: '0.5', whole: '99999', wide: '1234567890123456.123', note: 'extremes' },
  { price: '9999999999999.99', wide: '-999999999999999.999', note: 'widest decimals' },
  { price: '12', wide: '9007199254740.993', note: 'beyond 2^53 unscaled' },
  { day: '0001-01-01', ts: '0001-01-01 00:00:00', note: 'first day' },
  { day: '9999-12-31', ts: '9999-12-31 23:59:59.999999', note: 'last day' },
  { day: '2000-02-29', ts: '2000-02-29T01:02:03.5', flag: 'f', note: 'leap day' },
  { qty: '', small: '', price: '', whole: '', wide: '', day: '', ts: '', flag: '', code: '', extra: '', note: '' },
  { note: 'quote " inside', code: 'a"b' },
  { note: '\\N', code: '\\N' },
  { note: 'é 日本 😀', extra: 'ü' },
  { note: '  blanks around  ', code: ' x' },
  { note: 'comma, semicolon; tab\t' },
  { note: '\ufeffbom inside' },
];

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

describe('text ranges on the byte-level path, against the whole-range parser', () => {
  it('takes ranges of canonical spellings (extremes, NULLs, text that needs quotes, non-ASCII) with the same output', async () => {
    const lines = ACCEPTED.map((over, i) => line(i + 1, over));
    assert.equal(await sameAsGeneric(range(lines)), null);
    // CR LF line ends, and a last line without its line end (the file's last range)
    assert.equal(await sameAsGeneric(range(lines, '\r\n', '')), null);
    assert.equal(await sameAsGeneric(range(lines, '\r\n', '\r\n')), null);
    assert.equal(await sameAsGeneric(range(lines, '\n', '\r')), null);
    // a large id: bigint beyond 2^53 goes per value from the field's own text, still on the path
    assert.equal(await sameAsGeneric(range([line(1), `9223372036854775807${line(2).slice(1)}`, `-9223372036854775808${line(3).slice(1)}`])), null);
    // many rows, several blocks, repeated and distinct dates
    const many = ids(3000).map((k) => line(k, { day: `19${String(10 + (k % 90)).padStart(2, '0')}-0${1 + (k % 9)}-1${k % 10}`, price: `${k}.${k % 100}`, qty: String(k % 7 - 3) }));
    assert.equal(await sameAsGeneric(range(many, '\n', '\n', 65_537)), null);
  });

  it('keeps a column whose values break a rule on the path, per value from the fields (same report, same refusals)', async () => {
    const cases: Fields[] = [
      { qty: '1000001' }, // range rule
      { small: '32768' }, // out of smallint
      { qty: '2147483648' }, // out of integer
      { day: '0001-01-01', note: 'x'.repeat(25) }, // max_bytes
      { code: 'abcde' }, // CHAR(4) too long
      { code: 'ab ' }, // CHAR with a trailing blank
      { code: 'é' }, // CHAR that is not single-byte
      { note: 'nul \u0000 inside' }, // NUL in text
      { ts: '1996-03-13 10:11:12+02' }, // a timestamp with a zone (per value)
      { flag: 'maybe' }, // not a boolean (per value)
    ];
    for (const over of cases) {
      const r = range([line(1), line(2, over), line(3)]);
      assert.equal(await sameAsGeneric(r), null, JSON.stringify(over));
    }
    // a NULL in the NOT NULL key column
    assert.equal(await sameAsGeneric(range([line(1), line(2).replace(/^2/, ''), line(3)])), null);
    // a repeated key
    assert.equal(await sameAsGeneric(range([line(1), line(2), line(1)])), null);
  });

  const declined: Array<[string, Fields, string]> = [
    ['a + sign', { qty: '+5' }, 'text column qty: a spelling outside the byte level\'s canonical integers'],
    ['a leading zero', { small: '007' }, 'text column small: a spelling outside the byte level\'s canonical integers'],
    ['-0', { qty: '-0' }, 'text column qty: a spelling outside the byte level\'s canonical integers'],
    ['blanks around an integer', { qty: ' 5' }, 'text column qty: a spelling outside the byte level\'s canonical integers'],
    ['an integer with a decimal point', { qty: '5.0' }, 'text column qty: a spelling outside the byte level\'s canonical integers'],
    ['an integer of 20 digits', { qty: '12345678901234567890' }, 'text column qty: a spelling outside the byte level\'s canonical integers'],
    ['a decimal with an exponent', { price: '1e3' }, 'text column price: a spelling outside the byte level\'s canonical decimal(15,2)'],
    ['a decimal without places after the point', { price: '1.' }, 'text column price: a spelling outside the byte level\'s canonical decimal(15,2)'],
    ['a decimal without a digit before the point', { price: '.5' }, 'text column price: a spelling outside the byte level\'s canonical decimal(15,2)'],
    ['a decimal with more places than its scale', { price: '1.230' }, 'text column price: a spelling outside the byte level\'s canonical decimal(15,2)'],
    ['a decimal with a point at scale 0', { whole: '5.0' }, 'text column whole: a spelling outside the byte level\'s canonical decimal(5,0)'],
    ['a decimal beyond its precision', { whole: '100000' }, 'text column whole: a spelling outside the byte level\'s canonical decimal(5,0)'],
    ['a decimal with a leading zero', { price: '01.5' }, 'text column price: a spelling outside the byte level\'s canonical decimal(15,2)'],
    ['negative zero as a decimal', { price: '-0.00' }, 'text column price: a spelling outside the byte level\'s canonical decimal(15,2)'],
    ['a + sign on a decimal', { price: '+1.5' }, 'text column price: a spelling outside the byte level\'s canonical decimal(15,2)'],
    ['a decimal beyond INT64', { wide: '99999999999999999999' }, 'text column wide: a spelling outside the byte level\'s canonical decimal(20,3)'],
    ['a date in another form', { day: '1996-3-13' }, 'text column day: a spelling outside the byte level\'s dates (YYYY-MM-DD, 0001..9999)'],
    ['a date that is not in the calendar', { day: '1997-02-29' }, 'text column day: a spelling outside the byte level\'s dates (YYYY-MM-DD, 0001..9999)'],
    ['year 0', { day: '0000-01-01' }, 'text column day: a spelling outside the byte level\'s dates (YYYY-MM-DD, 0001..9999)'],
    ['a date with a time', { day: '1996-03-13 00:00:00' }, 'text column day: a spelling outside the byte level\'s dates (YYYY-MM-DD, 0001..9999)'],
    ['a CR inside a field', { note: 'a\rb' }, 'text: a CR that does not end a line'],
  ];
  for (const [what, over, reason] of declined) {
    it(`declines a range with ${what} (the whole-range parser reads it, with the same result)`, async () => {
      assert.equal(await sameAsGeneric(range([line(1), line(2, over), line(3)])), reason);
    });
  }

  const structural: Array<[string, Buffer | string, string | null]> = [
    ['a line with a field too few', `${line(1)}\n${line(2).replace('|ignored', '')}\n`, 'text: a line with another number of fields, or without its trailing delimiter'],
    ['a line with a field too many', `${line(1)}\n${line(2)}x|\n`, 'text: a line with more fields than the file has columns'],
    ['a line without its trailing delimiter', `${line(1)}\n${line(2).slice(0, -1)}\n`, 'text: a line with another number of fields, or without its trailing delimiter'],
    ['an empty line', `${line(1)}\n\n${line(2)}\n`, 'text: a line with another number of fields, or without its trailing delimiter'],
    ['bytes that are not UTF-8', Buffer.concat([Buffer.from(`${line(1)}\nab`), Buffer.from([0xff]), Buffer.from(`${line(2).slice(2)}\n`)]), 'text: bytes that are not UTF-8'],
    ['a character cut off at the end', Buffer.concat([Buffer.from(`${line(1)}\n${line(2)}\n`), Buffer.from([0xc3])]), 'text: bytes that are not UTF-8'],
  ];
  for (const [what, body, reason] of structural) {
    it(`declines a range with ${what}, and the whole-range parser refuses it with its own message`, async () => {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
      const r: TextRange = { options: OPTIONS, names: NAMES, firstRow: 70_001, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer, length: bytes.length };
      const { fast, generic } = await both(r);
      assert.ok('error' in generic, 'the whole-range parser refuses it');
      assert.deepEqual(fast, generic);
      assert.match(generic.error, /row 7000[123]/);
      // The decline itself, seen on a processor that is asked directly (the error above comes from the parser).
      assert.equal(textUnit(r), reason);
    });
  }

  it('takes every range of dbgen\'s SUPPLIER .tbl (TPC-H SF 1), with the same output', async () => {
    const supplier = builtInContract('supplier');
    const file = '/work/shared/data/tpch/supplier_sf1.tbl';
    const names = supplier.columns.map((c) => c.sourceName ?? c.name);
    let rows = 0;
    for await (const r of delimitedRanges(createReadStream(file), { file, ...supplier.source.delimited, columnNames: names }, names, 4096)) {
      const fast = textUnit(r, supplier);
      if (typeof fast === 'string') assert.fail(`declined: ${fast}`);
      const generic = await processor(supplier).run({ kind: 'batch', id: 0, batch: parseTextRange(r) });
      assert.equal(text(fast), text(generic));
      assert.deepEqual(fast.checksums, generic.checksums);
      assert.deepEqual(fast.quality, generic.quality);
      rows += fast.rows;
    }
    assert.equal(rows, 10_000);
  });
});
