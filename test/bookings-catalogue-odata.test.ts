// Services, staff members and custom questions get what customers have from the generic handlers, checked
// here through the real server: query options, paging, $count, ETags, $batch, delta and change notifications,
// both paths beta has, tenant isolation, and the permissions each operation declares.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { created, newBusiness, staffBody } from './helpers/bookings.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let receiver: Receiver;
before(async () => {
  // The receivers of these tests listen on loopback over http: --notification-http.
  server = await startServer({ notifications: { allowHttp: true, pollIntervalMs: 25, retryBaseMs: 30, retryMaxMs: 200, maxAttempts: 4, validationTimeoutMs: 400 } });
  receiver = await startReceiver();
});
after(async () => {
  await server.close();
  await receiver.close();
});

const relative = (url: string) => url.slice(server.origin.length);

describe('query options, paging and $count on the catalogue collections', () => {
  it('$filter, $orderby, $select, $search, $count and next links on services', async () => {
    const biz = await newBusiness(server);
    for (const [name, price] of [['Bento', 10], ['Kaiseki', 30], ['Initial service', 0]] as const) {
      await created(server, biz.path('v1.0', 'services'), { displayName: name, defaultPrice: price, defaultPriceType: price ? 'fixedPrice' : 'notSet' });
    }
    const filtered = await server.request('GET', `${biz.path('v1.0', 'services')}?$filter=defaultPrice gt 5&$orderby=displayName desc&$select=displayName,defaultPrice&$count=true`);
    assert.equal(filtered.status, 200, filtered.text);
    assert.equal(filtered.json['@odata.count'], 2, '$count of the filtered services');
    assert.deepEqual(filtered.json.value.map((s: any) => s.displayName), ['Kaiseki', 'Bento'], 'filtered and ordered');
    assert.equal('notes' in filtered.json.value[0], false, '$select keeps only the selected properties');
    const byEnum = await server.request('GET', `${biz.path('v1.0', 'services')}?$filter=defaultPriceType eq 'notSet'`);
    assert.deepEqual(byEnum.json.value.map((s: any) => s.displayName), ['Initial service'], 'filter on an enum');
    const search = await server.request('GET', `${biz.path('beta', 'services')}?$search="kaiseki"`);
    assert.deepEqual(search.json.value.map((s: any) => s.displayName), ['Kaiseki'], '$search over displayName');
    const count = await server.request('GET', `${biz.path('beta', 'services')}/$count`);
    assert.equal(count.text, '3', '/$count');
    const seen: string[] = [];
    let next: string | undefined = `${biz.path('beta', 'services')}?$top=2&$orderby=displayName`;
    while (next) {
      const page = await server.request('GET', next);
      assert.equal(page.status, 200, page.text);
      seen.push(...page.json.value.map((s: any) => s.displayName));
      next = page.json['@odata.nextLink'] ? relative(page.json['@odata.nextLink']) : undefined;
    }
    assert.deepEqual(seen, ['Bento', 'Initial service', 'Kaiseki'], 'every page, in order');
  });

  it('staff members filter on role and email; a filter on a property another type has is a 400', async () => {
    const biz = await newBusiness(server);
    await created(server, biz.path('v1.0', 'staffMembers'), { ...staffBody('Dana'), role: 'administrator' });
    await created(server, biz.path('v1.0', 'staffMembers'), staffBody('Sam'));
    const admins = await server.request('GET', `${biz.path('v1.0', 'staffMembers')}?$filter=role eq 'administrator'`);
    assert.deepEqual(admins.json.value.map((m: any) => m.displayName), ['Dana'], 'by role');
    const byEmail = await server.request('GET', `${biz.path('beta', 'staffMembers')}?$filter=emailAddress eq 'sam@contoso.com'`);
    assert.deepEqual(byEmail.json.value.map((m: any) => m.displayName), ['Sam'], 'by email');
    const bad = await server.request('GET', `${biz.path('v1.0', 'staffMembers')}?$filter=defaultPrice gt 1`);
    assert.equal(bad.status, 400, `unknown property in $filter: ${bad.text}`);
  });

  it('the top-level beta path serves the same collections', async () => {
    const biz = await newBusiness(server);
    const q = await created(server, `/beta/bookingBusinesses/${encodeURIComponent(biz.id)}/customQuestions`, { displayName: 'Age?' });
    const read = await server.request('GET', biz.path('v1.0', 'customQuestions', q.id));
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json.displayName, 'Age?', 'one question, both paths');
    const v1 = await server.request('GET', `/v1.0/bookingBusinesses/${encodeURIComponent(biz.id)}/customQuestions`);
    assert.equal(v1.status, 400, `v1.0 has no top-level bookingBusinesses: ${v1.text}`);
  });
});

