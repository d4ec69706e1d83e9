#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner, TypeScript through tsx.
// Usage: npm test [-- <filter substring> ...]
// Every temporary folder of the run (the tests', the CLI children's, PGlite's) goes under one folder of its
// own (TMPDIR), removed at the end: a full run used to leave gigabytes in /tmp, and a disk that fills makes
// tests fail for the wrong reason. RL_KEEP_TEST_TMP=1 keeps it for a post-mortem.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = find('test')
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const scratch = mkdtempSync(join(tmpdir(), 'rl-tests-'));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1', TMPDIR: scratch } },
);
if (process.env.RL_KEEP_TEST_TMP) console.error(`test temporaries kept in ${scratch}`);
else rmSync(scratch, { recursive: true, force: true });
process.exit(result.status ?? 1);
