/**
 * Writing load packages by hand for the warehouse tests, in the partitioner's format: gzip CSV parts,
 * `|` delimiter, `"` quote (doubled inside), NULL as the unquoted marker \N, and a field quoted when
 * it holds | " CR LF, equals \N, or is empty. Plus the manifest (entries with content_length,
 * record_count, sha256; package.csv; exact checksums).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DatasetContract } from '../../../datasets/contract.ts';
import { supplier } from '../../../datasets/index.ts';
import type { Checksums, Manifest, ManifestEntry } from '../../../core/manifest.ts';

export type Field = string | null;
export type TestRow = Field[];

export const NULL_MARKER = '\\N';

export function csvField(v: Field): string {
  if (v === null) return NULL_MARKER;
  if (v === '' || v === NULL_MARKER || /[|"\r\n]/.test(v)) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

export function csvText(rows: readonly TestRow[]): string {
  return rows.map((r) => `${r.map(csvField).join('|')}\n`).join('');
}

function scaled(text: string, scale: number): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = (m[3] ?? '').padEnd(scale, '0');
  const v = BigInt(m[2] + frac);
  return m[1] ? -v : v;
}

function unscaled(v: bigint, scale: number): string {
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const out = scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
  return neg ? `-${out}` : out;
}

/** Exact checksums of rows, as the partitioner computes them. */
export function checksumsOf(rows: readonly TestRow[], contract: DatasetContract = supplier): Checksums {
  const idx = (c: string): number => contract.columns.findIndex((x) => x.name === c);
  const sums: Record<string, string | null> = {};
  for (const c of contract.checksums.sum) {
    const type = contract.columns[idx(c)].type;
    const scale = type.kind === 'decimal' ? type.scale : 0;
    // Values that are not numbers (rows written to fail on purpose) are left out.
    const vals = rows.map((r) => r[idx(c)]).filter((v): v is string => v !== null && /^-?\d+(\.\d+)?$/.test(v));
    sums[c] = vals.length ? unscaled(vals.reduce((s, v) => s + scaled(v, scale), 0n), scale) : null;
  }
  const min: Record<string, string | null> = {};
  const max: Record<string, string | null> = {};
  for (const c of contract.checksums.minMax) {
    const vals = rows.map((r) => r[idx(c)]).filter((v): v is string => v !== null && /^-?\d+$/.test(v)).map((v) => BigInt(v));
    min[c] = vals.length ? vals.reduce((a, b) => (b < a ? b : a)).toString() : null;
    max[c] = vals.length ? vals.reduce((a, b) => (b > a ? b : a)).toString() : null;
  }
  return { rows: rows.length, sums, min, max };
}

export interface TestPackage {
  dir: string;
  manifestUri: string;
  manifest: Manifest;
  rows: TestRow[];
}

/** Writes parts (one array of rows per part) and manifest.json under `dir`. */
export function writePackage(
  dir: string,
  parts: readonly TestRow[][],
  opts: { contract?: DatasetContract; batchDate?: string; runId?: string; rawParts?: Array<Buffer | undefined> } = {},
): TestPackage {
  const contract = opts.contract ?? supplier;
  mkdirSync(dir, { recursive: true });
  const entries: ManifestEntry[] = parts.map((rows, k) => {
    const gz = opts.rawParts?.[k] ?? gzipSync(Buffer.from(csvText(rows), 'utf8'));
    const url = join(dir, `part-${String(k).padStart(5, '0')}.csv.gz`);
    writeFileSync(url, gz);
    return {
      url,
      mandatory: true,
      meta: { content_length: gz.length, record_count: rows.length, sha256: createHash('sha256').update(gz).digest('hex') },
    };
  });
  const all = parts.flat();
  const manifest: Manifest = {
    entries,
    package: {
      dataset: contract.name,
      batchDate: opts.batchDate ?? '2024-01-01',
      runId: opts.runId ?? 'test-run',
      createdAt: new Date().toISOString(),
      format: 'csv',
      csv: { delimiter: '|', quote: '"', nullMarker: NULL_MARKER, gzip: true, columns: contract.columns.map((c) => c.name) },
      sourceFiles: [],
      sourceRows: all.length,
      slices: parts.length,
      checksums: checksumsOf(all, contract),
    },
  };
  const manifestUri = join(dir, 'manifest.json');
  writeFileSync(manifestUri, JSON.stringify(manifest, null, 2));
  return { dir, manifestUri, manifest, rows: all };
}

/** Plain supplier rows: keys from `firstKey`, a decimal balance with exactly two places. */
export function supplierRows(n: number, firstKey = 1, salt = ''): TestRow[] {
  return Array.from({ length: n }, (_, i) => {
    const k = firstKey + i;
    const cents = ((k * 7919) % 1_099_998) - 99_999; // -999.99 … 9999.98
    const bal = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
    return [
      String(k),
      `Supplier#${String(k).padStart(9, '0')}${salt}`,
      `addr ${k} | street "${k % 13}"`,
      String(k % 25),
      `${10 + (k % 25)}-${String(k % 1000).padStart(3, '0')}-555-0100`,
      bal,
      k % 11 === 0 ? null : `comment ${k}${k % 5 === 0 ? '\nsecond line' : ''}`,
    ];
  });
}

/** The nasty values every CSV round trip must survive byte for byte (supplier columns). */
export function nastyRows(): TestRow[] {
  const euro100 = '€'.repeat(33) + 'a'; // 99 + 1 = 100 bytes
  const emoji100 = '😀'.repeat(25); // 100 bytes
  const big = Array.from({ length: 2000 }, (_, i) => `line ${i} | "q" \\N \\ \r\n`).join('') + 'ü'.repeat(5000);
  return [
    ['-9223372036854775808', 'pipe|in|name', 'quote " in "addr"', '-2147483648', 'cr\rhere', '-9999999999.99', 'lf\nhere'],
    ['9223372036854775807', 'crlf\r\nx', '\\N', '2147483647', '', '9999999999.99', null],
    ['1', null, null, null, null, null, null],
    ['2', euro100, emoji100, '0', '\\', '0.00', 'back\\slash\\\\ and \\N inside and "quoted" | piped\r\n multi\nline'],
    ['3', '"', '""', '1', '  spaces kept  ', '-0.01', '\t tab \t'],
    ['4', 'Ω', "single ' quote", '24', '\\.', '123.45', big],
    ['5', 'ends with backslash \\', '\n', '2', '\r', '1.00', '\r\n'],
    ['6', '\\N\\N', '"\\N"', '3', 'NULL', '0.10', 'null'],
    ['7', '|', '||', '4', '"|"', '-1.00', '\n\n\r\r'],
  ];
}
