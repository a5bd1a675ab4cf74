// Seed 004: POST /customerCreationOperations/{id}/customer/$ref answers 204 No Content; the customer is then
// readable through GET …/customer with its generated id. Plus the operations' own CRUD.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSeed } from './helpers/seeds.js';
import { GUID, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const seed = loadSeed('004');
const { 'content-length': _documentedLength, ...seedHeaders } = seed.request.headers;

async function newOperation(): Promise<string> {
  const res = await server.request('POST', '/beta/customerCreationOperations', { body: {} });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

describe('seed 004: POST /customerCreationOperations/{id}/customer/$ref', () => {
  it('replayed byte for byte, answers 204 No Content with no body', async () => {
    const op = await newOperation();
    assert.equal(seed.request.path, '/beta/customerCreationOperations/{customerCreationOperationsId}/customer/$ref');
    const res = await server.request('POST', seed.request.path.replace('{customerCreationOperationsId}', op), { raw: seed.request.body, headers: seedHeaders });
    assert.equal(res.status, seed.response.status, res.text);
    assert.equal(res.text, '');
  });

  it('GET …/customer then returns the documented customer with a generated id', async () => {
    const op = await newOperation();
    await server.request('POST', `/beta/customerCreationOperations/${op}/customer/$ref`, { raw: seed.request.body, headers: seedHeaders });
    const res = await server.request('GET', `/beta/customerCreationOperations/${op}/customer`);
    assert.equal(res.status, 200, res.text);
    const documented = JSON.parse(seed.response.body);
    for (const [k, v] of Object.entries(documented)) {
      if (k === 'id') assert.match(res.json.id, GUID);
      else if (k === '@odata.type') assert.equal(res.json[k], v);
      // The profiles are open types: what was sent comes back (their @odata.type names the declared type).
      else assert.deepEqual(res.json[k], v, k);
    }
    assert.equal(res.json['@odata.context'], `${server.origin}/beta/$metadata#customerCreationOperations('${op}')/customer/$entity`);
  });

  it('open profiles keep whatever properties they are given', async () => {
    const op = await newOperation();
    const body = {
      companyProfile: { companyName: 'Fabrikam', domain: 'fabrikam.onmicrosoft.com', address: { city: 'Redmond' } },
      billingProfile: { firstName: 'Ana', lastName: 'Bowman', email: 'ana@fabrikam.example', culture: 'en-US' },
    };
    assert.equal((await server.request('POST', `/beta/customerCreationOperations/${op}/customer/$ref`, { body })).status, 204);
    const got = (await server.request('GET', `/beta/customerCreationOperations/${op}/customer`)).json;
    assert.deepEqual(got.companyProfile, body.companyProfile);
    assert.deepEqual(got.billingProfile, body.billingProfile);
  });

  it('a second POST replaces the customer; DELETE removes it', async () => {
    const op = await newOperation();
    const url = `/beta/customerCreationOperations/${op}/customer`;
    await server.request('POST', `${url}/$ref`, { body: { companyProfile: { n: 1 }, billingProfile: {} } });
    const first = (await server.request('GET', url)).json;
    await server.request('POST', `${url}/$ref`, { body: { companyProfile: { n: 2 }, billingProfile: {} } });
    const second = (await server.request('GET', url)).json;
    assert.equal(second.companyProfile.n, 2);
    assert.notEqual(second.id, first.id);
    assert.equal((await server.request('PATCH', url, { body: { billingProfile: { email: 'x@y.z' } } })).status, 204);
    assert.equal((await server.request('GET', url)).json.billingProfile.email, 'x@y.z');
    assert.equal((await server.request('DELETE', url)).status, 204);
    assert.equal((await server.request('GET', url)).status, 404);
  });

  it('a bad body does not replace (or lose) the existing customer', async () => {
    const op = await newOperation();
    const url = `/beta/customerCreationOperations/${op}/customer`;
    assert.equal((await server.request('POST', `${url}/$ref`, { body: { companyProfile: { keep: true }, billingProfile: {} } })).status, 204);
    for (const body of [{ companyProfile: {} }, { companyProfile: 'x', billingProfile: {} }]) {
      assert.equal((await server.request('POST', `${url}/$ref`, { body })).status, 400);
      assert.equal((await server.request('PUT', url, { body })).status, 400);
    }
    const got = await server.request('GET', url);
    assert.equal(got.status, 200);
    assert.equal(got.json.companyProfile.keep, true);
  });

  it('a replacement is atomic: readers racing it always find a customer', async () => {
    const op = await newOperation();
    const url = `/beta/customerCreationOperations/${op}/customer`;
    assert.equal((await server.request('POST', `${url}/$ref`, { body: { companyProfile: { n: 0 }, billingProfile: {} } })).status, 204);
    const writes = Array.from({ length: 25 }, (_, n) =>
      server.request('POST', `${url}/$ref`, { body: { companyProfile: { n: n + 1 }, billingProfile: {} } }),
    );
    const reads = Array.from({ length: 50 }, () => server.request('GET', url));
    for (const w of await Promise.all(writes)) assert.equal(w.status, 204, w.text);
    for (const r of await Promise.all(reads)) assert.equal(r.status, 200, r.text);
    const last = await server.request('GET', url);
    assert.equal(typeof last.json.companyProfile.n, 'number');
    // Exactly one customer is left: once it is deleted there is none (racing replacements never leave two).
    assert.equal((await server.request('DELETE', url)).status, 204);
    assert.equal((await server.request('GET', url)).status, 404);
  });

  it('an unknown operation id is 404', async () => {
    const res = await server.request('POST', '/beta/customerCreationOperations/6f1b7a52-0000-4000-8000-000000000000/customer/$ref', {
      raw: seed.request.body,
      headers: seedHeaders,
    });
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, 'ErrorItemNotFound');
  });

  it('a missing profile is 400 and stores nothing', async () => {
    const op = await newOperation();
    for (const body of [{ companyProfile: {} }, { billingProfile: {} }, { companyProfile: null, billingProfile: {} }]) {
      const res = await server.request('POST', `/beta/customerCreationOperations/${op}/customer/$ref`, { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.json.error.message, /companyProfile|billingProfile/);
    }
    assert.equal((await server.request('GET', `/beta/customerCreationOperations/${op}/customer`)).status, 404);
  });

  it('a profile that is not an object, or of another type, is 400', async () => {
    const op = await newOperation();
    for (const body of [
      { companyProfile: 'Fabrikam', billingProfile: {} },
      { companyProfile: { '@odata.type': 'microsoft.graph.billingProfile' }, billingProfile: {} },
      { '@odata.type': '#microsoft.graph.bookingCustomer', companyProfile: {}, billingProfile: {} },
    ]) {
      const res = await server.request('POST', `/beta/customerCreationOperations/${op}/customer/$ref`, { body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
  });
});

describe('customerCreationOperations', () => {
  it('create, list, get, delete (with its customer)', async () => {
    const created = await server.request('POST', '/beta/customerCreationOperations', { body: { statusDetail: 'queued' } });
    assert.equal(created.status, 201);
    assert.equal(created.json.status, 'notStarted');
    assert.equal(created.json['@odata.type'], '#microsoft.graph.customerCreationOperation');
    const id = created.json.id;
    assert.equal((await server.request('GET', `/beta/customerCreationOperations('${id}')`)).json.statusDetail, 'queued');
    assert.ok((await server.request('GET', '/beta/customercreationoperations')).json.value.some((o: { id: string }) => o.id === id), `the operation ${id} is listed`);
    assert.equal((await server.request('PATCH', `/beta/customerCreationOperations/${id}`, { body: { status: 'succeeded' } })).status, 204);
    assert.equal((await server.request('PATCH', `/beta/customerCreationOperations/${id}`, { body: { status: 'done' } })).status, 400);
    await server.request('POST', `/beta/customerCreationOperations/${id}/customer/$ref`, { body: { companyProfile: {}, billingProfile: {} } });
    assert.equal((await server.request('DELETE', `/beta/customerCreationOperations/${id}`)).status, 204);
    assert.equal((await server.request('GET', `/beta/customerCreationOperations/${id}`)).status, 404);
    assert.equal((await server.request('GET', `/beta/customerCreationOperations/${id}/customer`)).status, 404);
  });
});
