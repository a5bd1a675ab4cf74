// Change notifications: POST /subscriptions with Graph's validation handshake, then created/updated/deleted
// notifications for Bookings customers delivered to a receiver on 127.0.0.1, with retries, give-up, expiry,
// renewal, and delivery that survives a server restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NotificationsConfig } from '../src/app.js';
import { loadModel } from '../src/model/index.js';
import { NotificationDispatcher } from '../src/notifications/dispatcher.js';
import { StorageSchema } from '../src/store/schema.js';
import { DEV_CLIENT_ID } from '../src/auth/dev-issuer.js';
import { DEFAULT_TENANT_ID } from '../src/auth/principal.js';
import { GUID, startServer, type TestServer } from './helpers/server.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

const USER = '11111111-2222-4333-8444-555555555555';
const APP = '99999999-8888-4777-8666-555555555555';
const FAST: NotificationsConfig = { pollIntervalMs: 25, retryBaseMs: 30, retryMaxMs: 200, maxAttempts: 4, validationTimeoutMs: 400 };

let server: TestServer;
let receiver: Receiver;
before(async () => {
  server = await startServer({ notifications: FAST });
  receiver = await startReceiver();
});
after(async () => {
  await server.close();
  await receiver.close();
});

let bizCount = 0;
async function business(srv: TestServer = server): Promise<{ id: string; resource: string; base: string }> {
  const id = `notify${++bizCount}@contoso.com`;
  assert.equal((await srv.request('POST', '/beta/solutions/bookingBusinesses', { body: { id, displayName: 'N' } })).status, 201);
  return {
    id,
    resource: `solutions/bookingBusinesses/${id}/customers`,
    base: `/beta/solutions/bookingBusinesses/${encodeURIComponent(id)}/customers`,
  };
}

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

function subscriptionBody(resource: string, path: string, extra: Record<string, unknown> = {}) {
  return {
    changeType: 'created,updated,deleted',
    notificationUrl: `${receiver.origin}${path}`,
    resource,
    expirationDateTime: inMinutes(60),
    clientState: 'secretClientValue',
    ...extra,
  };
}

