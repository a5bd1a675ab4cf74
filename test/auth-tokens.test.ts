// Bearer tokens: what is refused (401 InvalidAuthenticationToken + WWW-Authenticate, in Graph's shape),
// what is accepted (dev issuer; Entra-shaped tokens from a configured JWKS file or URL), and what is public.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader, exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, UnsecuredJWT, type JWK } from 'jose';
import { DevIssuer } from '../src/auth/dev-issuer.js';
import { startServer, type TestResponse, type TestServer } from './helpers/server.js';

const LIST = '/v1.0/solutions/bookingBusinesses';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function assertUnauthorized(res: TestResponse, message: string | RegExp, tokenPresented = true) {
  assert.equal(res.status, 401, res.text);
  assert.equal(res.json.error.code, 'InvalidAuthenticationToken');
  if (typeof message === 'string') assert.equal(res.json.error.message, message);
  else assert.match(res.json.error.message, message);
  assert.deepEqual(Object.keys(res.json.error), ['code', 'message', 'innerError']);
  const challenge = res.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /^Bearer realm="", authorization_uri="https:\/\/login\.microsoftonline\.com\/common\/oauth2\/authorize", client_id="00000003-0000-0000-c000-000000000000"/);
  if (tokenPresented) assert.match(challenge, /error="invalid_token", error_description="[^"]+"/);
  else assert.doesNotMatch(challenge, /error=/);
}

