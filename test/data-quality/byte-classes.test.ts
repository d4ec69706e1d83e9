/**
 * The byte-level text check marks each value with the caller's byte classes (the CSV writer's "needs quotes")
 * by testing four bytes at a time (byte-level.ts, WordTest) and looking bytes up only in a value that may
 * hold a classed one. The marks must be exactly the OR of the table over the value's bytes, wherever the
 * byte sits in its word or in the tail, for every byte, and for a table with more classed bytes than the
 * word test covers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QualityEvaluator } from '../../data-quality/index.ts';
import { supplier } from '../../datasets/index.ts';
import { texts } from './rules/support.ts';

/** A caller's table: bit 1 on each of `bytes`. */
function tableOf(bytes: number[]): Uint8Array {
  const t = new Uint8Array(256);
  for (const b of bytes) t[b] = 1;
  return t;
}

/** Values of 1-11 bytes of 'a' with `probe` (bytes) at every position. */
function probes(probe: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of probe) {
    for (let len = p.length; len <= 11; len++) {
      for (let at = 0; at + p.length <= len; at++) {
        const v = new Uint8Array(len).fill(0x61);
        v.set(p, at);
        out.push(v);
      }
    }
  }
  return out;
}

function marksOf(table: Uint8Array, values: Uint8Array[], contract = { ...supplier, quality: [] }): { ok: boolean; marks: Uint8Array } {
  const ev = new QualityEvaluator(contract);
  const chk = ev.byteLevel(supplier.columns.findIndex((c) => c.name === 's_comment'));
  const u = texts(values);
  const marks = new Uint8Array(u.rows).fill(0xff);
  const ok = chk.checkText(u, 0, ev.begin('landing/unit.parquet', 1, u.rows), { table, out: marks });
  return { ok, marks };
}

describe('byte classes of the byte-level text check', () => {
  // Every ASCII byte but NUL, and two- and three-byte UTF-8 characters.
  const singles = Array.from({ length: 127 }, (_, i) => Uint8Array.of(i + 1));
  const wide = [new TextEncoder().encode('é'), new TextEncoder().encode('€'), new TextEncoder().encode('|é')];
  const values = probes([...singles, ...wide]);

  for (const [name, classed] of [
    ['the CSV writer\'s table (| " CR LF)', [0x7c, 0x22, 0x0d, 0x0a]],
    ['a table of one printable byte', [0x2c]],
    ['a table of more printable bytes than the word test covers', [0x7c, 0x22, 0x2c, 0x3b, 0x0d]],
    ['an empty table', []],
  ] as const) {
    it(`marks every value exactly: ${name}`, () => {
      const table = tableOf([...classed]);
      const { ok, marks } = marksOf(table, values);
      assert.equal(ok, true);
      values.forEach((v, r) => {
        let want = 0;
        for (const b of v) want |= table[b];
        assert.equal(marks[r], want, `value ${JSON.stringify(new TextDecoder().decode(v))}`);
      });
    });
  }

  it('finds a byte of 0x80 or more anywhere in a value: a CHAR column (single-byte characters only) sends it per value', () => {
    const char = { ...supplier, quality: [], columns: supplier.columns.map((c) => (c.name === 's_comment' ? { ...c, type: { kind: 'char' as const, bytes: 16 } } : c)) };
    const table = tableOf([0x7c]);
    assert.equal(marksOf(table, probes(singles.slice(0x20, 0x7e)), char).ok, true, 'ASCII only: byte level');
    for (const v of probes(wide)) assert.equal(marksOf(table, [v], char).ok, false, `${new TextDecoder().decode(v)} (${v.length} bytes)`);
  });
});
