// `npm run synth` (tsx stacks/main.ts): offline, every environment, says where it wrote, and is quick.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dev, validateEnvironment, type EnvironmentSettings } from '../../stacks/environments.ts';
import { at, type TfJson } from './policy/tf.ts';
import { readJson } from '../support/json.ts';

describe('synth', () => {
  it('writes cdktf.out/stacks/<env>/cdk.tf.json for every environment and prints the paths', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'rl-synth-'));
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'stacks/main.ts'], {
      env: { ...process.env, CDKTF_OUTDIR: outdir, RL_TF_STATE_BUCKET: 'my-state-bucket' },
      encoding: 'utf8',
    });
    const ms = Date.now() - started;
    assert.equal(r.status, 0, r.stderr);
    for (const env of ['dev', 'prod']) {
      const file = join(outdir, 'stacks', env, 'cdk.tf.json');
      assert.ok(existsSync(file), file);
      assert.ok(r.stdout.includes(`synthesized ${env}: ${file}`), r.stdout);
      const tf = readJson<TfJson>(file);
      assert.equal(at(tf.terraform, 'backend', 's3', 'bucket'), 'my-state-bucket');
    }
    assert.match(r.stdout, new RegExp(`wrote 2 stacks to ${outdir} in \\d+ ms \\(\\d+ ms since the process started\\)`));
    assert.ok(ms < 30_000, `synth took ${ms} ms`);
  });

  it('refuses settings AWS would reject', () => {
    const bad = (patch: Partial<EnvironmentSettings>) => () => validateEnvironment({ ...dev, ...patch });
    assert.throws(bad({ availabilityZones: ['eu-west-1a'] }), /two availability zones/);
    assert.throws(bad({ adminUsername: 'awsuser' }), /adminUsername/);
    assert.throws(bad({ timezone: 'Mars/Olympus' }), /time zone/);
    assert.throws(bad({ retention: { ...dev.retention, logDays: 42 } }), /retention value/);
    assert.throws(bad({ batch: { ...dev.batch, run: { vcpu: 2, memoryMiB: 1024, timeoutSeconds: 600 } } }), /Fargate size/);
    assert.doesNotThrow(() => validateEnvironment(dev));
  });

  it('imports provider classes by submodule (the package index costs seconds) and only datasets/, the job env names and the metric names of ours', () => {
    for (const f of readdirSync('stacks').filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join('stacks', f), 'utf8');
      assert.doesNotMatch(text, /from '@cdktf\/provider-aws'/, f);
      for (const m of text.matchAll(/from '(\.\.\/[^']+)'/g)) {
        // core/metric-names.ts: the metric names the jobs log and the alarms watch, one list for both.
        const ok = m[1].startsWith('../datasets/') || m[1] === '../core/metric-names.ts' || (m[1] === '../core/env.ts' && /import type \{ JobEnvName \}/.test(text));
        assert.ok(ok, `${f} imports ${m[1]}`);
      }
    }
  });
});
