/**
 * The seven tables beside SUPPLIER against TPC-H 2.18 clause 4.2: cardinalities at SF 0.01 and 0.1,
 * every column's domain on a sample of dbgen text, determinism (same seed → same bytes; a key range alone
 * → the slice of the whole; worker threads or not → the same files), and the Parquet carrying the .tbl's
 * values (hyparquet reads DATE columns back as Date objects). Integrity across tables is
 * tpch-integrity.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { encodeTbl, generateTable, tpchTable, tpchTableNames, type GenerateOptions } from '../../tpch/index.ts';

const work = mkdtempSync(join(tmpdir(), 'tpch-spec-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Rows a generator gives for the whole table, counted batch by batch (nothing is held). */
function countRows(name: string, scale: number): { keys: number; rows: number } {
  const generator = tpchTable(name).generator({ scale, seed: 7n });
  let rows = 0;
  for (const batch of generator.batches({ batchSize: 50_000 })) rows += batch.numRows;
  return { keys: generator.rows, rows };
}

describe('cardinalities (clause 4.2.5)', () => {
  for (const scale of [0.01, 0.1]) {
    it(`SF ${scale}: REGION 5, NATION 25, SUPPLIER SF×10,000, CUSTOMER SF×150,000, PART SF×200,000, PARTSUPP 4 per part, ORDERS SF×1,500,000, LINEITEM 1–7 per order`, () => {
      const expected: Record<string, number> = {
        region: 5,
        nation: 25,
        supplier: scale * 10_000,
        customer: scale * 150_000,
        part: scale * 200_000,
        partsupp: scale * 800_000,
        orders: scale * 1_500_000,
      };
      for (const [name, rows] of Object.entries(expected)) assert.equal(countRows(name, scale).rows, Math.round(rows), `${name} at SF ${scale}`);
      const lineitem = countRows('lineitem', scale);
      assert.equal(lineitem.keys, scale * 1_500_000, 'LINEITEM is keyed by the orders');
      // 1–7 lines, uniform: mean 4, standard deviation 2 per order; 6 standard errors of the mean.
      const mean = lineitem.rows / lineitem.keys;
      assert.ok(Math.abs(mean - 4) < 6 * (2 / Math.sqrt(lineitem.keys)), `LINEITEM ${lineitem.rows} rows for ${lineitem.keys} orders: mean ${mean}`);
    });
  }
});

/** The .tbl fields of a sample: the first 1,000 keys and the last 500 at SF 1 (or the whole fixed table). */
function sample(name: string): string[][] {
  const generator = tpchTable(name).generator({ scale: 1, seed: 11n });
  const ranges = generator.rows <= 1500 ? [[1, generator.rows]] : [[1, 1000], [generator.rows - 499, generator.rows]];
  const lines: string[][] = [];
  for (const [first, last] of ranges) {
    for (const batch of generator.batches({ firstKey: first, lastKey: last, batchSize: 700 })) {
      for (const line of encodeTbl(tpchTable(name), batch).toString('latin1').split('\n')) {
        if (line === '') continue;
        assert.ok(line.endsWith('|'), `${name}: a "|" after the last field`);
        lines.push(line.slice(0, -1).split('|'));
      }
    }
  }
  return lines;
}

const TEXT = /^[a-zA-Z ,.;:?!-]+$/;
const text = (min: number, max: number) => (v: string): boolean => TEXT.test(v) && v.length >= min && v.length <= max;
const int = (min: number, max: number) => (v: string): boolean => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
const money = (minCents: number, maxCents: number) => (v: string): boolean =>
  /^-?\d+\.\d\d$/.test(v) && Math.round(Number(v) * 100) >= minCents && Math.round(Number(v) * 100) <= maxCents;
