// The calendar's forms: book an appointment (POST …/appointments), and, on one, move it (PATCH with If-Match)
// or cancel it (POST …/cancel with a cancellation message). Times are the business's wall clock, sent under
// its zone's name; what the server refuses (400, 409) is shown in the form, next to the field it names, and
// what was entered stays.
import { useState } from 'preact/hooks';
import { seg, type Entity } from '../api';
import { useAll } from '../collection';
import { useApp } from '../context';
import { propertyNamed } from '../model';
import { addDays, addToWallTime, daysBetween, longDay, wallOf, type Zone } from '../week';
import { durationMs } from '../../../src/bookings/time-zones.js';
import { ifMatch } from './Business';
import { businessPath } from './Businesses';
import { appointmentsPath, customerOf, sameId, timeNames, type Placed } from '../appointments';
import { ErrorBox } from './ErrorBox';

/** Which field of the form a server message is about (it quotes the property, e.g. 'end' or 'start/dateTime'). */
function fieldOfError(err: unknown, version: string): string | undefined {
  const message = (err as { info?: { message?: unknown } })?.info?.message;
  if (typeof message !== 'string') return undefined;
  const names = timeNames(version);
  const prop = propertyNamed(message, [names.start, names.end, 'serviceId', 'staffMemberIds', 'customers']);
  return prop === names.start ? 'start' : prop === names.end ? 'end' : prop;
}

const wall = (day: string, time: string, zone: Zone) => ({ dateTime: `${day}T${time}:00`, timeZone: zone.name });

function FieldError({ field, error, version }: { field: string; error: unknown; version: string }) {
  if (!error || fieldOfError(error, version) !== field) return null;
  return <span class="field-error">{(error as { info: { message: string } }).info.message}</span>;
}

