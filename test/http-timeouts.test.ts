// Client deadlines: a silent socket, trickling headers, a trickling body and an idle keep-alive connection are
// closed by the server, so that they cannot pile up. Small deadlines are configured here; every wait is bounded.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer({ httpTimeouts: { headersMs: 300, requestMs: 800, idleMs: 1500, keepAliveMs: 300 } });
});
after(() => server.close());

interface Conn {
  socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves true once the server closed the connection, false if it has not within `ms`. */
  closedWithin(ms: number): Promise<boolean>;
  closed(): boolean;
}

async function open(): Promise<Conn> {
  const { port } = new URL(server.origin);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  let isClosed = false;
  const closing = new Promise<void>((resolve) => socket.once('close', () => ((isClosed = true), resolve())));
  socket.on('data', (d) => (text += d.toString('utf8')));
  socket.on('error', () => {});
  return {
    socket,
    received: () => text,
    closed: () => isClosed,
    async closedWithin(ms) {
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([closing.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
      clearTimeout(timer);
      if (!waited) socket.destroy();
      return waited;
    },
  };
}

/** Writes `chunks` one by one every `everyMs` until the connection closes (or they run out). */
function trickle(conn: Conn, chunks: string[], everyMs: number): void {
  let i = 0;
  const tick = () => {
    if (conn.closed() || i >= chunks.length) return;
    conn.socket.write(chunks[i++]!);
    setTimeout(tick, everyMs);
  };
  tick();
}

describe('client deadlines', () => {
  it('a connection that never sends a request is closed', async () => {
    const conn = await open();
    assert.ok(await conn.closedWithin(10_000), 'the server closed the silent connection');
  });

  it('headers trickling in byte by byte are cut off, with a 408', async () => {
    const conn = await open();
    const head = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(400)}\r\n\r\n`;
    trickle(conn, head.split(''), 50);
    assert.ok(await conn.closedWithin(10_000), 'the server closed the trickling connection');
    assert.match(conn.received(), /^HTTP\/1\.1 408 /, `a 408 answer: ${conn.received().slice(0, 200)}`);
  });

  it('a body trickling in is cut off, with a 408', async () => {
    const conn = await open();
    conn.socket.write(`POST /beta/solutions/bookingBusinesses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n`);
    trickle(conn, Array.from({ length: 2000 }, () => ' '), 50);
    assert.ok(await conn.closedWithin(10_000), 'the server closed the connection');
    assert.match(conn.received(), /HTTP\/1\.1 408 /, `a 408 answer: ${conn.received().slice(0, 200)}`);
  });

  it('an idle keep-alive connection is closed after its request', async () => {
    const conn = await open();
    conn.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.ok(await conn.closedWithin(10_000), 'closed after the keep-alive deadline');
    assert.match(conn.received(), /^HTTP\/1\.1 200 /, 'the request itself was answered');
  });

  it('ordinary requests are unaffected', async () => {
    const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: 'timely@contoso.com', displayName: 'Timely' } });
    assert.equal(res.status, 201, res.text);
    assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses/timely@contoso.com')).status, 200, 'read back');
  });
});
