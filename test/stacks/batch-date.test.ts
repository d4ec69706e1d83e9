// The batch date the nightly state machine computes: the local date of the scheduled run minus the
// configured days, in every time zone and on every day of the year (daylight saving included).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchDateOf, batchDateShift, zoneOffsets } from '../../stacks/batch-date.ts';
import { dev, environments } from '../../stacks/environments.ts';

const formats = new Map<string, { fmt: Intl.DateTimeFormat; offsets: number[] }>();
function zone(timeZone: string) {
  let z = formats.get(timeZone);
  if (!z) {
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    z = { fmt, offsets: zoneOffsets(timeZone) };
    formats.set(timeZone, z);
  }
  return z;
}

/** The UTC instant of a local wall-clock time in a zone (undefined when that time does not exist). */
function localToUtc(date: string, at: string, timeZone: string): number | undefined {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = at.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const { fmt, offsets } = zone(timeZone);
  for (const offset of offsets) {
    const utc = wall - offset * 60_000;
    const p = Object.fromEntries(fmt.formatToParts(new Date(utc)).map((x) => [x.type, x.value]));
    if (`${p.year}-${p.month}-${p.day}` === date && `${p.hour}:${p.minute}` === at) return utc;
  }
  return undefined;
}

function minusDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Auckland', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC'];
const TIMES = ['00:00', '02:00', '12:00', '23:45'];

describe('batch date', () => {
  it('reads the offsets a zone uses over the year', () => {
    assert.deepEqual(zoneOffsets('Europe/Berlin'), [60, 120]);
    assert.deepEqual(zoneOffsets('Asia/Kolkata'), [330]);
    assert.deepEqual(zoneOffsets('UTC'), [0]);
  });

  for (const tz of ZONES) {
    it(`is the intended local date on every day of 2025 in ${tz}`, () => {
      let checked = 0;
      for (const n of [0, 1, 2]) {
        for (const at of TIMES) {
          const { shiftMs, lateToleranceMinutes } = batchDateShift(at, tz, n);
          assert.ok(lateToleranceMinutes >= 60, `${tz} ${at}: tolerance ${lateToleranceMinutes}`);
          for (let day = 0; day < 365; day++) {
            const date = new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
            const fire = localToUtc(date, at, tz);
            if (fire === undefined) continue; // a wall time skipped by daylight saving
            const want = minusDays(date, n);
            const iso = new Date(fire).toISOString();
            assert.equal(batchDateOf(iso, shiftMs), want, `${tz} ${date} ${at} n=${n}`);
            // and still right when the run starts late (within the tolerance) or is started by hand
            assert.equal(batchDateOf(new Date(fire + (lateToleranceMinutes - 1) * 60_000).toISOString(), shiftMs), want, `${tz} ${date} ${at} late`);
            checked++;
          }
        }
      }
      assert.ok(checked > 4000, `${checked} cases`);
    });
  }

  it('gives every configured environment a shift with hours of margin', () => {
    for (const e of Object.values(environments)) {
      const s = batchDateShift(e.nightly.at, e.timezone, e.nightly.batchDateOffsetDays);
      assert.ok(s.lateToleranceMinutes >= 6 * 60, `${e.name}: ${s.lateToleranceMinutes} min`);
    }
    // dev: 02:00 Europe/Berlin, yesterday -> 12.5 h
    assert.equal(batchDateShift(dev.nightly.at, dev.timezone, 1).shiftMs, 750 * 60_000);
  });
});
