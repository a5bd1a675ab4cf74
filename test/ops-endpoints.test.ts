// /healthz, /readyz and /metrics through the real server: outside /beta and /v1.0, plain JSON, and
// Prometheus text whose counters move with the traffic.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer, testEngine } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

/** The value of one sample in Prometheus text, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf('} '));
    const have = inner.split(',');
    if (want.every((w) => have.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function metrics(): Promise<string> {
  const res = await server.request('GET', '/metrics');
  assert.equal(res.status, 200);
  return res.text;
}

describe('health endpoints', () => {
  it('/healthz answers 200 {"status":"ok"}, never cached', async () => {
    const res = await server.request('GET', '/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: 'ok' });
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-type')!, /^application\/json/);
  });

  it('/readyz reports the store engine when the store answers', async () => {
    const res = await server.request('GET', '/readyz');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: 'ready', store: { engine: testEngine(), ok: true } });
  });

  it('need no token, while the API refuses a caller without one', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      assert.equal((await server.request('GET', path, { anonymous: true })).status, 200, path);
    }
    assert.equal((await server.request('GET', '/beta/solutions/bookingBusinesses', { anonymous: true })).status, 401);
  });

  it('they live outside the Graph namespaces', async () => {
    const res = await server.request('GET', '/beta/healthz');
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'BadRequest');
  });

  it('/readyz answers 503 once the store is gone, while /healthz still answers', async () => {
    const other = await startServer();
    try {
      await other.clientele.store.close();
      const ready = await other.request('GET', '/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.json.status, 'unavailable');
      assert.equal(ready.json.store.ok, false);
      assert.equal((await other.request('GET', '/healthz')).status, 200);
    } finally {
      await other.clientele.app.close();
    }
  });
});

describe('/metrics', () => {
  it('is Prometheus text with process metrics', async () => {
    const res = await server.request('GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    assert.match(res.text, /^# HELP clientele_http_requests_total /m);
    assert.match(res.text, /^# TYPE clientele_http_request_duration_seconds histogram$/m);
    assert.match(res.text, /^# TYPE clientele_store_operation_duration_seconds histogram$/m);
    assert.match(res.text, /^clientele_process_resident_memory_bytes \d+/m);
  });

  it('counts requests by method, route template (no keys) and status, with latency histograms', async () => {
    const biz = `Metrics${Date.now()}@contoso.onmicrosoft.com`;
    const created = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: biz, displayName: 'Metrics' } });
    assert.equal(created.status, 201);
    const route = '/beta/solutions/bookingBusinesses/{id}/customers';
    const labels = { method: 'POST', route, status: '201' };
    const unresolved = { method: 'GET', route: '/beta/*', status: '400' };
    const first = await metrics();
    const before = sample(first, 'clientele_http_requests_total', labels) ?? 0;
    const unresolvedBefore = sample(first, 'clientele_http_requests_total', unresolved) ?? 0;
    for (let i = 0; i < 3; i++) {
      const res = await server.request('POST', `/beta/solutions/bookingBusinesses/${encodeURIComponent(biz)}/customers`, { body: { displayName: `C${i}` } });
      assert.equal(res.status, 201);
    }
    const missing = await server.request('GET', `/v1.0/solutions/bookingBusinesses/nobody@contoso.onmicrosoft.com/customers`);
    assert.equal(missing.status, 404);
    const unknown = await server.request('GET', '/beta/noSuchSet/secret-looking-key');
    assert.equal(unknown.status, 400);

    const text = await metrics();
    assert.equal(sample(text, 'clientele_http_requests_total', labels), before + 3);
    assert.equal(sample(text, 'clientele_http_request_duration_seconds_count', labels), before + 3);
    assert.equal(sample(text, 'clientele_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' }), before + 3);
    assert.ok(sample(text, 'clientele_http_request_duration_seconds_sum', labels)! > 0, 'request durations add up to more than zero');
    assert.equal(sample(text, 'clientele_http_requests_total', { method: 'GET', route: '/v1.0/solutions/bookingBusinesses/{id}/customers', status: '404' }), 1);
    assert.equal(sample(text, 'clientele_http_requests_total', unresolved), unresolvedBefore + 1);
    assert.ok(!text.includes(biz) && !text.includes('nobody@') && !text.includes('secret-looking-key'), 'keys never become label values');
    assert.ok(sample(text, 'clientele_http_requests_total', { method: 'GET', route: '/metrics', status: '200' })! >= 1, 'the /metrics request itself is counted');
  });

  it('times store operations by operation and table', async () => {
    // Its own writes and reads, so the counters have moved whatever ran before.
    const biz = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Timed' } });
    assert.equal(biz.status, 201, biz.text);
    for (const name of ['One', 'Two', 'Three']) {
      const made = await server.request('POST', `/beta/solutions/bookingBusinesses/${encodeURIComponent(biz.json.id)}/customers`, { body: { displayName: name } });
      assert.equal(made.status, 201, made.text);
    }
    await server.request('GET', '/beta/solutions/bookingBusinesses');
    const text = await metrics();
    const list = sample(text, 'clientele_store_operation_duration_seconds_count', { operation: 'list', table: 'booking_businesses', outcome: 'ok' });
    assert.ok(list !== undefined && list >= 1, 'list on booking_businesses is timed');
    assert.ok(sample(text, 'clientele_store_operation_duration_seconds_count', { operation: 'insert', table: 'booking_customers', outcome: 'ok' })! >= 3, 'inserts on booking_customers are timed');
  });
});