describe('dev issuer tokens', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('a valid token is accepted', async () => {
    const res = await server.request('GET', LIST, { token: await server.token({ tenantId: TENANT }) });
    assert.equal(res.status, 200, res.text);
  });

  it('no Authorization header: 401 "Access token is empty." with a challenge', async () => {
    assertUnauthorized(await server.request('GET', LIST, { anonymous: true }), 'Access token is empty.', false);
  });

  it('an empty bearer, or another scheme, counts as no token', async () => {
    for (const authorization of ['Bearer ', 'Bearer', 'Basic dXNlcjpwYXNz', '']) {
      const res = await server.request('GET', LIST, { headers: { authorization } });
      assertUnauthorized(res, 'Access token is empty.', false);
    }
  });

  it('malformed tokens: 401 CompactToken parsing failed', async () => {
    for (const token of ['abc', 'a.b', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.sig', 'x.y.z.w']) {
      assertUnauthorized(await server.request('GET', LIST, { token }), 'CompactToken parsing failed with error code: 80049217');
    }
  });

  it('alg "none" is refused', async () => {
    const real = await server.token();
    const claims = JSON.parse(Buffer.from(real.split('.')[1]!, 'base64url').toString());
    const unsigned = new UnsecuredJWT(claims).encode();
    assertUnauthorized(await server.request('GET', LIST, { token: unsigned }), /signing algorithm is not accepted/);
    // The same with a signature segment left in place.
    const withSig = `${unsigned}${real.split('.')[2]}`;
    assertUnauthorized(await server.request('GET', LIST, { token: withSig }), /signing algorithm is not accepted/);
  });

  it('HS256 signed with the public key (algorithm confusion) is refused', async () => {
    const jwks = (await (await fetch(`${server.origin}/discovery/v2.0/keys`)).json()) as { keys: JWK[] };
    const publicKey = await importJWK(jwks.keys[0]!, 'RS256');
    const pem = await exportSPKI(publicKey as CryptoKey);
    const real = await server.token();
    const claims = JSON.parse(Buffer.from(real.split('.')[1]!, 'base64url').toString());
    for (const secret of [new TextEncoder().encode(pem), new TextEncoder().encode(jwks.keys[0]!.n!)]) {
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: jwks.keys[0]!.kid }).sign(secret);
      assertUnauthorized(await server.request('GET', LIST, { token: forged }), /signing algorithm is not accepted/);
    }
  });

  it('a token signed by another key, or altered after signing, is refused', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const real = await server.token();
    const { kid } = decodeProtectedHeader(real);
    const claims = JSON.parse(Buffer.from(real.split('.')[1]!, 'base64url').toString());
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
    assertUnauthorized(await server.request('GET', LIST, { token: forged }), 'Access token validation failure. Invalid signature.');
    const unknownKid = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'nope' }).sign(privateKey);
    assertUnauthorized(await server.request('GET', LIST, { token: unknownKid }), 'Access token validation failure. Invalid signature.');
    // Changing the tenant in the payload of a genuine token breaks its signature.
    const [h, , s] = real.split('.');
    const altered = Buffer.from(JSON.stringify({ ...claims, tid: 'another' })).toString('base64url');
    assertUnauthorized(
      await server.request('GET', LIST, { token: `${h}.${altered}.${s}` }),
      /Invalid (signature|issuer)\./,
    );
  });

  it('a token from another dev issuer (another server\'s key) is refused', async () => {
    const other = await DevIssuer.open();
    assertUnauthorized(await server.request('GET', LIST, { token: await other.mint({ scopes: ['Bookings.Read.All'] }) }), 'Access token validation failure. Invalid signature.');
  });

  it('wrong audience: "Invalid audience."', async () => {
    for (const audience of ['api://something-else', 'https://graph.windows.net', 'https://outlook.office.com']) {
      const token = await server.token({ audience });
      assertUnauthorized(await server.request('GET', LIST, { token }), 'Access token validation failure. Invalid audience.');
    }
    const noAud = await server.token({ claims: { aud: undefined } });
    assertUnauthorized(await server.request('GET', LIST, { token: noAud }), 'Access token validation failure. Invalid audience.');
  });

  it('both Graph audiences are accepted', async () => {
    for (const audience of ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000']) {
      const res = await server.request('GET', LIST, { token: await server.token({ audience }) });
      assert.equal(res.status, 200, res.text);
    }
  });

  it('expired: "Lifetime validation failed, the token is expired."; a minute of clock skew is tolerated', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await server.token({ issuedAt: now - 3700, lifetimeSeconds: 3600 });
    assertUnauthorized(await server.request('GET', LIST, { token: expired }), 'Lifetime validation failed, the token is expired.');
    const justExpired = await server.token({ issuedAt: now - 3630, lifetimeSeconds: 3600 });
    assert.equal((await server.request('GET', LIST, { token: justExpired })).status, 200);
  });

  it('not yet valid (nbf in the future beyond the skew) is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const future = await server.token({ issuedAt: now + 600 });
    assertUnauthorized(await server.request('GET', LIST, { token: future }), 'Lifetime validation failed, the token is not yet valid.');
    const slightlyAhead = await server.token({ issuedAt: now + 20 });
    assert.equal((await server.request('GET', LIST, { token: slightlyAhead })).status, 200);
  });

  it('a token without exp is refused', async () => {
    const token = await server.token({ claims: { exp: undefined } });
    assertUnauthorized(await server.request('GET', LIST, { token }), 'Access token validation failure.');
  });

  it('wrong issuer, or an issuer for another tenant than tid, is refused', async () => {
    const wrong = await server.token({ claims: { iss: 'https://evil.example/' } });
    assertUnauthorized(await server.request('GET', LIST, { token: wrong }), 'Access token validation failure. Invalid issuer.');
    const mismatch = await server.token({ tenantId: TENANT, claims: { iss: DevIssuer.issuerFor('someone-else') } });
    assertUnauthorized(await server.request('GET', LIST, { token: mismatch }), 'Access token validation failure. Invalid issuer.');
  });

  it('a token without tid is refused', async () => {
    const token = await server.token({ claims: { tid: undefined } });
    assertUnauthorized(await server.request('GET', LIST, { token }), "Access token validation failure. The token has no tenant ('tid') claim.");
  });

  it('authentication comes before path and body checks: no 404 or 400 leaks to anonymous callers', async () => {
    assertUnauthorized(await server.request('GET', '/v1.0/solutions/bookingBusinesses/nobody%40x.com/customers', { anonymous: true }), 'Access token is empty.', false);
    assertUnauthorized(await server.request('GET', '/beta/noSuchThing', { anonymous: true }), 'Access token is empty.', false);
    const badJson = await server.request('POST', LIST, { anonymous: true, raw: '{nope', headers: { 'content-type': 'application/json' } });
    assertUnauthorized(badJson, 'Access token is empty.', false);
    const badType = await server.request('POST', LIST, { anonymous: true, raw: 'x', headers: { 'content-type': 'text/plain' } });
    assertUnauthorized(badType, 'Access token is empty.', false);
  });

  it('$metadata, the service document and the dev issuer discovery documents are public', async () => {
    assert.equal((await server.request('GET', '/v1.0/$metadata', { anonymous: true })).status, 200);
    assert.equal((await server.request('GET', '/beta/', { anonymous: true })).status, 200);
    const keys = await server.request('GET', '/discovery/v2.0/keys', { anonymous: true });
    assert.equal(keys.status, 200);
    assert.equal(keys.json.keys.length, 1);
    assert.equal(keys.json.keys[0].kty, 'RSA');
    assert.equal(keys.json.keys[0].d, undefined, 'the private part must never be served');
    assert.equal(keys.json.keys[0].kid, decodeProtectedHeader(await server.token()).kid);
    const config = await server.request('GET', '/.well-known/openid-configuration', { anonymous: true });
    assert.equal(config.json.jwks_uri, `${server.origin}/discovery/v2.0/keys`);
    assert.equal(config.json.issuer, 'https://clientele.localhost/{tenantid}/v2.0');
    const perTenant = await server.request('GET', `/${TENANT}/v2.0/.well-known/openid-configuration`, { anonymous: true });
    // A tenant's document describes the authority at this origin, as Entra's do (MSAL checks the host).
    assert.equal(perTenant.json.issuer, `${server.origin}/${TENANT}/v2.0`);
    assert.equal(perTenant.json.token_endpoint, `${server.origin}/${TENANT}/oauth2/v2.0/token`);
  });
});

