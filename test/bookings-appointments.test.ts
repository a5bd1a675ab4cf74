// bookingAppointment through the real server, in both API versions: each version's shape, start and end in
// Windows and IANA zones (stored in UTC), the computed duration, what the service, staff members, customers and
// custom questions say, updates, ETags, calendarView, cancel (delta and change notifications included), the
// overlap policies, getStaffAvailability, deletes of what appointments name, tenants, permissions and $batch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { created, newBusiness, staffBody, VERSIONS, type Version } from './helpers/bookings.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { GUID, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let receiver: Receiver;
before(async () => {
  server = await startServer({ notifications: { allowHttp: true, pollIntervalMs: 25, retryBaseMs: 30, retryMaxMs: 200, maxAttempts: 4, validationTimeoutMs: 400 } });
  receiver = await startReceiver();
});
after(async () => {
  await server.close();
  await receiver.close();
});

const relative = (url: string) => url.slice(server.origin.length);
type Business = Awaited<ReturnType<typeof newBusiness>>;

/** The start and end under each version's names. */
const names = (version: Version) => (version === 'beta' ? { start: 'start', end: 'end' } : { start: 'startDateTime', end: 'endDateTime' });
const at = (dateTime: string, timeZone: string | null = 'UTC') => ({ '@odata.type': '#microsoft.graph.dateTimeTimeZone', dateTime, timeZone });
function when(version: Version, start: unknown, end: unknown) {
  const n = names(version);
  return { [n.start]: start, [n.end]: end };
}

/** A business with a service (and optionally a staff member and a customer). */
async function setUp(version: Version, service: Record<string, unknown> = {}) {
  const biz = await newBusiness(server, { prefix: 'Appointments' });
  const s = await created(server, biz.path(version, 'services'), { displayName: 'Catered bento', defaultPrice: 10, defaultPriceType: 'fixedPrice', preBuffer: 'PT5M', postBuffer: 'PT10M', ...service });
  const staff = await created(server, biz.path(version, 'staffMembers'), staffBody('Dana Swope'));
  const customer = await created(server, biz.path('v1.0', 'customers'), { displayName: 'Jordan Miller', emailAddress: 'jordanm@contoso.com', phones: [{ number: '213-555-0199', type: 'mobile' }] });
  return { biz, service: s, staff, customer };
}

const appointment = (version: Version, serviceId: string, extra: Record<string, unknown> = {}) => ({
  serviceId,
  ...when(version, at('2026-05-01T12:00:00'), at('2026-05-01T12:30:00')),
  ...extra,
});

