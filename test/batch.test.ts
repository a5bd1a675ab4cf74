// JSON batching: up to 20 requests, dependsOn ordering, 424 for failed dependencies, per-request results.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
const customers = '/solutions/bookingBusinesses/batch%40contoso.com/customers';
before(async () => {
  server = await startServer();
  await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: 'batch@contoso.com', displayName: 'Batch' } });
});
after(() => server.close());

const batch = (requests: unknown[]) => server.request('POST', '/beta/$batch', { body: { requests } });

describe('$batch', () => {
  it('runs each request and answers 200 with id, status, headers and body for each', async () => {
    const res = await batch([
      { id: '1', method: 'POST', url: customers, body: { displayName: 'From batch' }, headers: { 'Content-Type': 'application/json' } },
      { id: '2', method: 'GET', url: `${customers}?$top=5`, dependsOn: ['1'] },
      { id: '3', method: 'GET', url: '/solutions/bookingBusinesses/nobody%40contoso.com' },
    ]);
    assert.equal(res.status, 200, res.text);
    const [created, listed, missing] = res.json.responses;
    assert.equal(created.id, '1');
    assert.equal(created.status, 201);
    assert.match(created.headers['content-type'], /^application\/json/);
    assert.match(created.headers.location, /customers\('/);
    assert.equal(created.body.displayName, 'From batch');
    assert.equal(listed.status, 200);
    assert.ok(listed.body.value.some((c: { id: string }) => c.id === created.body.id), 'the customer created in the batch is listed');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'ErrorNonExistentMailbox');
    // The batch's writes are real.
    assert.equal((await server.request('GET', `/beta${customers}/${created.body.id}`)).status, 200);
  });

  it('a failed dependency fails its dependents with 424, and they do not run', async () => {
    const before = Number((await server.request('GET', `/beta${customers}/$count`)).text);
    const res = await batch([
      { id: 'a', method: 'POST', url: customers, body: { displayName: 42 } },
      { id: 'b', method: 'POST', url: customers, body: { displayName: 'Never' }, dependsOn: ['a'] },
      { id: 'c', method: 'POST', url: customers, body: { displayName: 'Neither' }, dependsOn: ['b'] },
    ]);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.responses.map((r: { status: number }) => r.status), [400, 424, 424]);
    assert.equal(res.json.responses[1].body.error.code, 'FailedDependency');
    assert.equal(Number((await server.request('GET', `/beta${customers}/$count`)).text), before);
  });

  it('dependsOn orders execution even when the dependency comes later in the list', async () => {
    const res = await batch([
      { id: 'count', method: 'GET', url: `${customers}/$count`, dependsOn: ['make'] },
      { id: 'make', method: 'POST', url: customers, body: { displayName: 'First' } },
    ]);
    const count = res.json.responses[0];
    assert.equal(count.status, 200);
    assert.equal(count.body, (await server.request('GET', `/beta${customers}/$count`)).text);
  });

  it('PATCH inside a batch answers 200 with the customer (as outside), DELETE 204 without a body', async () => {
    const id = (await server.request('POST', `/beta${customers}`, { body: { displayName: 'Edit me' } })).json.id;
    const res = await batch([
      { id: '1', method: 'PATCH', url: `${customers}/${id}`, body: { displayName: 'Edited' } },
      { id: '2', method: 'DELETE', url: `${customers}/${id}`, dependsOn: ['1'] },
    ]);
    assert.deepEqual(res.json.responses.map((r: { status: number }) => r.status), [200, 204], 'statuses');
    assert.equal(res.json.responses[0].body.displayName, 'Edited', 'the PATCH answer holds the updated customer');
    assert.equal(res.json.responses[1].body, undefined, 'the DELETE answer has no body');
    assert.equal((await server.request('GET', `/beta${customers}/${id}`)).status, 404);
  });

  it('refuses malformed batches as a whole with 400', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: customers }));
    const over = await batch(many);
    assert.equal(over.status, 400);
    assert.match(over.json.error.message, /Number of requests inside batch exceeds the limit/);
    for (const requests of [
      [],
      [{ id: '1', method: 'GET', url: customers }, { id: '1', method: 'GET', url: customers }],
      [{ id: '1', method: 'FETCH', url: customers }],
      [{ id: '1', method: 'GET', url: 'https://graph.microsoft.com/beta/me' }],
      [{ id: '1', method: 'GET', url: customers, dependsOn: ['zz'] }],
      [{ id: '1', method: 'GET', url: customers, dependsOn: ['2'] }, { id: '2', method: 'GET', url: customers, dependsOn: ['1'] }],
    ]) {
      const res = await batch(requests);
      assert.equal(res.status, 400, JSON.stringify(requests));
      assert.ok(res.json.error.message, `the 400 has an error message: ${res.text}`);
    }
    assert.equal((await server.request('POST', '/beta/$batch', { body: { notRequests: [] } })).status, 400);
    assert.equal((await server.request('GET', '/beta/$batch')).status, 405);
  });
});
