// $batch cannot reach past the version root: no inner URL climbs to the token endpoints, the admin page's
// dev-token endpoint or the ops routes, none nests another $batch, and the token minting endpoints answer
// only a local caller that connects directly (never an in-process replay, never through a proxy).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { MAX_INNER_URL_LENGTH } from '../src/http/batch-url.js';
import { startServer, type TestServer } from './helpers/server.js';

const OTHER_TENANT = 'bbbbbbbb-0000-4000-8000-00000000000b';
const BUSINESS = 'escape@contoso.com';
const MINT_BODY = { tenant: OTHER_TENANT, scopes: ['Bookings.Manage.All'] };
const FORM = `grant_type=client_credentials&client_id=a1b2c3d4-0000-4000-8000-00000000c11e&client_secret=y&scope=${encodeURIComponent('https://graph.microsoft.com/.default')}`;

let server: TestServer;
before(async () => {
  server = await startServer();
  const made = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: BUSINESS, displayName: 'Escape' } });
  assert.equal(made.status, 201, `the test business is created: ${made.text}`);
});
after(() => server.close());

interface Inner {
  id: string;
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

async function batch(requests: Inner[], opts: { token?: string; version?: string } = {}) {
  const res = await server.request('POST', `/${opts.version ?? 'beta'}/$batch`, { body: { requests }, token: opts.token });
  assert.equal(res.status, 200, `the batch as a whole is answered: ${res.text}`);
  return res;
}

/** Every string in a JSON value, so that a token hidden anywhere in an answer is found. */
function containsJwt(text: string): boolean {
  return /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/.test(text);
}

const ESCAPES = [
  '../admin/api/dev-token',
  '/../admin/api/dev-token',
  '%2e%2e/admin/api/dev-token',
  '.%2E/admin/api/dev-token',
  '%2E%2E%2Fadmin/api/dev-token',
  '..\\admin\\api\\dev-token',
  'x/../../admin/api/dev-token',
  'solutions/../../admin/api/dev-token',
  './../admin/api/dev-token',
  '../contoso/oauth2/v2.0/token',
  `../${OTHER_TENANT}/oauth2/v2.0/devicecode`,
  '../discovery/v2.0/keys',
  '../metrics',
  '../readyz',
];

describe('$batch inner URLs stay under the version root', () => {
  it('a token without scopes cannot mint a token for another tenant through any escape', async () => {
    const weak = await server.token({ scopes: [] });
    for (const version of ['beta', 'v1.0']) {
      const requests = ESCAPES.map((url, i) => ({
        id: String(i + 1),
        method: 'POST',
        url,
        body: url.includes('oauth2') ? FORM : MINT_BODY,
        headers: { 'content-type': url.includes('oauth2') ? 'application/x-www-form-urlencoded' : 'application/json' },
      }));
      const res = await batch(requests, { token: weak, version });
      assert.equal(containsJwt(res.text), false, `no token in the answer (${version}): ${res.text.slice(0, 500)}`);
      for (const [i, answer] of (res.json.responses as Array<{ id: string; status: number; body: any }>).entries()) {
        assert.equal(answer.status, 400, `${ESCAPES[i]} is refused with 400 (${version}): ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body?.error?.code, 'BadRequest', `${ESCAPES[i]} answers Graph's error shape`);
        assert.match(answer.body.error.message, /Invalid request URL/, `${ESCAPES[i]}: the message says what is wrong`);
      }
    }
  });

  it('a path inside the version root that names a token route reaches Graph, not the token endpoint', async () => {
    const res = await batch([
      { id: '1', method: 'POST', url: 'oauth2/v2.0/token', body: FORM, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { id: '2', method: 'POST', url: 'common/oauth2/v2.0/token', body: FORM, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { id: '3', method: 'GET', url: 'v2.0/.well-known/openid-configuration' },
    ]);
    assert.equal(containsJwt(res.text), false, `no token in the answer: ${res.text.slice(0, 500)}`);
    for (const answer of res.json.responses) {
      assert.ok(answer.status >= 400 && answer.status < 500, `request ${answer.id} is a Graph 4xx: ${JSON.stringify(answer)}`);
      assert.equal(typeof answer.body?.error?.code, 'string', `request ${answer.id} answers Graph's error shape`);
      assert.equal(answer.body?.token_endpoint, undefined, `request ${answer.id} is not the OpenID configuration`);
    }
  });

  it('the same URLs sent directly to /beta reach Graph, not the token endpoint', async () => {
    const res = await fetch(`${server.origin}/beta/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${await server.token()}` },
      body: FORM,
    });
    const text = await res.text();
    assert.equal(containsJwt(text), false, `no token: ${text}`);
    assert.equal(res.status, 415, `Graph refuses a form body before it looks at the path: ${text}`);
  });

  it('no nested $batch, however spelled, and nothing of one runs', async () => {
    const customers = `solutions/bookingBusinesses/${encodeURIComponent(BUSINESS)}/customers`;
    const nested = { requests: [{ id: 'n', method: 'POST', url: customers, body: { displayName: 'Nested' } }] };
    const spellings = ['$batch', '/$batch', './$batch', 'x/../$batch', '%24batch', '$BATCH/', '$batch?x=1', '$batch#frag', '../v1.0/$batch', '../beta/$batch'];
    const before = Number((await server.request('GET', `/beta/${customers}/$count`)).text);
    const res = await batch(spellings.map((url, i) => ({ id: String(i), method: 'POST', url, body: nested })));
    for (const [i, answer] of (res.json.responses as Array<{ status: number; body: any }>).entries()) {
      assert.equal(answer.status, 400, `${spellings[i]} is refused: ${JSON.stringify(answer.body)}`);
    }
    const after = Number((await server.request('GET', `/beta/${customers}/$count`)).text);
    assert.equal(after, before, 'no nested request ran');
  });

  it('dot segments that stay inside the root resolve, and keys keep their encoding', async () => {
    const res = await batch([
      { id: '1', method: 'GET', url: `solutions/x/../bookingBusinesses/./${encodeURIComponent(BUSINESS)}` },
      { id: '2', method: 'GET', url: `/solutions//bookingBusinesses/${encodeURIComponent(BUSINESS)}/customers/` },
    ]);
    const [one, two] = res.json.responses;
    assert.equal(one.status, 200, `resolved path answers: ${JSON.stringify(one.body)}`);
    assert.equal(one.body.id, BUSINESS, 'the business is the one named');
    assert.equal(two.status, 200, `empty segments are ignored: ${JSON.stringify(two.body)}`);
  });

  it('refuses inner URLs longer than a request line may be and control characters, per request', async () => {
    const res = await batch([
      { id: 'long', method: 'GET', url: `solutions/bookingBusinesses?$filter=${'a'.repeat(MAX_INNER_URL_LENGTH)}` },
      { id: 'control', method: 'GET', url: 'solutions/bookingBusinesses\r\nX-Injected: 1' },
      { id: 'ok', method: 'GET', url: 'solutions/bookingBusinesses' },
    ]);
    const [long, control, ok] = res.json.responses;
    assert.equal(long.status, 400, `an over-long URL is refused: ${JSON.stringify(long.body).slice(0, 300)}`);
    assert.match(long.body.error.message, /longer than/, 'the message says why');
    assert.equal(control.status, 400, `control characters are refused: ${JSON.stringify(control.body)}`);
    assert.match(control.body.error.message, /control characters/, 'the message says why');
    assert.equal(ok.status, 200, 'the other requests of the batch still run');
  });

  it("takes spaces and quotes as Graph's own batch examples write them, and non-ASCII keys", async () => {
    const customers = `solutions/bookingBusinesses/${encodeURIComponent(BUSINESS)}/customers`;
    const made = await server.request('POST', `/beta/${customers}`, { body: { id: 'josé-ñúñez', displayName: 'José Ñúñez' } });
    assert.equal(made.status, 201, `a customer with a non-ASCII id: ${made.text}`);
    const res = await batch([
      { id: 'filter', method: 'GET', url: `${customers}?$filter=displayName eq 'José Ñúñez'&$select=displayName` },
      { id: 'key', method: 'GET', url: `${customers}/josé-ñúñez` },
    ]);
    const [filtered, byKey] = res.json.responses;
    assert.equal(filtered.status, 200, `a raw filter runs: ${JSON.stringify(filtered.body)}`);
    assert.deepEqual(filtered.body.value.map((c: { displayName: string }) => c.displayName), ['José Ñúñez'], 'the filter found the customer');
    assert.equal(byKey.status, 200, `a raw non-ASCII key resolves: ${JSON.stringify(byKey.body)}`);
    assert.equal(byKey.body.displayName, 'José Ñúñez', 'the customer is the one named');
  });

  it('inner requests cannot set framing headers such as Host or Content-Length', async () => {
    const res = await batch([
      {
        id: '1',
        method: 'POST',
        url: `solutions/bookingBusinesses/${encodeURIComponent(BUSINESS)}/customers`,
        body: { displayName: 'Framed' },
        headers: { 'content-type': 'application/json', 'content-length': '3', host: 'evil.example' },
      },
    ]);
    const [created] = res.json.responses;
    assert.equal(created.status, 201, `the request runs with its own framing: ${JSON.stringify(created.body)}`);
    assert.doesNotMatch(created.headers.location, /evil\.example/, 'the Host header of the batch request is used');
  });
});

describe('token minting answers only local callers that connect directly', () => {
  it('the admin dev-token endpoint refuses a proxied request', async () => {
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const res = await server.request('POST', '/admin/api/dev-token', { body: MINT_BODY, anonymous: true, headers: { [header]: '203.0.113.9' } });
      assert.equal(res.status, 403, `${header}: refused: ${res.text}`);
      assert.equal(containsJwt(res.text), false, `${header}: no token`);
    }
    const direct = await server.request('POST', '/admin/api/dev-token', { body: MINT_BODY, anonymous: true });
    assert.equal(direct.status, 200, `a direct local caller gets one: ${direct.text}`);
    assert.equal(decodeJwt(direct.json.access_token).tid, OTHER_TENANT, 'for the asked tenant');
  });

  it('the OAuth token endpoint refuses a proxied request', async () => {
    const res = await fetch(`${server.origin}/${OTHER_TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' },
      body: FORM,
    });
    const json = (await res.json()) as { error?: string; access_token?: string };
    assert.equal(res.status, 403, `refused: ${JSON.stringify(json)}`);
    assert.equal(json.error, 'access_denied', "in OAuth's error shape");
    assert.equal(json.access_token, undefined, 'no token');
  });
});
