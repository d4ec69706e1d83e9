/**
 * `completionMarker`: the object whose arrival says a batch is complete (event-driven loads). Through
 * `contract check`: a marker the batch listing would read as data (no leading `_`) or a path is exit 2
 * naming the field; a good one is accepted; a contract without one gets `_SUCCESS`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { completionMarkerOf, datasets, DEFAULT_COMPLETION_MARKER, parseContract } from '../../datasets/index.ts';

const SUPPLIER = JSON.parse(readFileSync(new URL('../../datasets/supplier.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('completionMarker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-marker-'));
  const file = (name: string, marker: unknown): string => {
    mkdirSync(join(dir, name));
    const f = join(dir, name, 'supplier.json');
    writeFileSync(f, JSON.stringify({ ...SUPPLIER, completionMarker: marker }));
    return f;
  };

  it('defaults to _SUCCESS for every built-in contract', () => {
    assert.equal(DEFAULT_COMPLETION_MARKER, '_SUCCESS');
    for (const c of Object.values(datasets)) assert.equal(completionMarkerOf(c), '_SUCCESS', c.name);
  });

  it('a contract may name its own marker', async () => {
    const f = file('ready', '_READY');
    const r = await runCli(['contract', 'check', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(completionMarkerOf(parseContract(readFileSync(f, 'utf8'), f)), '_READY');
  });

  for (const [label, marker] of [['without a leading _ (it would be read as data)', 'READY'], ['a path', '_done/_SUCCESS'], ['empty after the _', '_'], ['not a string', 1]] as const) {
    it(`refuses a marker ${label}: exit 2, one line naming $.completionMarker`, async () => {
      const f = file(`bad-${label.length}-${String(marker).replace(/\W/g, '')}`, marker);
      const r = await runCli(['contract', 'check', f]);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], new RegExp(`^ConfigError: ${f}: \\$\\.completionMarker must `));
    });
  }
});
