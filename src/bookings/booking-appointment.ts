// What a microsoft.graph.bookingAppointment does beyond storage:
//  - start and end (beta `start`/`end`, v1.0 `startDateTime`/`endDateTime`) are dateTimeTimeZone values in a
//    Windows or IANA zone (src/bookings/time-zones.ts), stored and shown in UTC as Graph answers them; the end
//    comes after the start; `duration` is computed from them (Core.Computed);
//  - `serviceId` names a service of the business: `serviceName` is the service's, and what the client leaves
//    out comes from it (maximumAttendeesCount, price, priceType, pre/post buffers, serviceLocation, reminders);
//  - `staffMemberIds` name staff members of the business (each once);
//  - each of `customers` is a bookingCustomerInformation whose `customerId` (when given) names a customer of
//    the business, its name, email and phone filled from the customer when not given; `filledAttendeesCount`
//    is the number of customers, never more than `maximumAttendeesCount`;
//  - `customQuestionAnswers` answer custom questions of the business: the service's required questions are
//    answered, a text question with `answer`, a radioButton question with options it offers;
//  - locations as Graph keeps them (every example of its docs): no structured address — a service location's
//    address goes into its displayName (`Customer location (123 First Avenue, Buffalo, NY 98052, USA)`), a
//    customer location's is dropped; the address left is empty (beta's type `home`), the coordinates all null;
//  - an online appointment (`isLocationOnline`) without a `joinWebUrl` gets a Teams-style meeting link;
//  - beta's `customerId`, when not given, is the business's customer with the `customerEmailAddress` (Graph's
//    beta create example); Graph would create a customer when none has it, Clientele leaves it null;
//  - a staff member booked twice at once: the server's overlap policy (AppointmentOptions.overlap);
//  - `cancel` takes the appointment off the calendar, as Graph does (it is gone: a GET answers 404, delta reports
//    it removed); the cancellation message has no one to go to here;
//  - the `calendarView` of a business: its appointments overlapping `?start=&end=`, in start order.
import { randomBytes } from 'node:crypto';
import { badRequest, conflict, GraphError } from '../http/errors.js';
import type { EntityHooks, HookContext, ViewHandler } from '../handlers/hooks.js';
import { CUSTOM_QUESTION_TYPE, SERVICE_TYPE, STAFF_MEMBER_TYPE } from '../model/schemas/bookings-catalogue.js';
import { APPOINTMENT_TYPE, CUSTOMER_INFORMATION_TYPE } from '../model/schemas/bookings-appointments.js';
import { canonicalDateTimeOffset, dateTimeOffsetMs } from '../model/values.js';
import type { StorageSchema, TableDef } from '../store/schema.js';
import type { Scope, Store, StoredEntity } from '../store/store.js';
import { requireExisting, tableOf } from './references.js';
import { durationMs, durationText, ianaZone, instantOf, utcDateTimeTimeZone } from './time-zones.js';

/**
 * What the server does when an appointment would book a staff member who already has one at that time. Graph's
 * docs say nothing; a public report (microsoft-graph-docs issue 19316) has real Bookings answer 500.
 *  - `allow` (default): booked anyway, as Bookings' own calendar lets a scheduler double-book;
 *  - `reject`: 409 Conflict naming the staff member and the appointment in the way;
 *  - `graph`: the 500 the report describes, for testing a client's error handling.
 */
export type OverlapPolicy = 'allow' | 'reject' | 'graph';
export const OVERLAP_POLICIES: readonly OverlapPolicy[] = ['allow', 'reject', 'graph'];

export interface AppointmentOptions {
  overlap?: OverlapPolicy;
}

const CUSTOMER_TYPE = 'microsoft.graph.bookingCustomer';

/** What an update may recompute besides what it changes (stored names). */
const COMPUTED_ON_UPDATE = [
  'startDateTime', 'endDateTime', 'duration', 'staffMemberIds', 'customers', 'filledAttendeesCount', 'customerName', 'customerEmailAddress',
  'customerPhone', 'customerTimeZone', 'customerId', 'invoiceDate', 'serviceLocation', 'customerLocation', 'joinWebUrl',
];

