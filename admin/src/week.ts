// Calendar arithmetic in a business's time zone: days as YYYY-MM-DD, times as HH:MM, both wall-clock there.
// The zone arithmetic is the server's own (src/bookings/time-zones.ts, bundled), so the page and the server
// agree on what "9:00 on Monday in Pacific Standard Time" is.
import { ianaZone, instantOf, instantOfWallTime, wallClock } from '../../src/bookings/time-zones.js';

export interface Zone {
  /** The name the business gives (Windows or IANA), sent with the times the page writes. */
  name: string;
  /** Its IANA name, for Intl. */
  iana: string;
}

/** The business's time zone (bookingPageSettings.businessTimeZone), UTC when it names none, as the server reads it. */
export function businessZone(business: Record<string, unknown> | null): Zone {
  const settings = business?.bookingPageSettings as { businessTimeZone?: unknown } | null | undefined;
  const name = typeof settings?.businessTimeZone === 'string' ? settings.businessTimeZone.trim() : '';
  const iana = name ? ianaZone(name) : undefined;
  return iana ? { name, iana } : { name: 'UTC', iana: 'UTC' };
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayOfMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A YYYY-MM-DD day as ms at its UTC midnight (a wall-clock date, not an instant). */
const msOfDay = (day: string) => Date.parse(`${day}T00:00:00Z`);

export function addDays(day: string, n: number): string {
  return dayOfMs(msOfDay(day) + n * 86_400_000);
}

/** How many days `to` is after `from`. */
export function daysBetween(from: string, to: string): number {
  return Math.round((msOfDay(to) - msOfDay(from)) / 86_400_000);
}

/** The Monday of the week a day is in. */
export function mondayOf(day: string): string {
  const weekday = new Date(msOfDay(day)).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** The day and time an instant is, on the zone's wall clock. */
export function wallOf(ms: number, zone: Zone): { day: string; time: string } {
  const w = wallClock(ms, zone.iana);
  return { day: `${w.year}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}` };
}

export function today(zone: Zone): string {
  return wallOf(Date.now(), zone).day;
}

/** The instant a day and time on the zone's wall clock name. */
export function instantAt(day: string, time: string, zone: Zone): number {
  return instantOfWallTime(Date.parse(`${day}T${time}:00Z`), zone.iana);
}

/** A day and time plus a duration, on the wall clock (what an end time defaults to). */
export function addToWallTime(day: string, time: string, ms: number): { day: string; time: string } {
  const t = Date.parse(`${day}T${time}:00Z`) + ms;
  const iso = new Date(t).toISOString();
  return { day: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** A dateTimeTimeZone the server answered as an instant (ms), or undefined when it is not one. */
export function instantOfValue(value: unknown): number | undefined {
  try {
    return instantOf(value, 'start');
  } catch {
    return undefined;
  }
}

/** "Mon 30 Nov" for a day. */
export function dayLabel(day: string): string {
  return new Date(msOfDay(day)).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** "30 Nov 2026" for a day. */
export function longDay(day: string): string {
  return new Date(msOfDay(day)).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}
