// A staff member's availability over a window (getStaffAvailability), as a pure computation: the window is cut
// into consecutive items, each with one status —
//  - busy: an appointment of theirs (with its pre- and post-buffer) that is full: one attendee at most, or as
//    many customers as it takes (Graph: "maxAttendeecount equal to 1 or … without any available slots");
//  - slotsAvailable: only appointments with room for more customers (group services);
//  - available: within their working hours, with no appointment;
//  - outOfOffice: outside their working hours, with no appointment.
// Busy wins over slotsAvailable, an appointment over working hours. A minute is within working hours when its
// wall-clock time, in the hours' time zone, falls in a time slot of that weekday. Items of one status (and one
// service) that touch are merged; busy and slotsAvailable items name the appointment's service.
import { timeOfDaySeconds } from './work-hours.js';
import { instantOfWallTime, wallClock } from './time-zones.js';

export type AvailabilityStatus = 'available' | 'busy' | 'slotsAvailable' | 'outOfOffice';

/** Working hours as stored (bookingWorkHours, v1.0 names): a weekday and its time slots. */
export interface WorkHours {
  day: string;
  timeSlots?: Array<{ startTime: string; endTime: string }> | null;
}

export interface BookedAppointment {
  start: number;
  end: number;
  preBufferMs: number;
  postBufferMs: number;
  serviceId: string;
  maximumAttendeesCount: number;
  filledAttendeesCount: number;
}

export interface AvailabilityInput {
  /** The window, ms since the epoch, `from` < `to`. */
  from: number;
  to: number;
  workingHours: WorkHours[];
  /** IANA zone the working hours are wall-clock times in. */
  zone: string;
  appointments: BookedAppointment[];
}

export interface AvailabilityInterval {
  start: number;
  end: number;
  status: AvailabilityStatus;
  serviceId: string;
}

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_MS = 86_400_000;

/** A group appointment with room left offers slots; any other appointment makes its staff busy. */
export function isFull(a: Pick<BookedAppointment, 'maximumAttendeesCount' | 'filledAttendeesCount'>): boolean {
  return a.maximumAttendeesCount <= 1 || a.filledAttendeesCount >= a.maximumAttendeesCount;
}

/** The instants the working hours cover around the window, as [start, end) intervals. */
function workingIntervals(input: AvailabilityInput): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const first = wallClock(input.from - DAY_MS, input.zone);
  const last = wallClock(input.to + DAY_MS, input.zone);
  const lastDay = Date.UTC(last.year, last.month - 1, last.day);
  for (let day = Date.UTC(first.year, first.month - 1, first.day); day <= lastDay; day += DAY_MS) {
    const weekday = WEEKDAYS[new Date(day).getUTCDay()];
    for (const hours of input.workingHours) {
      if (hours.day !== weekday) continue;
      for (const slot of hours.timeSlots ?? []) {
        const start = instantOfWallTime(day + timeOfDaySeconds(slot.startTime) * 1000, input.zone);
        const end = instantOfWallTime(day + timeOfDaySeconds(slot.endTime) * 1000, input.zone);
        if (end > start) out.push([start, end]);
      }
    }
  }
  return out;
}

export function staffAvailability(input: AvailabilityInput): AvailabilityInterval[] {
  const { from, to } = input;
  if (!(to > from)) return [];
  const working = workingIntervals(input);
  const spans = input.appointments
    .map((a) => ({ a, start: a.start - Math.max(0, a.preBufferMs), end: a.end + Math.max(0, a.postBufferMs) }))
    .filter((s) => s.end > from && s.start < to && s.end > s.start)
    .sort((x, y) => x.start - y.start || x.end - y.end);
  const cuts = new Set<number>([from, to]);
  for (const [s, e] of working) for (const t of [s, e]) if (t > from && t < to) cuts.add(t);
  for (const s of spans) for (const t of [s.start, s.end]) if (t > from && t < to) cuts.add(t);
  const points = [...cuts].sort((x, y) => x - y);

  const out: AvailabilityInterval[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    // Every interval's ends are cuts: one that covers any of [a, b) covers all of it.
    const covering = spans.filter((s) => s.start <= a && a < s.end);
    let status: AvailabilityStatus;
    let serviceId = '';
    const full = covering.find((s) => isFull(s.a));
    if (full) {
      status = 'busy';
      serviceId = full.a.serviceId;
    } else if (covering.length) {
      status = 'slotsAvailable';
      serviceId = covering[0]!.a.serviceId;
    } else {
      status = working.some(([s, e]) => s <= a && a < e) ? 'available' : 'outOfOffice';
    }
    const prev = out[out.length - 1];
    if (prev && prev.status === status && prev.serviceId === serviceId && prev.end === a) prev.end = b;
    else out.push({ start: a, end: b, status, serviceId });
  }
  return out;
}
