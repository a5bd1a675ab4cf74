// The dev issuer's OAuth token endpoint (client credentials), over HTTP: what MSAL and @azure/identity send,
// what they get back, and Entra's errors for what Entra refuses. test/sdk/kiota-identity.ts drives it with
// the real @azure/identity and Kiota.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { DevIssuer } from '../src/auth/dev-issuer.js';
import { isLoopbackAddress } from '../src/http/net.js';
import { loadModel } from '../src/model/index.js';
import { startServer, type TestServer } from './helpers/server.js';

const TENANT = '7d3c9a1e-5b2f-4c8d-9e0a-1f2b3c4d5e6f';
const CLIENT = 'a1b2c3d4-0000-4000-8000-00000000c11e';
const GRAPH = 'https://graph.microsoft.com/.default';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

/** POSTs a form to the tenant's token endpoint. */
async function tokenRequest(fields: Record<string, string>, opts: { tenant?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${server.origin}/${opts.tenant ?? TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, any> };
}

const clientCredentials = (extra: Record<string, string> = {}) => ({
  grant_type: 'client_credentials',
  client_id: CLIENT,
  client_secret: 'anything',
  scope: GRAPH,
  ...extra,
});

describe('the OpenID configuration of a tenant', () => {
  it('names the token endpoint and an issuer on the host the client reached', async () => {
    const res = await server.request('GET', `/${TENANT}/v2.0/.well-known/openid-configuration`, { anonymous: true });
    assert.equal(res.status, 200);
    assert.equal(res.json.issuer, `${server.origin}/${TENANT}/v2.0`);
    assert.equal(res.json.token_endpoint, `${server.origin}/${TENANT}/oauth2/v2.0/token`);
    // MSAL refuses a document without these.
    assert.equal(res.json.authorization_endpoint, `${server.origin}/${TENANT}/oauth2/v2.0/authorize`);
    assert.equal(res.json.end_session_endpoint, `${server.origin}/${TENANT}/oauth2/v2.0/logout`);
    assert.equal(res.json.jwks_uri, `${server.origin}/discovery/v2.0/keys`);
    assert.equal(res.json.device_authorization_endpoint, `${server.origin}/${TENANT}/oauth2/v2.0/devicecode`);
    assert.deepEqual(res.json.grant_types_supported, ['client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code', 'refresh_token']);
  });
});

describe('POST /{tenant}/oauth2/v2.0/token, client credentials', () => {
  it('answers an app-only Graph token with every application permission of the model', async () => {
    const res = await tokenRequest(clientCredentials());
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.json.token_type, 'Bearer');
    assert.equal(res.json.expires_in, 3599);
    assert.equal(res.json.ext_expires_in, 3599);
    const claims = decodeJwt(res.json.access_token);
    assert.equal(claims.iss, `${server.origin}/${TENANT}/v2.0`);
    assert.equal(claims.aud, 'https://graph.microsoft.com');
    assert.equal(claims.tid, TENANT);
    assert.equal(claims.appid, CLIENT);
    assert.equal(claims.idtyp, 'app');
    assert.equal(claims.scp, undefined);
    assert.deepEqual(claims.roles, loadModel().declaredPermissions('application'));
    assert.ok((claims.roles as string[]).includes('BookingsAppointment.ReadWrite.All'), `the app token has BookingsAppointment.ReadWrite.All: ${claims.roles}`);
    assert.ok(claims.exp! - claims.iat! >= 3599, `the token lives an hour: exp ${claims.exp}, iat ${claims.iat}`);
  });

  it('the token works in its tenant, with application permissions only', async () => {
    const delegated = await server.token({ tenantId: TENANT });
    const biz = await server.request('POST', '/beta/solutions/bookingBusinesses', { token: delegated, body: { displayName: 'Token Shop' } });
    assert.equal(biz.status, 201, biz.text);
    const app = (await tokenRequest(clientCredentials())).json.access_token as string;
    const customers = `/beta/solutions/bookingBusinesses/${encodeURIComponent(biz.json.id)}/customers`;
    const created = await server.request('POST', customers, { token: app, body: { displayName: 'Made by an app' } });
    assert.equal(created.status, 201, created.text);
    const list = await server.request('GET', customers, { token: app });
    assert.deepEqual(
      list.json.value.map((c: { displayName: string }) => c.displayName),
      ['Made by an app'],
    );
    // Graph documents no application permission for creating businesses.
    const refused = await server.request('POST', '/beta/solutions/bookingBusinesses', { token: app, body: { displayName: 'No' } });
    assert.equal(refused.status, 403);
    // Another tenant's app sees nothing of this tenant.
    const otherApp = (await tokenRequest(clientCredentials(), { tenant: 'b0b0b0b0-1111-4222-8333-444455556666' })).json.access_token as string;
    assert.equal((await server.request('GET', customers, { token: otherApp })).status, 404);
  });

  it('takes the client secret in an Authorization: Basic header, or a client assertion', async () => {
    const basic = Buffer.from(`${CLIENT}:${encodeURIComponent('s3cret:with colon')}`).toString('base64');
    const viaBasic = await tokenRequest({ grant_type: 'client_credentials', scope: GRAPH }, { headers: { authorization: `Basic ${basic}` } });
    assert.equal(viaBasic.status, 200, JSON.stringify(viaBasic.json));
    assert.equal(decodeJwt(viaBasic.json.access_token).appid, CLIENT);
    const viaAssertion = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: CLIENT,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln',
      scope: `00000003-0000-0000-c000-000000000000/.default`,
    });
    assert.equal(viaAssertion.status, 200, JSON.stringify(viaAssertion.json));
  });

  it("refuses what Entra refuses, in Entra's error shape", async () => {
    const { grant_type: _g, ...noGrant } = clientCredentials();
    const { client_secret: _s, ...noSecret } = clientCredentials();
    const { scope: _sc, ...noScope } = clientCredentials();
    const cases: Array<[string, Record<string, string>, string | undefined, number, string, number | undefined]> = [
      ['no grant_type', noGrant, undefined, 400, 'invalid_request', 900144],
      ['a browser grant', clientCredentials({ grant_type: 'authorization_code', code: 'x' }), undefined, 400, 'unsupported_grant_type', 70003],
      ['no secret', noSecret, undefined, 401, 'invalid_client', 7000216],
      ['no scope', noScope, undefined, 400, 'invalid_request', 900144],
      ['a delegated scope', clientCredentials({ scope: 'User.Read' }), undefined, 400, 'invalid_scope', 1002012],
      ['two scopes', clientCredentials({ scope: `${GRAPH} openid` }), undefined, 400, 'invalid_scope', 1002012],
      ['another resource', clientCredentials({ scope: 'https://management.azure.com/.default' }), undefined, 400, 'invalid_resource', 500011],
      ['a client id that is not a GUID', clientCredentials({ client_id: 'my-app' }), undefined, 400, 'unauthorized_client', 700016],
      ['/common', clientCredentials(), 'common', 400, 'invalid_request', undefined],
      ['a tenant that is no name', clientCredentials(), 'a%20b', 400, 'invalid_request', 900023],
      ['an assertion of another type', clientCredentials({ client_assertion: 'x', client_assertion_type: 'saml' }), undefined, 400, 'invalid_request', 50027],
    ];
    for (const [what, fields, tenant, status, error, code] of cases) {
      const res = await tokenRequest(fields, { tenant });
      assert.equal(res.status, status, what);
      assert.equal(res.json.error, error, what);
      assert.equal(res.json.access_token, undefined, what);
      if (code !== undefined) {
        assert.deepEqual(res.json.error_codes, [code], what);
        assert.match(res.json.error_description, new RegExp(`^AADSTS${code}: .*\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: `), what);
      }
      assert.match(res.json.trace_id, /^[0-9a-f-]{36}$/, what);
    }
  });

  it('refuses a body that is not a form, and offers no interactive sign-in', async () => {
    const json = await fetch(`${server.origin}/${TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(clientCredentials()),
    });
    assert.equal(json.status, 400);
    assert.equal(((await json.json()) as { error: string }).error, 'invalid_request');
    const authorize = await fetch(`${server.origin}/${TENANT}/oauth2/v2.0/authorize?client_id=${CLIENT}&response_type=code`);
    assert.equal(authorize.status, 400);
    assert.equal(((await authorize.json()) as { error: string }).error, 'unsupported_response_type');
  });
});

/** Decodes MSAL's client_info. */
const clientInfo = (text: string) => JSON.parse(Buffer.from(text, 'base64url').toString());

describe('user sign-in: password, device code, refresh token', () => {
  const user = (extra: Record<string, string> = {}) => ({
    grant_type: 'password',
    client_id: CLIENT,
    username: 'adele@contoso.example',
    password: 'whatever',
    scope: 'https://graph.microsoft.com/Bookings.Manage.All openid profile offline_access',
    ...extra,
  });

  it('password: an access token with the asked scopes, an ID token, client_info and a refresh token', async () => {
    const res = await tokenRequest(user());
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const access = decodeJwt(res.json.access_token);
    assert.equal(access.iss, `${server.origin}/${TENANT}/v2.0`);
    assert.equal(access.tid, TENANT);
    assert.equal(access.scp, 'Bookings.Manage.All');
    assert.equal(access.idtyp, 'user');
    assert.equal(access.preferred_username, 'adele@contoso.example');
    assert.equal(access.roles, undefined);
    const id = decodeJwt(res.json.id_token);
    assert.equal(id.aud, CLIENT);
    assert.equal(id.oid, access.oid);
    assert.deepEqual(clientInfo(res.json.client_info), { uid: access.oid, utid: TENANT });
    assert.equal(res.json.scope, 'https://graph.microsoft.com/Bookings.Manage.All openid profile offline_access');
    assert.ok(res.json.refresh_token, `a refresh token is handed out: ${JSON.stringify(Object.keys(res.json))}`);
    // The same user name is the same user; the token works, and can create a business (delegated only).
    assert.equal(decodeJwt((await tokenRequest(user())).json.access_token).oid, access.oid);
    const created = await server.request('POST', '/beta/solutions/bookingBusinesses', { token: res.json.access_token, body: { displayName: 'Adele Shop' } });
    assert.equal(created.status, 201, created.text);
  });

  it('.default grants every delegated permission of the model; bare names mean Graph; consumers is a personal account', async () => {
    const all = await tokenRequest(user({ scope: 'https://graph.microsoft.com/.default' }));
    assert.deepEqual(String(decodeJwt(all.json.access_token).scp).split(' '), loadModel().declaredPermissions('delegated'));
    assert.equal(all.json.refresh_token, undefined, 'no offline_access, no refresh token');
    const bare = await tokenRequest(user({ scope: 'Bookings.Read.All User.Read' }));
    assert.equal(decodeJwt(bare.json.access_token).scp, 'Bookings.Read.All User.Read');
    const personal = await tokenRequest(user({ scope: 'Bookings.Manage.All' }), { tenant: 'consumers' });
    assert.equal(personal.status, 200);
    const token = personal.json.access_token as string;
    assert.equal(decodeJwt(token).tid, '9188040d-6c67-4c5b-b112-36a304b66dad');
    // Bookings refuses personal Microsoft accounts, as Graph does.
    assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses', { token })).status, 403);
  });

  it('device code: the code is redeemed at once for the development user', async () => {
    const res = await fetch(`${server.origin}/${TENANT}/oauth2/v2.0/devicecode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT, scope: 'Bookings.Read.All offline_access' }).toString(),
    });
    assert.equal(res.status, 200);
    const code = (await res.json()) as Record<string, any>;
    assert.match(code.user_code, /^[A-Z0-9]{8,9}$/);
    assert.equal(code.interval, 1);
    assert.match(code.message, /enter the code/);
    const redeemed = await tokenRequest({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: CLIENT, device_code: code.device_code });
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.json));
    assert.equal(decodeJwt(redeemed.json.access_token).scp, 'Bookings.Read.All');
    assert.equal(decodeJwt(redeemed.json.access_token).preferred_username, `developer@${TENANT}`);
    // MSAL sends the short grant name; Entra takes both.
    const short = await tokenRequest({ grant_type: 'device_code', client_id: CLIENT, device_code: code.device_code });
    assert.equal(short.status, 200, JSON.stringify(short.json));
    const otherClient = await tokenRequest({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: 'b1b2c3d4-0000-4000-8000-00000000c11e',
      device_code: code.device_code,
    });
    assert.equal(otherClient.json.error, 'invalid_grant');
    const forged = await tokenRequest({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: CLIENT, device_code: 'not-a-code' });
    assert.equal(forged.json.error, 'expired_token');
  });

  it('refresh: new tokens for the same user, for the granted permissions or fewer, never more', async () => {
    const first = await tokenRequest(user({ scope: 'Bookings.Read.All Bookings.ReadWrite.All offline_access' }));
    const refresh = (extra: Record<string, string> = {}) =>
      tokenRequest({ grant_type: 'refresh_token', client_id: CLIENT, refresh_token: first.json.refresh_token, ...extra });
    const again = await refresh();
    assert.equal(again.status, 200, JSON.stringify(again.json));
    assert.equal(decodeJwt(again.json.access_token).oid, decodeJwt(first.json.access_token).oid);
    assert.equal(decodeJwt(again.json.access_token).scp, 'Bookings.Read.All Bookings.ReadWrite.All');
    assert.ok(again.json.refresh_token, `a new refresh token is handed out: ${JSON.stringify(Object.keys(again.json))}`);
    assert.equal(decodeJwt((await refresh({ scope: 'Bookings.Read.All offline_access' })).json.access_token).scp, 'Bookings.Read.All');
    const more = await refresh({ scope: 'Bookings.Manage.All' });
    assert.equal(more.status, 400);
    assert.equal(more.json.error, 'invalid_grant');
    assert.deepEqual(more.json.error_codes, [65001]);
    const stolen = await tokenRequest({ grant_type: 'refresh_token', client_id: 'b1b2c3d4-0000-4000-8000-00000000c11e', refresh_token: first.json.refresh_token });
    assert.equal(stolen.json.error, 'invalid_grant');
    // A refresh token is not an access token.
    assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses', { token: first.json.refresh_token })).status, 401);
  });

  it('refuses missing parameters and scopes of other resources', async () => {
    const { password: _p, ...noPassword } = user();
    const cases: Array<[string, Record<string, string>, string, number]> = [
      ['no password', noPassword, 'invalid_request', 900144],
      ['another resource', user({ scope: 'https://management.azure.com/user_impersonation' }), 'invalid_resource', 500011],
      ['.default with more', user({ scope: 'https://graph.microsoft.com/.default Bookings.Read.All' }), 'invalid_scope', 70011],
    ];
    for (const [what, fields, error, code] of cases) {
      const res = await tokenRequest(fields);
      assert.equal(res.status, 400, what);
      assert.equal(res.json.error, error, what);
      assert.deepEqual(res.json.error_codes, [code], what);
    }
  });
});

