/**
 * The page decoder alone, per column: CPU milliseconds (user + sys of this one thread's process, which the
 * load of a shared machine disturbs far less than wall time) to decode every column chunk of the given
 * Parquet files, row groups cut into units as the partition pass cuts them (unitsOf), one scratch per column
 * as a worker keeps. Three rounds, the last two averaged.
 *
 *   npx tsx bench/page-decode.ts bench/.data/supplier-arrow-1000000/*.parquet
 *   npx tsx bench/page-decode.ts --decoder dist/jobs/readers/parquet-pages.js FILES…   (compiled, or another build's)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parquetMetadata } from 'hyparquet';
import { SLICE_ROWS, unitsOf } from '../jobs/partition/partition.ts';
import * as own from '../jobs/readers/parquet-pages.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--decoder');
const decoder: typeof own = at >= 0 ? ((await import(pathToFileURL(resolve(args.splice(at, 2)[1])).href)) as typeof own) : own;
const files = args;
if (files.length === 0) {
  console.error('usage: npx tsx bench/page-decode.ts [--decoder parquet-pages.js] FILE.parquet…');
  process.exit(2);
}

const cpuMs = (since?: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const ms: Record<string, number> = {};
for (let round = 0; round < 3; round++) {
  for (const file of files) {
    const buf = readFileSync(file);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    const md = parquetMetadata(bytes.slice().buffer);
    const scratches: own.ChunkScratch[] = [];
    md.row_groups.forEach((group, g) => {
      const rows = Number(group.num_rows);
      const chunks = group.columns.map((c) => {
        const m = c.meta_data!;
        const start = Number(m.dictionary_page_offset || m.data_page_offset);
        return { m, start, end: start + Number(m.total_compressed_size) };
      });
      const largest = chunks.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
      const units = rows > SLICE_ROWS ? unitsOf(rows, SLICE_ROWS, decoder.countDataPages(bytes, largest.start, largest.end)) : 1;
      chunks.forEach(({ m, start, end }, j) => {
        const element = md.schema.find((e) => e.name === m.path_in_schema[0])!;
        const spec: own.ChunkSpec = {
          physical: m.type, typeLength: element.type_length, optional: element.repetition_type !== 'REQUIRED', codec: m.codec, start, end, chunkKey: `${file}/${g}/${j}`,
        };
        const scratch = (scratches[j] ??= new decoder.ChunkScratch());
        const since = process.cpuUsage();
        for (let u = 0; u < units; u++) decoder.decodeChunk(bytes, spec, rows, Math.floor((u * rows) / units), Math.floor(((u + 1) * rows) / units), scratch);
        if (round > 0) ms[m.path_in_schema[0]] = (ms[m.path_in_schema[0]] ?? 0) + cpuMs(since) / 2;
      });
    });
  }
}
let total = 0;
for (const [column, t] of Object.entries(ms)) {
  total += t;
  console.log(`${column.padEnd(20)} ${t.toFixed(1).padStart(8)} ms`);
}
console.log(`${'total'.padEnd(20)} ${total.toFixed(1).padStart(8)} ms`);
