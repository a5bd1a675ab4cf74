// https: the server serves TLS with a given certificate, or the development one; a client that trusts the
// development CA (as NODE_EXTRA_CA_CERTS does) connects by name and by address, and links come back as https.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDevCertificate, loadTls } from '../src/http/tls.js';
import { startServer, type TestServer } from './helpers/server.js';

interface HttpsResult {
  status: number;
  body: any;
}

function httpsGet(url: string, opts: { ca?: string; token?: string }): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, ca: opts.ca, headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let server: TestServer;
let ca: string;
let port: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clientele-tls-'));
  const dev = ensureDevCertificate(join(dir, 'tls'));
  ca = readFileSync(dev.caFile, 'utf8');
  server = await startServer({ tls: loadTls(dev.certFile, dev.keyFile) });
  port = new URL(server.origin).port;
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('serves https to a client that trusts the development CA, at localhost and 127.0.0.1', async () => {
    const token = await server.token();
    for (const host of ['localhost', '127.0.0.1']) {
      const res = await httpsGet(`https://${host}:${port}/v1.0/solutions/bookingBusinesses`, { ca, token });
      assert.equal(res.status, 200);
      assert.equal(res.body['@odata.context'], `https://${host}:${port}/v1.0/solutions/$metadata#bookingBusinesses`, 'the v1.0 context under the https origin');
    }
  });

  it('a client that does not trust the CA refuses the connection', async () => {
    await assert.rejects(httpsGet(`https://localhost:${port}/v1.0/$metadata`, {}), (err: NodeJS.ErrnoException) =>
      /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/.test(err.code ?? ''),
    );
  });

  it('next links and Location headers carry https', async () => {
    const token = await server.token();
    for (const name of ['One', 'Two']) {
      const body = JSON.stringify({ displayName: name });
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          `https://localhost:${port}/v1.0/solutions/bookingBusinesses`,
          { method: 'POST', agent: false, ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
          (res) => {
            assert.match(String(res.headers.location), /^https:\/\/localhost:\d+\/v1\.0\/solutions\/bookingBusinesses\('/);
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      assert.equal(status, 201);
    }
    const page = await httpsGet(`https://localhost:${port}/v1.0/solutions/bookingBusinesses?$top=1`, { ca, token });
    assert.match(page.body['@odata.nextLink'], /^https:\/\/localhost:\d+\/v1\.0\/solutions\/bookingBusinesses\?\$top=1&\$skiptoken=/);
    const next = await httpsGet(page.body['@odata.nextLink'], { ca, token });
    assert.equal(next.status, 200);
    assert.equal(next.body.value.length, 1);
  });

  it('unauthenticated https calls get the same 401', async () => {
    const res = await httpsGet(`https://localhost:${port}/v1.0/solutions/bookingBusinesses`, { ca });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'InvalidAuthenticationToken');
  });

  it('loadTls names the file it cannot read', () => {
    assert.throws(() => loadTls(join(dir, 'missing.pem'), join(dir, 'missing-key.pem')), /cannot read the TLS certificate '.*missing\.pem'/);
  });
});
