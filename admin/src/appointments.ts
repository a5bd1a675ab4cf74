// What the calendar's views share about an appointment: where they live, their start/end by API version,
// and how one reads on the page.
import type { Entity } from './api';
import { businessPath } from './components/Businesses';

/** An appointment with its start and end as instants and the staff it names. */
export interface Placed {
  entity: Entity;
  start: number;
  end: number;
  staffIds: string[];
}

export const appointmentsPath = (businessId: string) => `${businessPath(businessId)}/appointments`;

/** Graph's staff and service ids are GUIDs, compared ignoring case. */
export const sameId = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

/** The names a version gives an appointment's start and end (one stored value). */
export function timeNames(version: string): { start: string; end: string } {
  return version === 'beta' ? { start: 'start', end: 'end' } : { start: 'startDateTime', end: 'endDateTime' };
}

/** The customer an appointment is for: its customerName, else its first customer's name. */
export function customerOf(a: Entity): string {
  const first = Array.isArray(a.customers) ? (a.customers[0] as { name?: unknown } | undefined) : undefined;
  return String(a.customerName || first?.name || '');
}