async function subscribe(resource: string, path: string, extra: Record<string, unknown> = {}, srv: TestServer = server, token?: string) {
  const res = await srv.request('POST', '/beta/subscriptions', { body: subscriptionBody(resource, path, extra), token });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function createCustomer(base: string, displayName: string, srv: TestServer = server) {
  const res = await srv.request('POST', base, { body: { displayName } });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('POST /subscriptions', () => {
  it('validates the notificationUrl with a URL-encoded token, then answers 201 with the subscription', async () => {
    const biz = await business();
    const before = receiver.validations.length;
    const token = await server.token({ objectId: USER, clientId: APP });
    const sub = await subscribe(biz.resource, '/created', {}, server, token);
    assert.equal(receiver.validations.length, before + 1);
    // The token arrives URL-encoded; decoded, it is plain text with spaces.
    assert.match(receiver.validations.at(-1)!, /^Validation: Testing client application reachability for subscription Request-Id: [0-9a-f-]{36}$/);
    assert.match(sub.id, GUID);
    assert.equal(sub['@odata.context'], `${server.origin}/beta/$metadata#subscriptions/$entity`);
    assert.equal(sub['@odata.type'], '#microsoft.graph.subscription');
    assert.equal(sub.resource, biz.resource);
    assert.equal(sub.changeType, 'created,updated,deleted');
    assert.equal(sub.clientState, 'secretClientValue');
    assert.equal(sub.notificationUrl, `${receiver.origin}/created`);
    assert.equal(sub.latestSupportedTlsVersion, 'v1_2');
    // Who created it, from the token.
    assert.equal(sub.applicationId, APP);
    assert.equal(sub.creatorId, USER);
    assert.match(sub.expirationDateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const got = await server.request('GET', `/beta/subscriptions/${sub.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.resource, biz.resource);
    const list = await server.request('GET', '/v1.0/subscriptions');
    assert.ok(list.json.value.some((s: { id: string }) => s.id === sub.id), `the subscription ${sub.id} is listed: ${list.text}`);
  });

  it('refuses the subscription when the endpoint fails the handshake, and creates nothing', async () => {
    const biz = await business();
    const cases: Array<[Receiver['validation'], string, RegExp]> = [
      ['status-500', 'ValidationError', /must respond with 200 OK/],
      ['wrong-token', 'ValidationError', /must exactly match validationToken/],
      ['encoded', 'ValidationError', /must exactly match validationToken/],
      ['json', 'ValidationError', /text\/plain/],
      ['stall', 'InvalidRequest', /timed out/],
    ];
    const count = async () => (await server.request('GET', '/beta/subscriptions')).json.value.length;
    const before = await count();
    try {
      for (const [mode, code, message] of cases) {
        receiver.validation = mode;
        const res = await server.request('POST', '/beta/subscriptions', { body: subscriptionBody(biz.resource, '/refused') });
        assert.equal(res.status, 400, `${mode}: ${res.text}`);
        assert.equal(res.json.error.code, code, mode);
        assert.match(res.json.error.message, message);
        assert.match(res.json.error.message, /^Subscription validation request (failed|timed out)/);
      }
    } finally {
      receiver.validation = 'echo';
    }
    // Nobody listening at all.
    const closed = await startReceiver();
    await closed.close();
    const res = await server.request('POST', '/beta/subscriptions', { body: { ...subscriptionBody(biz.resource, '/x'), notificationUrl: `${closed.origin}/x` } });
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'ValidationError');
    assert.equal(await count(), before);
  });

  it('checks the resource, changeType, expiration, clientState and URL before the handshake', async () => {
    const biz = await business();
    const before = receiver.validations.length;
    const refuse = async (extra: Record<string, unknown>, status: number, code: string, message: RegExp) => {
      const res = await server.request('POST', '/beta/subscriptions', { body: { ...subscriptionBody(biz.resource, '/x'), ...extra } });
      assert.equal(res.status, status, `${JSON.stringify(extra)}: ${res.text}`);
      assert.equal(res.json.error.code, code, JSON.stringify(extra));
      assert.match(res.json.error.message, message);
    };
    await refuse({ changeType: 'created,moved' }, 400, 'InvalidRequest', /Invalid 'changeType' attribute: 'moved'/);
    await refuse({ changeType: '' }, 400, 'BadRequest', /changeType/);
    await refuse({ expirationDateTime: inMinutes(-1) }, 400, 'InvalidRequest', /in the future/);
    await refuse({ expirationDateTime: inMinutes(4232) }, 400, 'ExtensionError', /^Subscription expiration can only be 4230 minutes in the future\.$/);
    await refuse({ expirationDateTime: 'tomorrow' }, 400, 'BadRequest', /expirationDateTime/);
    await refuse({ clientState: 'x'.repeat(129) }, 400, 'InvalidRequest', /clientState/);
    await refuse({ includeResourceData: true }, 400, 'InvalidRequest', /includeResourceData/);
    await refuse({ latestSupportedTlsVersion: 'v2_0' }, 400, 'InvalidRequest', /latestSupportedTlsVersion/);
    await refuse({ notificationUrl: 'http://example.com/hook' }, 400, 'InvalidRequest', /HTTPS/);
    await refuse({ notificationUrl: 'ftp://127.0.0.1/hook' }, 400, 'InvalidRequest', /HTTPS/);
    await refuse({ notificationUrl: 'not a url' }, 400, 'InvalidRequest', /absolute URL/);
    await refuse({ notificationUrl: undefined }, 400, 'BadRequest', /notificationUrl/);
    await refuse({ resource: 'solutions/bookingBusinesses' }, 400, 'InvalidRequest', /not supported for change notifications/);
    await refuse({ resource: `${biz.resource}/36038f36-634e-44e4-9415-d7d59c2347aa` }, 400, 'InvalidRequest', /not supported/);
    await refuse({ resource: 'me/messages' }, 400, 'InvalidRequest', /not supported/);
    await refuse({ resource: `${biz.resource}?$filter=displayName eq 'x'` }, 400, 'InvalidRequest', /query options/);
    await refuse({ resource: 'solutions/bookingBusinesses/nobody@contoso.com/customers' }, 404, 'ErrorNonExistentMailbox', /nobody@contoso\.com/);
    assert.equal(receiver.validations.length, before, 'no refused request reached the handshake');
    // Read-only properties sent by the client are ignored.
    const sub = await subscribe(biz.resource, '/x', { applicationId: 'spoofed', creatorId: 'spoofed' });
    assert.equal(sub.applicationId, DEV_CLIENT_ID);
    assert.notEqual(sub.creatorId, 'spoofed');
  });

  it('accepts the resource with a leading slash, any case, and the entity-set path', async () => {
    const biz = await business();
    for (const resource of [`/${biz.resource}`, `/Solutions/BookingBusinesses('${biz.id}')/Customers`, `bookingBusinesses/${biz.id}/customers`]) {
      const sub = await subscribe(resource, '/variants');
      assert.equal(sub.resource, resource);
    }
  });
});

describe('subscriptions, tenants and permissions', () => {
  const OTHER = 'bbbbbbbb-0000-4000-8000-00000000000b';

  it("are the caller's tenant's: another tenant neither sees them nor subscribes to the first tenant's data", async () => {
    const biz = await business();
    const sub = await subscribe(biz.resource, '/tenant-a');
    const other = await server.token({ tenantId: OTHER });
    assert.equal((await server.request('GET', `/beta/subscriptions/${sub.id}`, { token: other })).status, 404);
    assert.equal((await server.request('DELETE', `/beta/subscriptions/${sub.id}`, { token: other })).status, 404);
    assert.equal((await server.request('PATCH', `/beta/subscriptions/${sub.id}`, { token: other, body: { expirationDateTime: inMinutes(10) } })).status, 404);
    const list = await server.request('GET', '/beta/subscriptions', { token: other });
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.value, []);
    // The business exists only in the first tenant.
    const res = await server.request('POST', '/beta/subscriptions', { token: other, body: subscriptionBody(biz.resource, '/tenant-b') });
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, 'ErrorNonExistentMailbox');
  });

  it("notifications carry the subscriber's tenant, and only its own changes", async () => {
    const other = await server.token({ tenantId: OTHER });
    const id = `same${++bizCount}@contoso.com`;
    const base = `/beta/solutions/bookingBusinesses/${encodeURIComponent(id)}/customers`;
    // The same business id in both tenants; tenant B subscribes to its own.
    for (const token of [undefined, other]) {
      assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { token, body: { id, displayName: 'S' } })).status, 201);
    }
    await subscribe(`solutions/bookingBusinesses/${id}/customers`, '/tenant-b-own', { changeType: 'created' }, server, other);
    await createCustomer(base, 'in tenant A');
    const mine = await server.request('POST', base, { token: other, body: { displayName: 'in tenant B' } });
    await receiver.waitFor(() => receiver.accepted('/tenant-b-own').length >= 1, 5000, "tenant B's notification");
    await sleep(150);
    assert.deepEqual(receiver.accepted('/tenant-b-own').map((n) => [n.tenantId, n.resourceData.id]), [[OTHER, mine.json.id]]);
  });

  it('need the permission to read the subscribed resource', async () => {
    const biz = await business();
    const unrelated = await server.token({ scopes: ['ManagedTenants.Read.All'] });
    const res = await server.request('POST', '/beta/subscriptions', { token: unrelated, body: subscriptionBody(biz.resource, '/denied') });
    assert.equal(res.status, 403);
    assert.equal((await server.request('GET', '/beta/subscriptions', { token: unrelated })).status, 403);
    // An app-only token with a Bookings role may subscribe.
    const app = await server.token({ roles: ['Bookings.Read.All'] });
    const sub = await subscribe(biz.resource, '/app-only', {}, server, app);
    assert.equal(sub.applicationId, DEV_CLIENT_ID);
    assert.equal((await server.request('GET', '/beta/subscriptions', { anonymous: true })).status, 401);
  });
});

describe('notifications', () => {
  it('created, updated and deleted customers are notified with clientState, resource and resourceData', async () => {
    const biz = await business();
    const sub = await subscribe(biz.resource, '/crud');
    const c = await createCustomer(biz.base, 'Notified');
    assert.equal((await server.request('PATCH', `${biz.base}/${c.id}`, { body: { displayName: 'Renamed' } })).status, 204);
    assert.equal((await server.request('DELETE', `${biz.base}/${c.id}`)).status, 204);
    await receiver.waitFor(() => receiver.accepted('/crud').length >= 3, 5000, 'three notifications');
    const got = receiver.accepted('/crud');
    assert.equal(got.length, 3);
    assert.deepEqual(got.map((n) => n.changeType), ['created', 'updated', 'deleted']);
    const resource = `solutions/bookingBusinesses('${encodeURIComponent(biz.id)}')/customers('${c.id}')`;
    for (const n of got) {
      assert.equal(n.subscriptionId, sub.id);
      assert.equal(n.clientState, 'secretClientValue');
      assert.equal(n.tenantId, DEFAULT_TENANT_ID);
      assert.equal(n.subscriptionExpirationDateTime, sub.expirationDateTime);
      assert.equal(n.resource, resource);
      assert.deepEqual(n.resourceData, { '@odata.type': '#microsoft.graph.bookingCustomer', '@odata.id': resource, id: c.id });
      assert.match(n.id, /^\d+$/);
    }
    assert.equal(receiver.deliveries.find((d) => d.path === '/crud')!.contentType, 'application/json; charset=utf-8');
  });

  it('only the change types subscribed to, and only the subscribed business', async () => {
    const biz = await business();
    const other = await business();
    await subscribe(biz.resource, '/deletes', { changeType: 'deleted' });
    const keep = await createCustomer(biz.base, 'kept');
    const gone = await createCustomer(biz.base, 'gone');
    await server.request('PATCH', `${biz.base}/${keep.id}`, { body: { displayName: 'kept, renamed' } });
    await createCustomer(other.base, 'elsewhere');
    await server.request('DELETE', `${biz.base}/${gone.id}`);
    await receiver.waitFor(() => receiver.accepted('/deletes').length >= 1, 5000, 'the deletion');
    await sleep(150);
    assert.deepEqual(receiver.accepted('/deletes').map((n) => [n.changeType, n.resourceData.id]), [['deleted', gone.id]]);
  });

  it('a failing receiver gets the same notification again, with backoff, until it accepts it', async () => {
    const biz = await business();
    await subscribe(biz.resource, '/flaky', { changeType: 'created' });
    receiver.failNext(3, '/flaky');
    const c = await createCustomer(biz.base, 'retried');
    await receiver.waitFor(() => receiver.accepted('/flaky').length >= 1, 5000, 'the retried notification');
    const attempts = receiver.deliveries.filter((d) => d.path === '/flaky');
    assert.deepEqual(attempts.map((d) => d.status), [500, 500, 500, 202]);
    const ids = new Set(attempts.map((d) => d.body.value[0].id));
    assert.equal(ids.size, 1, 'a redelivery carries the same notification id');
    assert.equal(receiver.accepted('/flaky')[0].resourceData.id, c.id);
  });

  it('gives up after the bound, records it, sends a missed lifecycle notification, and carries on', async () => {
    const biz = await business();
    const sub = await subscribe(biz.resource, '/down', { changeType: 'created', lifecycleNotificationUrl: `${receiver.origin}/lifecycle` });
    receiver.failNext(FAST.maxAttempts!, '/down');
    const lost = await createCustomer(biz.base, 'lost');
    await receiver.waitFor(() => receiver.accepted('/lifecycle').length >= 1, 5000, 'the missed lifecycle notification');
    const missed = receiver.accepted('/lifecycle')[0];
    assert.equal(missed.lifecycleEvent, 'missed');
    assert.equal(missed.subscriptionId, sub.id);
    assert.equal(missed.clientState, 'secretClientValue');
    assert.equal(receiver.deliveries.filter((d) => d.path === '/down').length, FAST.maxAttempts);
    const failures = await server.clientele.store.deliveries.failures(DEFAULT_TENANT_ID, sub.id);
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.notifications, 1);
    assert.equal(failures[0]!.attempts, FAST.maxAttempts);
    assert.equal(failures[0]!.lastError, 'HTTP 500');
    // Later changes are delivered; the dropped one is not sent again.
    const later = await createCustomer(biz.base, 'later');
    await receiver.waitFor(() => receiver.accepted('/down').length >= 1, 5000, 'the later notification');
    assert.deepEqual(receiver.accepted('/down').map((n) => n.resourceData.id), [later.id]);
    assert.notEqual(lost.id, later.id);
  });

  it('renewal (PATCH expirationDateTime) answers 200 with the subscription; other properties are fixed', async () => {
    const biz = await business();
    const sub = await subscribe(biz.resource, '/renewed');
    const renewedTo = inMinutes(120);
    const res = await server.request('PATCH', `/beta/subscriptions/${sub.id}`, { body: { expirationDateTime: renewedTo } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.id, sub.id);
    assert.equal(Date.parse(res.json.expirationDateTime), Date.parse(renewedTo));
    assert.equal(res.json['@odata.context'], `${server.origin}/beta/$metadata#subscriptions/$entity`);
    const tooLong = await server.request('PATCH', `/beta/subscriptions/${sub.id}`, { body: { expirationDateTime: inMinutes(5000) } });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.json.error.code, 'ExtensionError');
    const resource = await server.request('PATCH', `/beta/subscriptions/${sub.id}`, { body: { resource: 'solutions/bookingBusinesses/x/customers' } });
    assert.equal(resource.status, 400);
    // A new notificationUrl is validated again.
    const before = receiver.validations.length;
    const moved = await server.request('PATCH', `/beta/subscriptions/${sub.id}`, { body: { notificationUrl: `${receiver.origin}/moved` } });
    assert.equal(moved.status, 200);
    assert.equal(receiver.validations.length, before + 1);
    const c = await createCustomer(biz.base, 'after the move');
    await receiver.waitFor(() => receiver.accepted('/moved').length >= 1, 5000, 'delivery to the new URL');
    assert.equal(receiver.accepted('/moved')[0].resourceData.id, c.id);
    assert.equal(receiver.accepted('/renewed').length, 0);
  });

  it('a deleted subscription gets nothing more', async () => {
    const biz = await business();
    const sub = await subscribe(biz.resource, '/deleted-sub');
    assert.equal((await server.request('DELETE', `/beta/subscriptions/${sub.id}`)).status, 204);
    assert.equal((await server.request('GET', `/beta/subscriptions/${sub.id}`)).status, 404);
    await createCustomer(biz.base, 'unheard');
    await sleep(200);
    assert.equal(receiver.deliveries.filter((d) => d.path === '/deleted-sub').length, 0);
  });

  it('an expired subscription stops receiving notifications and is removed', async () => {
    const biz = await business();
    const sub = await subscribe(biz.resource, '/expiring', { expirationDateTime: new Date(Date.now() + 1200).toISOString() });
    const before = await createCustomer(biz.base, 'in time');
    await receiver.waitFor(() => receiver.accepted('/expiring').length >= 1, 5000, 'the notification before expiry');
    await sleep(1300);
    await createCustomer(biz.base, 'too late');
    await sleep(250);
    assert.deepEqual(receiver.accepted('/expiring').map((n) => n.resourceData.id), [before.id]);
    assert.equal((await server.request('GET', `/beta/subscriptions/${sub.id}`)).status, 404);
    const renew = await server.request('PATCH', `/beta/subscriptions/${sub.id}`, { body: { expirationDateTime: inMinutes(30) } });
    assert.equal(renew.status, 404);
  });

  it('two dispatchers on one database deliver each notification once (leases)', async () => {
    const biz = await business();
    await subscribe(biz.resource, '/shared', { changeType: 'created' });
    const model = loadModel();
    const second = new NotificationDispatcher(server.clientele.store, model, new StorageSchema(model), { pollIntervalMs: 5 });
    second.start();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await createCustomer(biz.base, `shared ${i}`)).id);
      await receiver.waitFor(() => receiver.accepted('/shared').length >= 12, 5000, 'twelve notifications');
      await sleep(150);
      assert.deepEqual(receiver.accepted('/shared').map((n) => n.resourceData.id), ids);
    } finally {
      await second.stop();
    }
  });
});

