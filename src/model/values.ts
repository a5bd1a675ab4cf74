// EDM primitive values: checking JSON input against a declared type and bringing it to canonical form.
import type { EdmPrimitive } from './edm.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

const DATE_TIME_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,7}))?)?$/;
const DURATION = /^-?P(?!$)(\d+D)?(T(?!$)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a value does not fit its type, or undefined when it does. `canonical` is set when it does. */
export interface Checked {
  ok: boolean;
  canonical?: unknown;
}

function validCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/**
 * DateTimeOffset canonical form: UTC, always seven fractional digits, so that stored values sort as text
 * in time order on every engine. `formatDateTimeOffset` trims it for output.
 */
export function canonicalDateTimeOffset(text: string): string | undefined {
  const m = DATE_TIME_OFFSET.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '00', frac = '', zone] = m;
  if (!validCalendarDate(+y!, +mo!, +d!) || +h! > 23 || +mi! > 59 || +s > 59) return undefined;
  let offsetMinutes = 0;
  if (zone!.toUpperCase() !== 'Z') {
    const sign = zone![0] === '-' ? -1 : 1;
    const oh = +zone!.slice(1, 3);
    const om = +zone!.slice(4, 6);
    if (oh > 14 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s) - offsetMinutes * 60_000;
  const utc = new Date(ms);
  if (Number.isNaN(utc.getTime())) return undefined;
  const year = utc.getUTCFullYear();
  if (year < 1 || year > 9999) return undefined;
  return `${utc.toISOString().slice(0, 19)}.${frac.padEnd(7, '0')}Z`;
}

/** Canonical stored text -> Graph's wire form (fraction trimmed of trailing zeros). */
export function formatDateTimeOffset(stored: string): string {
  return stored.replace(/\.?0+Z$/, 'Z');
}

/** Canonical stored text -> epoch milliseconds. */
export function dateTimeOffsetMs(canonical: string): number {
  return Date.parse(`${canonical.slice(0, 23)}Z`);
}

export function nowDateTimeOffset(): string {
  const iso = new Date().toISOString(); // ms precision
  return `${iso.slice(0, 23)}0000Z`;
}

export function checkPrimitive(type: EdmPrimitive, value: unknown): Checked {
  switch (type) {
    case 'Edm.String':
      return { ok: typeof value === 'string', canonical: value };
    case 'Edm.Boolean':
      return { ok: typeof value === 'boolean', canonical: value };
    case 'Edm.Int32':
      return {
        ok: typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX,
        canonical: value,
      };
    case 'Edm.Int64':
      return { ok: typeof value === 'number' && Number.isSafeInteger(value), canonical: value };
    case 'Edm.Double':
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, canonical: value };
      return { ok: value === 'NaN' || value === 'INF' || value === '-INF', canonical: value };
    case 'Edm.DateTimeOffset': {
      const c = typeof value === 'string' ? canonicalDateTimeOffset(value) : undefined;
      return { ok: c !== undefined, canonical: c };
    }
    case 'Edm.Date': {
      const m = typeof value === 'string' ? DATE.exec(value) : null;
      return { ok: !!m && validCalendarDate(+m[1]!, +m[2]!, +m[3]!), canonical: value };
    }
    case 'Edm.TimeOfDay':
      return { ok: typeof value === 'string' && TIME_OF_DAY.test(value), canonical: value };
    case 'Edm.Duration':
      return { ok: typeof value === 'string' && DURATION.test(value), canonical: value };
    case 'Edm.Guid':
      return { ok: typeof value === 'string' && GUID.test(value), canonical: typeof value === 'string' ? value.toLowerCase() : value };
  }
}

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

/** How a JSON value is described in error messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}
