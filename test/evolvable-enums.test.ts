// Graph's evolvable enums through the real server, both API versions: members after `unknownFutureValue`
// (bookingStaffRole's scheduler and teamMember) are shown, written and filtered on only with
// `Prefer: include-unknown-enum-members` (answered with Preference-Applied), and go out as the sentinel
// otherwise; the sentinel itself is never written (microsoft/api-guidelines graph/patterns/evolvable-enums.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { created, newBusiness, staffBody, VERSIONS } from './helpers/bookings.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const INCLUDE = { prefer: 'include-unknown-enum-members' };

/** A business with an administrator, a scheduler and a team member (written with the preference). */
async function staffed() {
  const biz = await newBusiness(server);
  const admin = await created(server, biz.path('beta', 'staffMembers'), { ...staffBody('Ada Admin'), role: 'administrator' });
  const make = async (name: string, role: string) => {
    const res = await server.request('POST', biz.path('beta', 'staffMembers'), { body: { ...staffBody(name), role }, headers: INCLUDE });
    assert.equal(res.status, 201, `${role} with the preference: ${res.text}`);
    return res.json as { id: string; role: string };
  };
  return { biz, admin, scheduler: await make('Sam Scheduler', 'scheduler'), member: await make('Tia Team', 'teamMember') };
}

const roles = (value: Array<{ id: string; role: string }>) => Object.fromEntries(value.map((s) => [s.id, s.role]));

