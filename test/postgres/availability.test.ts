// When PostgreSQL cannot answer (gone, connections killed, over the statement timeout, out of pooled
// connections), requests get Graph's 503 with Retry-After, never a 500, and the server recovers by itself.
// The database "goes away" through a TCP proxy or pg_terminate_backend: the machine's server stays up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createClientele } from '../../src/app.js';
import { freshSchema, pgQuery, testPgUrl } from '../helpers/postgres.js';
import { startServer, type TestResponse, type TestServer } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const url = testPgUrl();
const BIZ = '/beta/solutions/bookingBusinesses/Avail@contoso.com';

function assertUnavailable(res: TestResponse, message: RegExp): void {
  assert.equal(res.status, 503, res.text);
  assert.equal(res.headers.get('retry-after'), '5');
  assert.equal(res.json.error.code, 'ServiceUnavailable');
  assert.match(res.json.error.message, message);
  assert.ok(res.json.error.innerError['request-id'], `the error has a request-id: ${res.text}`);
}

/** A server whose connections carry their own application_name, so a test can find (and kill) exactly them. */
async function serverOn(dbUrl: string, config: Parameters<typeof startServer>[0] = {}) {
  const schema = freshSchema(url);
  const app = `clientele-test-${randomBytes(4).toString('hex')}`;
  const server = await startServer({ db: dbUrl, dbSchema: schema.name, dbApplicationName: app, dbConnectTimeoutMs: 2000, ...config });
  assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: 'Avail@contoso.com', displayName: 'A' } })).status, 201);
  return {
    server,
    app,
    schema: schema.name,
    backends: async () => Number((await pgQuery(url, 'select count(*) as n from pg_stat_activity where application_name = $1', [app]))[0].n),
    async close() {
      await server.close();
      await schema.drop();
    },
  };
}

/** Holds an exclusive lock on a table in a connection of its own, so that queries on it wait. */
async function lockTable(schema: string, table: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('begin');
  await client.query(`lock table "${schema}"."${table}" in access exclusive mode`);
  return {
    async release() {
      await client.query('rollback');
      await client.end();
    },
  };
}

/** The first answer that is not 503, trying a few times; a 500 on the way fails the test. */
async function recovered(server: TestServer, path: string): Promise<TestResponse> {
  for (let i = 0; ; i++) {
    const res = await server.request('GET', path);
    assert.notEqual(res.status, 500, res.text);
    if (res.status !== 503 || i === 20) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('PostgreSQL gone and back', () => {
  let proxy: TcpProxy;
  let s: Awaited<ReturnType<typeof serverOn>>;
  before(async () => {
    const target = new URL(url);
    proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
    target.port = String(proxy.port);
    s = await serverOn(target.toString());
  });
  after(async () => {
    await proxy?.up().catch(() => {});
    await s?.close();
    await proxy?.close();
  });

  it('answers 503 with Retry-After in Graph shape while the database is unreachable', async () => {
    assert.equal((await s.server.request('GET', BIZ)).status, 200);
    await proxy.down();
    assertUnavailable(await s.server.request('GET', BIZ), /database/);
    assertUnavailable(await s.server.request('GET', `${BIZ}/customers`), /database/);
    assertUnavailable(await s.server.request('POST', `${BIZ}/customers`, { body: { displayName: 'Lost' } }), /database/);
    // Readiness says so too, so that a load balancer stops sending traffic meanwhile.
    const ready = await s.server.request('GET', '/readyz');
    assert.equal(ready.status, 503);
    assert.match(ready.json.store.error, /database cannot be reached/);
  });

  it('recovers by itself once the database is back', async () => {
    await proxy.up();
    const res = await recovered(s.server, BIZ);
    assert.equal(res.status, 200, res.text);
    assert.equal((await s.server.request('GET', '/readyz')).status, 200);
    const created = await s.server.request('POST', `${BIZ}/customers`, { body: { displayName: 'Back' } });
    assert.equal(created.status, 201, created.text);
    // Nothing from while it was down was half-written.
    const list = await s.server.request('GET', `${BIZ}/customers`);
    assert.deepEqual(list.json.value.map((c: { displayName: string }) => c.displayName), ['Back']);
  });
});

describe('PostgreSQL connections terminated, statement timeout, pool size', () => {
  let s: Awaited<ReturnType<typeof serverOn>>;
  before(async () => {
    s = await serverOn(url, { dbPoolSize: 2, dbStatementTimeoutMs: 1000 });
  });
  after(() => s?.close());

  it('idle connections killed by the server are replaced without a failed request', async () => {
    assert.ok((await s.backends()) >= 1, 'the pool holds at least one backend');
    await pgQuery(url, 'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [s.app]);
    await new Promise((r) => setTimeout(r, 100));
    const res = await s.server.request('GET', BIZ);
    assert.equal(res.status, 200, res.text);
  });

  it('a query whose connection is killed mid-flight answers 503; the next request succeeds', async () => {
    const lock = await lockTable(s.schema, 'booking_businesses');
    try {
      const pending = s.server.request('GET', BIZ);
      // Wait until the request is blocked on the lock, then kill its backend.
      for (let i = 0; i < 100; i++) {
        const rows = await pgQuery(url, "select pid from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'", [s.app]);
        if (rows.length) {
          await pgQuery(url, 'select pg_terminate_backend($1)', [rows[0].pid]);
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      assertUnavailable(await pending, /terminated|connection/i);
    } finally {
      await lock.release();
    }
    assert.equal((await recovered(s.server, BIZ)).status, 200);
  });

  it('a statement over the statement timeout is cancelled and answers 503', async () => {
    const lock = await lockTable(s.schema, 'booking_customers');
    try {
      const started = Date.now();
      assertUnavailable(await s.server.request('GET', `${BIZ}/customers`), /statement timeout/);
      assert.ok(Date.now() - started >= 900, 'cancelled by the timeout, not before');
    } finally {
      await lock.release();
    }
    assert.equal((await s.server.request('GET', `${BIZ}/customers`)).status, 200);
  });

  it('never opens more connections than --db-pool; requests beyond it wait their turn', async () => {
    const lock = await lockTable(s.schema, 'booking_customers');
    let results: Promise<TestResponse[]>;
    try {
      results = Promise.all(Array.from({ length: 6 }, () => s.server.request('GET', `${BIZ}/customers`)));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await s.backends(), 2);
    } finally {
      await lock.release();
    }
    for (const res of await results) assert.equal(res.status, 200, res.text);
  });
});

describe('PostgreSQL unreachable at start', () => {
  it('fails with a message that says so', async () => {
    await assert.rejects(createClientele({ db: 'postgres://postgres@127.0.0.1:1/test', dbConnectTimeoutMs: 1000 }), /cannot be reached \(ECONNREFUSED\)/);
  });
});
