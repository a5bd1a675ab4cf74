// getStaffAvailability, bound to a bookingBusiness: for each staff member asked about, their availability
// between startDateTime and endDateTime (src/bookings/availability.ts computes it) from their working hours —
// the business's when `useBusinessHours` — and their appointments with the appointments' buffers. Working hours
// are wall-clock times in the business's time zone (bookingPageSettings.businessTimeZone, else UTC), or the
// staff member's own `timeZone` for their own hours. Items are written in the zone the request's startDateTime
// names (UTC without one), as Graph answers in one zone for all items.
import { badRequest } from '../http/errors.js';
import type { ActionHandler } from '../handlers/hooks.js';
import { STAFF_MEMBER_TYPE } from '../model/schemas/bookings-catalogue.js';
import { APPOINTMENT_TYPE } from '../model/schemas/bookings-appointments.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { appointmentsOf, storedSpan } from './booking-appointment.js';
import { staffAvailability, type BookedAppointment, type WorkHours } from './availability.js';
import { tableOf } from './references.js';
import { durationMs, ianaZone, instantOf, zonedDateTimeTimeZone } from './time-zones.js';

/** The longest window one call may ask about (Graph's docs give none; a bound keeps every answer small). */
export const MAX_AVAILABILITY_WINDOW_DAYS = 62;

export function getStaffAvailabilityHandler(store: Store, schema: StorageSchema): ActionHandler {
  const staffTable = tableOf(schema, STAFF_MEMBER_TYPE);
  const appointmentTable = tableOf(schema, APPOINTMENT_TYPE);
  return async (business, parameters, hc) => {
    const from = instantOf(parameters.startDateTime, 'startDateTime');
    const to = instantOf(parameters.endDateTime, 'endDateTime');
    if (to <= from) throw badRequest("The parameter 'endDateTime' must be after 'startDateTime'.");
    if (to - from > MAX_AVAILABILITY_WINDOW_DAYS * 86_400_000) {
      throw badRequest(`The window from 'startDateTime' to 'endDateTime' is longer than ${MAX_AVAILABILITY_WINDOW_DAYS} days.`);
    }
    const outZone = String((parameters.startDateTime as { timeZone?: unknown }).timeZone || 'UTC');
    const scope = { tenantId: hc.target.scope.tenantId, parentKey: business.idKey };
    const b = business.values;
    const settings = b.bookingPageSettings as { businessTimeZone?: unknown } | null;
    const businessZone = (typeof settings?.businessTimeZone === 'string' && ianaZone(settings.businessTimeZone)) || 'UTC';
    const ids = parameters.staffIds as string[];
    const members = [];
    for (const [i, id] of ids.entries()) {
      const member = await store.get(staffTable, scope, id.toLowerCase());
      if (!member) throw badRequest(`The staff member '${id}' in 'staffIds[${i}]' is not a staff member of this business.`);
      members.push(member);
    }
    const appointments = members.length ? await appointmentsOf(store, appointmentTable, scope) : [];
    return members.map((member) => {
      const m = member.values;
      const own = m.useBusinessHours === false;
      const key = member.idKey;
      const booked: BookedAppointment[] = appointments
        .filter((a) => ((a.values.staffMemberIds as string[] | null) ?? []).some((s) => s.toLowerCase() === key))
        .map((a) => ({
          ...storedSpan(a.values),
          preBufferMs: durationMs(a.values.preBuffer) ?? 0,
          postBufferMs: durationMs(a.values.postBuffer) ?? 0,
          serviceId: String(a.values.serviceId ?? ''),
          maximumAttendeesCount: Number(a.values.maximumAttendeesCount ?? 1),
          filledAttendeesCount: Number(a.values.filledAttendeesCount ?? 0),
        }));
      const intervals = staffAvailability({
        from,
        to,
        workingHours: ((own ? m.workingHours : b.businessHours) as WorkHours[] | null) ?? [],
        zone: own ? (typeof m.timeZone === 'string' && ianaZone(m.timeZone)) || businessZone : businessZone,
        appointments: booked,
      });
      return {
        staffId: m.id,
        availabilityItems: intervals.map((it) => ({
          status: it.status,
          startDateTime: zonedDateTimeTimeZone(it.start, outZone),
          endDateTime: zonedDateTimeTimeZone(it.end, outZone),
          serviceId: it.serviceId,
        })),
      };
    });
  };
}