type Values = Record<string, unknown>;

/** The property names a version uses for the start and end (beta's `start` is stored as `startDateTime`). */
function instantNames(hc: HookContext): { start: string; end: string } {
  return hc.target.step.type.property('start') ? { start: 'start', end: 'end' } : { start: 'startDateTime', end: 'endDateTime' };
}

const lower = (s: unknown) => String(s).toLowerCase();

/** The UTC instants of a stored appointment (stored start and end are always in UTC, see above). */
export function storedSpan(values: Values): { start: number; end: number } {
  const ms = (v: unknown) => Date.parse(String((v as { dateTime?: unknown } | null)?.dateTime ?? ''));
  return { start: ms(values.startDateTime), end: ms(values.endDateTime) };
}

/** Every appointment of one business (its rows share the business's scope). */
export async function appointmentsOf(store: Store, table: TableDef, scope: Scope): Promise<StoredEntity[]> {
  const out: StoredEntity[] = [];
  for await (const row of store.scan(table, { tenantId: scope.tenantId, parentKey: scope.parentKey })) out.push(row);
  return out;
}

function checkZoneName(value: unknown, where: string): void {
  if (value === null || value === undefined || value === '') return;
  if (typeof value !== 'string' || !ianaZone(value)) throw badRequest(`Invalid value for property '${where}': '${String(value)}' is not a Windows or IANA time zone name.`);
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** A location as an appointment keeps it (see above); `compose` writes the address into the displayName. */
export function appointmentLocation(location: unknown, compose: boolean): unknown {
  if (location === null || typeof location !== 'object') return location;
  const loc = location as Values;
  const a = (loc.address ?? {}) as Values;
  const address = [text(a.street), text(a.city), [text(a.state), text(a.postalCode)].filter(Boolean).join(' '), text(a.countryOrRegion)].filter(Boolean).join(', ');
  const name = text(loc.displayName);
  const displayName = compose && address ? (name ? `${name} (${address})` : address) : (loc.displayName ?? null);
  const coordinates = (loc.coordinates ?? {}) as Values;
  return {
    displayName,
    locationEmailAddress: loc.locationEmailAddress ?? null,
    locationUri: loc.locationUri ?? '',
    locationType: loc.locationType ?? null,
    uniqueId: loc.uniqueId ?? null,
    uniqueIdType: loc.uniqueIdType ?? null,
    address: { type: 'home', postOfficeBox: '', street: '', city: '', state: '', countryOrRegion: '', postalCode: '' },
    coordinates: Object.fromEntries(['altitude', 'latitude', 'longitude', 'accuracy', 'altitudeAccuracy'].map((k) => [k, coordinates[k] ?? null])),
  };
}

/** A Teams-style meeting link, as Graph gives an online appointment (opaque, unique). */
function meetingUrl(): string {
  return `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomBytes(36).toString('base64url')}%40thread.v2/0`;
}

export function bookingAppointmentHooks(store: Store, schema: StorageSchema, opts: AppointmentOptions = {}): EntityHooks {
  const services = tableOf(schema, SERVICE_TYPE);
  const staff = tableOf(schema, STAFF_MEMBER_TYPE);
  const customersTable = tableOf(schema, CUSTOMER_TYPE);
  const questions = tableOf(schema, CUSTOM_QUESTION_TYPE);
  const appointments = tableOf(schema, APPOINTMENT_TYPE);
  const overlap = opts.overlap ?? 'allow';

  /** Start, end and duration from the (merged) values; the start and end stored in UTC. */
  const times = (values: Values, hc: HookContext) => {
    const names = instantNames(hc);
    const start = instantOf(values.startDateTime, names.start);
    const end = instantOf(values.endDateTime, names.end);
    if (end <= start) throw badRequest(`The property '${names.end}' must be after '${names.start}'.`);
    values.startDateTime = utcDateTimeTimeZone(start);
    values.endDateTime = utcDateTimeTimeZone(end);
    values.duration = durationText(end - start);
    return { start, end };
  };

  const checkCustomers = async (values: Values, service: StoredEntity | undefined, scope: Scope) => {
    const list = Array.isArray(values.customers) ? (values.customers as Values[]) : [];
    const ids = list.map((c) => c.customerId).filter((id): id is string => typeof id === 'string' && id !== '');
    await requireExisting(store, customersTable, scope, ids, (id) => `The customer '${id}' in 'customers' is not a customer of this business.`);
    const questionIds = list.flatMap((c) => (Array.isArray(c.customQuestionAnswers) ? (c.customQuestionAnswers as Values[]) : []).map((a) => a.questionId));
    const known = new Map<string, StoredEntity>();
    for (const id of new Set(questionIds.filter((q): q is string => typeof q === 'string').map(lower))) {
      const q = await store.get(questions, scope, id);
      if (q) known.set(id, q);
    }
    const assigned = new Map<string, boolean>();
    for (const a of (service?.values.customQuestions as Values[] | null) ?? []) assigned.set(lower(a.questionId), a.isRequired === true);
    for (const [i, c] of list.entries()) {
      const where = `customers[${i}]`;
      c['@odata.type'] = `#${CUSTOMER_INFORMATION_TYPE}`;
      if (typeof c.customerId === 'string' && c.customerId !== '') {
        const customer = await store.get(customersTable, scope, lower(c.customerId));
        if (customer) {
          c.customerId = customer.values.id;
          c.name ??= customer.values.displayName ?? null;
          c.emailAddress ??= customer.values.emailAddress ?? null;
          const phones = customer.values.phones as Array<{ number?: string }> | null;
          c.phone ??= phones?.[0]?.number ?? null;
        }
      }
      checkZoneName(c.timeZone, `${where}/timeZone`);
      // beta's smsNotificationsEnabled is not nullable (v1.0 keeps it unseen, for beta to show).
      c.smsNotificationsEnabled ??= false;
      const answers = Array.isArray(c.customQuestionAnswers) ? (c.customQuestionAnswers as Values[]) : [];
      const answered = new Set<string>();
      for (const [j, a] of answers.entries()) {
        const at = `${where}/customQuestionAnswers[${j}]`;
        if (typeof a.questionId !== 'string' || a.questionId === '') throw badRequest(`The property '${at}/questionId' is required.`);
        const question = known.get(lower(a.questionId));
        if (!question) throw badRequest(`The custom question '${a.questionId}' in '${at}/questionId' is not a custom question of this business.`);
        if (answered.has(lower(a.questionId))) throw badRequest(`The custom question '${a.questionId}' is answered more than once in '${where}/customQuestionAnswers'.`);
        answered.add(lower(a.questionId));
        const q = question.values;
        // What the business says of its question, not what the client copied of it.
        a.questionId = q.id;
        a.question = q.displayName;
        a.answerInputType = q.answerInputType ?? 'text';
        a.answerOptions = q.answerOptions ?? [];
        a.isRequired = assigned.get(lower(q.id)) ?? a.isRequired ?? false;
        const options = (q.answerOptions as string[] | null) ?? [];
        const selected = Array.isArray(a.selectedOptions) ? (a.selectedOptions as string[]) : [];
        if (a.answerInputType === 'radioButton') {
          const chosen = selected.length ? selected : typeof a.answer === 'string' && a.answer !== '' ? [a.answer] : [];
          const bad = chosen.find((o) => !options.includes(o));
          if (bad !== undefined) throw badRequest(`The answer '${bad}' in '${at}' is not one of the options of the question '${q.displayName}' (${options.join(', ')}).`);
          if (chosen.length > 1) throw badRequest(`The question '${q.displayName}' takes one option ('${at}/selectedOptions').`);
          if (a.isRequired && chosen.length === 0) throw badRequest(`The required question '${q.displayName}' has no answer in '${at}'.`);
          a.selectedOptions = chosen;
          a.answer = chosen[0] ?? null;
        } else {
          if (selected.length) throw badRequest(`The question '${q.displayName}' is a text question: '${at}/selectedOptions' must be empty.`);
          if (a.isRequired && (typeof a.answer !== 'string' || a.answer.trim() === '')) throw badRequest(`The required question '${q.displayName}' has no answer in '${at}/answer'.`);
        }
      }
      for (const [id, required] of assigned) {
        if (required && !answered.has(id)) throw badRequest(`The service's required custom question '${id}' has no answer in '${where}/customQuestionAnswers'.`);
      }
    }
    values.filledAttendeesCount = list.length;
    const first = list[0];
    if (first) {
      values.customerName ??= first.name ?? null;
      values.customerEmailAddress ??= first.emailAddress ?? null;
      values.customerPhone ??= first.phone ?? null;
      values.customerTimeZone ??= first.timeZone ?? null;
      if ('customerId' in values) values.customerId ??= first.customerId ?? null;
    }
  };

  const checkOverlap = async (values: Values, span: { start: number; end: number }, hc: HookContext, selfKey?: string) => {
    if (overlap === 'allow') return;
    const mine = new Set(((values.staffMemberIds as string[] | null) ?? []).map(lower));
    if (!mine.size) return;
    for (const other of await appointmentsOf(store, appointments, hc.target.scope)) {
      if (other.idKey === selfKey) continue;
      const shared = ((other.values.staffMemberIds as string[] | null) ?? []).find((id) => mine.has(lower(id)));
      if (shared === undefined) continue;
      const o = storedSpan(other.values);
      if (!(o.start < span.end && span.start < o.end)) continue;
      if (overlap === 'graph') {
        throw new GraphError(500, 'InternalServerError', 'An internal server error occurred. The operation failed.');
      }
      throw conflict(`The staff member '${shared}' is already booked at that time, by the appointment '${String(other.values.id)}'.`);
    }
  };

  /**
   * The rules on the values an appointment will have (a create's, or an update's merged with the stored ones).
   * `changed` says what the request sends: an update is checked on what it changes, so that what was valid
   * when written (a custom question since deleted, an overlap under another policy) does not block the rest.
   */
  const complete = async (values: Values, hc: HookContext, service: StoredEntity | undefined, changed: (key: string) => boolean, selfKey?: string) => {
    const span = times(values, hc);
    if (changed('staffMemberIds') && Array.isArray(values.staffMemberIds)) {
      const seen = new Set<string>();
      values.staffMemberIds = (values.staffMemberIds as string[]).filter((id) => !seen.has(lower(id)) && seen.add(lower(id)));
      await requireExisting(store, staff, hc.target.scope, values.staffMemberIds as string[], (id) => `The staff member '${id}' in 'staffMemberIds' is not a staff member of this business.`);
    }
    if (changed('customerTimeZone')) checkZoneName(values.customerTimeZone, 'customerTimeZone');
    if (changed('invoiceDate') && values.invoiceDate) values.invoiceDate = utcDateTimeTimeZone(instantOf(values.invoiceDate, 'invoiceDate'));
    if (changed('serviceLocation')) values.serviceLocation = appointmentLocation(values.serviceLocation, true);
    if (changed('customerLocation') && 'customerLocation' in values) values.customerLocation = appointmentLocation(values.customerLocation, false);
    if ((changed('isLocationOnline') || changed('joinWebUrl')) && values.isLocationOnline === true && !values.joinWebUrl) values.joinWebUrl = meetingUrl();
    if (changed('customers')) await checkCustomers(values, service, hc.target.scope);
    if ((changed('customers') || changed('customerEmailAddress')) && 'customerId' in values && !values.customerId && typeof values.customerEmailAddress === 'string' && values.customerEmailAddress !== '') {
      const email = values.customerEmailAddress.toLowerCase();
      for await (const c of store.scan(customersTable, { tenantId: hc.target.scope.tenantId, parentKey: hc.target.scope.parentKey })) {
        if (String(c.values.emailAddress ?? '').toLowerCase() === email) {
          values.customerId = c.values.id;
          break;
        }
      }
    }
    if (changed('customers') || changed('maximumAttendeesCount')) {
      const max = values.maximumAttendeesCount as number;
      if (max < 1) throw badRequest("The property 'maximumAttendeesCount' must be at least 1.");
      if ((values.filledAttendeesCount as number) > max) {
        throw badRequest(`The appointment has ${String(values.filledAttendeesCount)} customers, more than its 'maximumAttendeesCount' (${max}).`);
      }
    }
    for (const name of ['preBuffer', 'postBuffer']) {
      if (changed(name) && (durationMs(values[name]) ?? 0) < 0) throw badRequest(`The property '${name}' cannot be negative.`);
    }
    if (changed('startDateTime') || changed('endDateTime') || changed('staffMemberIds')) await checkOverlap(values, span, hc, selfKey);
  };

  const serviceOf = async (id: unknown, scope: Scope) => {
    if (typeof id !== 'string' || id === '') return undefined;
    return store.get(services, scope, lower(id));
  };

  const calendarView: ViewHandler = async (params, hc) => {
    const bound = (name: 'start' | 'end') => {
      const text = params.get(name);
      if (text === undefined || text.trim() === '') throw badRequest(`The query parameter '${name}' is required (a date and time, such as 2018-01-01T00:00:00Z).`);
      // Graph's parameter is a DateTimeOffset; one written without an offset is taken as UTC.
      const trimmed = text.trim();
      const canonical = canonicalDateTimeOffset(/(Z|[+-]\d{2}:\d{2})$/i.test(trimmed) ? trimmed : `${trimmed}Z`);
      if (!canonical) throw badRequest(`Invalid value '${text}' for the query parameter '${name}': expected a date and time such as 2018-01-01T00:00:00Z.`);
      return dateTimeOffsetMs(canonical);
    };
    const from = bound('start');
    const to = bound('end');
    if (to <= from) throw badRequest("The query parameter 'end' must be after 'start'.");
    return (await appointmentsOf(store, appointments, hc.target.scope))
      .map((e) => ({ e, span: storedSpan(e.values) }))
      .filter(({ span }) => span.start < to && span.end > from)
      .sort((x, y) => x.span.start - y.span.start || x.span.end - y.span.end || (x.e.idKey < y.e.idKey ? -1 : x.e.idKey > y.e.idKey ? 1 : 0))
      .map(({ e }) => e);
  };

  return {
    async beforeCreate(values, hc) {
      const service = await serviceOf(values.serviceId, hc.target.scope);
      if (!service) throw badRequest(`The service '${String(values.serviceId)}' in 'serviceId' is not a service of this business.`);
      const s = service.values;
      values.serviceId = s.id;
      values.serviceName = s.displayName;
      values.maximumAttendeesCount ??= s.maximumAttendeesCount ?? 1;
      values.price ??= s.defaultPrice ?? 0;
      values.priceType ??= s.defaultPriceType ?? 'notSet';
      values.preBuffer ??= s.preBuffer ?? 'PT0S';
      values.postBuffer ??= s.postBuffer ?? 'PT0S';
      values.serviceLocation ??= s.defaultLocation ?? null;
      if (!Array.isArray(values.reminders) || values.reminders.length === 0) values.reminders = s.defaultReminders ?? [];
      await complete(values, hc, service, () => true);
    },
    async beforeUpdate(current, changes, hc) {
      const merged: Values = { ...current.values, ...changes };
      const service = await serviceOf(merged.serviceId, hc.target.scope);
      await complete(merged, hc, service, (key) => key in changes, current.idKey);
      for (const key of COMPUTED_ON_UPDATE) {
        if (key in merged && (key in changes || JSON.stringify(merged[key]) !== JSON.stringify(current.values[key]))) changes[key] = merged[key];
      }
    },
    actions: {
      async cancel(entity, _parameters, hc) {
        // Graph's cancelled appointment leaves the calendar. Already gone (cancelled meanwhile): the same 404 a
        // GET would give.
        if (!(await store.delete(hc.target.table!, hc.target.scope, entity.idKey))) {
          throw new GraphError(404, 'ErrorItemNotFound', `The specified appointment '${String(entity.values.id)}' was not found in the business.`);
        }
      },
    },
    views: { calendarView },
  };
}
