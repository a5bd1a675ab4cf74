// A business's calendar: one week (Monday to Sunday on the business's wall clock, bookingPageSettings'
// businessTimeZone, else UTC) of its appointments, read from calendarView (every page), one lane per staff
// member and one for appointments that name none. An appointment opens a panel that moves it (PATCH with
// If-Match) or cancels it (POST …/cancel); the book form posts a new one. Times are written in the business's
// zone under its own name, and in the shape of the page's API version (beta's start/end, v1.0's
// startDateTime/endDateTime), so the server does the zone arithmetic as it would for any client.
import { useEffect, useState } from 'preact/hooks';
import type { Collection, Entity } from '../api';
import { useAll } from '../collection';
import { useApp } from '../context';
import { href, navigate } from '../router';
import { addDays, businessZone, dayLabel, instantAt, instantOfValue, longDay, mondayOf, today, wallOf, type Zone } from '../week';
import { BusinessFrame, useBusiness } from './Business';
import { businessPath } from './Businesses';
import { ErrorBox } from './ErrorBox';
import { AppointmentPanel, BookForm } from './CalendarForms';
import { customerOf, sameId, timeNames, type Placed } from '../appointments';

/** The appointments overlapping [from, to), every page of calendarView; reloaded when `refresh` changes. */
function useCalendarView(businessId: string, from: number, to: number, refresh: number) {
  const { client, session } = useApp();
  const [items, setItems] = useState<Entity[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Another week (or business, or session) is not this one: nothing shown until it arrives. A refresh keeps
  // the week on screen meanwhile.
  useEffect(() => {
    setItems(null);
  }, [businessId, from, to, session]);
  useEffect(() => {
    let stale = false;
    setError(null);
    (async () => {
      const all: Entity[] = [];
      const q = `start=${encodeURIComponent(new Date(from).toISOString())}&end=${encodeURIComponent(new Date(to).toISOString())}`;
      let link: string | undefined = `${businessPath(businessId)}/calendarView?${q}`;
      while (link) {
        const r: { body: Collection<Entity> } = await client.request<Collection<Entity>>('GET', link);
        all.push(...r.body.value);
        link = r.body['@odata.nextLink'];
      }
      return all;
    })().then(
      (all) => !stale && setItems(all),
      (err) => !stale && setError(err),
    );
    return () => {
      stale = true;
    };
  }, [businessId, from, to, refresh, session]);
  return { items, error };
}

export function CalendarPage({ businessId, week }: { businessId: string; week?: string }) {
  return (
    <BusinessFrame id={businessId} active="calendar">
      <Calendar businessId={businessId} week={week} />
    </BusinessFrame>
  );
}

function Calendar({ businessId, week }: { businessId: string; week?: string }) {
  const { version } = useApp();
  const { business, error } = useBusiness(businessId);
  // The week is the business's: wait for it (and its zone) before asking for appointments. An error loading
  // it is shown by the frame above.
  if (!business) return error ? null : <p class="muted">Loading…</p>;
  return <Week key={version} businessId={businessId} zone={businessZone(business)} week={week} />;
}

function Week({ businessId, zone, week }: { businessId: string; zone: Zone; week?: string }) {
  const { version } = useApp();
  const monday = mondayOf(week ?? today(zone));
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  const from = instantAt(monday, '00:00', zone);
  const to = instantAt(addDays(monday, 7), '00:00', zone);
  const [refresh, setRefresh] = useState(0);
  const { items, error } = useCalendarView(businessId, from, to, refresh);
  const staff = useAll(`${businessPath(businessId)}/staffMembers?$select=id,displayName&$orderby=displayName`);
  const [selected, setSelected] = useState<string | null>(null);
  const [booking, setBooking] = useState(false);
  const [notice, setNotice] = useState('');
  const names = timeNames(version);

  const placed: Placed[] = (items ?? []).flatMap((entity) => {
    const start = instantOfValue(entity[names.start]);
    const end = instantOfValue(entity[names.end]);
    if (start === undefined || end === undefined) return [];
    const staffIds = Array.isArray(entity.staffMemberIds) ? entity.staffMemberIds.filter((s): s is string => typeof s === 'string') : [];
    return [{ entity, start, end, staffIds }];
  });
  const lanes: Array<{ id: string; name: string }> = [...(staff.items ?? []).map((s) => ({ id: s.id, name: String(s.displayName) })), { id: '', name: 'Unassigned' }];
  const inLane = (p: Placed, lane: string) =>
    lane === '' ? !p.staffIds.some((s) => staff.items?.some((m) => sameId(m.id, s))) : p.staffIds.some((s) => sameId(s, lane));
  // An appointment sits on the day it starts; one that began before the week, on its Monday.
  const dayOfStart = (p: Placed) => (p.start < from ? monday : wallOf(p.start, zone).day);
  const current = placed.find((p) => p.entity.id === selected) ?? null;

  const changed = (message: string, day?: string) => {
    setNotice(message);
    setRefresh((r) => r + 1);
    if (day && mondayOf(day) !== monday) navigate(href.calendar(businessId, mondayOf(day)));
  };
  const go = (day: string) => navigate(href.calendar(businessId, mondayOf(day)));
  const busy = items === null || staff.items === null;

  return (
    <section class="calendar" data-testid="calendar">
      <div class="title-row">
        <h2>
          Week of {longDay(monday)} <span class="muted">({zone.name})</span>
        </h2>
        <div class="row" role="group" aria-label="Week">
          <button class="secondary" onClick={() => go(addDays(monday, -7))}>
            Previous week
          </button>
          <button class="secondary" onClick={() => go(today(zone))}>
            Today
          </button>
          <button class="secondary" onClick={() => go(addDays(monday, 7))}>
            Next week
          </button>
          <button onClick={() => setBooking((b) => !b)} aria-expanded={booking}>
            Book appointment
          </button>
        </div>
      </div>
      <ErrorBox error={error} />
      <ErrorBox error={staff.error} />
      {notice && (
        <p class="note ok" role="status">
          {notice}
        </p>
      )}
      {booking && (
        <BookForm
          businessId={businessId}
          zone={zone}
          defaultDay={days.includes(today(zone)) ? today(zone) : monday}
          onBooked={(day) => {
            setBooking(false);
            changed('Booked.', day);
          }}
          onCancel={() => setBooking(false)}
        />
      )}
      {current && (
        <AppointmentPanel
          key={String(current.entity['@odata.etag'] ?? current.entity.id)}
          businessId={businessId}
          zone={zone}
          appointment={current}
          onMoved={(day) => changed('Moved.', day)}
          onCancelled={() => {
            setSelected(null);
            changed('Cancelled.');
          }}
          onClose={() => {
            // Closing after a refusal (say a 412) shows the calendar as it is now.
            setSelected(null);
            setRefresh((r) => r + 1);
          }}
        />
      )}
      <div class="week-wrap">
        <table class="week" data-testid="week" aria-busy={busy} data-from={new Date(from).toISOString()}>
          <thead>
            <tr>
              <th scope="col">Staff</th>
              {days.map((d) => (
                <th scope="col" key={d} data-day={d} class={d === today(zone) ? 'today' : undefined}>
                  {dayLabel(d)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {lanes.map((lane) => (
              <tr key={lane.id} data-lane={lane.id || 'unassigned'}>
                <th scope="row">{lane.name}</th>
                {days.map((d) => {
                  const here = placed.filter((p) => inLane(p, lane.id) && dayOfStart(p) === d);
                  return (
                    <td key={d} data-day={d} data-label={dayLabel(d)} class={here.length ? undefined : 'empty'}>
                      {here.map((p) => (
                        <AppointmentCard key={p.entity.id} p={p} zone={zone} selected={p.entity.id === selected} onSelect={() => setSelected(p.entity.id)} />
                      ))}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!busy && placed.length === 0 && <p class="muted">No appointments this week.</p>}
    </section>
  );
}

function AppointmentCard({ p, zone, selected, onSelect }: { p: Placed; zone: Zone; selected: boolean; onSelect(): void }) {
  const s = wallOf(p.start, zone);
  const e = wallOf(p.end, zone);
  const time = `${s.time}–${e.day === s.day ? e.time : `${dayLabel(e.day)} ${e.time}`}`;
  return (
    <button type="button" class="appt" data-appointment={p.entity.id} aria-pressed={selected} onClick={onSelect}>
      <span class="appt-time">{time}</span>
      <span class="appt-service">{String(p.entity.serviceName ?? '')}</span>
      <span class="appt-customer">{customerOf(p.entity) || '—'}</span>
    </button>
  );
}
