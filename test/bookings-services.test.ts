// bookingService through the real server, in both API versions: defaults, Edm.Duration and enum validation,
// references to the business's staff members and custom questions, the computed webUrl, update and delete.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { created, newBusiness, staffBody, VERSIONS } from './helpers/bookings.js';
import { GUID, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

for (const version of VERSIONS) {
  describe(`${version} bookingService`, () => {
    it('create fills in Graph defaults, stamps the times and computes webUrl under the business', async () => {
      const biz = await newBusiness(server);
      const s = await created(server, biz.path(version, 'services'), { displayName: 'Bento' });
      assert.match(s.id, GUID, 'a GUID id');
      assert.equal(s['@odata.type'], '#microsoft.graph.bookingService', '@odata.type');
      assert.equal(s.defaultDuration, 'PT30M', 'defaultDuration default');
      assert.equal(s.defaultPriceType, 'notSet', 'defaultPriceType default');
      assert.equal(s.defaultPrice, 0, 'defaultPrice default');
      assert.equal(s.isLocationOnline, false, 'isLocationOnline is false by default (Graph)');
      assert.equal(s.smsNotificationsEnabled, false, 'smsNotificationsEnabled is false by default (Graph)');
      assert.deepEqual(s.staffMemberIds, [], 'no staff');
      assert.match(s.webUrl, new RegExp(`^https://outlook\\.office365\\.com/owa/calendar/${biz.id.replace(/\./g, '\\.')}/bookings/s/[\\w-]{22}[0-2]$`), `webUrl: ${s.webUrl}`);
      assert.equal(s.createdDateTime, s.lastUpdatedDateTime, 'stamps equal on create');
    });

    it('webUrl is computed: a client cannot set it', async () => {
      const biz = await newBusiness(server);
      const s = await created(server, biz.path(version, 'services'), { displayName: 'A', webUrl: 'https://evil.example/' });
      assert.notEqual(s.webUrl, 'https://evil.example/', 'webUrl ignored on create');
      const res = await server.request('PATCH', biz.path(version, 'services', s.id), { body: { webUrl: 'https://evil.example/' } });
      assert.equal(res.status, 204, `PATCH: ${res.text}`);
      const read = await server.request('GET', biz.path(version, 'services', s.id));
      assert.equal(read.json.webUrl, s.webUrl, 'webUrl unchanged by PATCH');
    });

    it('an invalid Edm.Duration is a 400 naming the property', async () => {
      const biz = await newBusiness(server);
      for (const [property, value] of [
        ['defaultDuration', '90 minutes'],
        ['preBuffer', 'PT'],
        ['postBuffer', 'P1H'],
      ] as const) {
        const res = await server.request('POST', biz.path(version, 'services'), { body: { displayName: 'X', [property]: value } });
        assert.equal(res.status, 400, `${property} ${value}: ${res.text}`);
        assert.match(res.json.error.message, new RegExp(`'${property}'`), `the message names ${property}`);
      }
      const reminder = await server.request('POST', biz.path(version, 'services'), {
        body: { displayName: 'X', defaultReminders: [{ offset: 'tomorrow', recipients: 'allAttendees', message: 'm' }] },
      });
      assert.equal(reminder.status, 400, `reminder offset: ${reminder.text}`);
      assert.match(reminder.json.error.message, /defaultReminders\[0\]\/offset/, 'names the reminder offset');
      const ok = await created(server, biz.path(version, 'services'), { displayName: 'X', defaultDuration: 'PT1H30M', preBuffer: 'PT5M', postBuffer: 'P1DT2H' });
      assert.equal(ok.defaultDuration, 'PT1H30M', 'a valid duration is kept');
      const list = await server.request('GET', biz.path(version, 'services'));
      assert.equal(list.json.value.length, 1, 'only the valid service was stored');
    });

    it('enums are validated: defaultPriceType, reminder recipients; unknownFutureValue is never written', async () => {
      const biz = await newBusiness(server);
      const bad = await server.request('POST', biz.path(version, 'services'), { body: { displayName: 'X', defaultPriceType: 'cheap' } });
      assert.equal(bad.status, 400, `defaultPriceType cheap: ${bad.text}`);
      assert.match(bad.json.error.message, /defaultPriceType/, 'names the property');
      const future = await server.request('POST', biz.path(version, 'services'), { body: { displayName: 'X', defaultPriceType: 'unknownFutureValue' } });
      // v1.0 declares the sentinel, but a client cannot write it (Graph's evolvable-enum pattern); beta has no such member.
      assert.equal(future.status, 400, `unknownFutureValue in ${version}: ${future.text}`);
      assert.match(future.json.error.message, /defaultPriceType/, 'names the property');
      const recipients = await server.request('POST', biz.path(version, 'services'), {
        body: { displayName: 'X', defaultReminders: [{ offset: 'P1D', recipients: 'everyone', message: 'm' }] },
      });
      assert.equal(recipients.status, 400, `recipients everyone: ${recipients.text}`);
    });

    it('a reminder needs offset, recipients and message', async () => {
      const biz = await newBusiness(server);
      const res = await server.request('POST', biz.path(version, 'services'), { body: { displayName: 'X', defaultReminders: [{ offset: 'P1D', message: 'm' }] } });
      assert.equal(res.status, 400, `reminder without recipients: ${res.text}`);
      assert.match(res.json.error.message, /defaultReminders\[0\]\/recipients/, 'names the missing member');
    });

    it('staffMemberIds must name staff members of the same business (on create and on update)', async () => {
      const biz = await newBusiness(server);
      const other = await newBusiness(server);
      const dana = await created(server, biz.path(version, 'staffMembers'), staffBody('Dana'));
      const elsewhere = await created(server, other.path(version, 'staffMembers'), staffBody('Elsewhere'));
      const unknown = await server.request('POST', biz.path(version, 'services'), { body: { displayName: 'X', staffMemberIds: ['d90d1e8c-5cfe-48cf-a2d5-966267375b6a'] } });
      assert.equal(unknown.status, 400, `unknown staff: ${unknown.text}`);
      assert.match(unknown.json.error.message, /d90d1e8c-5cfe-48cf-a2d5-966267375b6a/, 'names the id');
      const foreign = await server.request('POST', biz.path(version, 'services'), { body: { displayName: 'X', staffMemberIds: [elsewhere.id] } });
      assert.equal(foreign.status, 400, `another business's staff: ${foreign.text}`);
      const s = await created(server, biz.path(version, 'services'), { displayName: 'X', staffMemberIds: [dana.id, dana.id.toUpperCase()] });
      assert.deepEqual(s.staffMemberIds, [dana.id], 'the same staff member (in any case) is listed once');
      const patch = await server.request('PATCH', biz.path(version, 'services', s.id), { body: { staffMemberIds: [dana.id, elsewhere.id] } });
      assert.equal(patch.status, 400, `PATCH with a foreign staff member: ${patch.text}`);
      const read = await server.request('GET', biz.path(version, 'services', s.id));
      assert.deepEqual(read.json.staffMemberIds, [dana.id], 'a refused PATCH changes nothing');
    });

    it('customQuestions must assign existing custom questions of the business, each once', async () => {
      const biz = await newBusiness(server);
      const q = await created(server, biz.path(version, 'customQuestions'), { displayName: 'What is your age?', answerInputType: 'text' });
      const missing = await server.request('POST', biz.path(version, 'services'), {
        body: { displayName: 'X', customQuestions: [{ questionId: '3bc6fde0-4ad3-445d-ab17-0fc15dba0774', isRequired: true }] },
      });
      assert.equal(missing.status, 400, `unknown question: ${missing.text}`);
      const twice = await server.request('POST', biz.path(version, 'services'), {
        body: { displayName: 'X', customQuestions: [{ questionId: q.id, isRequired: true }, { questionId: q.id, isRequired: false }] },
      });
      assert.equal(twice.status, 400, `assigned twice: ${twice.text}`);
      const noId = await server.request('POST', biz.path(version, 'services'), { body: { displayName: 'X', customQuestions: [{ isRequired: true }] } });
      assert.equal(noId.status, 400, `assignment without questionId: ${noId.text}`);
      const s = await created(server, biz.path(version, 'services'), { displayName: 'X', customQuestions: [{ questionId: q.id }] });
      assert.deepEqual(s.customQuestions, [{ isRequired: false, questionId: q.id }], 'isRequired is false unless said');
    });

    it('displayName is required, and PATCH answers 204; DELETE 204 then 404', async () => {
      const biz = await newBusiness(server);
      const none = await server.request('POST', biz.path(version, 'services'), { body: { defaultDuration: 'PT1H' } });
      assert.equal(none.status, 400, `no displayName: ${none.text}`);
      const s = await created(server, biz.path(version, 'services'), { displayName: 'Bento' });
      const patch = await server.request('PATCH', biz.path(version, 'services', s.id), { body: { defaultPrice: 12.5, defaultPriceType: 'fixedPrice' } });
      assert.equal(patch.status, 204, `PATCH: ${patch.text}`);
      const read = await server.request('GET', biz.path(version, 'services', s.id));
      assert.equal(read.json.defaultPrice, 12.5, 'price updated');
      assert.equal(read.json.defaultPriceType, 'fixedPrice', 'price type updated');
      const del = await server.request('DELETE', biz.path(version, 'services', s.id));
      assert.equal(del.status, 204, `DELETE: ${del.text}`);
      const gone = await server.request('GET', biz.path(version, 'services', s.id));
      assert.equal(gone.status, 404, `GET after DELETE: ${gone.text}`);
      assert.equal(gone.json.error.code, 'ErrorItemNotFound', 'Graph code');
    });
  });
}

describe('bookingService across versions', () => {
  it('smsNotificationsEnabled may be null in beta, never in v1.0', async () => {
    const biz = await newBusiness(server);
    const beta = await server.request('POST', biz.path('beta', 'services'), { body: { displayName: 'X', smsNotificationsEnabled: null } });
    assert.equal(beta.status, 201, `beta accepts null: ${beta.text}`);
    const v1 = await server.request('POST', biz.path('v1.0', 'services'), { body: { displayName: 'X', smsNotificationsEnabled: null } });
    assert.equal(v1.status, 400, `v1.0 refuses null: ${v1.text}`);
  });

  it('a service written through beta reads the same through v1.0, the location address keeping what beta said', async () => {
    const biz = await newBusiness(server);
    const s = await created(server, biz.path('beta', 'services'), {
      displayName: 'Kaiseki',
      defaultLocation: { displayName: 'Contoso', address: { street: '4567 First Street', city: 'Buffalo', type: 'business' } },
    });
    const v1 = await server.request('GET', biz.path('v1.0', 'services', s.id));
    assert.equal(v1.status, 200, v1.text);
    assert.equal(v1.json.displayName, 'Kaiseki', 'same name');
    assert.equal(v1.json.defaultLocation.address.city, 'Buffalo', 'same address');
    assert.equal('type' in v1.json.defaultLocation.address, false, "v1.0's physicalAddress has no type");
    const beta = await server.request('GET', biz.path('beta', 'services', s.id));
    assert.equal(beta.json.defaultLocation.address.type, 'business', 'beta still shows its address type');
  });
});
