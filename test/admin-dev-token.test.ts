// POST /admin/api/dev-token: the admin page's way to a dev-issuer token, for loopback callers only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

describe('admin dev tokens', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('mints a token for the asked tenant and scopes, which the API then accepts', async () => {
    const tenant = '11111111-2222-3333-4444-555555555555';
    const res = await server.request('POST', '/admin/api/dev-token', { body: { tenant, scopes: ['Bookings.Read.All'] }, anonymous: true });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.token_type, 'Bearer');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const token = res.json.access_token as string;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.tid, tenant);
    assert.equal(claims.scp, 'Bookings.Read.All');
    assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses', { token })).status, 200);
    // Read-only scope: creating is refused by the permission check.
    assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { token, body: { displayName: 'x' } })).status, 403);
  });

  it('refuses malformed requests', async () => {
    for (const body of [{ scopes: 'Bookings.Read.All' }, { scopes: [1] }, { tenant: 'a b', scopes: [] }, { tenant: 5, scopes: [] }]) {
      const res = await server.request('POST', '/admin/api/dev-token', { body, anonymous: true });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
  });
});

describe('admin dev tokens without the dev issuer', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ auth: { mode: 'none' } });
  });
  after(() => server.close());

  it('are not offered', async () => {
    const res = await server.request('POST', '/admin/api/dev-token', { body: { scopes: [] }, anonymous: true });
    assert.equal(res.status, 404);
  });
});
