// docs/scale.md is what the capacity model computes from the measured rates (bench/SCALE-RATES.json),
// and the model behaves as its README says: exact TPC-H row counts, shards bounded by row groups and
// growing with the scale factor, COPY time from the slice count.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ASSUME, night, ratesOf, renderScale, TPCH_ROWS } from '../../bench/scale-model.ts';
import type { ScaleRates } from '../../bench/scale-rates.ts';
import { prod } from '../../stacks/environments.ts';

const ratesFile = new URL('../../bench/SCALE-RATES.json', import.meta.url);
const rates = JSON.parse(readFileSync(ratesFile, 'utf8')) as ScaleRates;
const slices = prod.warehouse.kind === 'provisioned' ? prod.warehouse.nodes * prod.warehouse.slicesPerNode : prod.warehouse.slices;

const modelRates = () => ratesOf(rates, 2);

describe('capacity model (docs/scale.md)', () => {
  it('docs/scale.md is the model rendered from bench/SCALE-RATES.json (run `npx tsx bench/scale-model.ts` after new rates)', () => {
    assert.equal(readFileSync(new URL('../../docs/scale.md', import.meta.url), 'utf8'), renderScale(rates));
  });

  it('measured every TPC-H table, NATION included (the per-process fixed cost)', () => {
    assert.deepEqual(Object.keys(rates.tables).sort(), Object.keys(TPCH_ROWS).sort());
    for (const [name, sizes] of Object.entries(rates.tables)) {
      assert.equal(sizes.length, name === 'nation' || name === 'region' ? 1 : 2, `${name}: two sizes give the cost of a row and of a process`);
      for (const t of sizes) {
        assert.ok(t.rows > 0 && t.cpuSeconds > 0 && t.wallSeconds > 0 && t.gzipBytes > 0, name);
        assert.equal(t.rounds.length >= 1, true, name);
      }
      if (sizes.length === 2) assert.ok(sizes[1].rows > 3 * sizes[0].rows, name);
    }
  });

  it('uses the exact TPC-H row counts', () => {
    assert.equal(TPCH_ROWS.lineitem(1000), 5_999_989_709);
    assert.equal(TPCH_ROWS.lineitem(1), 6_001_215);
    assert.equal(TPCH_ROWS.supplier(1000), 10_000_000);
    assert.equal(TPCH_ROWS.nation(1000), 25);
  });

  it('shards grow with the scale factor, never past the row groups; COPY time is gzip bytes over slices × rate', () => {
    const r = modelRates();
    let before = 0;
    for (const sf of [1, 100, 1000]) {
      const n = night('lineitem', sf, r, 14);
      assert.ok(n.shards >= before, `SF ${sf}: ${n.shards} shards`);
      before = n.shards;
      assert.ok(n.shards <= Math.max(1, Math.ceil((n.parquetGB * 1e9) / ASSUME.sourceRowGroupBytes)));
      assert.ok(Math.abs(n.copyMinutes - (n.gzipGB * 1e3) / (slices * ASSUME.copyMbPerSecondPerSlice) / 60) < 1e-9);
      assert.ok(n.shardWallMinutes > 0 && n.vcpuHours > 0 && n.requests.put > 0 && n.requests.get > 0);
    }
    const big = night('lineitem', 1000, r, 14);
    assert.ok(big.shardWallMinutes <= ASSUME.shardTargetMinutes * Math.ceil(big.shards / (ASSUME.maxVcpus / ASSUME.shardVcpu)) + 1, 'each wave of shards keeps to the target');
  });
});
