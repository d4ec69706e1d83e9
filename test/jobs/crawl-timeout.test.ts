/**
 * `crawl --timeout-minutes` through the real CLI: a value that is not a positive number of minutes is a
 * usage error naming the flag (exit 2), found before Glue is called. Unchecked, "abc" became NaN, a wait
 * that never expired (it polled every millisecond for ever), and 0 or less a load error (exit 5) that
 * AWS Batch would retry.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { requireMoto } from '../support/services.ts';
import { motoEnv } from '../aws/moto.ts';

const env = (): NodeJS.ProcessEnv => motoEnv();

describe('crawl --timeout-minutes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-crawl-timeout-'));
  const crawl = (timeout: string) =>
    runCli(['crawl', '--dataset', 'supplier', '--catalog', 'glue:rl_timeout_test', '--crawler', 'rl-timeout-test-nope', `--timeout-minutes=${timeout}`], {
      cwd: dir,
      env: env(),
    });

  for (const bad of ['abc', '0', '-5', 'Infinity', '9'.repeat(400)]) {
    it(`refuses "${bad.length > 20 ? `${bad.slice(0, 5)}…` : bad}" with exit 2, one line naming the flag`, async (t) => {
      if (!(await requireMoto(t))) return;
      const r = await crawl(bad);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^ConfigError: --timeout-minutes must be a positive number of minutes, got ".*" — e\.g\. --timeout-minutes 30$/);
      assert.doesNotMatch(r.stderr, /Glue crawler/, 'refused before Glue is asked');
    });
  }

  it('a positive number (fractions allowed) gets past the check to Glue', async (t) => {
    if (!(await requireMoto(t))) return;
    const r = await crawl('0.5');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /ConfigError: Glue crawler rl-timeout-test-nope does not exist/);
  });
});