for (const version of VERSIONS) {
  const n = names(version);
  describe(`${version} bookingAppointment`, () => {
    it("create: the version's shape, UTC start and end, the computed duration, what the service gives", async () => {
      const { biz, service, customer } = await setUp(version);
      const a = await created(server, biz.path(version, 'appointments'), {
        '@odata.type': '#microsoft.graph.bookingAppointment',
        serviceId: service.id,
        ...when(version, at('2026-05-01T08:00:00', 'Pacific Standard Time'), at('2026-05-01T10:45:00', 'America/Los_Angeles')),
        duration: 'PT9H',
        filledAttendeesCount: 7,
        customers: [{ '@odata.type': '#microsoft.graph.bookingCustomerInformation', customerId: customer.id }],
      });
      assert.match(a.id, GUID, 'a GUID id');
      assert.equal(a['@odata.type'], '#microsoft.graph.bookingAppointment', 'the type');
      assert.deepEqual(a[n.start], { dateTime: '2026-05-01T15:00:00.0000000Z', timeZone: 'UTC' }, 'Pacific Standard Time (a Windows name) is UTC-7 in May');
      assert.equal(a[n.end].dateTime, '2026-05-01T17:45:00.0000000Z', 'America/Los_Angeles (IANA) likewise');
      assert.equal(a.duration, 'PT2H45M', 'duration computed from start and end, not taken from the body');
      assert.equal(a.serviceName, 'Catered bento', "the service's name");
      assert.equal(a.price, 10, "the service's price");
      assert.equal(a.priceType, 'fixedPrice', "the service's price type");
      assert.equal(a.preBuffer, 'PT5M', "the service's pre-buffer");
      assert.equal(a.postBuffer, 'PT10M', "the service's post-buffer");
      assert.equal(a.maximumAttendeesCount, 1, "the service's maximum");
      assert.equal(a.filledAttendeesCount, 1, 'filledAttendeesCount counts the customers (read-only)');
      assert.equal(a.selfServiceAppointmentId, '00000000-0000-0000-0000-000000000000', "Graph's empty GUID");
      assert.equal(a.customers[0]['@odata.type'], '#microsoft.graph.bookingCustomerInformation', 'customers are bookingCustomerInformation');
      assert.equal(a.customers[0].name, 'Jordan Miller', "the customer's name filled in");
      assert.equal(a.customers[0].emailAddress, 'jordanm@contoso.com', "the customer's email filled in");
      assert.equal(a.customers[0].phone, '213-555-0199', "the customer's phone filled in");
      assert.equal(a.customerName, 'Jordan Miller', 'customerName from the first customer');
      assert.equal('smsNotificationsEnabled' in a.customers[0], version === 'beta', 'customers[].smsNotificationsEnabled is beta only');
      for (const beta of ['invoiceAmount', 'invoiceStatus', 'customerId', 'onlineMeetingUrl']) assert.equal(beta in a, version === 'beta', `${beta} is beta only`);
      assert.equal(n.start in a && !((version === 'beta' ? 'startDateTime' : 'start') in a), true, `the ${version} name of the start`);
      if (version === 'beta') assert.equal(a.customerId, customer.id, "beta's customerId from the first customer");
      const got = await server.request('GET', biz.path(version, 'appointments', a.id));
      assert.equal(got.status, 200, got.text);
      assert.deepEqual(got.json[n.start], a[n.start], 'GET gives the same start');
      const other = version === 'beta' ? 'v1.0' : 'beta';
      const there = await server.request('GET', biz.path(other, 'appointments', a.id));
      assert.equal(there.json[names(other).end].dateTime, '2026-05-01T17:45:00.0000000Z', 'the other version shows the same end under its name');
    });

    it('a bad time zone, date or order of start and end is a 400 naming the property, and nothing is stored', async () => {
      const { biz, service } = await setUp(version);
      const cases: Array<[unknown, unknown, RegExp]> = [
        [at('2026-05-01T12:00:00', 'Mars Standard Time'), at('2026-05-01T13:00:00'), new RegExp(`'${n.start}/timeZone'`)],
        [at('2026-05-01T12:00:00'), at('2026-02-30T13:00:00'), new RegExp(`'${n.end}/dateTime'`)],
        [at('yesterday'), at('2026-05-01T13:00:00'), new RegExp(`'${n.start}/dateTime'`)],
        [at('2026-05-01T12:00:00'), at('2026-05-01T11:00:00'), new RegExp(`'${n.end}' must be after '${n.start}'`)],
      ];
      for (const [start, end, message] of cases) {
        const res = await server.request('POST', biz.path(version, 'appointments'), { body: { serviceId: service.id, ...when(version, start, end) } });
        assert.equal(res.status, 400, `${JSON.stringify([start, end])}: ${res.text}`);
        assert.match(res.json.error.message, message, `the message names the property: ${res.json.error.message}`);
      }
      const missing = await server.request('POST', biz.path(version, 'appointments'), { body: { serviceId: service.id, [n.start]: at('2026-05-01T12:00:00') } });
      assert.equal(missing.status, 400, `without an end: ${missing.text}`);
      assert.match(missing.json.error.message, new RegExp(`'${n.end}'`), 'names the end');
      const list = await server.request('GET', biz.path(version, 'appointments'));
      assert.deepEqual(list.json.value, [], 'nothing was stored');
    });

    it('serviceId, staffMemberIds and customers must name what the business has; attendees within the maximum', async () => {
      const { biz, service, staff, customer } = await setUp(version);
      const refused = async (body: Record<string, unknown>, message: RegExp, what: string) => {
        const res = await server.request('POST', biz.path(version, 'appointments'), { body });
        assert.equal(res.status, 400, `${what}: ${res.text}`);
        assert.match(res.json.error.message, message, `${what}: the message says why (${res.json.error.message})`);
      };
      await refused({ ...appointment(version, 'nope') }, /'nope' in 'serviceId'/, 'an unknown service');
      const noService: Record<string, unknown> = appointment(version, service.id);
      delete noService.serviceId;
      await refused(noService, /'serviceId'/, 'no service');
      await refused(appointment(version, service.id, { staffMemberIds: ['nobody'] }), /'nobody' in 'staffMemberIds'/, 'an unknown staff member');
      await refused(appointment(version, service.id, { customers: [{ customerId: 'stranger' }] }), /'stranger' in 'customers'/, 'an unknown customer');
      const other = await created(server, biz.path('v1.0', 'customers'), { displayName: 'Adele Vance', emailAddress: 'adelev@proseware.com' });
      await refused(appointment(version, service.id, { customers: [{ customerId: customer.id }, { customerId: other.id }] }), /maximumAttendeesCount/, 'two customers for one seat');
      await refused(appointment(version, service.id, { customers: [{ customerId: customer.id }], maximumAttendeesCount: 0 }), /maximumAttendeesCount/, 'a maximum of 0');
      const group = await created(server, biz.path(version, 'appointments'), appointment(version, service.id, { maximumAttendeesCount: 3, staffMemberIds: [staff.id.toUpperCase(), staff.id], customers: [{ customerId: customer.id }, { customerId: other.id, name: 'A. Vance' }] }));
      assert.equal(group.filledAttendeesCount, 2, 'two customers of three seats');
      assert.deepEqual(group.staffMemberIds, [staff.id.toUpperCase()], 'each staff member once');
      assert.equal(group.customers[1].name, 'A. Vance', 'a name the client gives is kept');
    });

    it("custom question answers: the service's required ones answered, of the question's input type and options", async () => {
      const biz = await newBusiness(server, { prefix: 'Questions' });
      const age = await created(server, biz.path(version, 'customQuestions'), { displayName: 'What is your age?', answerInputType: 'text' });
      const diet = await created(server, biz.path(version, 'customQuestions'), { displayName: 'Diet?', answerInputType: 'radioButton', answerOptions: ['vegan', 'any'] });
      const service = await created(server, biz.path(version, 'services'), { displayName: 'Bento', customQuestions: [{ questionId: age.id, isRequired: true }, { questionId: diet.id, isRequired: false }] });
      const customer = await created(server, biz.path('v1.0', 'customers'), { displayName: 'Jordan Miller', emailAddress: 'jordanm@contoso.com' });
      const post = (answers: unknown[]) => server.request('POST', biz.path(version, 'appointments'), { body: appointment(version, service.id, { customers: [{ customerId: customer.id, customQuestionAnswers: answers }] }) });
      const cases: Array<[unknown[], RegExp, string]> = [
        [[], /required custom question/, 'the required question unanswered'],
        [[{ questionId: age.id, answer: '  ' }], /required question 'What is your age\?' has no answer/, 'a blank answer'],
        [[{ questionId: age.id, answer: '25' }, { questionId: diet.id, selectedOptions: ['meat'] }], /'meat'.*not one of the options/, 'an option the question lacks'],
        [[{ questionId: age.id, answer: '25', selectedOptions: ['x'] }], /text question/, 'options for a text question'],
        [[{ questionId: 'unknown', answer: '25' }], /'unknown'.*not a custom question/, 'an unknown question'],
      ];
      for (const [answers, message, what] of cases) {
        const res = await post(answers);
        assert.equal(res.status, 400, `${what}: ${res.text}`);
        assert.match(res.json.error.message, message, `${what}: ${res.json.error.message}`);
      }
      const ok = await post([{ questionId: age.id, answer: '25' }, { questionId: diet.id, answer: 'vegan' }]);
      assert.equal(ok.status, 201, ok.text);
      const [a1, a2] = ok.json.customers[0].customQuestionAnswers;
      assert.equal(a1.question, 'What is your age?', 'the question text is the business’s');
      assert.equal(a1.isRequired, true, "isRequired from the service's assignment");
      assert.equal(a1.answerInputType, 'text', 'the input type');
      assert.deepEqual(a2.selectedOptions, ['vegan'], 'a radio answer is its selected option');
      assert.deepEqual(a2.answerOptions, ['vegan', 'any'], "the question's options");
      // A question deleted later: the answers stay as they were given, and the appointment can still be updated.
      assert.equal((await server.request('DELETE', biz.path(version, 'customQuestions', diet.id))).status, 204, 'question deleted');
      const later = await server.request('PATCH', biz.path(version, 'appointments', ok.json.id), { body: { additionalInformation: 'Allergic to nuts' } });
      assert.equal(later.status, 204, `an update that leaves the customers alone: ${later.text}`);
      const kept = (await server.request('GET', biz.path(version, 'appointments', ok.json.id))).json;
      assert.equal(kept.customers[0].customQuestionAnswers.length, 2, 'the answers stay');
      const resent = await server.request('PATCH', biz.path(version, 'appointments', ok.json.id), { body: { customers: kept.customers } });
      assert.equal(resent.status, 400, `customers sent again are checked again: ${resent.text}`);
    });

    it('update: a new end moves the duration, serviceId and customerNotes are immutable, ETags guard writes', async () => {
      const { biz, service } = await setUp(version);
      const a = await created(server, biz.path(version, 'appointments'), appointment(version, service.id, { customerNotes: 'Please ring' }));
      const path = biz.path(version, 'appointments', a.id);
      const moved = await server.request('PATCH', path, { body: { [n.end]: at('2026-05-01T09:00:00', 'Central Standard Time') }, headers: { 'if-match': a['@odata.etag'] } });
      assert.equal(moved.status, 204, moved.text);
      const got = (await server.request('GET', path)).json;
      assert.equal(got[n.end].dateTime, '2026-05-01T14:00:00.0000000Z', 'the end in UTC (Central Daylight Time is UTC-5)');
      assert.equal(got.duration, 'PT2H', 'the duration follows');
      const stale = await server.request('PATCH', path, { body: { additionalInformation: 'x' }, headers: { 'if-match': a['@odata.etag'] } });
      assert.equal(stale.status, 412, `a stale ETag: ${stale.text}`);
      const other = await created(server, biz.path(version, 'services'), { displayName: 'Other' });
      const service2 = await server.request('PATCH', path, { body: { serviceId: other.id } });
      assert.equal(service2.status, 400, `serviceId is immutable: ${service2.text}`);
      const notes = await server.request('PATCH', path, { body: { customerNotes: 'changed' } });
      assert.equal(notes.status, 400, `customerNotes is immutable: ${notes.text}`);
      const backwards = await server.request('PATCH', path, { body: { [n.start]: at('2026-05-01T15:00:00') } });
      assert.equal(backwards.status, 400, `a start after the end: ${backwards.text}`);
      assert.equal((await server.request('GET', path)).json.duration, 'PT2H', 'a refused update changes nothing');
      assert.equal((await server.request('DELETE', path)).status, 204, 'delete');
      assert.equal((await server.request('GET', path)).status, 404, 'gone');
    });

    it('calendarView: start and end required, the appointments overlapping the window in start order, paged', async () => {
      const { biz, service } = await setUp(version);
      const make = (start: string, end: string) => created(server, biz.path(version, 'appointments'), appointment(version, service.id, when(version, at(start), at(end))));
      const late = await make('2026-05-03T10:00:00', '2026-05-03T11:00:00');
      const early = await make('2026-05-01T10:00:00', '2026-05-01T11:00:00');
      const across = await make('2026-04-30T23:00:00', '2026-05-01T01:00:00');
      await make('2026-05-10T10:00:00', '2026-05-10T11:00:00');
      await make('2026-04-30T22:00:00', '2026-04-30T23:00:00');
      const view = biz.path(version, 'calendarView');
      for (const query of ['', '?start=2026-05-01T00:00:00Z', '?end=2026-05-01T00:00:00Z', '?start=soon&end=2026-05-04T00:00:00Z', '?start=2026-05-04T00:00:00Z&end=2026-05-01T00:00:00Z']) {
        const res = await server.request('GET', view + query);
        assert.equal(res.status, 400, `calendarView${query}: ${res.text}`);
        assert.match(res.json.error.message, /'(start|end)'/, 'names the parameter');
      }
      const res = await server.request('GET', `${view}?start=2026-05-01T00:00:00Z&end=2026-05-04T00:00:00%2B02:00&$count=true`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json.value.map((a: any) => a.id), [across.id, early.id, late.id], 'the overlapping ones, in start order');
      assert.equal(res.json['@odata.count'], 3, '$count');
      assert.match(res.json['@odata.context'], /calendarView$/, 'the context names calendarView');
      const first = await server.request('GET', `${view}?start=2026-05-01T00:00:00Z&end=2026-05-04T00:00:00Z&$top=2`);
      assert.deepEqual(first.json.value.map((a: any) => a.id), [across.id, early.id], 'the first page');
      const second = await server.request('GET', relative(first.json['@odata.nextLink']));
      assert.equal(second.status, 200, second.text);
      assert.deepEqual(second.json.value.map((a: any) => a.id), [late.id], 'the next page');
      assert.equal(second.json['@odata.nextLink'], undefined, 'the last page');
      const tampered = await server.request('GET', relative(first.json['@odata.nextLink']).replace('2026-05-01T00', '2026-04-01T00'));
      assert.equal(tampered.status, 400, `a skiptoken for another window: ${tampered.text}`);
      const post = await server.request('POST', view, { body: appointment(version, service.id) });
      assert.equal(post.status, 405, `calendarView is read-only: ${post.text}`);
      const one = await server.request('GET', biz.path(version, 'calendarView', early.id));
      assert.equal(one.status, 200, `one member of the view: ${one.text}`);
    });

    it('reminders, serviceNotes and customerNotes are shown only when the appointment is read by id', async () => {
      const { biz, service } = await setUp(version);
      const reminder = { offset: 'PT1H', recipients: 'customer', message: 'Soon' };
      const a = await created(server, biz.path(version, 'appointments'), appointment(version, service.id, { reminders: [reminder], serviceNotes: 'Bring cutlery', customerNotes: 'Ring twice' }));
      const got = (await server.request('GET', biz.path(version, 'appointments', a.id))).json;
      assert.deepEqual([got.reminders, got.serviceNotes, got.customerNotes], [[reminder], 'Bring cutlery', 'Ring twice'], 'read by id');
      const list = (await server.request('GET', biz.path(version, 'appointments'))).json.value[0];
      const view = (await server.request('GET', `${biz.path(version, 'calendarView')}?start=2026-05-01T00:00:00Z&end=2026-05-02T00:00:00Z`)).json.value[0];
      for (const [what, item] of [['list', list], ['calendarView', view]] as const) {
        assert.deepEqual([item.reminders, item.serviceNotes, item.customerNotes], [[], null, null], `${what}: empty, as Graph's pages say`);
        assert.equal(item.serviceName, 'Catered bento', `${what}: the rest is there`);
      }
    });

    it('cancel: 204, the appointment leaves the calendar, delta reports it removed', async () => {
      const { biz, service } = await setUp(version);
      const a = await created(server, biz.path(version, 'appointments'), appointment(version, service.id));
      const first = await server.request('GET', `${biz.path(version, 'appointments')}/delta`);
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(first.json.value.map((x: any) => x.id), [a.id], 'delta lists the appointment');
      const wrong = await server.request('POST', `${biz.path(version, 'appointments', a.id)}/cancel`, { body: { message: 'x' } });
      assert.equal(wrong.status, 400, `an unknown parameter: ${wrong.text}`);
      const res = await server.request('POST', `${biz.path(version, 'appointments', a.id)}/cancel`, { body: { cancellationMessage: 'Sorry, we are closed that day.' } });
      assert.equal(res.status, 204, res.text);
      assert.equal((await server.request('GET', biz.path(version, 'appointments', a.id))).status, 404, 'a cancelled appointment is gone');
      const view = await server.request('GET', `${biz.path(version, 'calendarView')}?start=2026-05-01T00:00:00Z&end=2026-05-02T00:00:00Z`);
      assert.deepEqual(view.json.value, [], 'and off the calendar');
      const second = await server.request('GET', relative(first.json['@odata.deltaLink']));
      assert.deepEqual(second.json.value.find((v: any) => v.id === a.id)?.['@removed'], { reason: 'deleted' }, 'delta reports the cancelled appointment removed');
      const again = await server.request('POST', `${biz.path(version, 'appointments', a.id)}/cancel`, { body: { cancellationMessage: 'again' } });
      assert.equal(again.status, 404, `cancelling again: ${again.text}`);
    });
  });
}

