/**
 * Values that break naive loaders survive the whole run byte for byte: delimiters, quotes, CR/LF,
 * backslashes, the literal \N next to NULL, '' next to NULL, multi-byte text at the byte limit, decimal
 * and bigint extremes — on PGlite and on a real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { SUPPLIER_PARQUET_SCHEMA } from '../../tpch/index.ts';
import { runCli } from '../support/cli.ts';
import { ENGINES, warehouseFixture } from '../support/engines.ts';
import { published } from '../support/supplier.ts';

const texts: Array<string | null> = [
  'a|b', 'say "hi"', '"', 'line1\nline2', 'cr\rlf\r\nend', 'back\\slash\\', '\\N', '\\\\N', 'N', '', null,
  'é'.repeat(50), `${'日'.repeat(33)}a`, '😀'.repeat(25), '  padded  ', 'tab\there', 'a,b', '|', '||', '\\', 'x'.repeat(100),
];
const n = texts.length;
const keys = Array.from({ length: n }, (_, i) => BigInt(i + 1));
keys[0] = 9223372036854775807n;
keys[1] = -9223372036854775808n;
const cents: Array<bigint | null> = Array.from({ length: n }, (_, i) => BigInt(i * 7 - 50));
cents[0] = 999999999999n;
cents[1] = -999999999999n;
cents[2] = null;
cents[3] = 0n;
cents[4] = -1n;
cents[5] = 10n;
const nations: Array<number | null> = Array.from({ length: n }, (_, i) => (i === 3 ? null : i % 25));
const comments: Array<string | null> = texts.map((t, i) => (i === 7 ? 'y'.repeat(65535) : i === 8 ? 'ü'.repeat(32767) : t));

/** s_phone is varchar(40): the values that fit it. */
const phone = (i: number): string | null => {
  const t = texts[(i + 9) % n];
  return t !== null && Buffer.byteLength(t) > 40 ? '10-123-456-7890' : t;
};

function decimalText(c: bigint | null): string | null {
  if (c === null) return null;
  const neg = c < 0n;
  const d = (neg ? -c : c).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${d.slice(0, -2)}.${d.slice(-2)}`;
}

function expectedRows(): Array<Array<string | null>> {
  return keys
    .map((k, i) => [k.toString(), texts[i], texts[(i + 5) % n], nations[i] === null ? null : String(nations[i]), phone(i), decimalText(cents[i]), comments[i]])
    .sort((a, b) => (BigInt(a[0]!) < BigInt(b[0]!) ? -1 : 1));
}

for (const engine of ENGINES) {
  describe(`exactness on ${engine}`, () => {
    const fx = warehouseFixture(engine, 'exact', (dir) => {
      const landing = join(dir, 'landing');
      mkdirSync(landing, { recursive: true });
      const buf = parquetWriteBuffer({
        schema: SUPPLIER_PARQUET_SCHEMA,
        columnData: [
          { name: 's_suppkey', data: keys },
          { name: 's_name', data: texts },
          { name: 's_address', data: texts.map((_, i) => texts[(i + 5) % n]) },
          { name: 's_nationkey', data: nations },
          { name: 's_phone', data: texts.map((_, i) => phone(i)) },
          { name: 's_acctbal', data: cents },
          { name: 's_comment', data: comments },
        ],
      });
      writeFileSync(join(landing, 'nasty.parquet'), new Uint8Array(buf));
    });

    it('publishes every nasty value exactly as the source had it', async (t) => {
      if (fx.skip) return t.skip('no PostgreSQL');
      const r = await runCli(
        ['run', '--dataset', 'supplier', '--date', '2026-11-01', '--source', join(fx.dir, 'landing'), '--warehouse', fx.warehouse, '--slices', '2'],
        { cwd: fx.dir },
      );
      assert.equal(r.code, 0, r.stderr);
      const p = await published(fx.warehouse);
      assert.deepEqual(p.rows, expectedRows());
    });
  });
}
