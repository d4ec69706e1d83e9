/**
 * The nightly schedule fires at a local time in the environment's time zone; the job wants the batch
 * date (YYYY-MM-DD). The state machine computes it as the UTC calendar date of (scheduled time − shift),
 * with the shift chosen here, at synth time, so that the result is the intended LOCAL date whatever the
 * UTC offset of the day (standard or daylight time) — and still right if the run starts hours late.
 *
 * With local fire time L (minutes after local midnight) on local date D, offset o (minutes east of UTC)
 * and n = batchDateOffsetDays, the fire instant is D + L − o. The UTC date of (D + L − o − s) is D − n
 * exactly when  L − o + (n−1)·1440 < s ≤ L − o + n·1440.  Over all offsets o_min..o_max the time zone
 * uses, that interval is non-empty while o_max − o_min < 1440; the midpoint leaves the widest margin.
 */

/** UTC offsets in minutes (east positive) the zone uses, sampled over a fixed year so synth is deterministic. */
export function zoneOffsets(timeZone: string, year = 2025): number[] {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  const seen = new Set<number>();
  for (let month = 0; month < 12; month++) {
    for (const day of [1, 15]) {
      const part = fmt.formatToParts(new Date(Date.UTC(year, month, day, 12))).find((p) => p.type === 'timeZoneName');
      seen.add(parseOffset(part?.value ?? 'GMT'));
    }
  }
  return [...seen].sort((a, b) => a - b);
}

function parseOffset(gmt: string): number {
  // "GMT", "GMT+01:00", "GMT-03:30"
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(gmt);
  if (!m) throw new Error(`cannot read UTC offset ${gmt}`);
  if (!m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

export interface BatchDateShift {
  /** Milliseconds to subtract from the scheduled time before taking its UTC date. */
  shiftMs: number;
  /** How many minutes after the scheduled time a run may start and still get the right date. */
  lateToleranceMinutes: number;
}

export function batchDateShift(at: string, timeZone: string, batchDateOffsetDays: number): BatchDateShift {
  const [hh, mm] = at.split(':').map(Number) as [number, number];
  const local = hh * 60 + mm;
  const offsets = zoneOffsets(timeZone);
  const oMin = offsets[0];
  const oMax = offsets[offsets.length - 1];
  if (oMax - oMin >= 1440) throw new Error(`time zone ${timeZone} spans a day of offsets`);
  const n = batchDateOffsetDays;
  const low = local - oMin + (n - 1) * 1440; // exclusive
  const high = local - oMax + n * 1440; // inclusive
  const s = Math.floor((low + high) / 2);
  // v = minutes into the target UTC day; the latest-in-day case is o = oMin, where v = low + 1440 − s.
  return { shiftMs: s * 60_000, lateToleranceMinutes: s - low - 1 };
}

/** The same computation the state machine's JSONata does, for tests and for reading. */
export function batchDateOf(scheduledTimeIso: string, shiftMs: number): string {
  return new Date(Date.parse(scheduledTimeIso) - shiftMs).toISOString().slice(0, 10);
}