describe('delivery across a restart (file-backed store)', () => {
  it('notifications pending when the server stops are delivered after it starts again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientele-notify-'));
    // Retries without a bound here: the changes must still be pending when the server stops.
    const config = { inMemory: false, location: dir, notifications: { ...FAST, maxAttempts: 1000 } };
    let first: TestServer | undefined = await startServer(config);
    let second: TestServer | undefined;
    try {
      const biz = await business(first);
      const sub = await subscribe(biz.resource, '/durable', { changeType: 'created,deleted' }, first);
      receiver.failNext(1_000_000, '/durable');
      const a = await createCustomer(biz.base, 'a', first);
      const b = await createCustomer(biz.base, 'b', first);
      await receiver.waitFor(() => receiver.deliveries.some((d) => d.path === '/durable'), 5000, 'a failed attempt');
      // The next attempt stalls in flight while the server stops: it is aborted, not lost.
      receiver.failNext(0, '/durable');
      receiver.stall = true;
      const stalled = receiver.stalled;
      await receiver.waitFor(() => receiver.stalled > stalled, 5000, 'a stalled attempt');
      await first.close();
      first = undefined;
      receiver.stall = false;
      assert.equal(receiver.accepted('/durable').length, 0);

      second = await startServer(config);
      const got = await second.request('GET', `/beta/subscriptions/${sub.id}`);
      assert.equal(got.status, 200);
      await receiver.waitFor(() => receiver.accepted('/durable').length >= 2, 5000, 'the pending notifications');
      assert.deepEqual(receiver.accepted('/durable').map((n) => n.resourceData.id), [a.id, b.id]);
      // And it carries on with new changes.
      await second.request('DELETE', `${biz.base}/${a.id}`);
      await receiver.waitFor(() => receiver.accepted('/durable').length >= 3, 5000, 'the deletion');
      assert.deepEqual(receiver.accepted('/durable')[2].changeType, 'deleted');
    } finally {
      await first?.close();
      await second?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
