/** bench/composite-keys.ts keeps working (its 100M run is by hand): a small run finds its planted duplicate and exits 0. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const SCRIPT = fileURLToPath(new URL('../../bench/composite-keys.ts', import.meta.url));

describe('bench/composite-keys.ts', () => {
  it('300,000 keys: peak RSS and time printed, the planted repeat named with both rows', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '300000'], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^300,000 \(l_orderkey, l_linenumber\) keys: peak RSS \d+ MiB, [\d.]+ s .*300,000 keys checked, 1 repeated\n/);
    assert.match(r.stdout, /lineitem-000\.parquet row 299994 repeats key \(l_orderkey=1221, l_linenumber=3\) first seen at row 1235 of the same file/);
  });
});
