// A staff member (or custom question) deleted while services naming it are being created: each create either
// sees it gone (400) or is there in time for the delete's cleanup, so afterwards no service names a staff
// member or question that does not exist (src/bookings/references.ts: both sides lock the business).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { created, newBusiness, staffBody, VERSIONS } from './helpers/bookings.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const ROUNDS = 4;
const CREATES = 16;

/** Every service of the business, following next links. */
async function allServices(path: string): Promise<Array<Record<string, any>>> {
  const out: Array<Record<string, any>> = [];
  for (let url: string | undefined = path; url; ) {
    const res = await server.request('GET', url);
    assert.equal(res.status, 200, `GET ${url}: ${res.text}`);
    out.push(...res.json.value);
    url = res.json['@odata.nextLink'] ? String(res.json['@odata.nextLink']).slice(server.origin.length) : undefined;
  }
  return out;
}

/** Fires the creates and the delete together; the delete goes out in the middle of the creates. */
async function race(creates: () => Promise<{ status: number; text: string }>, remove: () => Promise<{ status: number; text: string }>) {
  const pending: Array<Promise<{ status: number; text: string }>> = [];
  let deleted: Promise<{ status: number; text: string }> | undefined;
  for (let i = 0; i < CREATES; i++) {
    if (i === CREATES / 2) deleted = remove();
    pending.push(creates());
  }
  const results = await Promise.all(pending);
  const del = await deleted!;
  assert.equal(del.status, 204, `the delete: ${del.text}`);
  for (const r of results) assert.ok(r.status === 201 || r.status === 400, `each create is created or refused, not ${r.status}: ${r.text}`);
  return results;
}

for (const version of VERSIONS) {
  describe(`${version} references under concurrent deletes`, () => {
    it('no service names a staff member deleted while services naming it were created', async () => {
      const biz = await newBusiness(server);
      for (let round = 0; round < ROUNDS; round++) {
        const gone = await created(server, biz.path(version, 'staffMembers'), staffBody(`Gone ${round}`));
        const stays = await created(server, biz.path(version, 'staffMembers'), staffBody(`Stays ${round}`));
        await race(
          () => server.request('POST', biz.path(version, 'services'), { body: { displayName: `S${round}`, staffMemberIds: [gone.id, stays.id] } }),
          () => server.request('DELETE', biz.path(version, 'staffMembers', gone.id)),
        );
        const staff = await server.request('GET', biz.path(version, 'staffMembers'));
        const ids = new Set(staff.json.value.map((s: { id: string }) => s.id.toLowerCase()));
        assert.equal(ids.has(gone.id.toLowerCase()), false, 'the deleted staff member is gone');
        for (const s of await allServices(biz.path(version, 'services'))) {
          for (const id of s.staffMemberIds) assert.ok(ids.has(String(id).toLowerCase()), `service ${s.id} names staff member ${id}, which does not exist`);
        }
      }
    });

    it('no service assigns a custom question deleted while services assigning it were created', async () => {
      const biz = await newBusiness(server);
      for (let round = 0; round < ROUNDS; round++) {
        const gone = await created(server, biz.path(version, 'customQuestions'), { displayName: `Gone ${round}?`, answerInputType: 'text' });
        await race(
          () => server.request('POST', biz.path(version, 'services'), { body: { displayName: `Q${round}`, customQuestions: [{ questionId: gone.id, isRequired: true }] } }),
          () => server.request('DELETE', biz.path(version, 'customQuestions', gone.id)),
        );
        const questions = await server.request('GET', biz.path(version, 'customQuestions'));
        const ids = new Set(questions.json.value.map((q: { id: string }) => q.id.toLowerCase()));
        for (const s of await allServices(biz.path(version, 'services'))) {
          for (const a of s.customQuestions) assert.ok(ids.has(String(a.questionId).toLowerCase()), `service ${s.id} assigns question ${a.questionId}, which does not exist`);
        }
      }
    });

    it('a service update naming a staff member being deleted leaves no dangling id', async () => {
      const biz = await newBusiness(server);
      const services: Array<{ id: string }> = [];
      for (let i = 0; i < CREATES; i++) services.push(await created(server, biz.path(version, 'services'), { displayName: `U${i}` }));
      const gone = await created(server, biz.path(version, 'staffMembers'), staffBody('Gone Soon'));
      let next = 0;
      await race(
        () => server.request('PATCH', biz.path(version, 'services', services[next++]!.id), { body: { staffMemberIds: [gone.id] } }).then((r) => ({ ...r, status: r.status === 204 ? 201 : r.status })),
        () => server.request('DELETE', biz.path(version, 'staffMembers', gone.id)),
      );
      for (const s of await allServices(biz.path(version, 'services'))) {
        assert.deepEqual(s.staffMemberIds, [], `service ${s.id} names no staff member once the only one is deleted`);
      }
    });
  });
}
