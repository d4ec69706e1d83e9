/**
 * What verifying page CRCs costs: `partition` of the same SUPPLIER rows as our generator writes them (no
 * page CRCs) and with a CRC in every page header (test/support/page-crc-parquet.ts), whole processes,
 * alternating, medians of N rounds. `npx tsx bench/page-crc.ts [rows=1000000] [rounds=3]`
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withPageCrcs } from '../test/support/page-crc-parquet.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const rows = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const dir = join(tmpdir(), `rl-bench-page-crc-${rows}`);
const plain = join(dir, 'plain');
const crc = join(dir, 'crc');
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'jobs/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

if (!existsSync(join(crc, '.complete'))) {
  rmSync(dir, { recursive: true, force: true });
  const g = cli(['generate', '--dataset', 'supplier', '--scale', String(rows / 10_000), '--files', '4', '--row-group', '100000', '--out', plain, '--json']);
  if (g.status !== 0) throw new Error(g.stderr);
  mkdirSync(crc);
  for (const f of readdirSync(plain)) writeFileSync(join(crc, f), withPageCrcs(new Uint8Array(readFileSync(join(plain, f)))));
  writeFileSync(join(crc, '.complete'), '');
}

const times: Record<string, number[]> = { plain: [], crc: [] };
for (let r = 0; r < rounds; r++) {
  for (const [name, src] of [['plain', plain], ['crc', crc]] as const) {
    const out = join(dir, `out-${name}`);
    rmSync(out, { recursive: true, force: true });
    const t0 = process.hrtime.bigint();
    const p = cli(['partition', '--dataset', 'supplier', '--source', src, '--out', out]);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (p.status !== 0) throw new Error(`${name}: ${p.stderr}`);
    times[name].push(s);
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const mp = median(times.plain);
const mc = median(times.crc);
console.log(`${rows} rows, ${rounds} rounds: without CRCs ${mp.toFixed(2)} s (${times.plain.map((t) => t.toFixed(2)).join(', ')}), ` +
  `with CRCs ${mc.toFixed(2)} s (${times.crc.map((t) => t.toFixed(2)).join(', ')}): ${(((mc - mp) / mp) * 100).toFixed(1)}% — load average ${(await import('node:os')).loadavg()[0].toFixed(2)}`);
