/**
 * Fault injection: a warehouse whose COPY reads one field differently from what the pass wrote — as a
 * COPY with other quoting rules, a blank-trimming or cutting load, or a damaged number would. It rewrites
 * one field of the gunzipped CSV of the parts and hands the engine a copy of the package with the altered
 * parts (their sizes and sha256 recomputed, rows unchanged), so only the reconciliation can notice.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ManifestEntry } from '../../core/manifest.ts';
import type { CopyManifestArgs, Warehouse } from '../../jobs/warehouse/warehouse.ts';

export interface FieldAlteration {
  /** The row whose first field (the key) is this text. */
  key: string;
  /** 0-based field of that row. */
  field: number;
  /** The field as the COPY reads it; `nullMarker` is the package's. */
  alter(field: string, nullMarker: string): string;
}

/** Splits a CSV line on `|` outside quotes (the parts' dialect). */
function fieldsOf(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === '|' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function alteringWarehouse(inner: Warehouse, alteration: FieldAlteration): Warehouse & { altered: () => boolean } {
  let altered = false;
  return {
    name: inner.name,
    dialect: inner.dialect,
    query: (sql) => inner.query(sql),
    transaction: (s) => inner.transaction(s),
    slices: () => inner.slices(),
    acquireLoadLock: (claim) => inner.acquireLoadLock(claim),
    cancel: () => inner.cancel(),
    close: () => inner.close(),
    altered: () => altered,
    async copyManifest(args: CopyManifestArgs): Promise<number> {
      const marker = args.manifest.package.csv!.nullMarker;
      const dir = mkdtempSync(join(tmpdir(), 'rl-altered-'));
      const entries: ManifestEntry[] = args.manifest.entries.map((e, i) => {
        const lines = gunzipSync(readFileSync(e.url)).toString('utf8').split('\n');
        for (let l = 0; l < lines.length; l++) {
          const f = fieldsOf(lines[l]);
          if (f[0] !== alteration.key) continue;
          f[alteration.field] = alteration.alter(f[alteration.field], marker);
          lines[l] = f.join('|');
          altered = true;
        }
        const bytes = gzipSync(lines.join('\n'));
        const url = join(dir, `part-${i}.csv.gz`);
        writeFileSync(url, bytes);
        return { ...e, url, meta: { ...e.meta, content_length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } };
      });
      return inner.copyManifest({ ...args, manifest: { ...args.manifest, entries } });
    },
  };
}
