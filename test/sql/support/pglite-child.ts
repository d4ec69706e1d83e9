/**
 * A separate process holding a PGlite warehouse, for the process-safety tests (they SIGKILL it).
 *
 *   hold    <dir>                                     open, print "ready", wait forever
 *   copy    <dir> <manifest.json> <hang|run>          copyManifest; print "copying" after the 2nd chunk
 *                                                     (hang: stop there; run: keep going), "done" at the end
 *   publish <dir> <manifest.json> <batch> <loadTs> <hangAt>
 *                                                     publish; before statement <hangAt> print "at <n>" and stop
 */
import { readFileSync } from 'node:fs';
import { supplier } from '../../../datasets/index.ts';
import type { Manifest } from '../../../core/manifest.ts';
import { LocalStore } from '../../../jobs/store/index.ts';
import { PgliteWarehouse } from '../../../jobs/warehouse/pglite.ts';
import { publishStatements } from '../../../sql/load.ts';

const [mode, dir, manifestUri, ...rest] = process.argv.slice(2);
const forever = (): Promise<never> => new Promise(() => setInterval(() => undefined, 1 << 30));
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

if (mode === 'hold') {
  const wh = await PgliteWarehouse.open(dir);
  say(`ready ${process.pid} ${wh.name}`);
  await forever();
}

const manifest = JSON.parse(readFileSync(manifestUri, 'utf8')) as Manifest;

if (mode === 'copy') {
  let chunks = 0;
  const wh = await PgliteWarehouse.open(dir, {
    chunkBytes: 256 << 10,
    onProgress: async (e) => {
      if (e.kind !== 'copy-chunk') return;
      chunks += 1;
      if (chunks === 2) {
        say('copying');
        if (rest[0] === 'hang') await forever();
      }
    },
  });
  const n = await wh.copyManifest({ table: 'assignment.supplier_stage', columns: supplier.columns.map((c) => c.name), manifestUri: manifestUri, manifest, store: new LocalStore() });
  say(`done ${n}`);
  await wh.close();
}

if (mode === 'publish') {
  const [batchDate, loadTs, hangAt] = rest;
  const wh = await PgliteWarehouse.open(dir, {
    onProgress: async (e) => {
      if (e.kind === 'statement' && e.index === Number(hangAt)) {
        say(`at ${e.index}`);
        await forever();
      }
    },
  });
  const rows = manifest.package.checksums.rows;
  await wh.transaction(
    publishStatements({
      contract: supplier,
      runId: 'child-run',
      batchDate: batchDate,
      loadTs: loadTs,
      expected: manifest.package.checksums,
      audit: { started_at: loadTs, source_files: 1, source_rows: rows, part_rows: rows, manifest_rows: rows, staged_rows: rows, manifest_url: manifestUri, timings: {} },
    }),
  );
  say('done');
  await wh.close();
}
