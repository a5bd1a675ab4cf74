// bookingStaffMember through the real server, in both API versions: required properties, roles and
// membership statuses, working hours (each slot starting before it ends, the business's hours by default),
// each version's shape, and what deleting a staff member does to the services that name it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { created, newBusiness, staffBody, VERSIONS } from './helpers/bookings.js';
import { GUID, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const slot = (version: string, start: string, end: string) => (version === 'beta' ? { start, end } : { startTime: start, endTime: end });

for (const version of VERSIONS) {
  describe(`${version} bookingStaffMember`, () => {
    it('create: a bookingStaffMember with Graph defaults and the business hours as working hours', async () => {
      const biz = await newBusiness(server);
      const m = await created(server, biz.path(version, 'staffMembers'), staffBody());
      assert.match(m.id, GUID, 'a GUID id');
      assert.equal(m['@odata.type'], '#microsoft.graph.bookingStaffMember', 'members of the collection are bookingStaffMembers (v1.0 dispatches on it)');
      assert.equal(m.isEmailNotificationEnabled, true, 'isEmailNotificationEnabled is true by default (Graph)');
      assert.equal(m.availabilityIsAffectedByPersonalCalendar, false, 'availabilityIsAffectedByPersonalCalendar default');
      assert.equal(m.membershipStatus, 'active', 'membershipStatus default');
      assert.equal(m.useBusinessHours, true, 'useBusinessHours default');
      const business = await server.request('GET', `/${version}/solutions/bookingBusinesses/${encodeURIComponent(biz.id)}`);
      assert.deepEqual(m.workingHours, business.json.businessHours, 'workingHours start as the business hours');
      assert.deepEqual(m.workingHours[1].timeSlots[0], slot(version, '08:00:00.0000000', '17:00:00.0000000'), `the ${version} slot shape`);
      assert.equal('colorIndex' in m, version === 'beta', 'colorIndex is beta only');
    });

    it('displayName, emailAddress and role are required', async () => {
      const biz = await newBusiness(server);
      for (const missing of ['displayName', 'emailAddress', 'role']) {
        const body: Record<string, unknown> = staffBody();
        delete body[missing];
        const res = await server.request('POST', biz.path(version, 'staffMembers'), { body });
        assert.equal(res.status, 400, `without ${missing}: ${res.text}`);
        assert.match(res.json.error.message, new RegExp(`'${missing}'`), `the message names ${missing}`);
      }
      const m = await created(server, biz.path(version, 'staffMembers'), staffBody());
      const empty = await server.request('PATCH', biz.path(version, 'staffMembers', m.id), { body: { emailAddress: '' } });
      assert.equal(empty.status, 400, `emptying emailAddress: ${empty.text}`);
    });

    it('role and membershipStatus are validated enums (the evolvable members included)', async () => {
      const biz = await newBusiness(server);
      const bad = await server.request('POST', biz.path(version, 'staffMembers'), { body: { ...staffBody(), role: 'boss' } });
      assert.equal(bad.status, 400, `role boss: ${bad.text}`);
      assert.match(bad.json.error.message, /role/, 'names the property');
      const badStatus = await server.request('POST', biz.path(version, 'staffMembers'), { body: { ...staffBody(), membershipStatus: 'asleep' } });
      assert.equal(badStatus.status, 400, `membershipStatus asleep: ${badStatus.text}`);
      // scheduler follows the evolvable enum's sentinel: written and shown with the preference (evolvable-enums.test.ts).
      const res = await server.request('POST', biz.path(version, 'staffMembers'), {
        body: { ...staffBody(), role: 'scheduler', membershipStatus: 'pendingAcceptance' },
        headers: { prefer: 'include-unknown-enum-members' },
      });
      assert.equal(res.status, 201, `scheduler with the preference: ${res.text}`);
      const scheduler = res.json;
      assert.equal(scheduler.role, 'scheduler', 'scheduler is a bookingStaffRole');
      assert.equal(scheduler.membershipStatus, 'pendingAcceptance', 'membershipStatus as sent');
    });

    it('working hours: each slot starts before it ends, each day once, times are Edm.TimeOfDay', async () => {
      const biz = await newBusiness(server);
      const post = (workingHours: unknown) => server.request('POST', biz.path(version, 'staffMembers'), { body: { ...staffBody(), useBusinessHours: false, workingHours } });
      const backwards = await post([{ day: 'monday', timeSlots: [slot(version, '17:00:00', '08:00:00')] }]);
      assert.equal(backwards.status, 400, `a slot ending before it starts: ${backwards.text}`);
      assert.match(backwards.json.error.message, /workingHours\[0\]\/timeSlots\[0\]/, 'names the slot');
      const empty = await post([{ day: 'monday', timeSlots: [slot(version, '09:00', '09:00')] }]);
      assert.equal(empty.status, 400, `an empty slot: ${empty.text}`);
      const twice = await post([{ day: 'monday', timeSlots: [] }, { day: 'monday', timeSlots: [] }]);
      assert.equal(twice.status, 400, `a day twice: ${twice.text}`);
      const notATime = await post([{ day: 'monday', timeSlots: [slot(version, '25:00', '26:00')] }]);
      assert.equal(notATime.status, 400, `25:00: ${notATime.text}`);
      assert.match(notATime.json.error.message, /Edm\.TimeOfDay/, 'says what a time must be');
      const badDay = await post([{ day: 'funday', timeSlots: [] }]);
      assert.equal(badDay.status, 400, `funday: ${badDay.text}`);
      const ok = await post([{ day: 'tuesday', timeSlots: [slot(version, '08:00:00.0000000', '12:00:00.0000000'), slot(version, '13:00:00.0000000', '17:00:00.0000000')] }]);
      assert.equal(ok.status, 201, `valid hours: ${ok.text}`);
      assert.equal(ok.json.useBusinessHours, false, 'useBusinessHours as sent');
      assert.equal(ok.json.workingHours[0].timeSlots.length, 2, 'both slots kept');
      const patch = await server.request('PATCH', biz.path(version, 'staffMembers', ok.json.id), {
        body: { workingHours: [{ day: 'friday', timeSlots: [slot(version, '12:00', '11:00')] }] },
      });
      assert.equal(patch.status, 400, `PATCH with a backwards slot: ${patch.text}`);
    });

    it('deleting a staff member takes it out of the services that name it', async () => {
      const biz = await newBusiness(server);
      const dana = await created(server, biz.path(version, 'staffMembers'), staffBody('Dana'));
      const sam = await created(server, biz.path(version, 'staffMembers'), staffBody('Sam'));
      const s = await created(server, biz.path(version, 'services'), { displayName: 'Bento', staffMemberIds: [dana.id, sam.id] });
      const untouched = await created(server, biz.path(version, 'services'), { displayName: 'Sam only', staffMemberIds: [sam.id] });
      const del = await server.request('DELETE', biz.path(version, 'staffMembers', dana.id));
      assert.equal(del.status, 204, `DELETE: ${del.text}`);
      const read = await server.request('GET', biz.path(version, 'services', s.id));
      assert.deepEqual(read.json.staffMemberIds, [sam.id], 'the deleted staff member is gone from the service');
      assert.notEqual(read.json['@odata.etag'], s['@odata.etag'], 'the service changed (new ETag)');
      const other = await server.request('GET', biz.path(version, 'services', untouched.id));
      assert.equal(other.json['@odata.etag'], untouched['@odata.etag'], 'a service that did not name it is not rewritten');
      assert.equal((await server.request('GET', biz.path(version, 'staffMembers', dana.id))).status, 404, 'the staff member is gone');
    });
  });
}

describe('bookingStaffMember across versions', () => {
  it('colorIndex written through beta stays when v1.0 updates the staff member', async () => {
    const biz = await newBusiness(server);
    const m = await created(server, biz.path('beta', 'staffMembers'), { ...staffBody(), colorIndex: 3 });
    const v1 = await server.request('GET', biz.path('v1.0', 'staffMembers', m.id));
    assert.equal(v1.status, 200, v1.text);
    assert.equal('colorIndex' in v1.json, false, 'v1.0 does not show colorIndex');
    const refused = await server.request('PATCH', biz.path('v1.0', 'staffMembers', m.id), { body: { colorIndex: 4 } });
    assert.equal(refused.status, 400, `v1.0 has no colorIndex: ${refused.text}`);
    const patch = await server.request('PATCH', biz.path('v1.0', 'staffMembers', m.id), { body: { timeZone: 'America/Chicago' } });
    assert.equal(patch.status, 204, `v1.0 PATCH: ${patch.text}`);
    const beta = await server.request('GET', biz.path('beta', 'staffMembers', m.id));
    assert.equal(beta.json.colorIndex, 3, 'colorIndex kept');
    assert.equal(beta.json.timeZone, 'America/Chicago', "v1.0's change visible in beta");
  });
});
