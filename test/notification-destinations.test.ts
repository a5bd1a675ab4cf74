// Where webhooks may go and how much of a receiver's answer is read. Only loopback receivers are used: a URL
// naming any other address must be refused before a connection is tried, and the tests check that it is.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { NotificationsConfig } from '../src/app.js';
import { startServer, type TestServer } from './helpers/server.js';

const FAST: NotificationsConfig = { pollIntervalMs: 25, retryBaseMs: 30, retryMaxMs: 100, maxAttempts: 1000, validationTimeoutMs: 2000 };
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** A TCP port on 127.0.0.1 that counts connections and answers nothing sensible (no HTTP, no TLS). */
async function connectionCounter(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = createTcpServer((socket) => {
    n++;
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => n,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** An HTTP receiver on 127.0.0.1 whose answer to each path the test decides. */
async function receiver(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ origin: string; server: Server; close(): Promise<void> }> {
  const server = createHttpServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    handler(req, res, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const echo = (req: IncomingMessage, res: ServerResponse) => {
  const token = new URL(req.url!, 'http://x').searchParams.get('validationToken');
  if (token !== null) return res.writeHead(200, { 'content-type': 'text/plain' }).end(token), true;
  return false;
};

async function business(server: TestServer, id: string) {
  const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id, displayName: 'D' } });
  assert.equal(res.status, 201, res.text);
  return { resource: `solutions/bookingBusinesses/${id}/customers`, base: `/beta/solutions/bookingBusinesses/${encodeURIComponent(id)}/customers` };
}

const subscribe = (server: TestServer, resource: string, notificationUrl: string) =>
  server.request('POST', '/beta/subscriptions', { body: { changeType: 'created', notificationUrl, resource, expirationDateTime: inMinutes(60) } });

describe('webhook URL policy: by default https to public addresses only', () => {
  let server: TestServer;
  let counter: Awaited<ReturnType<typeof connectionCounter>>;
  let biz: { resource: string };
  before(async () => {
    server = await startServer({ notifications: FAST });
    counter = await connectionCounter();
    biz = await business(server, 'policy@contoso.com');
  });
  after(async () => {
    await server.close();
    await counter.close();
  });

  it('refuses plain http, and loopback in every spelling, before any connection', async () => {
    const p = counter.port;
    const urls = [
      `http://127.0.0.1:${p}/hook`,
      `https://127.0.0.1:${p}/hook`,
      `https://127.1:${p}/hook`,
      `https://2130706433:${p}/hook`,
      `https://0x7f000001:${p}/hook`,
      `https://0177.0.0.1:${p}/hook`,
      `https://[::1]:${p}/hook`,
      `https://[::ffff:127.0.0.1]:${p}/hook`,
      `https://[::ffff:7f00:1]:${p}/hook`,
      `https://localhost:${p}/hook`,
      `https://app.localhost:${p}/hook`,
      `https://0.0.0.0:${p}/hook`,
    ];
    for (const url of urls) {
      const res = await subscribe(server, biz.resource, url);
      assert.equal(res.status, 400, `${url}: ${res.text}`);
      assert.equal(res.json.error.code, 'InvalidRequest', `${url}: Graph's code for a bad notificationUrl`);
      assert.match(res.json.error.message, url.startsWith('http:') ? /HTTPS/ : /loopback/, `${url}: the message says why`);
    }
    assert.equal(counter.connections(), 0, 'no refused URL was connected to');
  });

  it('refuses private, link-local and unique-local addresses (never connected to)', async () => {
    for (const host of ['10.0.0.1', '10.255.255.254', '172.16.0.1', '172.31.255.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '[fc00::1]', '[fd12:3456::1]', '[fe80::1]', '[::ffff:10.0.0.1]', '[::ffff:a9fe:a9fe]', '167772161']) {
      const res = await subscribe(server, biz.resource, `https://${host}/hook`);
      assert.equal(res.status, 400, `${host}: ${res.text}`);
      assert.match(res.json.error.message, /private, link-local or reserved address/, `${host}: the message says why`);
    }
  });

  it('an allow-list entry lets a named address through (here: loopback over https, so the handshake fails on a non-TLS port)', async () => {
    const allowed = await startServer({ notifications: { ...FAST, allow: ['127.0.0.0/8'] } });
    try {
      await business(allowed, 'allowed@contoso.com');
      const before = counter.connections();
      const res = await subscribe(allowed, 'solutions/bookingBusinesses/allowed@contoso.com/customers', `https://127.0.0.1:${counter.port}/hook`);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.error.code, 'ValidationError', 'the address passed; the handshake itself failed');
      assert.equal(counter.connections(), before + 1, 'the allowed address was connected to');
      // The allow-list names addresses, not schemes: plain http still needs --notification-http.
      const http = await subscribe(allowed, 'solutions/bookingBusinesses/allowed@contoso.com/customers', `http://127.0.0.1:${counter.port}/hook`);
      assert.match(http.json.error.message, /HTTPS/, 'http is still refused');
    } finally {
      await allowed.close();
    }
  });

  it('refuses bad allow-list entries at start', async () => {
    for (const entry of ['10.0.0.0/33', 'not a host', '1.2.3.4/8/9']) {
      await assert.rejects(startServer({ notifications: { allow: [entry] } }), /not (a valid prefix|a host)/, `'${entry}' is refused`);
    }
  });
});

describe('webhook URL policy with --notification-http: loopback receivers, names checked after DNS at every delivery', () => {
  const names = new Map<string, string[]>();
  let server: TestServer;
  let hooks: Awaited<ReturnType<typeof receiver>>;
  const delivered: string[] = [];
  before(async () => {
    hooks = await receiver((req, res, body) => {
      if (echo(req, res)) return;
      delivered.push(body);
      res.writeHead(202).end();
    });
    server = await startServer({
      notifications: { ...FAST, allowHttp: true, resolve: async (name) => names.get(name) ?? Promise.reject(Object.assign(new Error('no such name'), { code: 'ENOTFOUND' })) },
    });
  });
  after(async () => {
    await server.close();
    await hooks.close();
  });

  it('still refuses private addresses, by literal or by what a name resolves to', async () => {
    const biz = await business(server, 'private@contoso.com');
    names.set('intranet.test', ['10.1.2.3']);
    names.set('mixed.test', ['127.0.0.1', '192.168.0.10']);
    for (const url of ['http://10.1.2.3/hook', 'http://intranet.test/hook', 'http://mixed.test/hook']) {
      const res = await subscribe(server, biz.resource, url);
      assert.equal(res.status, 400, `${url}: ${res.text}`);
      assert.match(res.json.error.message, /private, link-local or reserved address/, `${url}: the message says why`);
    }
  });

  it('a name that later resolves to a private address gets no notification (refused before connecting), and gets them again once it resolves back', async () => {
    const biz = await business(server, 'rebind@contoso.com');
    names.set('rebind.test', ['127.0.0.1']);
    const port = new URL(hooks.origin).port;
    const res = await subscribe(server, biz.resource, `http://rebind.test:${port}/rebind`);
    assert.equal(res.status, 201, res.text);
    names.set('rebind.test', ['10.9.9.9']);
    const created = await server.request('POST', biz.base, { body: { displayName: 'Rebound' } });
    assert.equal(created.status, 201, created.text);
    const store = server.clientele.store;
    const key = String(res.json.id).toLowerCase();
    const until = Date.now() + 10_000;
    let cursor = await store.deliveries.get(DEFAULT_TENANT, key);
    while (!(cursor && cursor.attempts >= 2) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      cursor = await store.deliveries.get(DEFAULT_TENANT, key);
    }
    assert.ok(cursor && cursor.attempts >= 2, 'the delivery was attempted and failed');
    assert.match(String(cursor.lastError), /private, link-local or reserved address \(10\.9\.9\.9\)/, 'refused for the resolved address');
    assert.ok(!delivered.some((b) => b.includes(created.json.id)), 'nothing reached any receiver meanwhile');
    names.set('rebind.test', ['127.0.0.1']);
    const deadline = Date.now() + 10_000;
    while (!delivered.some((b) => b.includes(created.json.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(delivered.some((b) => b.includes(created.json.id)), 'delivered once the name is allowed again');
  });
});

const DEFAULT_TENANT = '00000000-0000-0000-0000-000000000001';

describe('answers from receivers are read up to a small cap and a deadline', () => {
  let server: TestServer;
  let hooks: Awaited<ReturnType<typeof receiver>>;
  const cut: string[] = [];
  const notified: string[] = [];
  before(async () => {
    hooks = await receiver((req, res, body) => {
      const url = new URL(req.url!, 'http://x');
      const token = url.searchParams.get('validationToken');
      const endless = (status: number, type: string, first: string) => {
        res.writeHead(status, { 'content-type': type });
        res.write(first);
        const chunk = 'x'.repeat(64 * 1024);
        // Writes for as long as the client reads; stops when the client drops the connection.
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => cut.push(url.pathname));
        pump();
      };
      if (url.pathname === '/endless-validation' && token !== null) return endless(200, 'text/plain', token);
      if (url.pathname === '/trickle-validation' && token !== null) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write(token.slice(0, 5));
        return; // never finishes
      }
      if (token !== null) return res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      notified.push(body);
      if (url.pathname === '/endless-notify') return endless(202, 'application/json', '{');
      res.writeHead(202).end();
    });
    // Generous deadlines: the cap, not the clock, must end the endless answers.
    server = await startServer({ notifications: { ...FAST, allowHttp: true, validationTimeoutMs: 60_000, deliveryTimeoutMs: 60_000 } });
  });
  after(async () => {
    await server.close();
    await hooks.close();
  });

  it('an endless validation answer is cut at the cap and refused, not read whole', async () => {
    const biz = await business(server, 'endless@contoso.com');
    const res = await subscribe(server, biz.resource, `${hooks.origin}/endless-validation`);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error.code, 'ValidationError', res.text);
    assert.match(res.json.error.message, /must exactly match validationToken/, 'judged on what was read');
    const until = Date.now() + 5000;
    while (!cut.includes('/endless-validation') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cut.includes('/endless-validation'), 'the server dropped the connection');
  });

  it('a validation answer that never ends is a timeout', async () => {
    const quick = await startServer({ notifications: { ...FAST, allowHttp: true, validationTimeoutMs: 300 } });
    try {
      const biz = await business(quick, 'trickle@contoso.com');
      const res = await subscribe(quick, biz.resource, `${hooks.origin}/trickle-validation`);
      assert.equal(res.status, 400, res.text);
      assert.match(res.json.error.message, /timed out/, 'the deadline covers the body too');
    } finally {
      await quick.close();
    }
  });

  it('an endless answer to a notification is cut, and the notification counts as delivered', async () => {
    const biz = await business(server, 'endless-notify@contoso.com');
    const sub = await subscribe(server, biz.resource, `${hooks.origin}/endless-notify`);
    assert.equal(sub.status, 201, sub.text);
    const created = await server.request('POST', biz.base, { body: { displayName: 'Streamed at' } });
    assert.equal(created.status, 201, created.text);
    const until = Date.now() + 10_000;
    while (!cut.includes('/endless-notify') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cut.includes('/endless-notify'), 'the server dropped the connection after the cap');
    const key = String(sub.json.id).toLowerCase();
    let cursor = await server.clientele.store.deliveries.get(DEFAULT_TENANT, key);
    while (cursor && cursor.attempts === 0 && notified.filter((b) => b.includes(created.json.id)).length < 1 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
      cursor = await server.clientele.store.deliveries.get(DEFAULT_TENANT, key);
    }
    assert.equal(cursor?.attempts, 0, 'a 2xx status is a delivery, whatever follows it');
    assert.equal(notified.filter((b) => b.includes(created.json.id)).length, 1, 'sent once, not retried');
  });
});
