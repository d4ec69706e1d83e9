/**
 * `distStyle` in a contract: "key" (the default, with `distKey`), "all" or "even" (without one). The
 * schema's if/then/else says which combination is allowed; the checker names the file, the JSON path
 * and the field that decided; the DDL renders DISTSTYLE ALL / EVEN on stage and history alike.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ContractFileError, parseContract, supplier, type DatasetContract } from '../../datasets/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { renderDdl, distributionOf } from '../../sql/ddl.ts';
import { runCli } from '../support/cli.ts';

const TEXT = readFileSync(new URL('../../datasets/supplier.json', import.meta.url), 'utf8');
const good = (): Record<string, unknown> => JSON.parse(TEXT) as Record<string, unknown>;

function fault(value: unknown): ContractFileError {
  try {
    parseContract(JSON.stringify(value), 'x/supplier.json');
  } catch (e) {
    assert.ok(e instanceof ContractFileError, String(e));
    return e;
  }
  assert.fail('the contract was accepted');
}

describe('distStyle in contract files', () => {
  it('absent means key: the dist key is then required, and the message says why', () => {
    const c = good();
    delete c.distKey;
    const e = fault(c);
    assert.equal(e.path, '$.distKey');
    assert.equal(e.message, 'x/supplier.json: $.distKey is required when $.distStyle is absent (default "key")');
    assert.equal(fault({ ...c, distStyle: 'key' }).message, 'x/supplier.json: $.distKey is required when $.distStyle is "key"');
  });

  it('all and even take no dist key', () => {
    for (const style of ['all', 'even']) {
      const e = fault({ ...good(), distStyle: style });
      assert.equal(e.path, '$.distKey');
      assert.equal(e.message, `x/supplier.json: $.distKey is not allowed when $.distStyle is "${style}"`);
      const c = good();
      delete c.distKey;
      const parsed = parseContract(JSON.stringify({ ...c, distStyle: style }), 'x/supplier.json');
      assert.equal(parsed.distStyle, style);
      assert.equal(parsed.distKey, undefined);
    }
  });

  it('an unknown style is named with the choices', () => {
    assert.equal(fault({ ...good(), distStyle: 'auto' }).message, 'x/supplier.json: $.distStyle must be one of: "key", "all", "even"');
  });

  it('a dist key that is not a column is still caught with key given explicitly', () => {
    assert.match(fault({ ...good(), distStyle: 'key', distKey: 'nope' }).message, /\$\.distKey names "nope", which is not a column/);
  });
});

describe('distStyle in the DDL', () => {
  const variant = (patch: Partial<DatasetContract>): DatasetContract => {
    const c: DatasetContract = { ...supplier, ...patch };
    if (patch.distStyle === 'all' || patch.distStyle === 'even') delete c.distKey;
    return c;
  };

  it('ALL and EVEN on stage and history, no DISTKEY; the audit table keeps ALL', () => {
    for (const style of ['all', 'even'] as const) {
      const [, stage, history, audit] = renderDdl(variant({ distStyle: style }));
      const upper = style.toUpperCase();
      assert.match(stage, new RegExp(`\\nBACKUP NO\\nDISTSTYLE ${upper}$`));
      assert.match(history, new RegExp(`\\nDISTSTYLE ${upper}\\nCOMPOUND SORTKEY\\(load_ts\\)$`));
      assert.ok(!/DISTKEY/.test(stage + history), stage + history);
      assert.match(audit, /\nDISTSTYLE ALL\n/);
    }
  });

  it('explicit key renders exactly as the default', () => {
    assert.deepEqual(renderDdl(variant({ distStyle: 'key' })), renderDdl(supplier));
  });

  it('contracts built in code are checked too: key without distKey, all with one', () => {
    const noKey: DatasetContract = { ...supplier };
    delete noKey.distKey;
    assert.throws(() => distributionOf(noKey), (e: unknown) => e instanceof ConfigError && /DISTSTYLE KEY needs a distKey/.test(e.message));
    assert.throws(() => distributionOf({ ...supplier, distStyle: 'all' }), (e: unknown) => e instanceof ConfigError && /distKey s_suppkey needs distStyle "key" \(it is "all"\)/.test(e.message));
  });
});

describe('distStyle through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-dist-style-'));

  it('contract check: exit 2, one line with the file and $.distKey', async () => {
    const file = join(dir, 'supplier.json');
    writeFileSync(file, JSON.stringify({ ...good(), distStyle: 'even' }));
    const r = await runCli(['contract', 'check', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^ConfigError: ${file}: \\$\\.distKey is not allowed when \\$\\.distStyle is "even" — `));
  });

  it('ddl --contracts: a user contract with distStyle even renders DISTSTYLE EVEN', async () => {
    const mine = good();
    delete mine.distKey;
    const folder = mkdtempSync(join(dir, 'contracts-'));
    writeFileSync(join(folder, 'supplier.json'), JSON.stringify({ ...mine, distStyle: 'even' }));
    const r = await runCli(['ddl', '--dataset', 'supplier', '--contracts', folder]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /supplier_stage \([^;]*\)\nBACKUP NO\nDISTSTYLE EVEN;/);
    assert.match(r.stdout, /supplier_data \([^;]*\)\nDISTSTYLE EVEN\nCOMPOUND SORTKEY\(load_ts\);/);
  });
});
