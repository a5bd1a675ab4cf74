// Throttling (429 + Retry-After per tenant/app) and seeded fault injection with real Graph errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FaultInjector, parseFaultSpec } from '../src/http/faults.js';
import { Throttle } from '../src/http/throttle.js';
import { startServer, type TestServer } from './helpers/server.js';

describe('throttling', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ throttle: { requestsPerSecond: 1, burst: 3 } });
  });
  after(() => server.close());

  it('beyond the burst, requests get 429 TooManyRequests with Retry-After, and succeed after waiting', async () => {
    // Sent at once, so that the bucket cannot refill between them however slow the machine is.
    const results = await Promise.all(Array.from({ length: 8 }, () => server.request('GET', '/beta/solutions/bookingBusinesses')));
    const statuses = results.map((r) => r.status);
    assert.ok(statuses.filter((s) => s === 200).length >= 3, statuses.join(','));
    assert.ok(statuses.includes(429), statuses.join(','));
    const refused = results.find((r) => r.status === 429);
    assert.equal(refused!.json.error.code, 'TooManyRequests');
    assert.equal(refused!.json.error.message, 'Please retry again later.');
    const wait = Number(refused!.headers.get('retry-after'));
    assert.ok(Number.isInteger(wait) && wait >= 1, `Retry-After ${wait}`);
    await new Promise((r) => setTimeout(r, wait * 1000));
    assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses')).status, 200);
  });

  it('each request of a $batch counts on its own', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: 'GET', url: '/solutions/bookingBusinesses' }));
    const res = await server.request('POST', '/beta/$batch', { body: { requests } });
    assert.equal(res.status, 200);
    const statuses = res.json.responses.map((r: { status: number }) => r.status);
    assert.ok(statuses.includes(429), statuses.join(','));
    const throttled = res.json.responses.find((r: { status: number }) => r.status === 429);
    assert.ok(throttled.headers['retry-after'], `the 429 says when to retry: ${JSON.stringify(throttled.headers)}`);
  });

  it('buckets refill at the configured rate and are kept per key', () => {
    let now = 0;
    const t = new Throttle({ requestsPerSecond: 2, burst: 2 }, () => now);
    t.take('a');
    t.take('a');
    assert.throws(() => t.take('a'), /retry/);
    t.take('b');
    now = 500;
    t.take('a');
    assert.throws(() => t.take('a'));
  });
});

describe('fault injection', () => {
  it('is deterministic for a seed and close to the configured rate', () => {
    const run = () => {
      const f = new FaultInjector({ rate: 0.2, seed: 42, statuses: [429, 500, 503, 504] });
      return Array.from({ length: 2000 }, () => {
        try {
          f.maybeFail(undefined);
          return 0;
        } catch (err) {
          return (err as { status: number }).status;
        }
      });
    };
    const a = run();
    assert.deepEqual(a, run());
    const failures = a.filter((s) => s !== 0).length;
    assert.ok(failures > 300 && failures < 500, `${failures} failures of 2000`);
    for (const s of [429, 500, 503, 504]) assert.ok(a.includes(s), `status ${s} occurs`);
  });

  it('parses the CLI spec and refuses bad ones', () => {
    assert.deepEqual(parseFaultSpec('rate=0.5,seed=9,status=429|503,retry-after=3'), { rate: 0.5, seed: 9, statuses: [429, 503], retryAfterSeconds: 3 });
    for (const bad of ['rate=2', 'seed=x', 'status=418', 'colour=red']) assert.throws(() => parseFaultSpec(bad), /faults/);
  });

  describe('through the server', () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ faults: { rate: 1, seed: 3, statuses: [503], retryAfterSeconds: 2 } });
    });
    after(() => server.close());

    it('a failing request answers the Graph error with its Retry-After', async () => {
      const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Should not exist' } });
      assert.equal(res.status, 503);
      assert.equal(res.json.error.code, 'ServiceUnavailable');
      assert.equal(res.headers.get('retry-after'), '2');
      assert.ok(res.json.error.innerError['request-id'], `the error has a request-id: ${res.text}`);
    });
  });

  describe('forced by header', () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ faults: { rate: 0, seed: 1, statuses: [500] } });
    });
    after(() => server.close());

    it('x-clientele-fault asks for one fault; without it nothing fails', async () => {
      for (const [status, code] of [
        [429, 'TooManyRequests'],
        [500, 'InternalServerError'],
        [503, 'ServiceUnavailable'],
        [504, 'GatewayTimeout'],
      ] as const) {
        const res = await server.request('GET', '/beta/solutions/bookingBusinesses', { headers: { 'x-clientele-fault': String(status) } });
        assert.equal(res.status, status);
        assert.equal(res.json.error.code, code);
      }
      assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses', { headers: { 'x-clientele-fault': '418' } })).status, 400);
      assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses')).status, 200);
      const created = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Real' } });
      assert.equal(created.status, 201);
    });
  });
});
