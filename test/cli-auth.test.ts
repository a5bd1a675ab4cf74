// `clientele token` and `clientele cert`: tokens signed with the key in the data directory validate against
// a server on that directory (also after a restart); the certificate files are made once and reused.
// test-engines: sqlite (the commands work on a data directory; the store engine plays no part)
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { createClientele, type Clientele } from '../src/app.js';
import { CONSUMER_TENANT_ID } from '../src/auth/principal.js';
import { runCli } from './helpers/cli.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'clientele-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function serveOn(location: string): Promise<{ clientele: Clientele; origin: string }> {
  const clientele = await createClientele({ location });
  await clientele.app.listen({ host: '127.0.0.1', port: 0 });
  return { clientele, origin: `http://127.0.0.1:${(clientele.app.server.address() as AddressInfo).port}` };
}

describe('clientele token', () => {
  it('prints a token before any server ran, which the server on the same directory then accepts, across restarts', async () => {
    const location = join(dir, 'data');
    const out = await runCli(['token', '--location', location, '--tenant', 'contoso-tenant', '--scopes', 'Bookings.Manage.All']);
    assert.equal(out.code, 0, out.stderr);
    const token = out.stdout.trim();
    assert.equal(statSync(join(location, 'dev-issuer-key.json')).mode & 0o777, 0o600);

    for (let run = 0; run < 2; run++) {
      const { clientele, origin } = await serveOn(location);
      try {
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        if (run === 0) {
          const created = await fetch(`${origin}/v1.0/solutions/bookingBusinesses`, { method: 'POST', headers, body: JSON.stringify({ displayName: 'Persisted' }) });
          assert.equal(created.status, 201);
        }
        const list = await fetch(`${origin}/v1.0/solutions/bookingBusinesses`, { headers });
        assert.equal(list.status, 200);
        assert.equal(((await list.json()) as { value: unknown[] }).value.length, 1);
      } finally {
        await clientele.close();
      }
    }
  });

  it('shapes delegated, app-only and personal tokens like Entra ID', async () => {
    const location = join(dir, 'shapes');
    const user = decodeJwt((await runCli(['token', '--location', location, '--tenant', 't1', '--scopes', 'Bookings.Read.All,Bookings.ReadWrite.All'])).stdout.trim());
    assert.equal(user.tid, 't1');
    assert.equal(user.scp, 'Bookings.Read.All Bookings.ReadWrite.All');
    assert.equal(user.idtyp, 'user');
    assert.equal(user.aud, 'https://graph.microsoft.com');
    assert.equal(user.roles, undefined);
    assert.equal((user.exp as number) - (user.iat as number), 3600);

    const app = decodeJwt((await runCli(['token', '--location', location, '--tenant', 't1', '--roles', 'BookingsAppointment.ReadWrite.All', '--lifetime', '60'])).stdout.trim());
    assert.equal(app.idtyp, 'app');
    assert.deepEqual(app.roles, ['BookingsAppointment.ReadWrite.All']);
    assert.equal(app.scp, undefined);
    assert.equal((app.exp as number) - (app.iat as number), 60);

    const personal = decodeJwt((await runCli(['token', '--location', location, '--personal'])).stdout.trim());
    assert.equal(personal.tid, CONSUMER_TENANT_ID);

    const defaults = decodeJwt((await runCli(['token', '--location', location])).stdout.trim());
    assert.equal(defaults.scp, 'Bookings.Read.All BookingsAppointment.ReadWrite.All Bookings.ReadWrite.All Bookings.Manage.All');
  });

  it('refuses contradictory options with usage errors (exit 2)', async () => {
    for (const argv of [
      ['--app', '--scopes', 'x'],
      ['--personal', '--tenant', 't'],
      ['--personal', '--app'],
      ['--lifetime', '-5'],
      ['--tenant', 'has space'],
      ['--bogus'],
    ]) {
      const out = await runCli(['token', '--location', join(dir, 'usage'), ...argv]);
      assert.equal(out.code, 2, `${argv.join(' ')}: ${out.stderr}`);
    }
  });
});

describe('clientele cert', () => {
  it('makes a CA and a localhost certificate, then reuses them; --host reissues under the same CA', async () => {
    const location = join(dir, 'certs');
    const first = await runCli(['cert', '--location', location]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Made a certificate for localhost, 127\.0\.0\.1, ::1/);
    assert.match(first.stdout, /NODE_EXTRA_CA_CERTS=.*ca\.pem/);
    const tls = join(location, 'tls');
    const ca = new X509Certificate(readFileSync(join(tls, 'ca.pem')));
    const leaf = new X509Certificate(readFileSync(join(tls, 'cert.pem')));
    assert.ok(ca.ca, 'the CA certificate is a CA');
    assert.ok(!leaf.ca, 'the server certificate is no CA');
    assert.ok(leaf.verify(ca.publicKey), 'the server certificate is signed by the CA');
    assert.ok(leaf.checkHost('localhost'), `the server certificate names localhost: ${leaf.subjectAltName}`);
    assert.ok(leaf.checkIP('127.0.0.1'), `the server certificate names 127.0.0.1: ${leaf.subjectAltName}`);
    assert.ok(leaf.checkIP('::1'), `the server certificate names ::1: ${leaf.subjectAltName}`);
    assert.equal(statSync(join(tls, 'key.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(join(tls, 'ca-key.pem')).mode & 0o777, 0o600);

    const again = await runCli(['cert', '--location', location]);
    assert.match(again.stdout, /^Kept/);
    assert.equal(new X509Certificate(readFileSync(join(tls, 'cert.pem'))).serialNumber, leaf.serialNumber);

    const more = await runCli(['cert', '--location', location, '--host', 'localhost', '--host', 'clientele.test']);
    assert.match(more.stdout, /^Made a certificate for localhost, clientele\.test/);
    const reissued = new X509Certificate(readFileSync(join(tls, 'cert.pem')));
    assert.ok(reissued.checkHost('clientele.test'), `the reissued certificate names clientele.test: ${reissued.subjectAltName}`);
    assert.equal(new X509Certificate(readFileSync(join(tls, 'ca.pem'))).fingerprint256, ca.fingerprint256, 'the trusted CA stays');
  });
});