describe('the model describes appointments', () => {
  it('OpenAPI: calendarView is a GET with required start and end; cancel and getStaffAvailability are POSTs', async () => {
    for (const version of VERSIONS) {
      const doc = (await server.request('GET', `/${version}/openapi.json`)).json;
      const paths = Object.keys(doc.paths);
      const view = paths.find((p) => /\/solutions\/bookingBusinesses\/\{[^}]+\}\/calendarView$/.test(p));
      assert.ok(view, `${version}: calendarView is described`);
      assert.deepEqual(Object.keys(doc.paths[view!]).filter((k) => k !== 'parameters'), ['get'], `${version}: calendarView is read-only`);
      const params = doc.paths[view!].get.parameters.filter((p: any) => p.required);
      assert.deepEqual(params.map((p: any) => p.name), ['start', 'end'], `${version}: start and end are required`);
      assert.ok(paths.some((p) => p.endsWith('/appointments/{bookingAppointment-id}/cancel') && doc.paths[p].post), `${version}: cancel`);
      assert.ok(paths.some((p) => p.endsWith('/getStaffAvailability') && doc.paths[p].post), `${version}: getStaffAvailability`);
    }
  });

  it('$expand=* leaves out calendarView, which lists only with its own parameters', async () => {
    const { biz, service } = await setUp('v1.0');
    await created(server, biz.path('v1.0', 'appointments'), appointment('v1.0', service.id));
    const res = await server.request('GET', `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(biz.id)}?$expand=*`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.appointments.length, 1, 'appointments are expanded');
    assert.equal('calendarView' in res.json, false, 'calendarView is not');
    const explicit = await server.request('GET', `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(biz.id)}?$expand=calendarView`);
    assert.equal(explicit.status, 400, `expanding calendarView: ${explicit.text}`);
  });
});

