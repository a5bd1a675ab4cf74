// The availability computation (src/bookings/availability.ts) against a simple reference, on generated cases
// (a small seeded generator: every run checks the same cases, and a failure names its seed): the reference
// classifies the window minute by minute, straight from the definitions; the computation cuts it at change
// points. Also the time-zone arithmetic it rests on (src/bookings/time-zones.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFull, staffAvailability, WEEKDAYS, type AvailabilityInput, type AvailabilityInterval, type BookedAppointment } from '../src/bookings/availability.js';
import { WINDOWS_ZONES } from '../src/bookings/data/windows-zones.js';
import { durationMs, durationText, ianaZone, instantOf, wallClock, zonedDateTimeTimeZone } from '../src/bookings/time-zones.js';

const MINUTE = 60_000;

/** mulberry32: a tiny seeded generator, enough to spread cases. */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)]!;
  return { int, pick };
}

// Zones with DST both ways, half- and quarter-hour offsets. Slots lie between 06:00 and 22:00, away from the
// night-time transitions, so that a wall-clock slot is one stretch of time on every day.
const ZONES = ['UTC', 'America/Los_Angeles', 'Europe/London', 'Asia/Kolkata', 'Australia/Adelaide', 'Asia/Kathmandu'];
const tod = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;

function generate(seed: number): AvailabilityInput {
  const g = generator(seed);
  const zone = g.pick(ZONES);
  // Any minute of 2026, DST transitions included.
  const from = Date.UTC(2026, 0, 1) + g.int(0, 364 * 1440) * MINUTE;
  const to = from + g.int(1, 2 * 1440) * MINUTE;
  const workingHours = WEEKDAYS.filter(() => g.int(0, 5) > 0).map((day) => ({
    day,
    timeSlots: Array.from({ length: g.int(0, 2) }, () => {
      const start = g.int(24, 80) * 15;
      return { startTime: tod(start), endTime: tod(Math.min(start + g.int(1, 40) * 15, 22 * 60)) };
    }).filter((s) => s.startTime < s.endTime),
  }));
  const appointments: BookedAppointment[] = Array.from({ length: g.int(0, 7) }, () => {
    const start = from + g.int(-600, (to - from) / MINUTE + 600) * MINUTE;
    const max = g.int(1, 4);
    return {
      start,
      end: start + g.int(15, 240) * MINUTE,
      preBufferMs: g.pick([0, 5, 15, 30]) * MINUTE,
      postBufferMs: g.pick([0, 10, 30]) * MINUTE,
      serviceId: `service-${g.int(1, 3)}`,
      maximumAttendeesCount: max,
      filledAttendeesCount: g.int(0, max),
    };
  });
  return { from, to, workingHours, zone, appointments };
}

/** The reference: each minute of the window, straight from the rules. */
function reference(input: AvailabilityInput): Array<{ status: string; serviceId: string }> {
  const spans = input.appointments
    .map((a) => ({ a, start: a.start - a.preBufferMs, end: a.end + a.postBufferMs }))
    .sort((x, y) => x.start - y.start || x.end - y.end);
  const out: Array<{ status: string; serviceId: string }> = [];
  for (let t = input.from; t < input.to; t += MINUTE) {
    const covering = spans.filter((s) => s.start <= t && t < s.end);
    const full = covering.find((s) => isFull(s.a));
    if (full) out.push({ status: 'busy', serviceId: full.a.serviceId });
    else if (covering.length) out.push({ status: 'slotsAvailable', serviceId: covering[0]!.a.serviceId });
    else {
      const w = wallClock(t, input.zone);
      const sod = w.hour * 3600 + w.minute * 60 + w.second;
      const seconds = (x: string) => Number(x.slice(0, 2)) * 3600 + Number(x.slice(3, 5)) * 60;
      const working = input.workingHours.some((h) => h.day === WEEKDAYS[w.weekday] && (h.timeSlots ?? []).some((s) => seconds(s.startTime) <= sod && sod < seconds(s.endTime)));
      out.push({ status: working ? 'available' : 'outOfOffice', serviceId: '' });
    }
  }
  return out;
}

const perMinute = (items: AvailabilityInterval[]) => items.flatMap((i) => Array.from({ length: (i.end - i.start) / MINUTE }, () => ({ status: i.status, serviceId: i.serviceId })));

