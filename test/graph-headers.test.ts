// Every reply carries Graph's headers; errors come in Graph's one shape.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false';

describe('Graph response headers', () => {
  it('success replies carry request-id, OData-Version and the exact JSON content type', async () => {
    const res = await server.request('GET', '/beta/solutions/bookingBusinesses');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('request-id')!, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get('client-request-id'), res.headers.get('request-id'));
    assert.equal(res.headers.get('odata-version'), '4.0');
    assert.equal(res.headers.get('content-type'), JSON_TYPE);
  });
  it('client-request-id is echoed, on success and on error', async () => {
    const ok = await server.request('GET', '/beta/bookingBusinesses', { headers: { 'client-request-id': 'abc-123' } });
    assert.equal(ok.headers.get('client-request-id'), 'abc-123');
    const bad = await server.request('GET', '/beta/bookingBusinesses/nobody%40x.com', { headers: { 'client-request-id': 'abc-456' } });
    assert.equal(bad.status, 404);
    assert.equal(bad.headers.get('client-request-id'), 'abc-456');
    assert.equal(bad.json.error.innerError['client-request-id'], 'abc-456');
    assert.equal(bad.json.error.innerError['request-id'], bad.headers.get('request-id'));
    assert.equal(bad.headers.get('content-type'), JSON_TYPE);
  });
  it('the error body has exactly code, message and innerError{date, request-id, client-request-id}', async () => {
    const res = await server.request('GET', '/beta/bookingBusinesses/nobody%40x.com');
    assert.deepEqual(Object.keys(res.json), ['error']);
    assert.deepEqual(Object.keys(res.json.error), ['code', 'message', 'innerError']);
    assert.deepEqual(Object.keys(res.json.error.innerError), ['date', 'request-id', 'client-request-id']);
    assert.match(res.json.error.innerError.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });
});