/** One checkbox per staff member offered. */
function StaffChecks({ offered, chosen, onChange }: { offered: Entity[]; chosen: string[]; onChange(ids: string[]): void }) {
  return (
    <fieldset class="group" data-testid="appointment-staff">
      <legend>Staff</legend>
      {offered.length === 0 && <p class="muted">This business has no staff members yet.</p>}
      {offered.map((s) => (
        <label class="check" key={s.id}>
          <input
            type="checkbox"
            checked={chosen.some((c) => sameId(c, s.id))}
            onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked ? [...chosen, s.id] : chosen.filter((c) => !sameId(c, s.id)))}
          />
          <span>{String(s.displayName)}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** The staff a service is given by (its staffMemberIds), or every staff member when it names none. */
function staffOf(service: Entity | undefined, staff: Entity[], keep: string[] = []): Entity[] {
  const ids = Array.isArray(service?.staffMemberIds) ? (service!.staffMemberIds as string[]) : [];
  if (!ids.length) return staff;
  return staff.filter((s) => ids.some((i) => sameId(i, s.id)) || keep.some((k) => sameId(k, s.id)));
}

interface BookProps {
  businessId: string;
  zone: Zone;
  defaultDay: string;
  onBooked(day: string): void;
  onCancel(): void;
}

export function BookForm({ businessId, zone, defaultDay, onBooked, onCancel }: BookProps) {
  const { client, version } = useApp();
  const services = useAll(`${businessPath(businessId)}/services?$select=id,displayName,defaultDuration,staffMemberIds&$orderby=displayName`);
  const staff = useAll(`${businessPath(businessId)}/staffMembers?$select=id,displayName&$orderby=displayName`);
  const customers = useAll(`${businessPath(businessId)}/customers?$select=id,displayName,emailAddress&$orderby=displayName`);
  const [serviceId, setServiceId] = useState('');
  const [staffIds, setStaffIds] = useState<string[]>([]);
  const [customerId, setCustomerId] = useState('');
  const [day, setDay] = useState(defaultDay);
  const [start, setStart] = useState('09:00');
  const [end, setEnd] = useState('');
  /** Whether the end was typed (else it follows the start and the service's duration). */
  const [endTyped, setEndTyped] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const service = services.items?.find((s) => s.id === serviceId);
  const endFor = (svc: Entity | undefined, d: string, t: string) => {
    const ms = durationMs(svc?.defaultDuration);
    return ms && /^\d{2}:\d{2}$/.test(t) && d ? addToWallTime(d, t, ms).time : '';
  };
  const shownEnd = endTyped ? end : endFor(service, day, start);
  const chooseService = (id: string) => {
    const svc = services.items?.find((s) => s.id === id);
    setServiceId(id);
    const offered = staffOf(svc, staff.items ?? []);
    // Keep what still fits; a service given by one staff member gets them.
    const kept = staffIds.filter((c) => offered.some((s) => sameId(s.id, c)));
    setStaffIds(kept.length || offered.length !== 1 ? kept : [offered[0]!.id]);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const names = timeNames(version);
    const body: Record<string, unknown> = {
      serviceId,
      staffMemberIds: staffIds,
      customers: customerId ? [{ '@odata.type': '#microsoft.graph.bookingCustomerInformation', customerId }] : [],
      [names.start]: wall(day, start, zone),
      [names.end]: wall(day, shownEnd, zone),
    };
    try {
      await client.request('POST', appointmentsPath(businessId), { body });
      onBooked(day);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const loading = services.items === null || staff.items === null || customers.items === null;
  return (
    <form class="card calendar-form" aria-label="Book appointment" aria-busy={loading} onSubmit={submit}>
      <h3>Book an appointment</h3>
      <ErrorBox error={services.error || staff.error || customers.error} />
      <div class="form-grid">
        <div class="field">
          <label for="book-service">Service</label>
          <select id="book-service" value={serviceId} onChange={(e) => chooseService((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">—</option>
            {services.items?.map((s) => (
              <option key={s.id} value={s.id}>
                {String(s.displayName)}
              </option>
            ))}
          </select>
          <FieldError field="serviceId" error={error} version={version} />
        </div>
        <div class="field">
          <label for="book-customer">Customer</label>
          <select id="book-customer" value={customerId} onChange={(e) => setCustomerId((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">—</option>
            {customers.items?.map((c) => (
              <option key={c.id} value={c.id}>
                {String(c.displayName)}
                {c.emailAddress ? ` (${String(c.emailAddress)})` : ''}
              </option>
            ))}
          </select>
          <FieldError field="customers" error={error} version={version} />
        </div>
        <div class="field">
          <label for="book-day">Date</label>
          <input id="book-day" type="date" value={day} onInput={(e) => setDay((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="book-start">Start time</label>
          <input id="book-start" type="time" value={start} onInput={(e) => setStart((e.currentTarget as HTMLInputElement).value)} />
          <FieldError field="start" error={error} version={version} />
        </div>
        <div class="field">
          <label for="book-end">End time</label>
          <input
            id="book-end"
            type="time"
            value={shownEnd}
            onInput={(e) => {
              setEndTyped(true);
              setEnd((e.currentTarget as HTMLInputElement).value);
            }}
          />
          <span class="hint">{service?.defaultDuration ? `The service takes ${String(service.defaultDuration)}.` : 'From the service’s duration.'}</span>
          <FieldError field="end" error={error} version={version} />
        </div>
      </div>
      {staff.items && <StaffChecks offered={staffOf(service, staff.items, staffIds)} chosen={staffIds} onChange={setStaffIds} />}
      <FieldError field="staffMemberIds" error={error} version={version} />
      <p class="hint">Times are the business’s ({zone.name}).</p>
      <ErrorBox error={error} onDismiss={() => setError(null)} />
      <div class="row actions">
        <button type="submit" disabled={busy || loading}>
          {busy ? 'Booking…' : 'Book'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Close
        </button>
      </div>
    </form>
  );
}

interface PanelProps {
  businessId: string;
  zone: Zone;
  appointment: Placed;
  onMoved(day: string): void;
  onCancelled(): void;
  onClose(): void;
}

/** One appointment: what it is, and the forms that move or cancel it. */
export function AppointmentPanel({ businessId, zone, appointment, onMoved, onCancelled, onClose }: PanelProps) {
  const { client, version } = useApp();
  const a = appointment.entity;
  const path = `${appointmentsPath(businessId)}/${seg(a.id)}`;
  const staff = useAll(`${businessPath(businessId)}/staffMembers?$select=id,displayName&$orderby=displayName`);
  const services = useAll(`${businessPath(businessId)}/services?$select=id,staffMemberIds`);
  const s = wallOf(appointment.start, zone);
  const e = wallOf(appointment.end, zone);
  const [day, setDay] = useState(s.day);
  const [start, setStart] = useState(s.time);
  const [end, setEnd] = useState(e.time);
  const [staffIds, setStaffIds] = useState<string[]>(appointment.staffIds);
  const [message, setMessage] = useState('');
  const [moveError, setMoveError] = useState<unknown>(null);
  const [cancelError, setCancelError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');

  const move = async (ev: Event) => {
    ev.preventDefault();
    setMoveError(null);
    setNote('');
    const names = timeNames(version);
    const body: Record<string, unknown> = {};
    // The end keeps its day offset from the start (an appointment past midnight stays one).
    const endDay = addDays(day, daysBetween(s.day, e.day));
    if (day !== s.day || start !== s.time || end !== e.time) {
      body[names.start] = wall(day, start, zone);
      body[names.end] = wall(endDay, end, zone);
    }
    const sorted = (l: string[]) => l.map((x) => x.toLowerCase()).sort().join();
    if (sorted(staffIds) !== sorted(appointment.staffIds)) body.staffMemberIds = staffIds;
    if (!Object.keys(body).length) {
      setNote('Nothing changed.');
      return;
    }
    setBusy(true);
    try {
      await client.request('PATCH', path, { body, headers: ifMatch(a) });
      onMoved(day);
    } catch (err) {
      setMoveError(err);
    } finally {
      setBusy(false);
    }
  };
  const cancel = async (ev: Event) => {
    ev.preventDefault();
    setCancelError(null);
    setBusy(true);
    try {
      await client.request('POST', `${path}/cancel`, { body: { cancellationMessage: message } });
      onCancelled();
    } catch (err) {
      setCancelError(err);
    } finally {
      setBusy(false);
    }
  };

  const service = services.items?.find((x) => sameId(x.id, a.serviceId));
  const names = (ids: string[]) => ids.map((i) => String(staff.items?.find((m) => sameId(m.id, i))?.displayName ?? i)).join(', ') || '—';
  return (
    <section class="card appointment-panel" data-testid="appointment-panel" data-appointment={a.id} aria-label="Appointment">
      <div class="title-row">
        <h3>
          {String(a.serviceName ?? '')} · {customerOf(a) || '—'}
        </h3>
        <button type="button" class="link" onClick={onClose} aria-label="Close appointment">
          ×
        </button>
      </div>
      <p data-testid="appointment-when">
        {longDay(s.day)}, {s.time}–{e.day === s.day ? e.time : `${longDay(e.day)} ${e.time}`} <span class="muted">({zone.name})</span> · Staff: {names(appointment.staffIds)}
      </p>
      <form class="calendar-form" aria-label="Move appointment" onSubmit={move}>
        <h4>Move</h4>
        <div class="form-grid">
          <div class="field">
            <label for="move-day">Date</label>
            <input id="move-day" type="date" value={day} onInput={(x) => setDay((x.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="move-start">Start time</label>
            <input id="move-start" type="time" value={start} onInput={(x) => setStart((x.currentTarget as HTMLInputElement).value)} />
            <FieldError field="start" error={moveError} version={version} />
          </div>
          <div class="field">
            <label for="move-end">End time</label>
            <input id="move-end" type="time" value={end} onInput={(x) => setEnd((x.currentTarget as HTMLInputElement).value)} />
            <FieldError field="end" error={moveError} version={version} />
          </div>
        </div>
        {staff.items && services.items && <StaffChecks offered={staffOf(service, staff.items, appointment.staffIds)} chosen={staffIds} onChange={setStaffIds} />}
        <ErrorBox error={moveError} onDismiss={() => setMoveError(null)} />
        {note && <p class="note">{note}</p>}
        <div class="row actions">
          <button type="submit" disabled={busy}>
            Move appointment
          </button>
        </div>
      </form>
      <form class="calendar-form" aria-label="Cancel appointment" onSubmit={cancel}>
        <h4>Cancel</h4>
        <label class="field">
          Cancellation message
          <textarea rows={2} value={message} onInput={(x) => setMessage((x.currentTarget as HTMLTextAreaElement).value)} />
        </label>
        <ErrorBox error={cancelError} onDismiss={() => setCancelError(null)} />
        <div class="row actions">
          <button type="submit" class="danger" disabled={busy}>
            Cancel appointment
          </button>
        </div>
      </form>
    </section>
  );
}
