// Each API version reads and writes its own shape of the same stored rows: what one version cannot say is
// kept for the other and never shown; v1.0 has no top-level bookingBusinesses; context URLs take each
// version's documented form.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

/** A business of its own for each test, by a name no other test uses. */
async function business(): Promise<{ id: string; beta: string; v1: string }> {
  const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: `Versions ${randomUUID()}` } });
  assert.equal(res.status, 201, 'business created');
  const path = `/solutions/bookingBusinesses/${encodeURIComponent(res.json.id)}`;
  return { id: res.json.id, beta: `/beta${path}`, v1: `/v1.0${path}` };
}

describe('one stored row, a shape per version', () => {
  it('a beta address type and post office box are kept and not shown in v1.0', async () => {
    const b = await business();
    const address = { postOfficeBox: 'PO 1', street: '1 Main St', city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98052', type: 'home' };
    const created = await server.request('POST', `${b.beta}/customers`, { body: { displayName: 'Beta', addresses: [address] } });
    assert.equal(created.status, 201, 'created through beta');
    const v1 = await server.request('GET', `${b.v1}/customers/${created.json.id}`);
    assert.equal(v1.status, 200, 'read through v1.0');
    assert.deepEqual(v1.json.addresses, [{ street: '1 Main St', city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98052' }], 'v1.0 shows its own address shape');
    // A v1.0 write of something else leaves the addresses alone; beta still sees all it wrote.
    assert.equal((await server.request('PATCH', `${b.v1}/customers/${created.json.id}`, { body: { displayName: 'Renamed' } })).status, 200, 'v1.0 PATCH');
    const beta = await server.request('GET', `${b.beta}/customers/${created.json.id}`);
    assert.deepEqual(beta.json.addresses, [address], 'beta still has the type and post office box');
    assert.equal(beta.json.displayName, 'Renamed', 'and the v1.0 change');
  });

  it('a v1.0 phone language and region are kept and not shown in beta, also when beta rewrites the phones', async () => {
    const b = await business();
    const phones = [{ number: '206-555-0100', type: 'home', language: 'en-US', region: 'US' }];
    const created = await server.request('POST', `${b.v1}/customers`, { body: { displayName: 'V1', phones } });
    assert.equal(created.status, 201, 'created through v1.0');
    assert.deepEqual(created.json.phones, phones, 'v1.0 echoes language and region');
    const beta = await server.request('GET', `${b.beta}/customers/${created.json.id}`);
    assert.deepEqual(beta.json.phones, [{ number: '206-555-0100', type: 'home' }], 'beta shows its own phone shape');
    const rewrite = await server.request('PATCH', `${b.beta}/customers/${created.json.id}`, { body: { phones: [{ number: '206-555-0199', type: 'mobile' }] } });
    assert.equal(rewrite.status, 200, 'beta rewrites the phones');
    const v1 = await server.request('GET', `${b.v1}/customers/${created.json.id}`);
    assert.deepEqual(v1.json.phones, [{ number: '206-555-0199', type: 'mobile', language: 'en-US', region: 'US' }], 'what beta cannot say stays, by position');
  });

  it("each version refuses the other's properties it does not accept", async () => {
    const b = await business();
    const beta = await server.request('POST', `${b.beta}/customers`, { body: { displayName: 'X', phones: [{ number: '1', language: 'en-US' }] } });
    assert.equal(beta.status, 400, 'beta has no phone language');
    assert.equal(beta.json.error.code, 'RequestBodyRead', 'as an unknown property');
    const v1 = await server.request('POST', `${b.v1}/customers`, { body: { displayName: 'X', addresses: [{ city: 'Buffalo', floor: 3 }] } });
    assert.equal(v1.status, 400, 'v1.0 refuses a property no version has');
  });

  it('v1.0 accepts the address type and post office box its examples send: the box as sent, every type as `other`', async () => {
    const b = await business();
    const body = { displayName: 'Docs', addresses: [{ postOfficeBox: '', street: '4567 Main Street', city: 'Buffalo', type: 'home' }] };
    const created = await server.request('POST', `${b.v1}/customers`, { body });
    assert.equal(created.status, 201, 'v1.0 accepts them');
    assert.equal('type' in created.json.addresses[0], false, 'v1.0 does not show the type');
    assert.equal('postOfficeBox' in created.json.addresses[0], false, 'nor the post office box');
    const beta = await server.request('GET', `${b.beta}/customers/${created.json.id}`);
    assert.equal(beta.json.addresses[0].type, 'other', 'v1.0 maps address types to other (its update page)');
    assert.equal(beta.json.addresses[0].postOfficeBox, '', 'the post office box is kept as sent');
    const bad = await server.request('POST', `${b.v1}/customers`, { body: { displayName: 'Bad', addresses: [{ type: 7 }] } });
    assert.equal(bad.status, 400, 'an accepted property is still checked');
  });

  it("time slots are beta's start/end and v1.0's startTime/endTime, the same stored values", async () => {
    const b = await business();
    const hours = [{ day: 'monday', timeSlots: [{ start: '09:00:00.0000000', end: '12:00:00.0000000' }] }];
    assert.equal((await server.request('PATCH', b.beta, { body: { businessHours: hours } })).status, 204, 'beta sets the hours');
    const v1 = await server.request('GET', b.v1);
    assert.deepEqual(v1.json.businessHours, [{ day: 'monday', timeSlots: [{ startTime: '09:00:00.0000000', endTime: '12:00:00.0000000' }] }], 'v1.0 reads them in its names');
    const filtered = await server.request('GET', `/beta/solutions/bookingBusinesses?$filter=${encodeURIComponent('businessHours/any(h: h/timeSlots/any(s: s/start ne null))')}&$select=id`);
    assert.equal(filtered.status, 200, `filter on beta's names: ${filtered.text}`);
    assert.ok(filtered.json.value.some((x: { id: string }) => x.id === b.id), "a filter on beta's start finds the slot stored as startTime");
  });

  it('addresses and phones may be null (nullable in both CSDLs), and read back empty', async () => {
    const b = await business();
    for (const [version, base] of [['beta', b.beta], ['v1.0', b.v1]]) {
      const res = await server.request('POST', `${base}/customers`, { body: { displayName: 'Nulls', addresses: null, phones: null } });
      assert.equal(res.status, 201, `${version} accepts null addresses and phones`);
      assert.deepEqual([res.json.addresses, res.json.phones], [[], []], `${version} answers empty collections`);
    }
  });
});

describe('what each version serves', () => {
  it('v1.0 has no top-level bookingBusinesses (only /solutions/bookingBusinesses), as Graph', async () => {
    const b = await business();
    for (const path of ['/v1.0/bookingBusinesses', `/v1.0/bookingBusinesses/${encodeURIComponent(b.id)}`, `/v1.0/bookingBusinesses/${encodeURIComponent(b.id)}/customers`]) {
      const res = await server.request('GET', path);
      assert.equal(res.status, 400, `${path}: Graph answers 400`);
      assert.equal(res.json.error.message, "Resource not found for the segment 'bookingBusinesses'.", `${path}: Graph's message`);
    }
    assert.equal((await server.request('GET', `/beta/bookingBusinesses/${encodeURIComponent(b.id)}`)).status, 200, 'beta has the entity set');
    assert.equal((await server.request('GET', `${b.v1}`)).status, 200, 'v1.0 reaches it under solutions');
  });

  it('bookingCurrencies: beta at the top level and under solutions, v1.0 under solutions only', async () => {
    for (const path of ['/beta/bookingCurrencies', '/beta/solutions/bookingCurrencies', '/v1.0/solutions/bookingCurrencies/USD']) {
      const res = await server.request('GET', path);
      assert.equal(res.status, 200, `${path} answers 200: ${res.text.slice(0, 200)}`);
    }
    assert.equal((await server.request('GET', '/v1.0/bookingCurrencies')).status, 400, 'v1.0 has no top-level bookingCurrencies');
  });

  it('context URLs: v1.0 names the solutions metadata, beta the service metadata', async () => {
    const b = await business();
    const key = `('${encodeURIComponent(b.id)}')`;
    const customer = await server.request('POST', `${b.v1}/customers`, { body: { displayName: 'Ctx' } });
    assert.equal(customer.json['@odata.context'], `${server.origin}/v1.0/solutions/$metadata#bookingBusinesses${key}/customers/$entity`, 'v1.0 create');
    const list = await server.request('GET', `${b.v1}/customers`);
    assert.equal(list.json['@odata.context'], `${server.origin}/v1.0/solutions/$metadata#bookingBusinesses${key}/customers`, 'v1.0 list');
    const get = await server.request('GET', b.v1);
    assert.equal(get.json['@odata.context'], `${server.origin}/v1.0/solutions/$metadata#bookingBusinesses/$entity`, 'v1.0 get business');
    const name = await server.request('GET', `${b.v1}/displayName`);
    assert.equal(name.json['@odata.context'], `${server.origin}/v1.0/solutions/$metadata#bookingBusinesses${key}/displayName`, 'v1.0 property');
    const beta = await server.request('GET', `${b.beta}/customers/${customer.json.id}`);
    assert.equal(beta.json['@odata.context'], `${server.origin}/beta/$metadata#solutions/bookingBusinesses${key}/customers/$entity`, 'beta get customer');
    const solutions = await server.request('GET', '/v1.0/solutions');
    assert.equal(solutions.json['@odata.context'], `${server.origin}/v1.0/$metadata#solutions/$entity`, 'the singleton itself');
  });

  it('v1.0 customers are bookingCustomers in a collection of the abstract bookingCustomerBase', async () => {
    const b = await business();
    const created = await server.request('POST', `${b.v1}/customers`, { body: { '@odata.type': '#microsoft.graph.bookingCustomer', displayName: 'Typed' } });
    assert.equal(created.status, 201, 'created with the documented @odata.type');
    assert.equal(created.json['@odata.type'], '#microsoft.graph.bookingCustomer', 'a bookingCustomer');
    const base = await server.request('POST', `${b.v1}/customers`, { body: { '@odata.type': '#microsoft.graph.bookingCustomerBase', displayName: 'Abstract' } });
    assert.equal(base.status, 400, 'the abstract base cannot be created');
    const beta = await server.request('POST', `${b.beta}/customers`, { body: { '@odata.type': '#microsoft.graph.bookingCustomerBase', displayName: 'Abstract' } });
    assert.equal(beta.status, 400, 'beta has no bookingCustomerBase');
  });
});

describe('businesses as Graph answers them', () => {
  it("a new business has Graph's defaults: businessType '', languageTag en-US, Mon–Fri 08:00–17:00, the default scheduling policy", async () => {
    const res = await server.request('POST', '/v1.0/solutions/bookingBusinesses', { body: { displayName: `Defaults ${randomUUID()}` } });
    assert.equal(res.status, 201, 'created');
    assert.equal(res.json.businessType, '', 'businessType');
    assert.equal(res.json.languageTag, 'en-US', 'languageTag');
    assert.equal(res.json.businessHours.length, 7, 'a week of hours');
    for (const day of res.json.businessHours) {
      const weekend = day.day === 'saturday' || day.day === 'sunday';
      assert.deepEqual(day.timeSlots, weekend ? [] : [{ startTime: '08:00:00.0000000', endTime: '17:00:00.0000000' }], `${day.day}`);
    }
    const p = res.json.schedulingPolicy;
    assert.deepEqual(
      [p.timeSlotInterval, p.minimumLeadTime, p.maximumAdvance, p.sendConfirmationsToOwner, p.allowStaffSelection],
      ['PT30M', 'P1D', 'P365D', true, true],
      'the default scheduling policy',
    );
    assert.equal(res.json.bookingPageSettings, null, 'no booking page settings until set');
    const given = await server.request('POST', '/beta/solutions/bookingBusinesses', {
      body: { displayName: `Given ${randomUUID()}`, businessType: 'Bakery', businessHours: [{ day: 'monday', timeSlots: [] }] },
    });
    assert.equal(given.status, 201, 'created with hours');
    assert.equal(given.json.businessType, 'Bakery', 'a given value wins over the default');
    assert.deepEqual(given.json.businessHours, [{ day: 'monday', timeSlots: [] }], 'given hours are kept');
  });

  it('a list gives id and displayName only (a GET gives the rest); $select still picks', async () => {
    const b = await business();
    const list = await server.request('GET', `/v1.0/solutions/bookingBusinesses?$filter=id eq '${b.id}'`);
    assert.equal(list.status, 200, 'listed');
    assert.deepEqual(Object.keys(list.json.value[0]).filter((k) => !k.startsWith('@')), ['id', 'displayName'], 'only id and displayName');
    const selected = await server.request('GET', `/beta/solutions/bookingBusinesses?$filter=id eq '${b.id}'&$select=languageTag`);
    assert.equal(selected.json.value[0].languageTag, 'en-US', '$select picks other properties');
  });

  it('?query= keeps the businesses whose name contains the text, ignoring case', async () => {
    const tag = randomUUID().slice(0, 8);
    for (const name of [`Adventure ${tag} Works`, `Fabrikam ${tag}`, `adventure ${tag} club`]) {
      assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: name } })).status, 201, name);
    }
    const res = await server.request('GET', `/v1.0/solutions/bookingBusinesses?query=ADVENTURE%20${tag}`);
    assert.equal(res.status, 200, 'query answers');
    assert.deepEqual(res.json.value.map((x: { displayName: string }) => x.displayName).sort(), [`Adventure ${tag} Works`, `adventure ${tag} club`], 'matching names only');
    const quote = await server.request('GET', `/beta/solutions/bookingBusinesses?query=${encodeURIComponent("O'Brien")}`);
    assert.equal(quote.status, 200, 'a quote in the text is just text');
  });

  it("Graph's update example (email + schedulingPolicy) answers 204 and applies both", async () => {
    const b = await business();
    const body = {
      email: 'admin@fabrikam.com',
      schedulingPolicy: { timeSlotInterval: 'PT60M', minimumLeadTime: 'P1D', maximumAdvance: 'P30D', sendConfirmationsToOwner: true, allowStaffSelection: true },
    };
    const res = await server.request('PATCH', b.v1, { body });
    assert.equal(res.status, 204, 'business PATCH answers 204');
    const got = await server.request('GET', b.beta);
    assert.equal(got.json.email, 'admin@fabrikam.com', 'the email is applied');
    assert.equal(got.json.schedulingPolicy.timeSlotInterval, 'PT60M', 'and the policy');
    assert.equal((await server.request('PATCH', b.v1, { body: { schedulingPolicy: { timeSlotInterval: 'an hour' } } })).status, 400, 'a duration is checked');
  });
});