describe('what Graph makes of what it is sent', () => {
  it("locations lose their address (a service location's goes into its name); online appointments get a meeting link", async () => {
    const { biz, service } = await setUp('beta');
    const address = { street: '123 First Avenue', city: 'Buffalo', state: 'NY', postalCode: '98052', countryOrRegion: 'USA', type: 'business' };
    const a = await created(server, biz.path('beta', 'appointments'), appointment('beta', service.id, {
      isLocationOnline: true,
      serviceLocation: { displayName: 'Customer location', address, coordinates: { latitude: 42.9, longitude: -78.8 } },
      customerLocation: { displayName: 'Home', address },
    }));
    assert.equal(a.serviceLocation.displayName, 'Customer location (123 First Avenue, Buffalo, NY 98052, USA)', 'the address in the name');
    assert.deepEqual(a.serviceLocation.address, { type: 'home', postOfficeBox: '', street: '', city: '', state: '', countryOrRegion: '', postalCode: '' }, 'no address left');
    assert.deepEqual(a.serviceLocation.coordinates, { altitude: null, latitude: 42.9, longitude: -78.8, accuracy: null, altitudeAccuracy: null }, 'coordinates kept, the rest null');
    assert.equal(a.customerLocation.displayName, 'Home', "the customer location's name as sent");
    assert.equal(a.customerLocation.address.street, '', 'and no address');
    assert.match(a.joinWebUrl, /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//, 'a meeting link');
    const again = await created(server, biz.path('beta', 'appointments'), appointment('beta', service.id, { isLocationOnline: true, joinWebUrl: 'https://example.com/meet' }));
    assert.equal(again.joinWebUrl, 'https://example.com/meet', 'a link the client gives is kept');
    const offline = await created(server, biz.path('beta', 'appointments'), appointment('beta', service.id));
    assert.equal(offline.joinWebUrl, null, 'no link for an appointment in person');
    const patched = await server.request('PATCH', biz.path('beta', 'appointments', a.id), { body: { additionalInformation: 'x' } });
    assert.equal(patched.status, 204, patched.text);
    const got = (await server.request('GET', biz.path('beta', 'appointments', a.id))).json;
    assert.equal(got.serviceLocation.displayName, a.serviceLocation.displayName, 'an update leaves the location as it was');
    assert.equal(got.joinWebUrl, a.joinWebUrl, 'and the link');
  });

  it("beta: an appointment without customers names the customer with its customerEmailAddress; invoiceDate in UTC", async () => {
    const { biz, service, customer } = await setUp('beta');
    const a = await created(server, biz.path('beta', 'appointments'), appointment('beta', service.id, {
      customerEmailAddress: 'JordanM@contoso.com',
      invoiceDate: at('2026-05-01T08:30:00', 'Eastern Standard Time'),
      invoiceStatus: 'open',
    }));
    assert.equal(a.customerId, customer.id, 'the customer with that email (ignoring case)');
    assert.deepEqual(a.invoiceDate, { dateTime: '2026-05-01T12:30:00.0000000Z', timeZone: 'UTC' }, 'invoiceDate in UTC');
    const stranger = await created(server, biz.path('beta', 'appointments'), appointment('beta', service.id, { customerEmailAddress: 'nobody@example.com' }));
    assert.equal(stranger.customerId, null, 'no customer has that email');
    const bad = await server.request('POST', biz.path('beta', 'appointments'), { body: appointment('beta', service.id, { invoiceDate: at('2026-13-01T00:00:00') }) });
    assert.equal(bad.status, 400, `a bad invoiceDate: ${bad.text}`);
    assert.match(bad.json.error.message, /'invoiceDate\/dateTime'/, 'names it');
  });
});

describe('deletes of what appointments name', () => {
  it('a deleted staff member, service or customer stops being named; the appointment and its copied details stay', async () => {
    const { biz, service, staff, customer } = await setUp('v1.0');
    const a = await created(server, biz.path('v1.0', 'appointments'), appointment('v1.0', service.id, { staffMemberIds: [staff.id], customers: [{ customerId: customer.id }] }));
    assert.equal((await server.request('DELETE', biz.path('v1.0', 'staffMembers', staff.id))).status, 204, 'staff member deleted');
    assert.equal((await server.request('DELETE', biz.path('v1.0', 'customers', customer.id))).status, 204, 'customer deleted');
    assert.equal((await server.request('DELETE', biz.path('v1.0', 'services', service.id))).status, 204, 'service deleted');
    const got = await server.request('GET', biz.path('beta', 'appointments', a.id));
    assert.equal(got.status, 200, `the appointment stays: ${got.text}`);
    assert.deepEqual(got.json.staffMemberIds, [], 'no deleted staff member');
    assert.equal(got.json.serviceId, null, 'no deleted service');
    assert.equal(got.json.serviceName, 'Catered bento', 'the service name it was booked under');
    assert.equal(got.json.customers[0].customerId, null, 'no deleted customer');
    assert.equal(got.json.customerId, null, "beta's customerId too");
    assert.equal(got.json.customers[0].name, 'Jordan Miller', "the customer's copied name stays");
  });
});

describe('overlap policies', () => {
  const book = async (s: TestServer, biz: Business, serviceId: string, staffId: string, start: string, end: string) =>
    s.request('POST', biz.path('v1.0', 'appointments'), { body: appointment('v1.0', serviceId, { staffMemberIds: [staffId], ...when('v1.0', at(start), at(end)) }) });

  for (const policy of ['allow', 'reject', 'graph'] as const) {
    it(`${policy}: a staff member booked twice at once`, async () => {
      const s = policy === 'allow' ? server : await startServer({ appointments: { overlap: policy } });
      try {
        const biz = await newBusiness(s, { prefix: `Overlap${policy}` });
        const service = await created(s, biz.path('v1.0', 'services'), { displayName: 'Bento' });
        const dana = await created(s, biz.path('v1.0', 'staffMembers'), staffBody('Dana'));
        const alex = await created(s, biz.path('v1.0', 'staffMembers'), staffBody('Alex'));
        const first = await book(s, biz, service.id, dana.id, '2026-05-01T10:00:00', '2026-05-01T11:00:00');
        assert.equal(first.status, 201, first.text);
        assert.equal((await book(s, biz, service.id, dana.id, '2026-05-01T11:00:00', '2026-05-01T12:00:00')).status, 201, 'back to back is no overlap');
        assert.equal((await book(s, biz, service.id, alex.id, '2026-05-01T10:30:00', '2026-05-01T11:30:00')).status, 201, 'another staff member at the same time');
        const twice = await book(s, biz, service.id, dana.id, '2026-05-01T10:30:00', '2026-05-01T10:45:00');
        const expected = { allow: 201, reject: 409, graph: 500 }[policy];
        assert.equal(twice.status, expected, `double-booked under ${policy}: ${twice.text}`);
        if (policy === 'reject') {
          assert.equal(twice.json.error.code, 'Conflict', 'Graph-style error code');
          assert.match(twice.json.error.message, new RegExp(`${dana.id}.*${first.json.id}`), 'names the staff member and the appointment in the way');
        }
        if (policy !== 'allow') {
          const move = await s.request('PATCH', biz.path('v1.0', 'appointments', first.json.id), { body: { endDateTime: at('2026-05-01T11:30:00') } });
          assert.equal(move.status, expected, `an update into the next appointment: ${move.text}`);
          const self = await s.request('PATCH', biz.path('v1.0', 'appointments', first.json.id), { body: { endDateTime: at('2026-05-01T10:50:00') } });
          assert.equal(self.status, 204, `an appointment does not overlap itself: ${self.text}`);
        }
      } finally {
        if (s !== server) await s.close();
      }
    });
  }
});

describe('getStaffAvailability', () => {
  it("each staff member's items from working hours and appointments with buffers; application permissions only", async () => {
    const { biz, service, staff } = await setUp('v1.0', { maximumAttendeesCount: 1 });
    const group = await created(server, biz.path('v1.0', 'services'), { displayName: 'Class', maximumAttendeesCount: 5 });
    // Friday 2026-05-01, business hours 08:00-17:00 UTC (the default hours, the business has no time zone).
    await created(server, biz.path('v1.0', 'appointments'), appointment('v1.0', service.id, { staffMemberIds: [staff.id], ...when('v1.0', at('2026-05-01T10:00:00'), at('2026-05-01T11:00:00')) }));
    await created(server, biz.path('v1.0', 'appointments'), appointment('v1.0', group.id, { staffMemberIds: [staff.id], ...when('v1.0', at('2026-05-01T14:00:00'), at('2026-05-01T15:00:00')) }));
    const app = await server.token({ roles: ['Calendars.ReadWrite'] });
    const path = `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(biz.id)}/getStaffAvailability`;
    const body = { staffIds: [staff.id], startDateTime: { dateTime: '2026-05-01T07:00:00', timeZone: 'UTC' }, endDateTime: { dateTime: '2026-05-01T19:00:00', timeZone: 'UTC' } };
    const res = await server.request('POST', path, { token: app, body });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.value[0].staffId, staff.id, 'one item per staff member');
    const items = res.json.value[0].availabilityItems.map((i: any) => [i.status, i.startDateTime.dateTime.slice(11, 16), i.endDateTime.dateTime.slice(11, 16), i.serviceId]);
    assert.deepEqual(
      items,
      [
        ['outOfOffice', '07:00', '08:00', ''],
        ['available', '08:00', '09:55', ''],
        ['busy', '09:55', '11:10', service.id],
        ['available', '11:10', '14:00', ''],
        ['slotsAvailable', '14:00', '15:00', group.id],
        ['available', '15:00', '17:00', ''],
        ['outOfOffice', '17:00', '19:00', ''],
      ],
      'working hours, the appointment with its 5 and 10 minute buffers, the group class with seats left',
    );
    const india = await server.request('POST', path, { token: app, body: { ...body, startDateTime: { dateTime: '2026-05-01T12:30:00', timeZone: 'India Standard Time' } } });
    assert.equal(india.status, 200, india.text);
    assert.deepEqual(india.json.value[0].availabilityItems[0].startDateTime, { dateTime: '2026-05-01T12:30:00', timeZone: 'India Standard Time' }, 'items in the zone of startDateTime');
    assert.equal(india.json.value[0].availabilityItems[0].status, 'outOfOffice', '07:00 UTC is before the hours');
    const delegated = await server.request('POST', path, { body });
    assert.equal(delegated.status, 403, `delegated callers are not supported: ${delegated.text}`);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...body, staffIds: ['nobody'] }, /'nobody' in 'staffIds\[0\]'/],
      [{ ...body, endDateTime: { dateTime: '2026-05-01T06:00:00', timeZone: 'UTC' } }, /'endDateTime' must be after/],
      [{ ...body, startDateTime: { dateTime: '2026-05-01T06:00:00', timeZone: 'Nowhere/Land' } }, /'startDateTime\/timeZone'/],
      [{ staffIds: [staff.id], startDateTime: body.startDateTime }, /'endDateTime'/],
      [{ ...body, endDateTime: { dateTime: '2026-09-01T06:00:00', timeZone: 'UTC' } }, /longer than/],
    ];
    for (const [b, message] of bad) {
      const r = await server.request('POST', path, { token: app, body: b });
      assert.equal(r.status, 400, `${JSON.stringify(b)}: ${r.text}`);
      assert.match(r.json.error.message, message, r.json.error.message);
    }
  });

  it("the business's hours in its time zone (bookingPageSettings.businessTimeZone)", async () => {
    const biz = await newBusiness(server, { prefix: 'Zoned' });
    const settings = {
      accessControl: 'unrestricted', bookingPageColorCode: '#FFFFFF', businessTimeZone: 'W. Europe Standard Time', customerConsentMessage: '', enforceOneTimePassword: false,
      isBusinessLogoDisplayEnabled: false, isCustomerConsentEnabled: false, isSearchEngineIndexabilityDisabled: false, isTimeSlotTimeZoneSetToBusinessTimeZone: false,
      privacyPolicyWebUrl: '', termsAndConditionsWebUrl: '',
    };
    const set = await server.request('PATCH', `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(biz.id)}`, { body: { bookingPageSettings: settings } });
    assert.equal(set.status, 204, set.text);
    const m = await created(server, biz.path('v1.0', 'staffMembers'), staffBody('Lea'));
    const app = await server.token({ roles: ['Bookings.Read.All'] });
    const res = await server.request('POST', `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(biz.id)}/getStaffAvailability`, {
      token: app,
      body: { staffIds: [m.id], startDateTime: { dateTime: '2026-05-01T00:00:00', timeZone: 'UTC' }, endDateTime: { dateTime: '2026-05-02T00:00:00', timeZone: 'UTC' } },
    });
    assert.equal(res.status, 200, res.text);
    const available = res.json.value[0].availabilityItems.filter((i: any) => i.status === 'available').map((i: any) => [i.startDateTime.dateTime, i.endDateTime.dateTime]);
    assert.deepEqual(available, [['2026-05-01T06:00:00', '2026-05-01T15:00:00']], 'Friday 08:00-17:00 in Berlin (UTC+2 in May), in UTC');
  });

  it("a staff member's own hours in their own time zone when not useBusinessHours", async () => {
    const biz = await newBusiness(server, { prefix: 'OwnHours' });
    const m = await created(server, biz.path('v1.0', 'staffMembers'), {
      ...staffBody('Kim'),
      useBusinessHours: false,
      timeZone: 'Tokyo Standard Time',
      workingHours: [{ day: 'friday', timeSlots: [{ startTime: '09:00:00', endTime: '12:00:00' }] }],
    });
    const app = await server.token({ roles: ['Bookings.Read.All'] });
    const res = await server.request('POST', `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(biz.id)}/getStaffAvailability`, {
      token: app,
      body: { staffIds: [m.id], startDateTime: { dateTime: '2026-05-01T00:00:00', timeZone: 'UTC' }, endDateTime: { dateTime: '2026-05-01T04:00:00', timeZone: 'UTC' } },
    });
    assert.equal(res.status, 200, res.text);
    const items = res.json.value[0].availabilityItems.map((i: any) => [i.status, i.startDateTime.dateTime, i.endDateTime.dateTime]);
    assert.deepEqual(items, [['available', '2026-05-01T00:00:00', '2026-05-01T03:00:00'], ['outOfOffice', '2026-05-01T03:00:00', '2026-05-01T04:00:00']], 'Friday 09:00-12:00 in Tokyo is 00:00-03:00 UTC');
  });
});

