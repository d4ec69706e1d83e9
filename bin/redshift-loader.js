#!/usr/bin/env node
// The installed command. `npm ci` compiles the TypeScript into dist/ and bundles it into dist/bundle/ (the
// "prepare" script: tsc, then scripts/bundle.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('redshift-loader is not built: run "npm run build" (npm ci does it for you)\n');
  process.exit(2);
}
await import(entry.href);
