// bookingCustomer CRUD through the real server, on both the current and the older path.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GUID, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
const BIZ = 'Contosolunchdelivery@contoso.com';
before(async () => {
  server = await startServer();
  assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: BIZ, displayName: 'Contoso' } })).status, 201);
});
after(() => server.close());

const base = `/beta/solutions/bookingBusinesses/${encodeURIComponent(BIZ)}/customers`;

async function create(body: Record<string, unknown> = { displayName: 'Joni Sherman', emailAddress: 'jonis@relecloud.com' }) {
  const res = await server.request('POST', base, { body });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

describe('bookingCustomer', () => {
  it('create returns every property, stamps createdDateTime and lastUpdatedDateTime', async () => {
    const c = await create();
    assert.match(c.id, GUID);
    assert.equal(c['@odata.type'], '#microsoft.graph.bookingCustomer');
    assert.deepEqual(c.addresses, []);
    assert.deepEqual(c.phones, []);
    assert.match(c.createdDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    assert.equal(c.createdDateTime, c.lastUpdatedDateTime);
  });

  it('ignores read-only properties sent by the client', async () => {
    const c = await create({ displayName: 'A', createdDateTime: '2001-01-01T00:00:00Z' });
    assert.notEqual(c.createdDateTime, '2001-01-01T00:00:00Z');
  });

  it('get by id in every key form and segment case', async () => {
    const c = await create();
    const encodedBiz = encodeURIComponent(BIZ);
    for (const path of [
      `${base}/${c.id}`,
      `${base}('${c.id}')`,
      `${base}(id='${c.id}')`,
      `/beta/solutions/bookingbusinesses/${BIZ}/customers/${c.id.toUpperCase()}`,
      `/beta/SOLUTIONS/BookingBusinesses('${encodedBiz}')/Customers('${c.id}')`,
      `/beta/bookingBusinesses/${encodedBiz}/customers/${c.id}`,
      `/v1.0/solutions/bookingBusinesses/${encodedBiz}/customers/${c.id}`,
    ]) {
      const res = await server.request('GET', path);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assert.equal(res.json.id, c.id);
    }
    const res = await server.request('GET', `${base}/${c.id}`);
    assert.equal(res.json['@odata.context'], `${server.origin}/beta/$metadata#solutions/bookingBusinesses('Contosolunchdelivery%40contoso.com')/customers/$entity`);
  });

  it('list returns value[] with the collection context', async () => {
    const c = await create({ displayName: 'Listed' });
    const res = await server.request('GET', base);
    assert.equal(res.status, 200);
    assert.equal(res.json['@odata.context'], `${server.origin}/beta/$metadata#solutions/bookingBusinesses('Contosolunchdelivery%40contoso.com')/customers`);
    assert.ok(Array.isArray(res.json.value), `the collection has a value array: ${res.text}`);
    const found = res.json.value.find((x: { id: string }) => x.id === c.id);
    assert.equal(found.displayName, 'Listed');
    assert.equal(found['@odata.type'], '#microsoft.graph.bookingCustomer');
  });

  it('PATCH answers 200 with the updated customer (as Graph documents) and changes only what was sent', async () => {
    const c = await create({ displayName: 'Before', emailAddress: 'b@example.com', phones: [{ number: '1', type: 'home' }] });
    await new Promise((r) => setTimeout(r, 20));
    const res = await server.request('PATCH', `${base}/${c.id}`, { body: { displayName: 'After' } });
    assert.equal(res.status, 200, 'a customer PATCH answers 200');
    assert.equal(res.json['@odata.context'], `${server.origin}/beta/$metadata#solutions/bookingBusinesses('Contosolunchdelivery%40contoso.com')/customers/$entity`, 'entity context');
    assert.equal(res.json.displayName, 'After', 'the body is the updated customer');
    assert.equal(res.json.emailAddress, 'b@example.com', 'unsent properties are kept in the body');
    assert.equal(res.headers.get('etag'), res.json['@odata.etag'], 'the ETag header is the body etag');
    const got = (await server.request('GET', `${base}/${c.id}`)).json;
    assert.equal(got.displayName, 'After');
    assert.equal(got.emailAddress, 'b@example.com');
    assert.equal(got.phones[0].number, '1');
    assert.equal(got.createdDateTime, c.createdDateTime);
    // As instants: the wire form trims trailing zeros (`…54.7Z` is before `…54.73Z`, though it sorts after it).
    assert.ok(Date.parse(got.lastUpdatedDateTime) > Date.parse(c.lastUpdatedDateTime), `lastUpdatedDateTime moves forward: ${c.lastUpdatedDateTime} then ${got.lastUpdatedDateTime}`);
  });

  it('PATCH replaces collections and may clear nullable properties', async () => {
    const c = await create({ displayName: 'X', emailAddress: 'x@example.com', addresses: [{ city: 'Buffalo' }] });
    assert.equal((await server.request('PATCH', `${base}/${c.id}`, { body: { emailAddress: null, addresses: [] } })).status, 200, 'PATCH answers 200');
    const got = (await server.request('GET', `${base}/${c.id}`)).json;
    assert.equal(got.emailAddress, null);
    assert.deepEqual(got.addresses, []);
  });

  it('PATCH cannot change the id or empty displayName', async () => {
    const c = await create();
    assert.equal((await server.request('PATCH', `${base}/${c.id}`, { body: { id: 'other' } })).status, 400);
    assert.equal((await server.request('PATCH', `${base}/${c.id}`, { body: { displayName: '' } })).status, 400);
    assert.equal((await server.request('PATCH', `${base}/${c.id}`, { body: { displayName: null } })).status, 400);
    assert.equal((await server.request('PATCH', `${base}/${c.id}`, { body: { id: c.id, displayName: 'Same id is fine' } })).status, 200, 'same id is fine');
  });

  it('PATCH and POST honour Prefer: return=minimal and return=representation, saying so in Preference-Applied', async () => {
    const c = await create({ displayName: 'Pref' });
    const minimal = await server.request('PATCH', `${base}/${c.id}`, { body: { displayName: 'Minimal' }, headers: { prefer: 'return=minimal' } });
    assert.equal(minimal.status, 204, 'return=minimal answers 204');
    assert.equal(minimal.text, '', 'and no body');
    assert.equal(minimal.headers.get('preference-applied'), 'return=minimal', 'Preference-Applied says so');
    assert.ok(minimal.headers.get('etag'), 'the new ETag is still sent');
    const full = await server.request('PATCH', `${base}/${c.id}`, { body: { emailAddress: 'p@example.com' }, headers: { prefer: 'return=representation' } });
    assert.equal(full.status, 200, 'return=representation answers 200');
    assert.equal(full.json.displayName, 'Minimal', 'with the updated customer');
    assert.equal(full.headers.get('preference-applied'), 'return=representation', 'Preference-Applied says so');
    const created = await server.request('POST', base, { body: { displayName: 'Quiet' }, headers: { prefer: 'return=minimal' } });
    assert.equal(created.status, 204, 'a create with return=minimal answers 204');
    assert.match(created.headers.get('location') ?? '', /\/customers\('[0-9a-f-]+'\)$/, 'with the Location of the new customer');
    assert.equal(created.headers.get('preference-applied'), 'return=minimal', 'Preference-Applied on create');
    const where = created.headers.get('location')!.replace(server.origin, '');
    assert.equal((await server.request('GET', where)).json.displayName, 'Quiet', 'the customer exists');
    const business = await server.request('PATCH', '/beta/solutions/bookingBusinesses/Contosolunchdelivery@contoso.com', {
      body: { phone: '1' },
      headers: { prefer: 'return=representation' },
    });
    assert.equal(business.status, 200, 'a business PATCH with return=representation answers 200');
    assert.equal(business.json.phone, '1', 'with the updated business');
  });

  it('DELETE answers 204, then the customer is gone', async () => {
    const c = await create();
    const res = await server.request('DELETE', `${base}/${c.id}`);
    assert.equal(res.status, 204);
    assert.equal((await server.request('GET', `${base}/${c.id}`)).status, 404);
    assert.equal((await server.request('DELETE', `${base}/${c.id}`)).status, 404);
    assert.equal((await server.request('PATCH', `${base}/${c.id}`, { body: { displayName: 'x' } })).status, 404);
  });

  it('a customer under an unknown business is 404, for every operation', async () => {
    const other = '/beta/solutions/bookingBusinesses/nobody@contoso.com/customers';
    for (const [method, path, body] of [
      ['GET', other, undefined],
      ['POST', other, { displayName: 'x' }],
      ['GET', `${other}/36038f36-634e-44e4-9415-d7d59c2347aa`, undefined],
    ] as const) {
      const res = await server.request(method, path, { body });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.json.error.code, 'ErrorNonExistentMailbox');
      assert.match(res.json.error.message, /nobody@contoso\.com/);
    }
  });

  it('an unknown customer id is 404 in Graph error shape', async () => {
    const res = await server.request('GET', `${base}/36038f36-634e-44e4-9415-d7d59c2347aa`);
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, 'ErrorItemNotFound');
    assert.match(res.json.error.message, /36038f36-634e-44e4-9415-d7d59c2347aa/);
    assert.ok(res.json.error.innerError['request-id'], `the error has a request-id: ${res.text}`);
  });

  it('a client-chosen id is kept; a second create with it is 409', async () => {
    const id = '11111111-2222-3333-4444-555555555555';
    const c = await create({ id, displayName: 'Fixed' });
    assert.equal(c.id, id);
    const again = await server.request('POST', base, { body: { id, displayName: 'Fixed' } });
    assert.equal(again.status, 409);
  });

  it('$count segment answers text/plain', async () => {
    const res = await server.request('GET', `${base}/$count`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain/);
    assert.match(res.text, /^\d+$/);
    const list = await server.request('GET', `${base}?$top=999`);
    assert.equal(Number(res.text), list.json.value.length);
  });

  it('methods a resource does not support answer 405', async () => {
    assert.equal((await server.request('DELETE', base)).status, 405);
    assert.equal((await server.request('PUT', base, { body: {} })).status, 405);
  });
});
