// Subscriptions are bounded per tenant and per app, and the dispatcher is fair between tenants: one tenant's
// receivers that never answer hold only its own share of delivery slots, not other tenants' notifications.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NotificationsConfig } from '../src/app.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { startServer, type TestServer } from './helpers/server.js';

const FAST: NotificationsConfig = { pollIntervalMs: 25, retryBaseMs: 30, retryMaxMs: 200, validationTimeoutMs: 2000, allowHttp: true };
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

async function business(server: TestServer, id: string, token?: string) {
  const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { token, body: { id, displayName: 'F' } });
  assert.equal(res.status, 201, res.text);
  return { resource: `solutions/bookingBusinesses/${id}/customers`, base: `/beta/solutions/bookingBusinesses/${encodeURIComponent(id)}/customers` };
}

const subscribe = (server: TestServer, resource: string, url: string, token?: string) =>
  server.request('POST', '/beta/subscriptions', { token, body: { changeType: 'created', notificationUrl: url, resource, expirationDateTime: inMinutes(60) } });

describe('subscription quotas', () => {
  let server: TestServer;
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver();
    server = await startServer({ notifications: { ...FAST, maxSubscriptionsPerTenant: 5, maxSubscriptionsPerApp: 3 } });
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  it('an app has at most maxSubscriptionsPerApp in a tenant, and a tenant at most maxSubscriptionsPerTenant: then 403', async () => {
    const tenant = 'cccccccc-0000-4000-8000-00000000000c';
    const appA = await server.token({ tenantId: tenant, app: true, roles: ['Bookings.Read.All'], clientId: 'cccccccc-1111-4000-8000-00000000000a' });
    const appB = await server.token({ tenantId: tenant, app: true, roles: ['Bookings.Read.All'], clientId: 'cccccccc-1111-4000-8000-00000000000b' });
    const admin = await server.token({ tenantId: tenant });
    const biz = await business(server, 'quota@contoso.com', admin);
    for (let i = 0; i < 3; i++) assert.equal((await subscribe(server, biz.resource, `${receiver.origin}/q`, appA)).status, 201, `app A's subscription ${i + 1}`);
    const fourth = await subscribe(server, biz.resource, `${receiver.origin}/q`, appA);
    assert.equal(fourth.status, 403, fourth.text);
    assert.equal(fourth.json.error.code, 'ExtensionError', 'Graph-like code');
    assert.match(fourth.json.error.message, /this application has 3 subscriptions in this tenant/, 'the message names the limit');
    // Another app of the tenant still may, until the tenant's own quota.
    for (let i = 0; i < 2; i++) assert.equal((await subscribe(server, biz.resource, `${receiver.origin}/q`, appB)).status, 201, `app B's subscription ${i + 1}`);
    const sixth = await subscribe(server, biz.resource, `${receiver.origin}/q`, appB);
    assert.equal(sixth.status, 403, sixth.text);
    assert.match(sixth.json.error.message, /this tenant has 5 subscriptions/, 'the tenant quota');
    // Other tenants are not affected.
    const other = await server.token({ tenantId: 'dddddddd-0000-4000-8000-00000000000d', app: true, roles: ['Bookings.Read.All'] });
    const otherBiz = await business(server, 'quota@contoso.com', await server.token({ tenantId: 'dddddddd-0000-4000-8000-00000000000d' }));
    assert.equal((await subscribe(server, otherBiz.resource, `${receiver.origin}/q`, other)).status, 201, 'another tenant subscribes');
    // A deleted subscription frees its place.
    const mine = await server.request('GET', '/beta/subscriptions', { token: appA });
    assert.equal(mine.json.value.length, 3, "app A lists its three");
    assert.equal((await server.request('DELETE', `/beta/subscriptions/${mine.json.value[0].id}`, { token: appA })).status, 204, 'deleted');
    assert.equal((await subscribe(server, biz.resource, `${receiver.origin}/q`, appA)).status, 201, 'room again after a delete');
  });

  it('concurrent creates cannot overshoot the quota', async () => {
    const tenant = 'eeeeeeee-0000-4000-8000-00000000000e';
    const app = await server.token({ tenantId: tenant, app: true, roles: ['Bookings.Read.All'] });
    const biz = await business(server, 'race@contoso.com', await server.token({ tenantId: tenant }));
    const results = await Promise.all(Array.from({ length: 8 }, () => subscribe(server, biz.resource, `${receiver.origin}/race`, app)));
    assert.ok(results.every((r) => r.status === 201 || r.status === 403), `only 201 or 403: ${results.map((r) => r.status)}`);
    const listed = await server.request('GET', '/beta/subscriptions', { token: app });
    assert.ok(listed.json.value.length <= 3, `at most 3 exist: ${listed.json.value.length}`);
    assert.equal(listed.json.value.length, results.filter((r) => r.status === 201).length, 'every 201 is a subscription that exists');
  });
});

describe('fair delivery between tenants', () => {
  let server: TestServer;
  let hanging: Receiver;
  let fast: Receiver;
  before(async () => {
    hanging = await startReceiver();
    fast = await startReceiver();
    // A receiver may keep a delivery for a minute; the other tenant must not wait for that.
    server = await startServer({ notifications: { ...FAST, deliveryTimeoutMs: 60_000, concurrency: 4, perTenantConcurrency: 2 } });
  });
  after(async () => {
    await server.close();
    await hanging.close();
    await fast.close();
  });

  it("one tenant's 16 hanging receivers do not hold another tenant's notification", async () => {
    const slowTenant = 'aaaaaaaa-0000-4000-8000-0000000000aa';
    const slowToken = await server.token({ tenantId: slowTenant });
    const slowBiz = await business(server, 'slow@contoso.com', slowToken);
    for (let i = 0; i < 16; i++) assert.equal((await subscribe(server, slowBiz.resource, `${hanging.origin}/hang${i}`, slowToken)).status, 201, `slow subscription ${i}`);
    const quickBiz = await business(server, 'quick@contoso.com');
    assert.equal((await subscribe(server, quickBiz.resource, `${fast.origin}/quick`)).status, 201, 'the other tenant subscribes');
    hanging.stall = true;
    assert.equal((await server.request('POST', slowBiz.base, { token: slowToken, body: { displayName: 'Held' } })).status, 201, 'slow tenant write');
    await hanging.waitFor(() => hanging.stalled >= 2, 10_000, 'the slow tenant deliveries in flight');
    const created = await server.request('POST', quickBiz.base, { body: { displayName: 'On time' } });
    assert.equal(created.status, 201, created.text);
    // Well within the slow receivers' 60 s: the fast tenant is delivered while they hang.
    await fast.waitFor(() => fast.accepted('/quick').some((n) => n.resourceData.id === created.json.id), 10_000, "the other tenant's notification");
    assert.equal(hanging.stalled, 2, 'the hanging tenant holds only its own share of the slots');
  });
});
