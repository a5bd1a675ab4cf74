// Seeds 000, 001 and 002: the documented requests replayed byte for byte through the real server, and
// the documented responses compared field by field (generated ids only checked for shape).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSeed, type SeedExample } from './helpers/seeds.js';
import { GUID, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
  for (const id of ['Contosolunchdelivery@M365B489948.onmicrosoft.com', 'Contosolunchdelivery@contoso.com', 'Fourthcoffee@contoso.com']) {
    const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id, displayName: 'Contoso lunch delivery' } });
    assert.equal(res.status, 201, res.text);
  }
});
after(() => server.close());

async function replay(seed: SeedExample, path = seed.request.path) {
  // The documented Content-length (139 in seed 001) does not match its own body; the transport sets it.
  const { 'content-length': _documentedLength, ...headers } = seed.request.headers;
  return server.request(seed.request.method, path, { raw: seed.request.body, headers });
}

/** Every documented field matches; `id` is generated, so only its shape is checked. */
function assertMatchesDocumented(actual: Record<string, unknown>, documented: Record<string, unknown>, serviceRoot: string) {
  for (const [key, expected] of Object.entries(documented)) {
    if (key === 'id') {
      assert.match(String(actual.id), GUID, 'id is a generated GUID');
    } else if (key === '@odata.context') {
      const [docBase, docFragment] = String(expected).split('#');
      const [base, fragment] = String(actual[key]).split('#');
      assert.equal(docBase, 'https://graph.microsoft.com/beta/$metadata');
      assert.equal(base, `${serviceRoot}/beta/$metadata`);
      assert.equal(fragment, docFragment, '@odata.context fragment');
    } else {
      assert.deepEqual(actual[key], expected, `field ${key}`);
    }
  }
}

describe('seed 000: POST /bookingBusinesses/{id}/customers', () => {
  const seed = loadSeed('000');
  it('parses the documented example', () => {
    assert.equal(seed.request.method, 'POST');
    assert.equal(seed.request.path, '/beta/bookingBusinesses/Contosolunchdelivery@M365B489948.onmicrosoft.com/customers');
    assert.equal(seed.response.status, 201);
  });
  it('answers 201 with the documented body', async () => {
    const res = await replay(seed);
    assert.equal(res.status, seed.response.status, res.text);
    assert.ok(res.headers.get('content-type')!.startsWith('application/json'), `the answer is JSON: ${res.headers.get('content-type')}`);
    assertMatchesDocumented(res.json, JSON.parse(seed.response.body), server.origin);
    assert.equal(res.json['@odata.type'], '#microsoft.graph.bookingCustomer');
    assert.equal(
      res.headers.get('location'),
      `${server.origin}/beta/bookingBusinesses('Contosolunchdelivery%40M365B489948.onmicrosoft.com')/customers('${res.json.id}')`,
    );
  });
  it('stores what it answered', async () => {
    const created = (await replay(seed)).json;
    const got = await server.request('GET', `/beta/bookingBusinesses/Contosolunchdelivery%40M365B489948.onmicrosoft.com/customers/${created.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.displayName, 'Joni Sherman');
    assert.equal(got.json.emailAddress, 'jonis@relecloud.com');
    assert.equal(got.json.id, created.id);
  });
});

describe('seed 001: POST /bookingBusinesses/{id}/customers/$ref (generated variant)', () => {
  const seed = loadSeed('001');
  const business = 'Fourthcoffee@contoso.com';
  it('the documented example (…/customers) answers 201 with the documented body', async () => {
    const path = seed.request.path.replace('{bookingBusinessesId}', business);
    const res = await replay(seed, path);
    assert.equal(res.status, 201, res.text);
    assertMatchesDocumented(res.json, JSON.parse(seed.response.body), server.origin);
  });
  it('the documented HTTP request form …/customers/$ref creates the same way', async () => {
    const path = seed.request.path.replace('{bookingBusinessesId}', business) + '/$ref';
    const res = await replay(seed, path);
    assert.equal(res.status, 201, res.text);
    assertMatchesDocumented(res.json, JSON.parse(seed.response.body), server.origin);
    const list = await server.request('GET', `/beta/bookingBusinesses/${business}/customers`);
    assert.ok(list.json.value.some((c: { id: string }) => c.id === res.json.id), `the created customer is listed: ${list.text}`);
  });
});

describe('seed 002: POST /solutions/bookingbusinesses/{id}/customers', () => {
  const seed = loadSeed('002');
  it('answers 201 with the documented body, addresses and phones included', async () => {
    assert.equal(seed.request.path, '/beta/solutions/bookingbusinesses/contosolunchdelivery@contoso.com/customers');
    const res = await replay(seed);
    assert.equal(res.status, 201, res.text);
    const documented = JSON.parse(seed.response.body);
    // The documented context names the business by its stored id, whatever case the request used.
    assert.equal(
      documented['@odata.context'],
      "https://graph.microsoft.com/beta/$metadata#solutions/bookingBusinesses('Contosolunchdelivery%40contoso.com')/customers/$entity",
    );
    const addresses = res.json.addresses.map((a: Record<string, unknown>) => {
      // Graph returns every property of a complex value; the documented ones must match exactly.
      return Object.fromEntries(Object.keys(documented.addresses[0]).map((k) => [k, a[k]]));
    });
    const phones = res.json.phones.map((p: Record<string, unknown>) => Object.fromEntries(Object.keys(documented.phones[0]).map((k) => [k, p[k]])));
    assertMatchesDocumented({ ...res.json, addresses, phones }, documented, server.origin);
  });
});
