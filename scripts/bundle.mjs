// Bundles the compiled command line (dist/, from tsc) into dist/bundle/: one folder of ES modules, the
// command line's entry (main.js), the two worker entries (worker.js: the partition pass, file-worker.js:
// the generator) and the chunks they share, split so a command still loads only what it uses.
//
// Why: a process spent its first ~0.25 s resolving, reading and compiling ~110 modules one by one, and each
// partition worker did it again. In one file per chunk that is about 0.1 s less CPU per thread
// (README.md, Benchmark, "Start-up and warm-up").
//
// The folder is flat on purpose: every module that finds a file beside itself (new URL('./x', import.meta.url))
// finds it here whichever chunk it lands in: worker.js, file-worker.js, and the contracts and their schema,
// copied in from datasets/.
//
// Bundled: our code and the pure-JavaScript Parquet libraries the partition pass loads at start. Every other
// package stays an import from node_modules, as it was: some find their own files beside themselves (PGlite's
// WebAssembly), some load native code (pg-native, DuckDB), and none of them is on the pass's start-up path.
//
//   node scripts/bundle.mjs            (run by `npm run build`, after tsc)
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'bundle');

/** Packages compiled into the bundle; any other bare import stays external. */
const BUNDLED = new Set(['hyparquet', 'hyparquet-compressors', 'hyparquet-writer', 'hysnappy']);

/** The package a bare specifier names ('@scope/name/sub' -> '@scope/name'), or undefined for a path or a node: builtin. */
function packageOf(spec) {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || spec.startsWith('file:')) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const externals = {
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const pkg = packageOf(args.path);
      if (pkg === undefined || BUNDLED.has(pkg)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
await build({
  entryPoints: {
    main: join(DIST, 'jobs/main.js'),
    worker: join(DIST, 'jobs/partition/worker.js'),
    'file-worker': join(DIST, 'tpch/file-worker.js'),
  },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  plugins: [externals],
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
});
for (const f of readdirSync(join(ROOT, 'datasets'))) {
  if (f.endsWith('.json')) copyFileSync(join(ROOT, 'datasets', f), join(OUT, f));
}