for (const version of VERSIONS) {
  describe(`${version} evolvable enums`, () => {
    it('a member after unknownFutureValue is written only with the preference, which the answer says applied', async () => {
      const biz = await newBusiness(server);
      const refused = await server.request('POST', biz.path(version, 'staffMembers'), { body: { ...staffBody(), role: 'scheduler' } });
      assert.equal(refused.status, 400, `scheduler without the preference: ${refused.text}`);
      assert.match(refused.json.error.message, /'role'/, 'names the property');
      assert.match(refused.json.error.message, /include-unknown-enum-members/, 'says how to write it');
      const ok = await server.request('POST', biz.path(version, 'staffMembers'), { body: { ...staffBody(), role: 'teamMember' }, headers: INCLUDE });
      assert.equal(ok.status, 201, `teamMember with the preference: ${ok.text}`);
      assert.equal(ok.json.role, 'teamMember', 'shown as written');
      assert.match(ok.headers.get('preference-applied') ?? '', /include-unknown-enum-members/, 'Preference-Applied');
      const list = await server.request('GET', biz.path(version, 'staffMembers'));
      assert.equal(list.json.value.length, 1, 'only the one written with the preference was stored');
    });

    it('without the preference unknown members read as unknownFutureValue: get, list, property, $expand', async () => {
      const { biz, admin, scheduler, member } = await staffed();
      const get = await server.request('GET', biz.path(version, 'staffMembers', scheduler.id));
      assert.equal(get.status, 200, `get: ${get.text}`);
      assert.equal(get.json.role, 'unknownFutureValue', 'the scheduler is shown as the sentinel');
      assert.equal(get.headers.get('preference-applied'), null, 'no preference applied');
      const list = await server.request('GET', biz.path(version, 'staffMembers'));
      assert.deepEqual(roles(list.json.value), { [admin.id]: 'administrator', [scheduler.id]: 'unknownFutureValue', [member.id]: 'unknownFutureValue' }, 'list');
      const prop = await server.request('GET', `${biz.path(version, 'staffMembers', member.id)}/role`);
      assert.equal(prop.status, 200, `property: ${prop.text}`);
      assert.equal(prop.json.value, 'unknownFutureValue', 'the role property alone');
      const expanded = await server.request('GET', `/${version}/solutions/bookingBusinesses/${encodeURIComponent(biz.id)}?$expand=staffMembers`);
      assert.equal(expanded.status, 200, `$expand: ${expanded.text}`);
      assert.deepEqual(roles(expanded.json.staffMembers), roles(list.json.value), 'expanded members masked too');
    });

    it('with the preference they read as stored, and Preference-Applied says so', async () => {
      const { biz, admin, scheduler, member } = await staffed();
      const list = await server.request('GET', biz.path(version, 'staffMembers'), { headers: INCLUDE });
      assert.deepEqual(roles(list.json.value), { [admin.id]: 'administrator', [scheduler.id]: 'scheduler', [member.id]: 'teamMember' }, 'list');
      assert.equal(list.headers.get('preference-applied'), 'include-unknown-enum-members', 'Preference-Applied');
      const prop = await server.request('GET', `${biz.path(version, 'staffMembers', member.id)}/role`, { headers: INCLUDE });
      assert.equal(prop.json.value, 'teamMember', 'the role property alone');
      const both = await server.request('GET', `${biz.path(version, 'staffMembers')}`, { headers: { prefer: 'odata.maxpagesize=2, include-unknown-enum-members' } });
      assert.equal(both.json.value.length, 2, 'the page size preference applies too');
      assert.match(both.headers.get('preference-applied') ?? '', /odata\.maxpagesize=2/, 'both preferences applied: page size');
      assert.match(both.headers.get('preference-applied') ?? '', /include-unknown-enum-members/, 'both preferences applied: enum members');
    });

    it('unknownFutureValue is refused on create and leaves the property alone on PATCH', async () => {
      const { biz, scheduler } = await staffed();
      const post = await server.request('POST', biz.path(version, 'staffMembers'), { body: { ...staffBody('New One'), role: 'unknownFutureValue' }, headers: INCLUDE });
      assert.equal(post.status, 400, `create with the sentinel: ${post.text}`);
      assert.match(post.json.error.message, /'role'/, 'names the property');
      // What a client without the preference read back, sent back with a change: the role stays scheduler.
      const patch = await server.request('PATCH', biz.path(version, 'staffMembers', scheduler.id), { body: { displayName: 'Sam Renamed', role: 'unknownFutureValue' } });
      assert.equal(patch.status, 204, `PATCH with the sentinel: ${patch.text}`);
      const read = await server.request('GET', biz.path(version, 'staffMembers', scheduler.id), { headers: INCLUDE });
      assert.equal(read.json.role, 'scheduler', 'role unchanged');
      assert.equal(read.json.displayName, 'Sam Renamed', 'the rest of the PATCH applied');
      const known = await server.request('PATCH', biz.path(version, 'staffMembers', scheduler.id), { body: { role: 'teamMember' } });
      assert.equal(known.status, 400, `PATCH to teamMember without the preference: ${known.text}`);
    });

    it('$filter: an unknown member needs the preference; unknownFutureValue stands for the unknown members without it', async () => {
      const { biz, admin, scheduler, member } = await staffed();
      const path = biz.path(version, 'staffMembers');
      const filter = (f: string, headers?: Record<string, string>) => server.request('GET', `${path}?$filter=${encodeURIComponent(f)}`, { headers });
      const refused = await filter("role eq 'scheduler'");
      assert.equal(refused.status, 400, `eq scheduler without the preference: ${refused.text}`);
      assert.match(refused.json.error.message, /include-unknown-enum-members/, 'says how to filter on it');
      const found = await filter("role eq 'scheduler'", INCLUDE);
      assert.equal(found.status, 200, `eq scheduler with the preference: ${found.text}`);
      assert.deepEqual(Object.keys(roles(found.json.value)), [scheduler.id], 'the scheduler only');
      const sentinel = await filter("role eq 'unknownFutureValue'");
      assert.deepEqual(roles(sentinel.json.value), { [scheduler.id]: 'unknownFutureValue', [member.id]: 'unknownFutureValue' }, 'eq unknownFutureValue: the unknown members');
      const sentinelIncluded = await filter("role eq 'unknownFutureValue'", INCLUDE);
      assert.deepEqual(sentinelIncluded.json.value, [], 'with the preference the sentinel is only itself: nothing');
      const notSentinel = await filter("role ne 'unknownFutureValue'");
      assert.deepEqual(Object.keys(roles(notSentinel.json.value)), [admin.id], 'ne unknownFutureValue: the known members');
      const inList = await filter("role in ('administrator', 'unknownFutureValue')");
      assert.equal(inList.json.value.length, 3, `in (administrator, unknownFutureValue): ${inList.text}`);
    });

    it('an evolvable enum inside a complex value is checked too (reminder recipients)', async () => {
      const biz = await newBusiness(server);
      const res = await server.request('POST', biz.path(version, 'services'), {
        body: { displayName: 'X', defaultReminders: [{ offset: 'P1D', recipients: 'unknownFutureValue', message: 'm' }] },
        headers: INCLUDE,
      });
      assert.equal(res.status, 400, `recipients unknownFutureValue: ${res.text}`);
      assert.match(res.json.error.message, /defaultReminders\[0\]\/recipients/, 'names the member');
    });
  });
}
