// When `clientele serve` trusts its built-in dev issuer: by default only on a private setup (nothing else
// trusted, a loopback --host); --dev-issuer / --no-dev-issuer (CLIENTELE_DEV_ISSUER) say otherwise.
// test-engines: sqlite (the executable's flags; the store plays no part)
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { runCli, startCliServer, tempDir } from './helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
let jwksFile: string;
before(async () => {
  tmp = tempDir();
  const { publicKey } = await generateKeyPair('RS256');
  jwksFile = join(tmp.dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'external', alg: 'RS256', use: 'sig' }] }));
});
after(() => tmp.remove());

const FORM = `grant_type=client_credentials&client_id=a1b2c3d4-0000-4000-8000-00000000c11e&client_secret=y&scope=${encodeURIComponent('https://graph.microsoft.com/.default')}`;
const askToken = (origin: string) =>
  fetch(`${origin}/contoso.onmicrosoft.com/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: FORM });

describe('the dev issuer is off by default beyond a private setup', () => {
  it('a non-loopback --host without another issuer is a usage error that names --dev-issuer', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.1']) {
      const r = await runCli(['serve', '--in-memory', '--host', host, '--port', '0']);
      assert.equal(r.code, 2, `--host ${host}: usage error: ${r.stderr}`);
      assert.match(r.stderr, /turns the dev issuer off.*--dev-issuer/, `--host ${host}: the message says how to keep it`);
    }
    // Behind a proxy: the server listens on loopback, but its public URL is elsewhere.
    const proxied = await runCli(['serve', '--in-memory', '--public-url', 'https://bookings.example.com', '--port', '0']);
    assert.equal(proxied.code, 2, `a remote --public-url: usage error: ${proxied.stderr}`);
    assert.match(proxied.stderr, /--public-url https:\/\/bookings\.example\.com reaches beyond/, 'the message names the public URL');
  });

  it('--dev-issuer and --no-dev-issuer exclude each other; a bad CLIENTELE_DEV_ISSUER is a usage error', async () => {
    const both = await runCli(['serve', '--in-memory', '--dev-issuer', '--no-dev-issuer']);
    assert.equal(both.code, 2, `both flags: ${both.stderr}`);
    assert.match(both.stderr, /exclude each other/, 'the message names the conflict');
    process.env.CLIENTELE_DEV_ISSUER = 'maybe';
    try {
      const bad = await runCli(['serve', '--in-memory']);
      assert.equal(bad.code, 2, `bad env: ${bad.stderr}`);
      assert.match(bad.stderr, /CLIENTELE_DEV_ISSUER/, 'the message names the variable');
    } finally {
      delete process.env.CLIENTELE_DEV_ISSUER;
    }
  });

  it('with an external issuer configured, dev tokens are refused and nothing mints them', async () => {
    const server = await startCliServer(['--in-memory', '--jwks-file', jwksFile, '--log-level', 'info']);
    try {
      const mint = await askToken(server.origin);
      const answer = (await mint.json()) as { error?: { code?: string } | string; access_token?: string };
      assert.ok(mint.status >= 400 && mint.status < 500, `refused: ${JSON.stringify(answer)}`);
      assert.equal(typeof answer.error === 'object' && typeof answer.error.code, 'string', 'the Graph router answers, not an OAuth endpoint');
      assert.equal(answer.access_token, undefined, 'no token');
      const admin = await fetch(`${server.origin}/admin/api/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"scopes":[]}' });
      assert.equal(admin.status, 404, 'no admin dev-token endpoint');
      const keys = await fetch(`${server.origin}/discovery/v2.0/keys`);
      assert.equal(keys.status, 400, 'no dev issuer keys published: the Graph router refuses the path as no version');
      assert.ok(
        server.logs.some((l) => typeof l.msg === 'string' && l.msg.includes('dev issuer is off')),
        `the log says the dev issuer is off: ${JSON.stringify(server.logs.map((l) => l.msg))}`,
      );
    } finally {
      assert.equal(await server.stop(), 0, 'the server stops cleanly');
    }
  });

  it('--dev-issuer keeps it beside an external issuer: local callers get tokens the server accepts', async () => {
    const server = await startCliServer(['--in-memory', '--jwks-file', jwksFile, '--dev-issuer']);
    try {
      const mint = await askToken(server.origin);
      const body = (await mint.json()) as { access_token?: string };
      assert.equal(mint.status, 200, `a token: ${JSON.stringify(body)}`);
      const list = await fetch(`${server.origin}/beta/solutions/bookingBusinesses`, { headers: { authorization: `Bearer ${body.access_token}` } });
      assert.equal(list.status, 200, `the dev token is accepted: ${await list.text()}`);
    } finally {
      assert.equal(await server.stop(), 0, 'the server stops cleanly');
    }
  });
});
