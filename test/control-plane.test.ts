// The control plane under /_clientele/: what it does for local callers (info, reset, load, token), and that it
// refuses everyone else: a proxied request (X-Forwarded-For), a $batch replay, a missing or wrong control key.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { DEFAULT_TENANT_ID, startServer, type TestServer } from './helpers/server.js';

const OTHER = 'c0c0c0c0-0000-4000-8000-000000000001';
const BUSINESSES = '/v1.0/solutions/bookingBusinesses';

describe('control plane for local callers', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('info names the URLs, the default tenant, the engine and whether tokens can be had', async () => {
    const res = await server.request('GET', '/_clientele/info', { anonymous: true });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.url, server.origin, 'info.url is the origin the caller reached');
    assert.equal(res.json.graph['v1.0'], `${server.origin}/v1.0`, 'info.graph names the v1.0 root');
    assert.equal(res.json.graph.beta, `${server.origin}/beta`, 'info.graph names the beta root');
    assert.equal(res.json.tenant, DEFAULT_TENANT_ID, 'the default tenant');
    assert.equal(res.json.devIssuer, true, 'the dev issuer is trusted');
    assert.equal(res.json.pid, process.pid, 'the server process');
    assert.equal(typeof res.json.engine, 'string', 'the engine is named');
  });

  it('load creates the fixtures (contained entities too) in the asked tenant; reset removes them', async () => {
    const fixtures = { bookingBusinesses: [{ id: 'cp@contoso.com', displayName: 'Control plane', customers: [{ displayName: 'Ada' }, { displayName: 'Bo' }] }] };
    const loaded = await server.request('POST', `/_clientele/load?tenant=${OTHER}`, { body: fixtures, anonymous: true });
    assert.equal(loaded.status, 200, loaded.text);
    assert.equal(loaded.json.created, 3, 'a business and two customers');
    const token = await server.token({ tenant: OTHER });
    const customers = await server.request('GET', `${BUSINESSES}/cp%40contoso.com/customers`, { token });
    assert.equal(customers.status, 200, customers.text);
    assert.deepEqual(customers.json.value.map((c: { displayName: string }) => c.displayName).sort(), ['Ada', 'Bo'], 'the loaded customers');
    // The default tenant saw nothing of it.
    const mine = await server.request('GET', `${BUSINESSES}/cp%40contoso.com`);
    assert.equal(mine.status, 404, 'fixtures of another tenant stay in it');

    const reset = await server.request('POST', '/_clientele/reset', { body: { tenant: OTHER }, anonymous: true });
    assert.equal(reset.status, 200, reset.text);
    assert.equal(reset.json.deleted, 3, 'every row of the tenant');
    assert.equal((await server.request('GET', `${BUSINESSES}/cp%40contoso.com`, { token })).status, 404, 'gone after reset');
  });

  it('load with a bad entry loads nothing and names the entry and the property', async () => {
    const fixtures = {
      bookingBusinesses: [{ id: 'good@contoso.com', displayName: 'Good' }, { displayName: 'Bad', customers: [{ displayName: 'x', emailAddress: 5 }] }],
    };
    const res = await server.request('POST', '/_clientele/load', { body: fixtures, anonymous: true });
    assert.equal(res.status, 400, res.text);
    assert.match(res.json.error.message, /bookingBusinesses\[1\]\.customers\[0\]: .*'emailAddress'/, 'the entry and the property');
    assert.equal((await server.request('GET', `${BUSINESSES}/good%40contoso.com`)).status, 404, 'the valid entry before it was not kept');
    const unknown = await server.request('POST', '/_clientele/load', { body: { bookings: [] }, anonymous: true });
    assert.equal(unknown.status, 400, unknown.text);
    assert.match(unknown.json.error.message, /bookings: not an entity set/, 'an unknown entity set is named');
  });

  it('token hands out dev issuer tokens by the CLI option names, every Bookings permission by default', async () => {
    const res = await server.request('POST', '/_clientele/token', { body: {}, anonymous: true });
    assert.equal(res.status, 200, res.text);
    const claims = decodeJwt(res.json.access_token);
    assert.equal(claims.tid, DEFAULT_TENANT_ID, 'the default tenant');
    assert.match(String(claims.scp), /Bookings\.Manage\.All/, 'every Bookings permission');
    const created = await server.request('POST', BUSINESSES, { token: res.json.access_token, body: { displayName: 'Via control token' } });
    assert.equal(created.status, 201, created.text);

    const app = await server.request('POST', '/_clientele/token', { body: { tenant: OTHER, roles: 'Bookings.Read.All', lifetime: 60 }, anonymous: true });
    assert.equal(app.status, 200, app.text);
    const appClaims = decodeJwt(app.json.access_token);
    assert.deepEqual([appClaims.idtyp, appClaims.roles, appClaims.tid], ['app', ['Bookings.Read.All'], OTHER], 'an app-only token for the asked tenant');
    assert.equal(Number(appClaims.exp) - Number(appClaims.iat), 60, 'the asked lifetime');

    for (const body of [{ scopes: [1] }, { roles: ['A'], scopes: ['B'] }, { tenant: 'a b' }, { lifetime: -1 }, { frobnicate: true }]) {
      const bad = await server.request('POST', '/_clientele/token', { body, anonymous: true });
      assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.text}`);
    }
  });

  it('an unknown control path is a 404, not a Graph version error', async () => {
    const res = await server.request('GET', '/_clientele/nothing', { anonymous: true });
    assert.equal(res.status, 404, res.text);
    assert.equal(res.json.error.code, 'NotFound', res.text);
  });
});

describe('control plane refusals', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    const made = await server.request('POST', BUSINESSES, { body: { id: 'keep@contoso.com', displayName: 'Keep' } });
    assert.equal(made.status, 201, made.text);
  });
  after(() => server.close());

  it('refuses a request that came through a proxy (forwarding headers), even on loopback', async () => {
    const proxied: Array<Record<string, string>> = [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }];
    for (const headers of proxied) {
      const res = await server.request('POST', '/_clientele/reset', { headers, anonymous: true });
      assert.equal(res.status, 403, `${JSON.stringify(headers)}: ${res.text}`);
      assert.equal(res.json.error.code, 'ErrorAccessDenied', res.text);
      const token = await server.request('POST', '/_clientele/token', { headers, body: {}, anonymous: true });
      assert.equal(token.status, 403, `token with ${JSON.stringify(headers)}: ${token.text}`);
    }
    assert.equal((await server.request('GET', `${BUSINESSES}/keep%40contoso.com`)).status, 200, 'nothing was reset');
  });

  it('refuses requests replayed from inside a $batch, whatever their URL says', async () => {
    const requests = ['../_clientele/reset', '/../_clientele/reset', '%2e%2e/_clientele/reset'].map((url, i) => ({ id: String(i), method: 'POST', url, body: {}, headers: { 'content-type': 'application/json' } }));
    const res = await server.request('POST', '/beta/$batch', { body: { requests } });
    if (res.status === 200) {
      for (const r of res.json.responses) assert.ok(r.status >= 400, `inner request ${r.id} must fail: ${JSON.stringify(r)}`);
    } else {
      assert.equal(res.status, 400, `the batch is refused as a whole or per request: ${res.text}`);
    }
    assert.equal((await server.request('GET', `${BUSINESSES}/keep%40contoso.com`)).status, 200, 'nothing was reset');
  });
});

describe('control plane with a control key', () => {
  let server: TestServer;
  const key = 'k-3f9c2d7e';
  before(async () => {
    server = await startServer({ control: { key } });
  });
  after(() => server.close());

  it('needs the key from every caller, loopback included, and answers with it', async () => {
    const none = await server.request('GET', '/_clientele/info', { anonymous: true });
    assert.equal(none.status, 403, `no key: ${none.text}`);
    assert.match(none.json.error.message, /x-clientele-control-key/, 'the refusal names the header');
    const wrong = await server.request('GET', '/_clientele/info', { headers: { 'x-clientele-control-key': 'k-3f9c2d7f' }, anonymous: true });
    assert.equal(wrong.status, 403, `wrong key: ${wrong.text}`);
    const right = await server.request('GET', '/_clientele/info', { headers: { 'x-clientele-control-key': key, 'x-forwarded-for': '203.0.113.9' }, anonymous: true });
    assert.equal(right.status, 200, `the key admits a caller from elsewhere: ${right.text}`);
  });
});

describe('control plane without the dev issuer', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ auth: { mode: 'none' } });
  });
  after(() => server.close());

  it('has no token endpoint, and info says so', async () => {
    const res = await server.request('POST', '/_clientele/token', { body: {} });
    assert.equal(res.status, 404, res.text);
    const info = await server.request('GET', '/_clientele/info');
    assert.equal(info.json.devIssuer, false, 'info: no dev issuer');
    assert.equal(info.json.auth, 'none', 'info: the auth mode');
  });
});
