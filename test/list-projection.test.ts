// `$select` lists read only the columns they show (ListQuery.columns): what they answer must be exactly the
// projection of the full list, whatever else the query asks (filter, order, paging, count), in both API
// versions, and the businesses' own listed projection (id and displayName) likewise.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newBusiness, VERSIONS } from './helpers/bookings.js';
import { startServer, type TestServer } from './helpers/server.js';
import { testStore, type TestStore } from './helpers/store.js';

let store: TestStore;
let server: TestServer;
before(async () => {
  store = testStore();
  server = await startServer(store.config);
});
after(async () => {
  await server?.close();
  await store?.dispose();
});

type Member = Record<string, unknown>;

/** Every member of a collection, following nextLinks (paths relative to the server). */
async function walk(path: string): Promise<{ members: Member[]; pages: number; counts: unknown[] }> {
  const members: Member[] = [];
  const counts: unknown[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const res = await server.request('GET', next);
    assert.equal(res.status, 200, `${next}: ${res.text}`);
    members.push(...(res.json.value as Member[]));
    counts.push(res.json['@odata.count']);
    next = res.json['@odata.nextLink']?.slice(server.origin.length);
    pages++;
    assert.ok(pages < 50, 'the walk ends');
  }
  return { members, pages, counts };
}

/** A member as a projection shows it: annotations and the selected properties (and id, which Graph always gives). */
function project(m: Member, select: string[]): Member {
  const out: Member = {};
  for (const [k, v] of Object.entries(m)) if (k.startsWith('@odata.') || k === 'id' || select.includes(k)) out[k] = v;
  return out;
}

describe('list projections read only the columns they show', () => {
  let biz: Awaited<ReturnType<typeof newBusiness>>;
  before(async () => {
    biz = await newBusiness(server, { prefix: 'Projection' });
    for (let i = 0; i < 23; i++) {
      const body = {
        displayName: `Person ${String(i % 7).padStart(2, '0')} ${i}`,
        emailAddress: `p${i}@example.com`,
        phones: i % 3 === 0 ? [] : [{ number: `555-01${i}`, type: 'mobile' }],
        addresses: [{ street: `${i} Main St`, city: 'Oslo', type: 'home' }],
      };
      const res = await server.request('POST', biz.path('beta', 'customers'), { body });
      assert.equal(res.status, 201, `customer ${i}: ${res.text}`);
    }
  });

  const queries = [
    '$top=5',
    '$top=4&$orderby=displayName desc',
    "$filter=startswith(displayName,'Person 0')&$top=3&$count=true",
    '$orderby=emailAddress&$top=6&$count=true',
  ];
  const selects = [['displayName'], ['emailAddress', 'phones'], ['addresses', 'displayName', 'lastUpdatedDateTime']];

  for (const version of VERSIONS) {
    for (const q of queries) {
      for (const select of selects) {
        it(`${version} ?${q}&$select=${select.join(',')} is the projection of the full list`, async () => {
          const full = await walk(`${biz.path(version, 'customers')}?${q}`);
          const projected = await walk(`${biz.path(version, 'customers')}?${q}&$select=${select.join(',')}`);
          assert.equal(projected.pages, full.pages, 'as many pages');
          assert.deepEqual(projected.counts, full.counts, 'the same counts');
          assert.deepEqual(
            projected.members,
            full.members.map((m) => project(m, select)),
            'the same members in the same order, each with just the selected properties',
          );
        });
      }
    }
  }

  it('businesses are listed by id and displayName (their listed projection), the same as when read by id', async () => {
    const list = await walk('/v1.0/solutions/bookingBusinesses?$top=2');
    const mine = list.members.find((m) => m.id === biz.id);
    assert.ok(mine, `the business is listed: ${JSON.stringify(list.members.map((m) => m.id))}`);
    const got = await server.request('GET', `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(biz.id)}`);
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(
      Object.keys(mine!).filter((k) => !k.startsWith('@odata.')),
      ['id', 'displayName'],
      'a listed business shows id and displayName only',
    );
    assert.equal(mine!.displayName, got.json.displayName, 'its displayName as read by id');
  });
});
