// `clientele serve` and the CLI's conventions through the real executable: --help everywhere, one-line
// errors with exit codes, environment variables, JSON logs with request ids, graceful shutdown.
// test-engines: sqlite (the executable's flags, logs and shutdown; --db is covered by workers and scale-out)
// test-duration: long (test/run.ts starts it first)
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, spawnCli, startCliServer, tempDir } from './helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
before(() => {
  tmp = tempDir();
});
after(() => tmp.remove());

/** One line on stderr, `clientele: ...`, optionally followed by the pointer to --help. */
function assertOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trimEnd().split('\n');
  assert.match(lines[0]!, /^clientele: /);
  assert.match(lines[0]!, pattern);
  assert.ok(lines.length === 1 || (lines.length === 2 && /^Run 'clientele .*--help' for usage\.$/.test(lines[1]!)), stderr);
}

describe('clientele --help and help <command>', () => {
  it('lists every command, and every command has its own --help', async () => {
    const top = await spawnCli(['--help']);
    assert.equal(top.code, 0);
    const names = [...top.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]!);
    for (const expected of ['serve', 'seed', 'import', 'export', 'reset', 'snapshot', 'restore']) assert.ok(names.includes(expected), top.stdout);
    // Every command, in-process: main() returns what the executable exits with, and prints through the same
    // stdout and stderr (one process per case would cost half a second of CPU each, for nothing more).
    for (const name of names) {
      for (const args of [[name, '--help'], [name, '-h'], ['help', name]]) {
        const r = await runCli(args);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: clientele ${name}\\b`));
        assert.match(r.stdout, /-h, --help/);
      }
      const bad = await runCli([name, '--no-such-flag']);
      assert.equal(bad.code, 2, `${name} --no-such-flag`);
      assertOneLineError(bad.stderr, /--no-such-flag/);
    }
    // And through the executable, once each: a command's help, and a usage error.
    const help = await spawnCli(['help', 'serve']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: clientele serve\b/);
    const bad = await spawnCli(['export', '--no-such-flag']);
    assert.equal(bad.code, 2, bad.stderr);
    assertOneLineError(bad.stderr, /--no-such-flag/);
    assert.equal(bad.stdout, '');
  });

  it('no command is a usage error; an unknown one too', async () => {
    const none = await spawnCli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^Usage: clientele <command>/);
    const unknown = await spawnCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assertOneLineError(unknown.stderr, /unknown command 'frobnicate'/);
  });

  it('--version prints the package version', async () => {
    const r = await spawnCli(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^clientele \d+\.\d+\.\d+\n$/);
  });
});

describe('clientele serve: bad flags, busy port, unusable data directory', () => {
  it('refuses bad flag values with exit 2 and one line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--port', '99999'], /--port: '99999' is not a port number/],
      [['--port', 'http'], /--port: 'http' is not a port number/],
      [['--log-level', 'loud'], /--log-level: 'loud' is not one of/],
      [['--host', 'not a host'], /--host: 'not a host'/],
      [['--public-url', 'localhost:4000'], /--public-url: 'localhost:4000' is not scheme:\/\/host/],
      [['--shutdown-timeout', 'soon'], /--shutdown-timeout: 'soon'/],
      [['--in-memory', '--location', tmp.dir], /--in-memory and --location cannot be used together/],
      [['stray'], /Unexpected argument 'stray'/],
      [['--port'], /--port/],
      [['--change-retention', 'forever'], /--change-retention: 'forever' is not a duration/],
      [['--change-retention', '0d'], /--change-retention: '0d' is not a duration/],
      [['--request-timeout', 'soon'], /--request-timeout: 'soon' is not a number of seconds/],
      [['--headers-timeout', '1e3'], /--headers-timeout: '1e3' is not a number of seconds/],
      [['--max-subscriptions-per-tenant', '0'], /--max-subscriptions-per-tenant: '0' is not a whole number of at least 1/],
      [['--max-subscriptions-per-app', 'many'], /--max-subscriptions-per-app: 'many' is not a whole number/],
      [['--notification-allow', '10.0.0.0/40'], /--notification-allow: not a valid prefix length in '10\.0\.0\.0\/40'/],
      [['--notification-allow', 'receiver.internal,not a host'], /--notification-allow: not a host, address or address range: 'not a host'/],
      [['--appointment-overlap', 'maybe'], /--appointment-overlap: 'maybe' is not one of allow, reject, graph/],
    ];
    // In-process (see above), then the first case through the executable too.
    for (const [args, pattern] of cases) {
      const r = await runCli(['serve', ...args]);
      assert.equal(r.code, 2, `serve ${args.join(' ')}: ${r.stderr}`);
      assertOneLineError(r.stderr, pattern);
      assert.equal(r.stdout, '');
    }
    const [args, pattern] = cases[0]!;
    const r = await spawnCli(['serve', ...args]);
    assert.equal(r.code, 2, `serve ${args.join(' ')}: ${r.stderr}`);
    assertOneLineError(r.stderr, pattern);
    assert.equal(r.stdout, '');
  });

  it('a port in use: exit 1, one line naming the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const r = await spawnCli(['serve', '--in-memory', '--port', String(port), '--log-level', 'silent']);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, `clientele: port ${port} on 127.0.0.1 is already in use\n`);
    } finally {
      blocker.close();
    }
  });

  it('a data directory that cannot be created or written: exit 1, one line naming it', async () => {
    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, 'not a directory');
    for (const location of [file, join(file, 'below')]) {
      const r = await spawnCli(['serve', '--location', location, '--port', '0']);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, `clientele: data directory '${location}' is not usable: it (or a parent) is not a directory\n`);
    }
  });

  it('a host that is not a local address: exit 1, one line', async () => {
    // 192.0.2.1 (TEST-NET-1) is never assigned to this machine, so binding to it fails; nothing is sent.
    const r = await spawnCli(['serve', '--in-memory', '--host', '192.0.2.1', '--dev-issuer', '--port', '0', '--log-level', 'silent']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, "clientele: cannot listen on '192.0.2.1': no such local address\n");
  });

  it('an environment variable with a bad value is a usage error too, and a flag overrides it', async () => {
    const r = await spawnCli(['serve', '--in-memory'], { env: { CLIENTELE_PORT: 'eighty' } });
    assert.equal(r.code, 2);
    assertOneLineError(r.stderr, /--port: 'eighty'/);
    const server = await startCliServer(['--in-memory', '--auth', 'none'], { env: { CLIENTELE_PORT: 'eighty' } });
    assert.equal((await fetch(`${server.origin}/healthz`)).status, 200);
    assert.equal(await server.stop(), 0);
  });
});

describe('clientele serve: environment, logs, shutdown', () => {
  it('takes its settings from CLIENTELE_* variables (data directory, seed)', async () => {
    const dir = join(tmp.dir, 'from-env');
    const server = await startCliServer([], { env: { CLIENTELE_LOCATION: dir, CLIENTELE_SEED: '1', CLIENTELE_HOST: '127.0.0.1', CLIENTELE_AUTH: 'none' } });
    try {
      assert.ok(existsSync(join(dir, 'clientele.db')), 'the store lives in CLIENTELE_LOCATION');
      const res = await fetch(`${server.origin}/beta/solutions/bookingBusinesses/Contosolunchdelivery@contoso.onmicrosoft.com/customers`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { value: Array<{ displayName: string }> };
      assert.ok(body.value.some((c) => c.displayName === 'Joni Sherman'), 'CLIENTELE_SEED=1 seeded the sample customers');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('--notification-http lets subscriptions name plain-http receivers on this machine', async () => {
    // 0.0.0.0 reaches this machine (so it counts as loopback), where port 1 refuses at once.
    const subscribe = (origin: string) =>
      fetch(`${origin}/beta/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          changeType: 'created',
          notificationUrl: 'http://0.0.0.0:1/notify',
          resource: 'solutions/bookingBusinesses/Contosolunchdelivery@contoso.onmicrosoft.com/customers',
          expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      }).then(async (r) => ((await r.json()) as { error: { message: string } }).error.message);
    const strict = await startCliServer(['--in-memory', '--auth', 'none', '--seed']);
    try {
      assert.match(await subscribe(strict.origin), /must use the HTTPS protocol/);
    } finally {
      await strict.stop();
    }
    const lenient = await startCliServer(['--in-memory', '--auth', 'none', '--seed', '--notification-http']);
    try {
      // Accepted as a URL; the validation handshake then fails, as it would on Graph for an unreachable receiver.
      assert.match(await subscribe(lenient.origin), /^Subscription validation request failed\./);
    } finally {
      await lenient.stop();
    }
  });

  it('--appointment-overlap (and CLIENTELE_APPOINTMENT_OVERLAP) reach the server: a double booking is refused', async () => {
    // The seed books Dana Swope for 2018-05-06 12:00-12:30 UTC; Kaiseki asks no custom question.
    const book = (origin: string) =>
      fetch(`${origin}/v1.0/solutions/bookingBusinesses/Contosolunchdelivery@contoso.onmicrosoft.com/appointments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          serviceId: '635a7b7c-4230-4d3b-a42b-698e89927528',
          staffMemberIds: ['8ee1c803-a1fa-406d-8259-7ab53233f148'],
          startDateTime: { dateTime: '2018-05-06T12:10:00', timeZone: 'UTC' },
          endDateTime: { dateTime: '2018-05-06T12:20:00', timeZone: 'UTC' },
        }),
      }).then((r) => r.status);
    const reject = await startCliServer(['--in-memory', '--auth', 'none', '--seed', '--appointment-overlap', 'reject']);
    try {
      assert.equal(await book(reject.origin), 409, '--appointment-overlap reject');
    } finally {
      await reject.stop();
    }
    const graph = await startCliServer(['--in-memory', '--auth', 'none', '--seed'], { env: { CLIENTELE_APPOINTMENT_OVERLAP: 'graph' } });
    try {
      assert.equal(await book(graph.origin), 500, 'CLIENTELE_APPOINTMENT_OVERLAP=graph');
    } finally {
      await graph.stop();
    }
  });

  it('--headers-timeout (and CLIENTELE_REQUEST_TIMEOUT) reach the server: a silent connection is closed', async () => {
    const server = await startCliServer(['--in-memory', '--auth', 'none', '--headers-timeout', '0.3'], { env: { CLIENTELE_REQUEST_TIMEOUT: '1' } });
    try {
      const { port } = new URL(server.origin);
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => {});
      socket.resume(); // reads, so that the server's close is seen
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([
        new Promise<boolean>((r) => socket.once('close', () => r(true))),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 10_000))),
      ]);
      clearTimeout(timer);
      socket.destroy();
      assert.ok(closed, 'the server closed a connection that sent nothing');
      assert.equal((await fetch(`${server.origin}/healthz`)).status, 200, 'ordinary requests still work');
    } finally {
      await server.stop();
    }
  });

  it('logs JSON lines carrying the request-id the response reports, and the client-request-id', async () => {
    const server = await startCliServer(['--in-memory', '--auth', 'none']);
    try {
      const res = await fetch(`${server.origin}/beta/solutions/bookingBusinesses`, { headers: { 'client-request-id': 'trace-me-42' } });
      assert.equal(res.status, 200);
      const requestId = res.headers.get('request-id')!;
      const incoming = await server.waitForLog((l) => l.requestId === requestId && l.msg === 'incoming request');
      assert.equal(incoming.req.method, 'GET');
      assert.equal(incoming.req.url, '/beta/solutions/bookingBusinesses');
      assert.equal(incoming.req.clientRequestId, 'trace-me-42');
      const completed = await server.waitForLog((l) => l.requestId === requestId && l.msg === 'request completed');
      assert.equal(completed.res.statusCode, 200);
      assert.equal(typeof completed.responseTime, 'number');
      assert.equal(completed.level, 30);
      // Probes are not logged request by request.
      await fetch(`${server.origin}/healthz`);
      await fetch(`${server.origin}/beta/solutions/bookingBusinesses`);
      await server.waitForLog((l) => l.msg === 'request completed' && l.requestId !== requestId);
      assert.ok(!server.logs.some((l) => l.req?.url === '/healthz'), 'no request lines for /healthz');
    } finally {
      await server.stop();
    }
  });

  it('SIGTERM finishes the request in flight, refuses new connections, closes the store, exits 0', async () => {
    const dir = join(tmp.dir, 'graceful');
    const server = await startCliServer(['--location', dir, '--seed', '--auth', 'none']);
    const { port } = new URL(server.origin);
    const path = '/beta/solutions/bookingBusinesses/FourthCoffee@contoso.onmicrosoft.com/customers';
    const body = JSON.stringify({ displayName: 'Sent during shutdown', emailAddress: 'late@relecloud.com' });
    // A request whose headers are in but whose body is still on its way.
    const socket = connect(Number(port), '127.0.0.1');
    let response = '';
    socket.setEncoding('utf8').on('data', (d: string) => (response += d));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
        body.slice(0, 10),
    );
    await server.waitForLog((l) => l.msg === 'incoming request' && l.req?.method === 'POST');

    server.process.kill('SIGTERM');
    await server.waitForLog((l) => l.msg?.startsWith('shutting down'));
    await assert.rejects(fetch(`${server.origin}/healthz`), 'no new connections once shutting down');
    assert.equal(server.process.exitCode, null, 'still running: a request is in flight');

    socket.write(body.slice(10));
    await closed;
    assert.match(response, /^HTTP\/1\.1 201 Created\r\n/);
    assert.equal(await server.exited, 0);
    assert.ok(server.logs.some((l) => l.msg === 'shut down cleanly'), `the server logged a clean shutdown: ${server.logs.map((l) => l.msg).join(' | ')}`);

    // The store was closed cleanly (SQLite folds its write-ahead log back in) and kept the late customer.
    assert.ok(!existsSync(join(dir, 'clientele.db-wal')) || statSync(join(dir, 'clientele.db-wal')).size === 0, 'the write-ahead log is folded back (gone or empty)');
    const out = await spawnCli(['export', '--location', dir, '--business', 'FourthCoffee@contoso.onmicrosoft.com', '-q']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /Sent during shutdown,late@relecloud\.com/);
  });
});