describe('ETags and $batch', () => {
  it('If-Match on PATCH and DELETE of a staff member; If-None-Match on GET', async () => {
    const biz = await newBusiness(server);
    const m = await created(server, biz.path('v1.0', 'staffMembers'), staffBody());
    const path = biz.path('v1.0', 'staffMembers', m.id);
    const ok = await server.request('PATCH', path, { body: { timeZone: 'UTC' }, headers: { 'if-match': m['@odata.etag'] } });
    assert.equal(ok.status, 204, `fresh If-Match: ${ok.text}`);
    const stale = await server.request('PATCH', path, { body: { timeZone: 'Europe/Paris' }, headers: { 'if-match': m['@odata.etag'] } });
    assert.equal(stale.status, 412, `stale If-Match: ${stale.text}`);
    const current = await server.request('GET', path);
    const unchanged = await server.request('GET', path, { headers: { 'if-none-match': current.headers.get('etag')! } });
    assert.equal(unchanged.status, 304, 'If-None-Match with the current ETag');
    const staleDelete = await server.request('DELETE', path, { headers: { 'if-match': m['@odata.etag'] } });
    assert.equal(staleDelete.status, 412, `stale If-Match on DELETE: ${staleDelete.text}`);
  });

  it('a $batch creates a staff member and a service naming it (dependsOn)', async () => {
    const biz = await newBusiness(server);
    const staffPath = biz.path('v1.0', 'staffMembers').slice('/v1.0'.length);
    const staff = await server.request('POST', '/v1.0/$batch', {
      body: { requests: [{ id: '1', method: 'POST', url: staffPath, headers: { 'content-type': 'application/json' }, body: staffBody() }] },
    });
    assert.equal(staff.status, 200, staff.text);
    const member = staff.json.responses[0];
    assert.equal(member.status, 201, `staff member in the batch: ${JSON.stringify(member)}`);
    const res = await server.request('POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: 'a', method: 'POST', url: biz.path('v1.0', 'services').slice('/v1.0'.length), headers: { 'content-type': 'application/json' }, body: { displayName: 'Bento', staffMemberIds: [member.body.id] } },
          { id: 'b', dependsOn: ['a'], method: 'POST', url: biz.path('v1.0', 'services').slice('/v1.0'.length), headers: { 'content-type': 'application/json' }, body: { displayName: 'Bad', staffMemberIds: ['nobody'] } },
          { id: 'c', dependsOn: ['b'], method: 'GET', url: biz.path('v1.0', 'services').slice('/v1.0'.length) },
        ],
      },
    });
    assert.equal(res.status, 200, res.text);
    const byId = Object.fromEntries(res.json.responses.map((r: any) => [r.id, r]));
    assert.equal(byId.a.status, 201, 'a valid service');
    assert.equal(byId.b.status, 400, 'a service naming nobody');
    assert.equal(byId.c.status, 424, 'depends on a failed request');
  });
});

