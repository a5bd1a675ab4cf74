// Individual property requests (OData): `…/customers/{id}/displayName` answers that value alone, `/$value`
// its raw text, 204 when it is null. Same permissions, tenant scoping and not-found answers as the entity.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
const BIZ = 'Props@contoso.com';
const base = `/beta/solutions/bookingBusinesses/${encodeURIComponent(BIZ)}/customers`;
let customer: Record<string, any>;

before(async () => {
  server = await startServer();
  assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: BIZ, displayName: 'Props' } })).status, 201);
  const res = await server.request('POST', base, {
    body: {
      displayName: 'Joni Sherman',
      addresses: [{ street: '4567 Main Street', city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98052', type: 'home' }],
      phones: [{ number: '206-555-0100', type: 'home' }],
    },
  });
  assert.equal(res.status, 201, res.text);
  customer = res.json;
});
after(() => server.close());

describe('individual property requests', () => {
  it('a primitive property: its value with the context URL of the property', async () => {
    const res = await server.request('GET', `${base}/${customer.id}/displayName`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, {
      '@odata.context': `${server.origin}/beta/$metadata#solutions/bookingBusinesses('Props%40contoso.com')/customers('${customer.id}')/displayName`,
      value: 'Joni Sherman',
    });
    assert.equal(res.headers.get('etag'), customer['@odata.etag']);
    // Segments are case-insensitive, keys may be in parentheses.
    const other = await server.request('GET', `/beta/solutions/bookingbusinesses('${encodeURIComponent(BIZ)}')/customers('${customer.id}')/DISPLAYNAME`);
    assert.equal(other.json.value, 'Joni Sherman');
  });

  it('/$value: the raw text; a DateTimeOffset in its wire form', async () => {
    const res = await server.request('GET', `${base}/${customer.id}/displayName/$value`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain/);
    assert.equal(res.text, 'Joni Sherman');
    const created = await server.request('GET', `${base}/${customer.id}/createdDateTime/$value`);
    assert.equal(created.text, customer.createdDateTime);
  });

  it('a collection of complex values, exactly as in the entity', async () => {
    const res = await server.request('GET', `${base}/${customer.id}/addresses`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.value, customer.addresses);
    assert.deepEqual((await server.request('GET', `${base}/${customer.id}/phones`)).json.value, customer.phones);
  });

  it('a null property answers 204 No Content', async () => {
    const res = await server.request('GET', `${base}/${customer.id}/emailAddress`);
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.equal((await server.request('GET', `${base}/${customer.id}/emailAddress/$value`)).status, 204);
  });

  it('a property of a single-valued navigation, and of a business', async () => {
    const op = await server.request('POST', '/beta/customerCreationOperations', { body: {} });
    const url = `/beta/customerCreationOperations/${op.json.id}/customer`;
    await server.request('POST', `${url}/$ref`, { body: { companyProfile: { companyName: 'Fabrikam' }, billingProfile: {} } });
    const profile = await server.request('GET', `${url}/companyProfile`);
    assert.equal(profile.status, 200, profile.text);
    assert.equal(profile.json.value.companyName, 'Fabrikam');
    assert.equal((await server.request('GET', `/beta/solutions/bookingBusinesses/${encodeURIComponent(BIZ)}/displayName`)).json.value, 'Props');
  });

  it('refuses what is not a readable property path', async () => {
    const cases: Array<[string, string, number, RegExp]> = [
      ['GET', `${base}/${customer.id}/nope`, 400, /Resource not found for the segment 'nope'/],
      ['GET', `${base}/${customer.id}/addresses/$value`, 400, /only '\$value' of a primitive property/],
      ['GET', `${base}/${customer.id}/displayName/more`, 400, /must be the last segment/],
      ['GET', `${base}/${customer.id}/displayName/$count`, 400, /only '\$value' of a primitive property/],
      ['GET', `${base}/00000000-0000-4000-8000-000000000000/displayName`, 404, /not found/],
      ['PATCH', `${base}/${customer.id}/displayName`, 405, /./],
      ['DELETE', `${base}/${customer.id}/displayName`, 405, /./],
    ];
    for (const [method, url, status, message] of cases) {
      const res = await server.request(method, url, method === 'PATCH' ? { body: { value: 'x' } } : {});
      assert.equal(res.status, status, `${method} ${url}: ${res.text}`);
      assert.match(res.json.error.message, message, url);
    }
    assert.equal((await server.request('GET', `${base}/${customer.id}/displayName`)).json.value, 'Joni Sherman', 'nothing changed');
  });

  it('needs the read permission, and another tenant sees nothing', async () => {
    const noRead = await server.token({ scopes: ['ManagedTenants.Read.All'] });
    assert.equal((await server.request('GET', `${base}/${customer.id}/displayName`, { token: noRead })).status, 403);
    const otherTenant = await server.token({ tenantId: 'cccccccc-0000-4000-8000-00000000000c' });
    assert.equal((await server.request('GET', `${base}/${customer.id}/displayName`, { token: otherTenant })).status, 404);
  });

  it('works inside $batch', async () => {
    const res = await server.request('POST', '/beta/$batch', {
      body: { requests: [{ id: '1', method: 'GET', url: `/solutions/bookingBusinesses/${encodeURIComponent(BIZ)}/customers/${customer.id}/displayName` }] },
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.responses[0].status, 200);
    assert.equal(res.json.responses[0].body.value, 'Joni Sherman');
  });
});
