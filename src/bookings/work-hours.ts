// Working hours (bookingWorkHours: a day and its time slots), as a business's businessHours and a staff
// member's workingHours hold them: each day at most once, each slot starting before it ends. Values arrive
// validated (days are dayOfWeek members, times Edm.TimeOfDay) and under their storage names (startTime, endTime:
// beta's start and end are stored under v1.0's names, see src/model/versions.ts).
import { badRequest } from '../http/errors.js';

/** Seconds since midnight of an Edm.TimeOfDay (`08:00`, `17:30:00.0000000`). */
export function timeOfDaySeconds(time: string): number {
  const [h = '0', m = '0', s = '0'] = time.split(':');
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

export function checkWorkHours(property: string, hours: unknown): void {
  if (!Array.isArray(hours)) return;
  const days = new Set<string>();
  hours.forEach((entry, i) => {
    const { day, timeSlots } = (entry ?? {}) as { day?: unknown; timeSlots?: unknown };
    if (typeof day !== 'string') throw badRequest(`The property '${property}[${i}]/day' is required.`);
    if (days.has(day)) throw badRequest(`The property '${property}' lists the day '${day}' more than once.`);
    days.add(day);
    if (!Array.isArray(timeSlots)) return;
    timeSlots.forEach((slot, j) => {
      const { startTime, endTime } = (slot ?? {}) as { startTime?: unknown; endTime?: unknown };
      const where = `${property}[${i}]/timeSlots[${j}]`;
      if (typeof startTime !== 'string' || typeof endTime !== 'string') throw badRequest(`The time slot '${where}' needs a start and an end.`);
      if (timeOfDaySeconds(startTime) >= timeOfDaySeconds(endTime)) {
        throw badRequest(`The time slot '${where}' must start before it ends ('${startTime}' is not before '${endTime}').`);
      }
    });
  });
}
