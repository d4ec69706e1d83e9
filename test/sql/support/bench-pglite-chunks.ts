/**
 * Measures PGlite COPY throughput by chunk size (not a test):
 *   node --import tsx test/sql/support/bench-pglite-chunks.ts [rows…] [--parts=N] [--chunks-kib=256,1024,whole]
 * Supplier-shaped rows (about 150 bytes each) in gzip parts, loaded through PgliteWarehouse.copyManifest
 * in one transaction, the stage truncated between runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { supplier } from '../../../datasets/index.ts';
import { LocalStore } from '../../../jobs/store/index.ts';
import { PgliteWarehouse } from '../../../jobs/warehouse/pglite.ts';
import { renderDdl } from '../../../sql/ddl.ts';
import { emptyStage } from '../../../sql/load.ts';
import { pgliteDataDir } from './engines.ts';
import { supplierRows, writePackage } from './parts.ts';

const args = process.argv.slice(2);
const partsArg = args.find((a) => a.startsWith('--parts='));
const chunksArg = args.find((a) => a.startsWith('--chunks-kib='));
const sizes = (args.filter((a) => !a.startsWith('--')).length ? args.filter((a) => !a.startsWith('--')) : ['100000', '1000000']).map(Number);
const chunkSizes = chunksArg
  ? chunksArg.slice('--chunks-kib='.length).split(',').map((k) => (k === 'whole' ? Number.MAX_SAFE_INTEGER : Number(k) << 10))
  : [256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20, Number.MAX_SAFE_INTEGER];
const label = (b: number): string => (b === Number.MAX_SAFE_INTEGER ? 'whole part' : b >= 1 << 20 ? `${b >> 20} MiB` : `${b >> 10} KiB`);

const tmp = mkdtempSync(join(tmpdir(), 'rl-bench-'));
const { dir, root } = await pgliteDataDir();
try {
  for (const n of sizes) {
    const parts = partsArg ? Number(partsArg.slice('--parts='.length)) : n >= 1_000_000 ? 4 : 1;
    const per = Math.ceil(n / parts);
    const pkg = writePackage(join(tmp, String(n)), Array.from({ length: parts }, (_, k) => supplierRows(Math.min(per, n - k * per), 1 + k * per)));
    for (const chunkBytes of chunkSizes) {
      const wh = await PgliteWarehouse.open(dir, { chunkBytes });
      for (const s of renderDdl(supplier)) await wh.query(s);
      await wh.query(emptyStage(supplier));
      const t = performance.now();
      const rows = await wh.copyManifest({ table: 'assignment.supplier_stage', columns: supplier.columns.map((c) => c.name), manifestUri: pkg.manifestUri, manifest: pkg.manifest, store: new LocalStore() });
      const s = (performance.now() - t) / 1000;
      console.log(`${n} rows, ${parts} part(s), chunk ${label(chunkBytes)}: ${s.toFixed(2)} s, ${Math.round(rows / s).toLocaleString('en-US')} rows/s`);
      await wh.query(emptyStage(supplier));
      await wh.close();
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
}