/** An Entra-like issuer for tests: its own RSA key, tokens shaped like v1 or v2 Graph access tokens. */
async function makeEntraLike() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'entra-test-key';
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, use: 'sig' }] };
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid, ...header }).sign(privateKey);
  const now = Math.floor(Date.now() / 1000);
  const v1 = (extra: Record<string, unknown> = {}) =>
    sign({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${TENANT}/`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      acct: 0,
      appid: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064',
      idtyp: 'user',
      oid: 'b7ce3b0c-3c4c-4b3a-8a0c-2b1c2f3a9a10',
      scp: 'Bookings.Read.All openid profile email',
      tid: TENANT,
      ver: '1.0',
      ...extra,
    });
  const v2App = (extra: Record<string, unknown> = {}) =>
    sign({
      aud: '00000003-0000-0000-c000-000000000000',
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      azp: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064',
      idtyp: 'app',
      oid: '3b1d6a0a-0f6f-4d8e-8f9a-6f0c2b6f0e11',
      roles: ['BookingsAppointment.ReadWrite.All'],
      tid: TENANT,
      ver: '2.0',
      ...extra,
    });
  return { jwks, sign, v1, v2App, now };
}

describe('an external issuer (Entra ID shaped tokens)', () => {
  let dir: string;
  let server: TestServer;
  let entra: Awaited<ReturnType<typeof makeEntraLike>>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clientele-jwks-'));
    entra = await makeEntraLike();
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(entra.jwks));
    server = await startServer({ auth: { jwksFile: join(dir, 'jwks.json') } });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('v1 delegated and v2 app-only tokens validate; the dev issuer stays trusted too', async () => {
    assert.equal((await server.request('GET', LIST, { token: await entra.v1() })).status, 200);
    assert.equal((await server.request('GET', LIST, { token: await entra.v2App() })).status, 200);
    assert.equal((await server.request('GET', LIST)).status, 200);
  });

  it("Graph's hashed-nonce header form validates; a wrong nonce does not", async () => {
    const nonce = 'AQABAAAAAABnfiG-mA6NTae7CdWW7QfdSomeNonceValue';
    const hashed = createHash('sha256').update(nonce).digest('base64url');
    const signed = await entra.v1({}, );
    // Sign over {typ, nonce: hash, alg, kid}, then send the plain nonce, as Entra does for Graph tokens.
    const token = await entra.sign(JSON.parse(Buffer.from(signed.split('.')[1]!, 'base64url').toString()), { nonce: hashed });
    const [h, p, s] = token.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
    header.nonce = nonce;
    const sent = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${s}`;
    assert.equal((await server.request('GET', LIST, { token: sent })).status, 200);
    header.nonce = 'another nonce';
    const wrong = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${s}`;
    assertUnauthorized(await server.request('GET', LIST, { token: wrong }), 'Access token validation failure. Invalid signature.');
  });

  it('an Entra issuer naming another tenant than tid is refused', async () => {
    const token = await entra.v1({ iss: 'https://sts.windows.net/11111111-1111-1111-1111-111111111111/' });
    assertUnauthorized(await server.request('GET', LIST, { token }), 'Access token validation failure. Invalid issuer.');
  });

  it('an Entra-issued token for another API is refused for its audience', async () => {
    const token = await entra.v1({ aud: 'api://my-own-api' });
    assertUnauthorized(await server.request('GET', LIST, { token }), 'Access token validation failure. Invalid audience.');
  });

  it('tokens claiming the dev issuer but signed by the external key are refused', async () => {
    const token = await entra.v1({ iss: DevIssuer.issuerFor(TENANT) });
    assertUnauthorized(await server.request('GET', LIST, { token }), 'Access token validation failure. Invalid signature.');
  });

  it('scp, roles, idtyp and tid decide the principal: the v1 read-only user cannot write', async () => {
    const res = await server.request('POST', LIST, { token: await entra.v1(), body: { displayName: 'Nope' } });
    assert.equal(res.status, 403);
    assert.match(res.json.error.message, /delegated permissions \(scopes\): Bookings\.Manage\.All/);
  });
});

describe('an external issuer from a JWKS URL, with a custom issuer and audience', () => {
  let jwksServer: Server;
  let server: TestServer;
  let entra: Awaited<ReturnType<typeof makeEntraLike>>;
  let fetches = 0;
  before(async () => {
    entra = await makeEntraLike();
    jwksServer = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(entra.jwks));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    const { port } = jwksServer.address() as AddressInfo;
    server = await startServer({
      auth: {
        jwksUrl: `http://127.0.0.1:${port}/keys`,
        issuers: ['https://idp.example/{tenantid}'],
        audiences: ['api://clientele'],
        devIssuer: false,
      },
    });
  });
  after(async () => {
    await server.close();
    await new Promise((r) => jwksServer.close(r));
  });

  it('validates against the fetched keys, and caches them', async () => {
    const claims = { iss: `https://idp.example/${TENANT}`, aud: 'api://clientele' };
    for (let i = 0; i < 3; i++) {
      const res = await server.request('GET', LIST, { token: await entra.v1(claims) });
      assert.equal(res.status, 200, res.text);
    }
    assert.equal(fetches, 1);
  });

  it('only the configured issuer and audience are accepted; the dev issuer is off', async () => {
    assertUnauthorized(await server.request('GET', LIST, { token: await entra.v1() }), 'Access token validation failure. Invalid issuer.');
    const graphAud = await entra.v1({ iss: `https://idp.example/${TENANT}` });
    assertUnauthorized(await server.request('GET', LIST, { token: graphAud }), 'Access token validation failure. Invalid audience.');
    assert.equal(server.clientele.devIssuer, undefined);
    const other = await DevIssuer.open();
    assertUnauthorized(await server.request('GET', LIST, { token: await other.mint({ audience: 'api://clientele' }) }), 'Access token validation failure. Invalid issuer.');
    assert.equal((await server.request('GET', '/discovery/v2.0/keys', { anonymous: true })).status, 400);
  });
});

describe('an unreachable JWKS URL', () => {
  it('refuses with 401 (keys unavailable) rather than failing the server', async () => {
    const entra = await makeEntraLike();
    const server = await startServer({ auth: { jwksUrl: 'http://127.0.0.1:9/keys', devIssuer: false } });
    try {
      const res = await server.request('GET', LIST, { token: await entra.v1() });
      assertUnauthorized(res, 'Access token validation failure. The signing keys of the issuer could not be loaded.');
    } finally {
      await server.close();
    }
  });
});