describe('staff availability against a minute-by-minute reference', () => {
  const CASES = 120;
  it(`${CASES} generated cases: the same status (and service) for every minute`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const input = generate(seed);
      const items = staffAvailability(input);
      assert.deepEqual(perMinute(items), reference(input), `seed ${seed}: ${JSON.stringify(input)}`);
    }
  });

  it('items tile the window, in order, each merged as far as it goes; never busy and available at once', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const input = generate(seed);
      const items = staffAvailability(input);
      assert.equal(items[0]?.start, input.from, `seed ${seed}: the first item starts the window`);
      assert.equal(items[items.length - 1]?.end, input.to, `seed ${seed}: the last item ends it`);
      for (let i = 0; i < items.length; i++) {
        assert.ok(items[i]!.start < items[i]!.end, `seed ${seed}: item ${i} is not empty`);
        if (i === 0) continue;
        assert.equal(items[i]!.start, items[i - 1]!.end, `seed ${seed}: item ${i} starts where the one before ends (no window twice, none left out)`);
        const same = items[i]!.status === items[i - 1]!.status && items[i]!.serviceId === items[i - 1]!.serviceId;
        assert.ok(!same, `seed ${seed}: items ${i - 1} and ${i} would have been merged`);
      }
    }
  });

  it("every appointment's span (with its buffers) within the window is covered by busy, or slotsAvailable when it has room", () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const input = generate(seed);
      const items = staffAvailability(input);
      for (const a of input.appointments) {
        const start = Math.max(input.from, a.start - a.preBufferMs);
        const end = Math.min(input.to, a.end + a.postBufferMs);
        for (let t = start; t < end; t += MINUTE) {
          const item = items.find((i) => i.start <= t && t < i.end)!;
          assert.ok(item.status === 'busy' || (!isFull(a) && item.status === 'slotsAvailable'), `seed ${seed}: minute ${new Date(t).toISOString()} of an appointment is ${item.status}`);
        }
      }
    }
  });

  it('an empty or backwards window has no items', () => {
    const input = generate(7);
    assert.deepEqual(staffAvailability({ ...input, to: input.from }), [], 'an empty window');
    assert.deepEqual(staffAvailability({ ...input, to: input.from - MINUTE }), [], 'a backwards window');
  });
});

describe('time zones', () => {
  it('every Windows name maps to a zone Intl knows, and names match ignoring case', () => {
    for (const [windows, iana] of Object.entries(WINDOWS_ZONES)) {
      assert.ok(ianaZone(windows), `${windows} (${iana}) resolves`);
    }
    assert.equal(ianaZone('pacific standard time'), 'America/Los_Angeles', 'ignoring case');
    assert.equal(ianaZone('Mars Standard Time'), undefined, 'an unknown name');
    assert.equal(ianaZone(''), undefined, 'an empty name');
  });

  it('a dateTimeTimeZone is the instant its zone says, offsets winning, DST both ways', () => {
    const cases: Array<[string, string | null, string]> = [
      ['2018-05-01T12:00:00.0000000+00:00', 'UTC', '2018-05-01T12:00:00.000Z'],
      ['2022-01-25T00:00:00', 'India Standard Time', '2022-01-24T18:30:00.000Z'],
      ['2022-01-26T17:00:00', 'Pacific Standard Time', '2022-01-27T01:00:00.000Z'],
      ['2022-07-26T17:00:00', 'Pacific Standard Time', '2022-07-27T00:00:00.000Z'],
      ['2022-07-26T17:00:00', 'GMT Standard Time', '2022-07-26T16:00:00.000Z'],
      ['2022-07-26T17:00', null, '2022-07-26T17:00:00.000Z'],
      ['2022-01-25T00: 00: 00', 'UTC', '2022-01-25T00:00:00.000Z'],
      ['2026-03-08T02:30:00', 'America/New_York', '2026-03-08T07:30:00.000Z'],
      ['2026-11-01T01:30:00', 'America/New_York', '2026-11-01T05:30:00.000Z'],
      ['2026-05-01T10:00:00-03:00', 'Tokyo Standard Time', '2026-05-01T13:00:00.000Z'],
    ];
    for (const [dateTime, timeZone, expected] of cases) {
      assert.equal(new Date(instantOf({ dateTime, timeZone }, 'x')).toISOString(), expected, `${dateTime} in ${timeZone}`);
    }
  });

  it('bad dates and zones are 400s naming the property', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ dateTime: '2026-02-29T10:00:00', timeZone: 'UTC' }, /'start\/dateTime'/],
      [{ dateTime: '2026-01-01T24:00:00', timeZone: 'UTC' }, /'start\/dateTime'/],
      [{ dateTime: 'noon', timeZone: 'UTC' }, /'start\/dateTime'/],
      [{ dateTime: '2026-01-01T10:00:00', timeZone: 'Nowhere' }, /'start\/timeZone'/],
      [{ dateTime: '2026-01-01T10:00:00', timeZone: 5 }, /'start\/timeZone'/],
      [{ timeZone: 'UTC' }, /'start\/dateTime' is required/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => instantOf(value, 'start'), (err: any) => err.status === 400 && message.test(err.message), `${JSON.stringify(value)}`);
    }
  });

  it('instants written back in a zone, durations both ways', () => {
    assert.deepEqual(zonedDateTimeTimeZone(Date.UTC(2022, 0, 24, 16), 'Pacific Standard Time'), { dateTime: '2022-01-24T08:00:00', timeZone: 'Pacific Standard Time' }, 'wall time in the zone, its name as given');
    for (const [text, ms] of [['PT0S', 0], ['PT30M', 30 * MINUTE], ['P1DT2H', 26 * 60 * MINUTE], ['PT1H0M5S', 3_605_000]] as const) {
      assert.equal(durationMs(text), ms, `${text} in ms`);
    }
    for (const [ms, text] of [[0, 'PT0S'], [30 * MINUTE, 'PT30M'], [26 * 60 * MINUTE, 'P1DT2H'], [86_400_000, 'P1D'], [90_500, 'PT1M30.5S']] as const) {
      assert.equal(durationText(ms), text, `${ms} ms as a duration`);
      assert.equal(durationMs(durationText(ms)), ms, `${text} reads back`);
    }
    assert.equal(durationMs('P'), undefined, 'P alone is no duration');
    assert.equal(durationMs('PT'), undefined, 'PT alone is no duration');
  });
});
