// bookingBusiness CRUD on /solutions/bookingBusinesses and the older /bookingBusinesses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer({ mailboxDomain: 'contoso.onmicrosoft.com' });
});
after(() => server.close());

describe('bookingBusiness', () => {
  it('create derives the id from displayName, as Graph does, and avoids collisions', async () => {
    const a = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Fourth Coffee' } });
    assert.equal(a.status, 201, a.text);
    assert.equal(a.json.id, 'FourthCoffee@contoso.onmicrosoft.com');
    assert.equal(a.json['@odata.context'], `${server.origin}/beta/$metadata#solutions/bookingBusinesses/$entity`);
    assert.equal(a.headers.get('location'), `${server.origin}/beta/solutions/bookingBusinesses('FourthCoffee%40contoso.onmicrosoft.com')`);
    const b = await server.request('POST', '/beta/bookingBusinesses', { body: { displayName: 'Fourth Coffee!' } });
    assert.equal(b.json.id, 'FourthCoffee1@contoso.onmicrosoft.com');
    assert.equal(b.json['@odata.context'], `${server.origin}/beta/$metadata#bookingBusinesses/$entity`);
  });

  it('requires displayName', async () => {
    const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { email: 'x@y.z' } });
    assert.equal(res.status, 400);
    assert.match(res.json.error.message, /displayName/);
  });

  it('both paths address the same businesses; keys match case-insensitively', async () => {
    const created = await server.request('POST', '/beta/solutions/bookingBusinesses', {
      body: { displayName: 'Alpine Ski House', address: { city: 'Buffalo', type: 'business' }, email: 'ski@alpine.example' },
    });
    const id = created.json.id as string;
    const viaOld = await server.request('GET', `/beta/bookingBusinesses/${id.toLowerCase()}`);
    assert.equal(viaOld.status, 200);
    assert.equal(viaOld.json.id, id);
    assert.equal(viaOld.json.address.city, 'Buffalo');
    const list = await server.request('GET', '/beta/solutions/bookingBusinesses');
    assert.ok(list.json.value.some((b: { id: string }) => b.id === id), `the business ${id} is listed: ${list.text}`);
  });

  it('PATCH 204, DELETE 204 and the business customers go with it', async () => {
    const id = (await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Gone Soon' } })).json.id;
    const path = `/beta/solutions/bookingBusinesses/${encodeURIComponent(id)}`;
    assert.equal((await server.request('PATCH', path, { body: { phone: '206-555-0100', languageTag: 'en-US' } })).status, 204);
    assert.equal((await server.request('GET', path)).json.phone, '206-555-0100');
    const customer = (await server.request('POST', `${path}/customers`, { body: { displayName: 'C' } })).json;
    assert.equal((await server.request('DELETE', path)).status, 204);
    assert.equal((await server.request('GET', path)).status, 404);
    // Re-creating the business with the same id does not resurrect its old customers.
    await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id, displayName: 'Gone Soon' } });
    assert.equal((await server.request('GET', `${path}/customers/${customer.id}`)).status, 404);
    assert.deepEqual((await server.request('GET', `${path}/customers`)).json.value, []);
  });

  it('read-only isPublished and publicUrl are ignored on create', async () => {
    const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'RO', isPublished: true, publicUrl: 'x' } });
    assert.equal(res.status, 201);
    assert.equal(res.json.isPublished, false);
    assert.equal(res.json.publicUrl, null);
  });
});
