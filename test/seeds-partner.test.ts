// Seed 003: POST /Customers creates a microsoft.management.services.api.Customer with typed properties.
// The documented body uses placeholders ("Integer", "String (timestamp)") that are not values of the declared
// types: replayed as-is it is refused, naming the property and type; with typed values it is created.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSeed } from './helpers/seeds.js';
import { GUID, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const seed = loadSeed('003');
const TIMESTAMP = '2021-03-04T05:06:07Z';
/** The documented placeholders, replaced by values of the types the property table declares. */
function typed(body: Record<string, unknown>): Record<string, unknown> {
  const placeholders: Record<string, unknown> = { Integer: 7, Boolean: true, 'String (timestamp)': TIMESTAMP };
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' && v in placeholders ? placeholders[v] : v]));
}
const { 'content-length': _documentedLength, ...seedHeaders } = seed.request.headers;

async function create(overrides: Record<string, unknown> = {}) {
  const res = await server.request('POST', '/beta/Customers', { body: { ...typed(JSON.parse(seed.request.body)), ...overrides } });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

describe('seed 003: POST /Customers', () => {
  it('the documented example, replayed byte for byte, is refused: "Integer" is not an Edm.Int32', async () => {
    assert.equal(seed.request.path, '/beta/Customers');
    const res = await server.request('POST', seed.request.path, { raw: seed.request.body, headers: seedHeaders });
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'BadRequest');
    assert.match(res.json.error.message, /'contractType'.*Edm\.Int32.*"Integer"/);
    assert.equal(Number((await server.request('GET', '/beta/Customers/$count')).text), 0);
  });

  it('with typed values it answers 201 with the documented body', async () => {
    const res = await server.request('POST', seed.request.path, { raw: JSON.stringify(typed(JSON.parse(seed.request.body))), headers: seedHeaders });
    assert.equal(res.status, seed.response.status, res.text);
    const documented = typed(JSON.parse(seed.response.body));
    for (const [k, v] of Object.entries(documented)) {
      if (k === 'id') assert.match(res.json.id, GUID);
      else assert.deepEqual(res.json[k], v, k);
    }
    assert.equal(res.json['@odata.type'], '#microsoft.management.services.api.Customer');
    assert.equal(res.json['@odata.context'], `${server.origin}/beta/$metadata#Customers/$entity`);
    assert.equal(res.headers.get('location'), `${server.origin}/beta/Customers('${res.json.id}')`);
  });

  for (const [property, value, type] of [
    ['contractType', 'Integer', 'Edm.Int32'],
    ['contractType', 1.5, 'Edm.Int32'],
    ['contractType', 2147483648, 'Edm.Int32'],
    ['onboardingStatus', '3', 'Edm.Int32'],
    ['delegatedPrivilegeStatus', true, 'Edm.Int32'],
    ['isOnBoardedToMTM', 'Boolean', 'Edm.Boolean'],
    ['isDeleted', 'true', 'Edm.Boolean'],
    ['isDeleted', 1, 'Edm.Boolean'],
    ['deletedDateTime', 'String (timestamp)', 'Edm.DateTimeOffset'],
    ['lastDAPRefreshDateTimeUtc', '2021-02-30T00:00:00Z', 'Edm.DateTimeOffset'],
    ['cosmosCreatedDateTimeUTC', '2021-03-04 05:06:07', 'Edm.DateTimeOffset'],
    ['cosmosLastModifiedDateTimeUTC', '2021-03-04T05:06:07', 'Edm.DateTimeOffset'],
    ['partnerId', 5, 'Edm.String'],
  ] as const) {
    it(`${property} = ${JSON.stringify(value)} is refused as not ${type}`, async () => {
      const res = await server.request('POST', '/beta/customers', { body: { ...typed(JSON.parse(seed.request.body)), [property]: value } });
      assert.equal(res.status, 400, res.text);
      assert.ok(res.json.error.message.includes(`'${property}'`), res.json.error.message);
      assert.ok(res.json.error.message.includes(type), res.json.error.message);
    });
  }

  it('Int32 bounds, offsets and fractional seconds are accepted and normalised to UTC', async () => {
    const c = await create({
      contractType: -2147483648,
      onboardingStatus: 2147483647,
      deletedDateTime: '2021-03-04T07:06:07.1234567+02:00',
      lastDAPRefreshDateTimeUtc: '2021-03-04T05:06:07.500Z',
      isDeleted: false,
    });
    assert.equal(c.contractType, -2147483648);
    assert.equal(c.onboardingStatus, 2147483647);
    assert.equal(c.deletedDateTime, '2021-03-04T05:06:07.1234567Z');
    assert.equal(c.lastDAPRefreshDateTimeUtc, '2021-03-04T05:06:07.5Z');
    assert.equal(c.isDeleted, false);
  });

  it('the identifying properties are required', async () => {
    for (const p of ['partnerId', 'azureTenantId', 'displayName', 'domain']) {
      const body = typed(JSON.parse(seed.request.body));
      delete body[p];
      const res = await server.request('POST', '/beta/Customers', { body });
      assert.equal(res.status, 400);
      assert.match(res.json.error.message, new RegExp(`'${p}' is required`));
    }
  });
});

describe('partner Customers: list, get, update, delete', () => {
  it('round-trips through every operation, on a case-insensitive entity set', async () => {
    const c = await create({ displayName: 'Fabrikam', domain: 'fabrikam.example' });
    const got = await server.request('GET', `/beta/CUSTOMERS('${c.id}')`);
    assert.equal(got.status, 200);
    assert.equal(got.json.displayName, 'Fabrikam');
    assert.equal(got.json['@odata.context'], `${server.origin}/beta/$metadata#Customers/$entity`);

    const list = await server.request('GET', '/beta/customers');
    assert.equal(list.json['@odata.context'], `${server.origin}/beta/$metadata#Customers`);
    assert.ok(list.json.value.some((x: { id: string }) => x.id === c.id), `the created customer is listed: ${list.text}`);

    assert.equal((await server.request('PATCH', `/beta/Customers/${c.id}`, { body: { contractType: 3, isDeleted: true } })).status, 204);
    const patched = (await server.request('GET', `/beta/Customers/${c.id}`)).json;
    assert.equal(patched.contractType, 3);
    assert.equal(patched.isDeleted, true);
    assert.equal(patched.displayName, 'Fabrikam');

    assert.equal((await server.request('PATCH', `/beta/Customers/${c.id}`, { body: { contractType: 'three' } })).status, 400);
    assert.equal((await server.request('DELETE', `/beta/Customers/${c.id}`)).status, 204);
    assert.equal((await server.request('GET', `/beta/Customers/${c.id}`)).status, 404);
  });
});