describe('tenants, permissions, $batch and change notifications', () => {
  const OTHER = 'cccccccc-0000-4000-8000-00000000000d';

  it("another tenant's appointments answer 404; Bookings.Read.All reads but cannot write; application tokens write", async () => {
    const { biz, service } = await setUp('v1.0');
    const a = await created(server, biz.path('v1.0', 'appointments'), appointment('v1.0', service.id));
    const other = await server.token({ tenantId: OTHER });
    for (const path of [biz.path('v1.0', 'appointments'), biz.path('v1.0', 'appointments', a.id), `${biz.path('v1.0', 'calendarView')}?start=2026-05-01T00:00:00Z&end=2026-05-02T00:00:00Z`]) {
      assert.equal((await server.request('GET', path, { token: other })).status, 404, `${path} from another tenant`);
    }
    assert.equal((await server.request('POST', `${biz.path('v1.0', 'appointments', a.id)}/cancel`, { token: other, body: {} })).status, 404, 'cancel from another tenant');
    const reader = await server.token({ scopes: ['Bookings.Read.All'] });
    assert.equal((await server.request('GET', biz.path('v1.0', 'appointments'), { token: reader })).status, 200, 'Bookings.Read.All lists');
    const refused = await server.request('POST', biz.path('v1.0', 'appointments'), { token: reader, body: appointment('v1.0', service.id) });
    assert.equal(refused.status, 403, `Bookings.Read.All books nothing: ${refused.text}`);
    const cancel = await server.request('POST', `${biz.path('v1.0', 'appointments', a.id)}/cancel`, { token: reader, body: {} });
    assert.equal(cancel.status, 403, `nor cancels: ${cancel.text}`);
    const app = await server.token({ roles: ['BookingsAppointment.ReadWrite.All'] });
    const booked = await server.request('POST', biz.path('v1.0', 'appointments'), { token: app, body: appointment('v1.0', service.id) });
    assert.equal(booked.status, 201, `an app with BookingsAppointment.ReadWrite.All books: ${booked.text}`);
  });

  it('a $batch books two appointments, one of them refused', async () => {
    const { biz, service } = await setUp('v1.0');
    const url = biz.path('v1.0', 'appointments').slice('/v1.0'.length);
    const res = await server.request('POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: '1', method: 'POST', url, headers: { 'content-type': 'application/json' }, body: appointment('v1.0', service.id) },
          { id: '2', method: 'POST', url, headers: { 'content-type': 'application/json' }, body: appointment('v1.0', 'missing') },
        ],
      },
    });
    assert.equal(res.status, 200, res.text);
    const byId = Object.fromEntries(res.json.responses.map((r: any) => [r.id, r]));
    assert.equal(byId['1'].status, 201, 'booked');
    assert.equal(byId['1'].body.duration, 'PT30M', 'with its computed duration');
    assert.equal(byId['2'].status, 400, 'an unknown service');
  });

  it('a subscription on appointments hears of a booking and its cancellation', async () => {
    const { biz, service } = await setUp('v1.0');
    const res = await server.request('POST', '/v1.0/subscriptions', {
      body: {
        changeType: 'created,deleted',
        notificationUrl: `${receiver.origin}/appointments`,
        resource: `solutions/bookingBusinesses/${biz.id}/appointments`,
        expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    assert.equal(res.status, 201, `subscription: ${res.text}`);
    const a = await created(server, biz.path('v1.0', 'appointments'), appointment('v1.0', service.id));
    assert.equal((await server.request('POST', `${biz.path('v1.0', 'appointments', a.id)}/cancel`, { body: { cancellationMessage: 'Closed' } })).status, 204, 'cancelled');
    const heard = (type: string) => receiver.accepted('/appointments').some((x) => x.resourceData?.id === a.id && x.changeType === type);
    await receiver.waitFor(() => heard('created') && heard('deleted'), 10_000, 'created and deleted notifications');
    assert.ok(heard('deleted'), 'the cancellation reaches the subscriber as a deletion');
  });
});