const oneOf = (list: string) => (v: string): boolean => list.split('|').includes(v);
const DATE = /^\d{4}-\d\d-\d\d$/;
const day = (v: string): number => Date.parse(`${v}T00:00:00Z`) / 86_400_000;
const date = (from: string, to: string) => (v: string): boolean => DATE.test(v) && day(v) >= day(from) && day(v) <= day(to);
const phone = /^(\d\d)-\d{3}-\d{3}-\d{4}$/;
const COLORS =
  'almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood burnished chartreuse chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim dodger drab firebrick floral forest frosted gainsboro ghost goldenrod green grey honeydew hot indian ivory khaki lace lavender lawn lemon light lime linen magenta maroon medium metallic midnight mint misty moccasin navajo navy olive orange orchid pale papaya peach peru pink plum powder puff purple red rose rosy royal saddle salmon sandy seashell sienna sky slate smoke snow spring steel tan thistle tomato turquoise violet wheat white yellow'.split(' ');
const retailCents = (p: number): number => 90_000 + (Math.floor(p / 10) % 20_001) + 100 * (p % 1000);

/** Per table: a check per column (in order), then checks across the columns of a row. */
const DOMAINS: Record<string, { columns: Array<(v: string) => boolean>; row?: (f: string[]) => string | undefined }> = {
  region: {
    columns: [int(0, 4), oneOf('AFRICA|AMERICA|ASIA|EUROPE|MIDDLE EAST'), text(31, 115)],
    row: (f) => (['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'][Number(f[0])] === f[1] ? undefined : 'r_name of r_regionkey'),
  },
  nation: {
    columns: [int(0, 24), /^[A-Z ]+$/.test.bind(/^[A-Z ]+$/), int(0, 4), text(31, 114)],
    row: (f) => ((f[0] === '0' ? f[1] === 'ALGERIA' && f[2] === '0' : true) && (f[0] === '24' ? f[1] === 'UNITED STATES' && f[2] === '1' : true) ? undefined : 'nation list'),
  },
  customer: {
    columns: [int(1, 150_000), /^Customer#\d{9}$/.test.bind(/^Customer#\d{9}$/), (v) => /^[0-9a-zA-Z, ]{10,40}$/.test(v), int(0, 24), (v) => phone.test(v),
      money(-99_999, 999_999), oneOf('AUTOMOBILE|BUILDING|FURNITURE|MACHINERY|HOUSEHOLD'), text(29, 116)],
    row: (f) => (f[1] !== `Customer#${f[0].padStart(9, '0')}` ? 'c_name' : Number(phone.exec(f[4])![1]) !== Number(f[3]) + 10 ? 'c_phone country code' : undefined),
  },
  part: {
    columns: [int(1, 200_000), (v) => { const w = v.split(' '); return w.length === 5 && new Set(w).size === 5 && w.every((c) => COLORS.includes(c)); },
      (v) => /^Manufacturer#[1-5]$/.test(v), (v) => /^Brand#[1-5][1-5]$/.test(v),
      (v) => /^(STANDARD|SMALL|MEDIUM|LARGE|ECONOMY|PROMO) (ANODIZED|BURNISHED|PLATED|POLISHED|BRUSHED) (TIN|NICKEL|BRASS|STEEL|COPPER)$/.test(v),
      int(1, 50), (v) => /^(SM|LG|MED|JUMBO|WRAP) (CASE|BOX|BAG|JAR|PKG|PACK|CAN|DRUM)$/.test(v), money(90_000, 209_999), text(5, 22)],
    row: (f) => (f[3][6] !== f[2].at(-1) ? 'p_brand starts with p_mfgr' : Math.round(Number(f[7]) * 100) !== retailCents(Number(f[0])) ? 'p_retailprice formula' : undefined),
  },
  partsupp: {
    columns: [int(1, 200_000), int(1, 10_000), int(1, 9999), money(100, 100_000), text(49, 198)],
    row: (f) => {
      const p = Number(f[0]);
      const s = 10_000;
      const suppliers = [0, 1, 2, 3].map((i) => ((p + i * (Math.floor(s / 4) + Math.floor((p - 1) / s))) % s) + 1);
      return suppliers.includes(Number(f[1])) ? undefined : 'ps_suppkey formula';
    },
  },
  orders: {
    columns: [(v) => /^\d+$/.test(v) && (Number(v) - 1) % 32 < 8 && Number(v) <= 6_000_000, int(1, 150_000), oneOf('F|O|P'), money(1, 100_000_000),
      date('1992-01-01', '1998-08-02'), oneOf('1-URGENT|2-HIGH|3-MEDIUM|4-NOT SPECIFIED|5-LOW'), (v) => /^Clerk#\d{9}$/.test(v) && int(1, 1000)(v.slice(6)), oneOf('0'), text(19, 78)],
    row: (f) => (Number(f[1]) % 3 === 0 ? 'o_custkey divisible by 3' : undefined),
  },
  lineitem: {
    columns: [(v) => /^\d+$/.test(v) && (Number(v) - 1) % 32 < 8, int(1, 200_000), int(1, 10_000), int(1, 7), money(100, 5000), money(90_000, 50 * 209_999),
      money(0, 10), money(0, 8), oneOf('R|A|N'), oneOf('O|F'), date('1992-01-02', '1998-12-01'), date('1992-01-31', '1998-10-31'), date('1992-01-03', '1998-12-31'),
      oneOf('DELIVER IN PERSON|COLLECT COD|NONE|TAKE BACK RETURN'), oneOf('REG AIR|AIR|RAIL|SHIP|TRUCK|MAIL|FOB'), text(10, 43)],
    row: (f) => {
      const current = day('1995-06-17');
      if (Math.round(Number(f[5]) * 100) !== Number(f[4]) * retailCents(Number(f[1]))) return 'l_extendedprice = l_quantity × p_retailprice';
      if ((day(f[12]) <= current) !== (f[8] !== 'N')) return 'l_returnflag against CURRENTDATE';
      if ((day(f[10]) > current) !== (f[9] === 'O')) return 'l_linestatus against CURRENTDATE';
      const receipt = day(f[12]) - day(f[10]);
      return receipt >= 1 && receipt <= 30 ? undefined : 'l_receiptdate − l_shipdate in 1 … 30';
    },
  },
};

describe('value domains (clause 4.2.3) on a sample of dbgen text', () => {
  for (const [name, domain] of Object.entries(DOMAINS)) {
    it(`${name}: every field of every sampled row in its domain, every listed value used`, () => {
      const rows = sample(name);
      const seen = tpchTable(name).columns.map(() => new Set<string>());
      for (const f of rows) {
        assert.equal(f.length, domain.columns.length, `${name}: fields of ${f.join('|')}`);
        domain.columns.forEach((check, i) => {
          assert.ok(check(f[i]), `${name}.${tpchTable(name).columns[i].name} = "${f[i]}" out of its domain (row ${f.join('|')})`);
          seen[i].add(f[i]);
        });
        const broken = domain.row?.(f);
        assert.equal(broken, undefined, `${name}: ${broken} (row ${f.join('|')})`);
      }
      const distinct = (column: string): number => seen[tpchTable(name).columns.findIndex((c) => c.name === column)].size;
      if (name === 'customer') assert.equal(distinct('c_mktsegment'), 5);
      if (name === 'part') {
        assert.deepEqual([distinct('p_type'), distinct('p_container'), distinct('p_brand'), distinct('p_size')], [150, 40, 25, 50]);
        assert.equal(new Set(rows.flatMap((f) => f[1].split(' '))).size, 92, 'all 92 colours');
      }
      if (name === 'orders') assert.deepEqual([distinct('o_orderpriority'), distinct('o_orderstatus')], [5, 3]);
      if (name === 'lineitem') {
        assert.deepEqual([distinct('l_shipinstruct'), distinct('l_shipmode'), distinct('l_returnflag'), distinct('l_linestatus')], [4, 7, 3, 2]);
        assert.deepEqual([distinct('l_discount'), distinct('l_tax'), distinct('l_quantity')], [11, 9, 50]);
      }
      if (name === 'nation') assert.equal(distinct('n_name'), 25);
    });
  }
});

async function generated(table: string, folder: string, options: Omit<GenerateOptions, 'outDir'>): Promise<Map<string, Buffer>> {
  const outDir = join(work, folder);
  await generateTable(table, { ...options, outDir });
  return new Map(readdirSync(outDir).sort().map((f) => [f, readFileSync(join(outDir, f))]));
}

const joined = (files: Map<string, Buffer>): Buffer => Buffer.concat([...files.values()]);

describe('determinism', () => {
  for (const table of ['lineitem', 'partsupp', 'orders']) {
    it(`${table}: the same seed gives the same bytes, another seed others; three files are the slices of one`, async () => {
      const one = await generated(table, `${table}-one`, { scale: 0.01, format: 'csv', seed: 5 });
      const again = await generated(table, `${table}-again`, { scale: 0.01, format: 'csv', seed: 5 });
      const other = await generated(table, `${table}-other`, { scale: 0.01, format: 'csv', seed: 6 });
      const three = await generated(table, `${table}-three`, { scale: 0.01, format: 'csv', seed: 5, files: 3 });
      const middle = await generated(table, `${table}-middle`, { scale: 0.01, format: 'csv', seed: 5, files: 3, only: [1] });
      assert.ok(joined(one).equals(joined(again)));
      assert.ok(!joined(one).equals(joined(other)));
      assert.equal(three.size, 3);
      assert.ok(joined(three).equals(joined(one)), 'three key ranges make the whole, byte for byte');
      assert.ok(middle.get('part-00001.tbl')!.equals(three.get('part-00001.tbl')!), 'a key range alone is the same slice');
    });
  }

  it('lineitem: 2 worker threads write the same Parquet files as this thread alone', async () => {
    const alone = await generated('lineitem', 'li-alone', { scale: 0.01, files: 4, concurrency: 1, rowGroupSize: 10_000 });
    const workers = await generated('lineitem', 'li-workers', { scale: 0.01, files: 4, concurrency: 2, rowGroupSize: 10_000 });
    assert.deepEqual([...workers.keys()], [...alone.keys()]);
    for (const [name, bytes] of alone) assert.ok(workers.get(name)!.equals(bytes), name);
  });
});

describe('Parquet and .tbl carry the same values', () => {
  for (const table of tpchTableNames()) {
    it(`${table} at SF 0.01: every value of the Parquet (as hyparquet reads it) is the .tbl's text`, async () => {
      const tbl = joined(await generated(table, `${table}-same-csv`, { scale: 0.01, format: 'csv', files: 2 })).toString('latin1');
      const pqDir = join(work, `${table}-same-pq`);
      await generateTable(table, { scale: 0.01, outDir: pqDir, files: 2, rowGroupSize: 3000 });
      const lines = tbl.split('\n').slice(0, -1);
      let at = 0;
      let dates = 0;
      for (const f of readdirSync(pqDir).sort()) {
        const rows = await parquetReadObjects({ file: await asyncBufferFromFile(join(pqDir, f)) });
        for (const row of rows) {
          const fields = lines[at++].slice(0, -1).split('|');
          Object.values(row).forEach((v, i) => {
            let shown: string;
            if (v instanceof Date) {
              shown = v.toISOString().slice(0, 10);
              dates++;
            } else if (typeof v === 'number' && fields[i].includes('.')) shown = Number(fields[i]).toString() === v.toString() ? fields[i] : String(v);
            else shown = String(v);
            assert.equal(shown, fields[i], `${table} row ${at} column ${tpchTable(table).columns[i].name}`);
          });
        }
      }
      assert.equal(at, lines.length, 'as many rows');
      if (table === 'orders' || table === 'lineitem') assert.ok(dates > 0, 'DATE columns come back as Date objects');
    });
  }
});
