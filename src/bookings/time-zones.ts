// Graph's dateTimeTimeZone ({dateTime, timeZone}) as an instant, and back. A time zone is a Windows name
// (`Pacific Standard Time`, mapped to IANA by src/bookings/data/windows-zones.ts) or an IANA name Intl knows
// (`America/Chicago`, `UTC`); names match ignoring case. The dateTime is a wall-clock time in that zone
// (`2018-05-01T12:00:00.0000000`); one written with an offset or `Z` (Graph's own examples send
// `…+00:00`) means that instant whatever the zone. Intl does the zone arithmetic: no dependency.
import { badRequest } from '../http/errors.js';
import { WINDOWS_ZONES } from './data/windows-zones.js';

const WINDOWS_BY_LOWER = new Map(Object.entries(WINDOWS_ZONES).map(([name, iana]) => [name.toLowerCase(), iana]));
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The IANA zone a time-zone name stands for, or undefined when it names none. */
export function ianaZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return undefined;
  const windows = WINDOWS_BY_LOWER.get(trimmed.toLowerCase());
  if (windows) return windows;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock fields, in `zone`, of an instant (ms since the epoch). */
export function wallClock(ms: number, zone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number } {
  const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  return {
    year,
    month,
    day,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** How far `zone`'s wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a wall-clock time in `zone` names (`wallMs` is the wall time read as if it were UTC). A time
 * that a spring-forward gap skips is taken after the gap; one a fall-back repeats, its first occurrence.
 */
export function instantOfWallTime(wallMs: number, zone: string): number {
  const first = wallMs - offsetAt(wallMs, zone);
  const second = wallMs - offsetAt(first, zone);
  if (first === second) return first;
  // Around a transition the two guesses differ: the earlier one that reads back as the wall time, else the later.
  const candidates = [Math.min(first, second), Math.max(first, second)];
  for (const c of candidates) if (c + offsetAt(c, zone) === wallMs) return c;
  return Math.max(first, second);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * The instant (ms since the epoch) of a dateTimeTimeZone value; a 400 naming `where` when the zone is not one
 * or the dateTime is not a date and time. Without a zone the time is UTC (Graph's default).
 */
export function instantOf(value: unknown, where: string): number {
  const { dateTime, timeZone } = (value ?? {}) as { dateTime?: unknown; timeZone?: unknown };
  if (typeof dateTime !== 'string') throw badRequest(`The property '${where}/dateTime' is required.`);
  // Graph's own examples put spaces after the colons (`2022-01-25T00: 00: 00`); whitespace carries nothing.
  const m = DATE_TIME.exec(dateTime.replace(/\s+/g, ''));
  const invalid = () => badRequest(`Invalid value for property '${where}/dateTime': '${dateTime}' is not a date and time (yyyy-MM-ddTHH:mm:ss).`);
  if (!m) throw invalid();
  const [, y, mo, d, h, mi, s = '0', fraction = '', offset] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(fraction.padEnd(3, '0').slice(0, 3)));
  const check = new Date(wall);
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw invalid();
  }
  let zone = 'UTC';
  if (timeZone !== null && timeZone !== undefined && timeZone !== '') {
    const iana = typeof timeZone === 'string' ? ianaZone(timeZone) : undefined;
    if (!iana) throw badRequest(`Invalid value for property '${where}/timeZone': '${String(timeZone)}' is not a Windows or IANA time zone name.`);
    zone = iana;
  }
  if (offset) {
    if (offset.toUpperCase() === 'Z') return wall;
    const sign = offset.startsWith('-') ? -1 : 1;
    const [oh, om] = offset.slice(1).split(':').map(Number) as [number, number];
    if (oh > 14 || om > 59) throw invalid();
    return wall - sign * (oh * 3600_000 + om * 60_000);
  }
  return instantOfWallTime(wall, zone);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as Graph writes a stored start or end: `{dateTime: '2018-05-01T12:00:00.0000000Z', timeZone: 'UTC'}`. */
export function utcDateTimeTimeZone(ms: number): { dateTime: string; timeZone: string } {
  const iso = new Date(ms).toISOString(); // 2018-05-01T12:00:00.000Z
  return { dateTime: `${iso.slice(0, 23)}0000Z`, timeZone: 'UTC' };
}

/** An instant as a wall-clock time in the zone `name` (kept as the caller wrote it): `2022-01-24T08:00:00`. */
export function zonedDateTimeTimeZone(ms: number, name: string): { dateTime: string; timeZone: string } {
  const zone = ianaZone(name) ?? 'UTC';
  const w = wallClock(ms, zone);
  return { dateTime: `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`, timeZone: name };
}

/** Edm.Duration text (`PT30M`, `P1DT2H`, `-PT5M`) as ms; undefined when it is not one. */
export function durationMs(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text.endsWith('T') || text === 'P' || text === '-P') return undefined;
  const [, neg, d = '0', h = '0', mi = '0', s = '0'] = m;
  const ms = ((Number(d) * 24 + Number(h)) * 60 + Number(mi)) * 60_000 + Math.round(Number(s) * 1000);
  return neg ? -ms : ms;
}

/** ms as Edm.Duration text, as Graph writes one (`PT30M`, `P1DT1H`, `PT0S`). */
export function durationText(ms: number): string {
  if (ms === 0) return 'PT0S';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `${sign}P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