describe('issuers the server trusts', () => {
  it('an origin-shaped issuer is accepted only as scheme://host[:port]/{tid}/v2.0 and only with the dev key', async () => {
    const ok = await server.token({ tenantId: TENANT, claims: { iss: `https://clientele.example:8443/${TENANT}/v2.0` } });
    assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses', { token: ok })).status, 200);
    for (const iss of [
      `https://evil.example/extra/${TENANT}/v2.0`,
      `https://clientele.example/${TENANT}/v2.0/x`,
      `ftp://clientele.example/${TENANT}/v2.0`,
      `https://clientele.example/someone-else/v2.0`,
      // Microsoft's own authorities are never a dev issuer's origin, even with no Entra issuer configured.
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
    ]) {
      const token = await server.token({ tenantId: TENANT, claims: { iss } });
      assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses', { token })).status, 401, iss);
    }
    const foreignKey = await DevIssuer.open();
    const forged = await foreignKey.mint({ tenantId: TENANT, scopes: ['Bookings.Read.All'], issuer: `${server.origin}/${TENANT}/v2.0` });
    assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses', { token: forged })).status, 401);
  });

  it('tokens are handed out on the loopback interface only', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopbackAddress(a), a);
    for (const a of ['10.0.0.1', '::ffff:192.168.1.2', '192.168.127.1', 'fe80::1', undefined]) assert.ok(!isLoopbackAddress(a), String(a));
  });
});