describe('delta and change notifications', () => {
  it('services/delta lists, then reports updates (a staff deletion rewriting a service included) and deletions', async () => {
    const biz = await newBusiness(server);
    const dana = await created(server, biz.path('beta', 'staffMembers'), staffBody('Dana'));
    const s = await created(server, biz.path('beta', 'services'), { displayName: 'Bento', staffMemberIds: [dana.id] });
    const gone = await created(server, biz.path('beta', 'services'), { displayName: 'Gone' });
    const first = await server.request('GET', `${biz.path('beta', 'services')}/delta`);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.value.length, 2, 'the first round lists both services');
    const deltaLink = relative(first.json['@odata.deltaLink']);
    assert.equal((await server.request('DELETE', biz.path('beta', 'staffMembers', dana.id))).status, 204, 'staff member deleted');
    assert.equal((await server.request('DELETE', biz.path('beta', 'services', gone.id))).status, 204, 'service deleted');
    const second = await server.request('GET', deltaLink);
    assert.equal(second.status, 200, second.text);
    const changed = Object.fromEntries(second.json.value.map((v: any) => [v.id, v]));
    assert.deepEqual(changed[s.id]?.staffMemberIds, [], 'the rewritten service is reported, without the deleted staff member');
    assert.deepEqual(changed[gone.id]?.['@removed'], { reason: 'deleted' }, 'the deleted service is reported removed');
  });

  it('a subscription on staffMembers is notified of a created staff member', async () => {
    const biz = await newBusiness(server);
    const res = await server.request('POST', '/v1.0/subscriptions', {
      body: {
        changeType: 'created',
        notificationUrl: `${receiver.origin}/staff`,
        resource: `solutions/bookingBusinesses/${biz.id}/staffMembers`,
        expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    assert.equal(res.status, 201, `subscription: ${res.text}`);
    const m = await created(server, biz.path('v1.0', 'staffMembers'), staffBody());
    await receiver.waitFor(() => receiver.accepted('/staff').some((n) => n.resourceData?.id === m.id), 10_000, 'the created notification');
    const n = receiver.accepted('/staff').find((x) => x.resourceData?.id === m.id);
    assert.equal(n.changeType, 'created', 'changeType');
    assert.equal(n.resourceData['@odata.type'], '#microsoft.graph.bookingStaffMember', 'the resource type');
  });
});

describe('tenants and permissions', () => {
  const OTHER = 'cccccccc-0000-4000-8000-00000000000c';

  it("another tenant's catalogue answers 404 by every route, and creating under it fails", async () => {
    const biz = await newBusiness(server);
    const s = await created(server, biz.path('v1.0', 'services'), { displayName: 'Bento' });
    const token = await server.token({ tenantId: OTHER });
    for (const path of [biz.path('v1.0', 'services'), biz.path('v1.0', 'services', s.id), `${biz.path('beta', 'staffMembers')}/$count`, biz.path('beta', 'customQuestions')]) {
      const res = await server.request('GET', path, { token });
      assert.equal(res.status, 404, `${path} from another tenant: ${res.text}`);
    }
    const post = await server.request('POST', biz.path('v1.0', 'staffMembers'), { token, body: staffBody() });
    assert.equal(post.status, 404, `create under another tenant's business: ${post.text}`);
    const mine = await newBusiness(server, { token, prefix: 'Other' });
    const cross = await server.request('POST', mine.path('v1.0', 'services'), { token, body: { displayName: 'X', staffMemberIds: [s.id] } });
    assert.equal(cross.status, 400, `naming another tenant's entity as staff: ${cross.text}`);
  });

  it('Bookings.Read.All reads but cannot write; application tokens cannot write; custom questions accept BookingsAppointment.ReadWrite.All', async () => {
    const biz = await newBusiness(server);
    const reader = await server.token({ scopes: ['Bookings.Read.All'] });
    assert.equal((await server.request('GET', biz.path('v1.0', 'services'), { token: reader })).status, 200, 'Bookings.Read.All lists services');
    const refused = await server.request('POST', biz.path('v1.0', 'services'), { token: reader, body: { displayName: 'X' } });
    assert.equal(refused.status, 403, `Bookings.Read.All creates no service: ${refused.text}`);
    assert.equal(refused.json.error.code, 'ErrorAccessDenied', 'Graph code');
    const app = await server.token({ roles: ['Bookings.Manage.All'] });
    assert.equal((await server.request('GET', biz.path('v1.0', 'staffMembers'), { token: app })).status, 200, 'an app lists staff members');
    const appWrite = await server.request('POST', biz.path('v1.0', 'staffMembers'), { token: app, body: staffBody() });
    assert.equal(appWrite.status, 403, `no application permission creates staff members: ${appWrite.text}`);
    const appointments = await server.token({ scopes: ['BookingsAppointment.ReadWrite.All'] });
    const q = await server.request('POST', biz.path('v1.0', 'customQuestions'), { token: appointments, body: { displayName: 'Age?' } });
    assert.equal(q.status, 201, `BookingsAppointment.ReadWrite.All creates custom questions: ${q.text}`);
    const s = await server.request('POST', biz.path('v1.0', 'services'), { token: appointments, body: { displayName: 'X' } });
    assert.equal(s.status, 403, `but not services: ${s.text}`);
  });
});
