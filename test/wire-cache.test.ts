// The wire cache through the real server, both API versions (handlers/wire-cache.ts): a row's cached text
// answers GET by id and default pages with the very bytes the general path answers; the texts are written in
// the background only for the row's version at the time of the read, emptied by every write, by delete and
// re-create, and by a model change (store/wire-fingerprint.ts); unknown enum members are masked in them.
// The general path is reached, for comparison, with `Prefer: include-unknown-enum-members` (which the cache
// never answers) on rows that hold no unknown member, and by emptying the wire columns directly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { created, newBusiness, staffBody, VERSIONS, type Version } from './helpers/bookings.js';
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

const COLUMN: Record<Version, string> = { beta: '_wire_beta', 'v1.0': '_wire_v1_0' };
const BOTH = `${COLUMN.beta}, ${COLUMN['v1.0']}`;
const INCLUDE = { prefer: 'include-unknown-enum-members' };
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

type Business = Awaited<ReturnType<typeof newBusiness>>;
interface WireRow {
  id_key: string;
  version: number;
  tenant_id: string;
  parent_key: string;
  _wire_beta: string | null;
  _wire_v1_0: string | null;
}

/** The wire columns (and keys) of the rows of `table` with these id keys. */
async function wireRows(table: string, idKeys: string[]): Promise<Map<string, WireRow>> {
  if (!idKeys.length) return new Map();
  const rows = await store.query<WireRow>(
    `select id_key, version, tenant_id, parent_key, ${BOTH} from ${table} where id_key in (${idKeys.map((k) => quote(k.toLowerCase())).join(', ')})`,
  );
  return new Map(rows.map((r) => [r.id_key, { ...r, version: Number(r.version) }]));
}

/** Polls until `ok` holds for the rows (the texts are written on a later tick, or later still on PostgreSQL). */
async function until(what: string, table: string, idKeys: string[], ok: (rows: WireRow[]) => boolean, ms = 5000): Promise<Map<string, WireRow>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const rows = await wireRows(table, idKeys);
    if (rows.size === idKeys.length && ok([...rows.values()])) return rows;
    if (Date.now() > deadline) assert.fail(`${what}: not so after ${ms} ms: ${JSON.stringify([...rows.values()], null, 1).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cachedIn = (version: Version) => (rows: WireRow[]) => rows.every((r) => r[COLUMN[version] as keyof WireRow] !== null);

/** Empties the wire columns of every customer of a business (what they hold before any read). */
async function uncache(biz: Business, table = 'booking_customers') {
  await store.exec(`update ${table} set ${COLUMN.beta} = null, ${COLUMN['v1.0']} = null where parent_key = ${quote(biz.id.toLowerCase())}`);
}

async function getText(path: string, headers?: Record<string, string>): Promise<string> {
  const res = await server.request('GET', path, { headers });
  assert.equal(res.status, 200, `GET ${path}: ${res.text}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `GET ${path}: JSON content type`);
  return res.text;
}

/** The entity's text as a list holds it: the answer to GET by id without its context. */
function withoutContext(text: string): string {
  const body = JSON.parse(text);
  assert.equal(typeof body['@odata.context'], 'string', `an entity answer starts with its context: ${text}`);
  delete body['@odata.context'];
  return JSON.stringify(body);
}

/** A customer whose beta and v1.0 shapes differ: an address with beta's postOfficeBox and type, a phone (v1.0 adds language, region). */
const customerBody = (name: string, extra: Record<string, unknown> = {}) => ({
  displayName: name,
  emailAddress: `${name.replace(/\W/g, '').toLowerCase()}@example.com`,
  addresses: [{ street: '1 Main St', city: 'Redmond', state: 'WA', countryOrRegion: 'US', postalCode: '98052', postOfficeBox: 'PO 7', type: 'business' }],
  phones: [{ number: '206-555-0100', type: 'business' }],
  ...extra,
});

async function customers(biz: Business, n: number, prefix = 'Customer'): Promise<Array<{ id: string }>> {
  const out: Array<{ id: string }> = [];
  for (let i = 0; i < n; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, (_, j) => created(server, biz.path('beta', 'customers'), customerBody(`${prefix} ${i + j}`))),
    );
    out.push(...batch);
  }
  return out;
}

describe('wire cache', () => {
  it('the schema has one wire column per API version on each table', () => {
    const t = server.clientele.schema.tables.find((x) => x.name === 'booking_customers');
    assert.deepEqual(
      t?.wire.map((w) => `${w.version} ${w.column}`).sort(),
      [`beta ${COLUMN.beta}`, `v1.0 ${COLUMN['v1.0']}`],
      `booking_customers' wire columns: ${JSON.stringify(t?.wire)}`,
    );
  });

  for (const version of VERSIONS) {
    it(`${version}: GET by id and a page answer the same bytes uncached and cached, and the column holds ${version}'s shape`, async () => {
      const biz = await newBusiness(server, { prefix: 'WireBytes' });
      const list = await customers(biz, 3);
      const ids = list.map((c) => c.id);
      const [one] = ids;
      const before = await wireRows('booking_customers', ids);
      assert.ok([...before.values()].every((r) => r._wire_beta === null && r._wire_v1_0 === null), `no text before any read: ${JSON.stringify([...before.values()])}`);

      // GET by id: first read (made now), then from the cache; the general path (the preference) agrees.
      const path = biz.path(version, 'customers', one);
      const general = await getText(path, INCLUDE);
      const first = await getText(path);
      assert.equal(first, general, 'GET by id, first read: the same bytes as the general path');
      const cachedOne = await until(`${version} text of the customer read`, 'booking_customers', [one!], cachedIn(version));
      const second = await getText(path);
      assert.equal(second, first, 'GET by id from the cached text: the same bytes as the first read');
      assert.equal(cachedOne.get(one!.toLowerCase())![COLUMN[version] as 'id_key'], withoutContext(first), `the ${version} column holds the entity as ${version} shows it`);

      // A page: every row uncached, then every row cached.
      await uncache(biz);
      const pagePath = biz.path(version, 'customers');
      const pageGeneral = await getText(pagePath, INCLUDE);
      const pageFirst = await getText(pagePath);
      assert.equal(pageFirst, pageGeneral, 'a page, first read: the same bytes as the general path');
      const rows = await until(`${version} texts of the page's rows`, 'booking_customers', ids, cachedIn(version));
      const pageSecond = await getText(pagePath);
      assert.equal(pageSecond, pageFirst, 'a page joined from the cached texts: the same bytes as the first read');
      const value = JSON.parse(pageSecond).value as Array<{ id: string }>;
      assert.equal(value.length, 3, `the page has the business's 3 customers: ${pageSecond}`);
      for (const v of value) {
        assert.equal(rows.get(v.id.toLowerCase())![COLUMN[version] as 'id_key'], JSON.stringify(v), `the ${version} column of ${v.id} is its member of the page`);
      }
      assert.equal(await getText(path), second, 'GET by id answers alike after the page cached the texts again');

      // The other version's column, filled by reading in that version, holds that version's shape.
      const other: Version = version === 'beta' ? 'v1.0' : 'beta';
      const otherText = await getText(biz.path(other, 'customers', one));
      const both = await until(`${other} text`, 'booking_customers', [one!], cachedIn(other));
      const row = both.get(one!.toLowerCase())!;
      assert.equal(row[COLUMN[other] as 'id_key'], withoutContext(otherText), `the ${other} column holds what ${other} answers`);
      assert.notEqual(row._wire_beta, row._wire_v1_0, 'the two columns differ (the versions show addresses and phones differently)');
      const beta = JSON.parse(row._wire_beta!);
      const v1 = JSON.parse(row._wire_v1_0!);
      assert.equal(beta.addresses[0].postOfficeBox, 'PO 7', `beta's text has the address's postOfficeBox: ${row._wire_beta}`);
      assert.equal(beta.addresses[0].type, 'business', `beta's text has the address's type: ${row._wire_beta}`);
      assert.ok(!('postOfficeBox' in v1.addresses[0]) && !('type' in v1.addresses[0]), `v1.0's text has neither: ${row._wire_v1_0}`);
      assert.ok('language' in v1.phones[0] && !('language' in beta.phones[0]), `only v1.0's phone has language: ${row._wire_beta} / ${row._wire_v1_0}`);
    });
  }

  it('the cached text is what is served (GET and page), and a PATCH empties it: new values in both versions', async () => {
    const biz = await newBusiness(server, { prefix: 'WireTamper' });
    const [c] = await customers(biz, 1, 'Tamper');
    const id = c!.id;
    for (const version of VERSIONS) {
      await getText(biz.path(version, 'customers', id));
    }
    const rows = await until('both texts', 'booking_customers', [id], (r) => cachedIn('beta')(r) && cachedIn('v1.0')(r));
    const betaText = JSON.parse(rows.get(id.toLowerCase())!._wire_beta!);
    betaText.displayName = 'MARKER from the database';
    await store.exec(`update booking_customers set ${COLUMN.beta} = ${quote(JSON.stringify(betaText))} where id_key = ${quote(id.toLowerCase())}`);

    const get = JSON.parse(await getText(biz.path('beta', 'customers', id)));
    assert.equal(get.displayName, 'MARKER from the database', 'beta GET by id answers the cached text');
    const page = JSON.parse(await getText(biz.path('beta', 'customers')));
    assert.equal(page.value[0]?.displayName, 'MARKER from the database', 'a beta page is joined from the cached texts');
    const v1 = JSON.parse(await getText(biz.path('v1.0', 'customers', id)));
    assert.equal(v1.displayName, 'Tamper 0', "v1.0's column is its own");

    const patched = await server.request('PATCH', biz.path('v1.0', 'customers', id), { body: { displayName: 'Fresh name', phones: [{ number: '1', type: 'home', language: 'fr' }] } });
    assert.equal(patched.status, 200, `PATCH: ${patched.text}`);
    const emptied = (await wireRows('booking_customers', [id])).get(id.toLowerCase())!;
    assert.deepEqual([emptied._wire_beta, emptied._wire_v1_0], [null, null], 'the PATCH emptied both texts');
    for (const version of VERSIONS) {
      for (let round = 0; round < 2; round++) {
        const got = JSON.parse(await getText(biz.path(version, 'customers', id)));
        const listed = JSON.parse(await getText(biz.path(version, 'customers'))).value[0];
        for (const [what, body] of [
          ['GET', got],
          ['page', listed],
        ] as const) {
          assert.equal(body.displayName, 'Fresh name', `${version} ${what} (read ${round + 1}) shows the new name`);
          assert.equal(body['@odata.etag'], patched.json['@odata.etag'], `${version} ${what} (read ${round + 1}) has the new ETag`);
          assert.equal(body.phones[0].number, '1', `${version} ${what} (read ${round + 1}) shows the new phone`);
          assert.equal(body.phones[0].language, version === 'v1.0' ? 'fr' : undefined, `${version} ${what} (read ${round + 1}): the phone's language as the version shows it`);
        }
        if (round === 0) await until(`${version} text after the PATCH`, 'booking_customers', [id], cachedIn(version));
      }
    }
  });

  it('a page whose rows are partly cached answers the bytes of the page uncached, and caches the rest', async () => {
    const biz = await newBusiness(server, { prefix: 'WirePartial' });
    const ids = (await customers(biz, 6, 'Partial')).map((c) => c.id);
    for (const version of VERSIONS) {
      const path = `${biz.path(version, 'customers')}?$count=true`;
      await uncache(biz);
      const uncached = await getText(path);
      assert.equal(uncached, await getText(path, INCLUDE), `${version}: the uncached page is the general path's`);
      await until(`${version} texts`, 'booking_customers', ids, cachedIn(version));
      // Two rows' texts gone (as after writes to them): the page takes the general path again.
      await store.exec(`update booking_customers set ${COLUMN[version]} = null where id_key in (${[ids[1]!, ids[4]!].map((k) => quote(k.toLowerCase())).join(', ')})`);
      const partial = await getText(path);
      assert.equal(partial, uncached, `${version}: a partly cached page answers the same bytes`);
      assert.equal(JSON.parse(partial)['@odata.count'], 6, `${version}: the count`);
      await until(`${version} texts of the partly cached page`, 'booking_customers', ids, cachedIn(version));
      assert.equal(await getText(path), uncached, `${version}: the page cached again answers the same bytes`);
    }
  });

  it('paging: every next link walked twice (uncached, then cached) gives the same ids in order and the same bytes, with the right count', async () => {
    const biz = await newBusiness(server, { prefix: 'WirePaging' });
    const made = await customers(biz, 246, 'Pager');
    // Client-chosen ids in upper and mixed case: the key order is that of the lower-cased keys.
    for (const id of ['FFFFFFFF-0000-4000-8000-000000000001', 'aBcDeF01-0000-4000-8000-000000000002', '00000000-0000-4000-8000-00000000000A', 'C0000000-0000-4000-8000-000000000003']) {
      made.push(await created(server, biz.path('beta', 'customers'), customerBody(`Chosen ${id}`, { id })));
    }
    const keys = made.map((c) => c.id.toLowerCase());
    const asc = [...keys].sort();
    const walk = async (first: string) => {
      const pages: string[] = [];
      const ids: string[] = [];
      let url: string | undefined = first;
      while (url) {
        const text = await getText(url);
        const body = JSON.parse(text);
        assert.equal(body['@odata.count'], 250, `@odata.count on page ${pages.length + 1}: ${text.slice(0, 300)}`);
        pages.push(text);
        ids.push(...body.value.map((v: { id: string }) => v.id.toLowerCase()));
        url = body['@odata.nextLink']?.slice(server.origin.length);
        assert.ok(pages.length <= 3, `at most 3 pages of 100 for 250 customers: ${ids.length} ids so far`);
      }
      return { pages, ids };
    };
    for (const version of VERSIONS) {
      for (const [query, order] of [
        ['$top=100&$count=true', asc],
        ['$top=100&$count=true&$orderby=id desc', [...asc].reverse()],
      ] as const) {
        await uncache(biz);
        const start = `${biz.path(version, 'customers')}?${query}`;
        const one = await walk(start);
        assert.deepEqual(one.ids, order, `${version} ${query}: the first walk (uncached) gives every id once, in key order`);
        assert.equal(one.pages.length, 3, `${version} ${query}: three pages`);
        await until(`${version} texts of every customer`, 'booking_customers', keys, cachedIn(version));
        const two = await walk(start);
        assert.deepEqual(two.ids, order, `${version} ${query}: the second walk (cached) gives the same ids in the same order`);
        for (let i = 0; i < one.pages.length; i++) assert.equal(two.pages[i], one.pages[i], `${version} ${query}: page ${i + 1} has the same bytes cached`);
        // The pages after the first come from the cached texts too: a text altered in the last page shows.
        const last = order[order.length - 1]!;
        const rows = await wireRows('booking_customers', [last]);
        const text = JSON.parse(rows.get(last)![COLUMN[version] as 'id_key']!);
        text.displayName = 'MARKER on the last page';
        await store.exec(`update booking_customers set ${COLUMN[version]} = ${quote(JSON.stringify(text))} where id_key = ${quote(last)}`);
        const three = await walk(start);
        assert.match(three.pages[2]!, /MARKER on the last page/, `${version} ${query}: the last page is joined from the cached texts`);
        assert.deepEqual(three.ids, order, `${version} ${query}: the third walk's ids`);
      }
    }
  });

  it('filtered and ordered lists answer the general path\'s bytes from cached texts, next links included', async () => {
    const biz = await newBusiness(server, { prefix: 'WireLists' });
    const list = await customers(biz, 9, 'Listed');
    const ids = list.map((c) => c.id);
    for (const version of VERSIONS) {
      // Every row's text cached by a default page first.
      await getText(biz.path(version, 'customers'));
      await until(`${version} texts`, 'booking_customers', ids, cachedIn(version));
      const queries = ['$orderby=displayName desc&$top=4', "$filter=startswith(displayName,'Listed')&$orderby=emailAddress&$top=3&$count=true", '$top=2&$skip=3'];
      for (const q of queries) {
        // The general path's page tokens differ (a $filter's token is bound to the enum preference, and refused
        // without it): its first page is compared, without the token.
        const untokened = (text: string) => text.replace(/\$skiptoken=[^"&]+/g, '$skiptoken=…');
        const walk = async () => {
          const texts: string[] = [];
          let next: string | undefined = `${biz.path(version, 'customers')}?${q}`;
          while (next) {
            const cached = await getText(next);
            if (!texts.length) assert.equal(untokened(cached), untokened(await getText(next, INCLUDE)), `${version} ?${q}: the first page's texts answer the general path's bytes`);
            texts.push(cached);
            next = JSON.parse(cached)['@odata.nextLink']?.slice(server.origin.length);
            assert.ok(texts.length < 10, `${version} ?${q}: the walk ends`);
          }
          return texts;
        };
        const cached = await walk();
        assert.ok(cached.length >= 2, `${version} ?${q}: more than one page (${cached.length})`);
        // Read again with no text cached: the same bytes, tokens and all.
        await uncache(biz);
        assert.deepEqual(await walk(), cached, `${version} ?${q}: the walk without texts gives the same pages`);
        await getText(biz.path(version, 'customers'));
        await until(`${version} texts again`, 'booking_customers', ids, cachedIn(version));
      }
    }
  });

  it('a text offered for an older version of the row is not stored; one for its version is, once', async () => {
    const biz = await newBusiness(server, { prefix: 'WireGuard' });
    const [c] = await customers(biz, 1, 'Guard');
    const id = c!.id.toLowerCase();
    const old = (await wireRows('booking_customers', [id])).get(id)!;
    const patched = await server.request('PATCH', biz.path('beta', 'customers', id), { body: { displayName: 'Guarded' } });
    assert.equal(patched.status, 200, `PATCH: ${patched.text}`);
    const now = (await wireRows('booking_customers', [id])).get(id)!;
    assert.notEqual(now.version, old.version, 'the PATCH moved the version on');
    const { clientele } = server;
    const table = clientele.schema.tables.find((t) => t.name === 'booking_customers')!;
    const wire = table.wire.findIndex((w) => w.column === COLUMN.beta);
    const scope = { tenantId: now.tenant_id, parentKey: now.parent_key };
    clientele.store.cacheWire(table, scope, wire, [{ idKey: id, version: old.version, text: '{"stale":true}' }]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await wireRows('booking_customers', [id])).get(id)!._wire_beta, null, 'a text of the older version is not stored');
    // A read now caches the row's text as it is.
    assert.equal((await getText(biz.path('beta', 'customers'))).includes('stale'), false, 'nor served');
    const real = await until('the text of a read', 'booking_customers', [id], cachedIn('beta'));
    assert.equal(JSON.parse(real.get(id)!._wire_beta!).displayName, 'Guarded', 'the text cached by the read is the row as it is');
    await uncache(biz);
    // The same call at the row's version is stored (so the refusal above is the version's doing), and only once.
    clientele.store.cacheWire(table, scope, wire, [{ idKey: id, version: now.version, text: '{"current":1}' }]);
    await until('a text of the current version', 'booking_customers', [id], cachedIn('beta'));
    clientele.store.cacheWire(table, scope, wire, [{ idKey: id, version: now.version, text: '{"current":2}' }]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await wireRows('booking_customers', [id])).get(id)!._wire_beta, '{"current":1}', 'a cached text is not replaced');
  });

  it('reads racing writes never leave a text of an older version', async () => {
    const biz = await newBusiness(server, { prefix: 'WireRace' });
    const [c] = await customers(biz, 1, 'Racer');
    const id = c!.id.toLowerCase();
    for (let i = 0; i < 25; i++) {
      await Promise.all([
        getText(biz.path('beta', 'customers', id)),
        getText(biz.path('beta', 'customers')),
        server.request('PATCH', biz.path('beta', 'customers', id), { body: { displayName: `Racer round ${i}` } }).then((r) => assert.equal(r.status, 200, `PATCH ${i}: ${r.text}`)),
        getText(biz.path('beta', 'customers', id)),
      ]);
    }
    await new Promise((r) => setTimeout(r, 200));
    const general = withoutContext(await getText(biz.path('beta', 'customers', id), INCLUDE));
    const text = (await wireRows('booking_customers', [id])).get(id)!._wire_beta;
    assert.ok(text === null || text === general, `the cached text, if any, is the row as it is now: ${text} vs ${general}`);
    assert.equal(withoutContext(await getText(biz.path('beta', 'customers', id))), general, 'GET answers the row as it is now');
  });

  for (const version of VERSIONS) {
    it(`${version}: unknown enum members are masked in the cached text (staff role scheduler); the preference shows them`, async () => {
      const biz = await newBusiness(server, { prefix: 'WireEnum' });
      const res = await server.request('POST', biz.path(version, 'staffMembers'), { body: { ...staffBody('Sam Scheduler'), role: 'scheduler' }, headers: INCLUDE });
      assert.equal(res.status, 201, `scheduler created with the preference: ${res.text}`);
      const id = res.json.id as string;
      for (let round = 0; round < 2; round++) {
        const get = JSON.parse(await getText(biz.path(version, 'staffMembers', id)));
        assert.equal(get.role, 'unknownFutureValue', `${version} GET (read ${round + 1}): the sentinel`);
        const page = JSON.parse(await getText(biz.path(version, 'staffMembers')));
        assert.equal(page.value[0]?.role, 'unknownFutureValue', `${version} page (read ${round + 1}): the sentinel`);
        const withPref = JSON.parse(await getText(biz.path(version, 'staffMembers', id), INCLUDE));
        assert.equal(withPref.role, 'scheduler', `${version} GET with the preference (read ${round + 1}): the member`);
        const pageWithPref = JSON.parse(await getText(biz.path(version, 'staffMembers'), INCLUDE));
        assert.equal(pageWithPref.value[0]?.role, 'scheduler', `${version} page with the preference (read ${round + 1}): the member`);
        if (round === 0) {
          const rows = await until(`${version} staff text`, 'booking_staff_members', [id], cachedIn(version));
          const text = rows.get(id.toLowerCase())![COLUMN[version] as 'id_key']!;
          assert.equal(JSON.parse(text).role, 'unknownFutureValue', `the cached text is masked: ${text}`);
          assert.ok(!text.includes('"scheduler"'), `the cached text does not hold the member: ${text}`);
        }
      }
    });
  }

  it('delete and re-create with the same client-chosen id never serves the old text', async () => {
    const biz = await newBusiness(server, { prefix: 'WireAgain' });
    const upper = 'ABCDEF00-1111-4222-8333-444455556666';
    const key = upper.toLowerCase();
    let last: { id: string; '@odata.etag': string } | undefined;
    for (let i = 0; i < 12; i++) {
      // Alternately upper and lower case: the same stored key, another `id` as shown.
      const id = i % 2 ? key : upper;
      last = await created(server, biz.path('beta', 'customers'), customerBody(`Again ${i}`, { id }));
      const got = JSON.parse(await getText(biz.path('beta', 'customers', key)));
      assert.equal(got.displayName, `Again ${i}`, `round ${i}: GET shows the new customer`);
      assert.equal(got.id, id, `round ${i}: GET shows the id as created`);
      const page = JSON.parse(await getText(biz.path('beta', 'customers')));
      assert.deepEqual([page.value.length, page.value[0]?.displayName, page.value[0]?.id], [1, `Again ${i}`, id], `round ${i}: the page shows the new customer`);
      // Every other round waits for the text, so that the delete meets a cached text as well as a queued one.
      if (i % 2) await until(`round ${i} text`, 'booking_customers', [key], cachedIn('beta'));
      if (i < 11) assert.equal((await server.request('DELETE', biz.path('beta', 'customers', key))).status, 204, `round ${i}: deleted`);
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const version of VERSIONS) {
      const got = JSON.parse(await getText(biz.path(version, 'customers', key)));
      assert.deepEqual([got.displayName, got.id, got['@odata.etag']], ['Again 11', key, last!['@odata.etag']], `${version}: the last customer created`);
      const page = JSON.parse(await getText(biz.path(version, 'customers')));
      assert.deepEqual([page.value[0]?.displayName, page.value[0]?.['@odata.etag']], ['Again 11', last!['@odata.etag']], `${version}: the page`);
    }

    // Deterministically: a text read from the deleted row, offered (as a queued write would be) after the
    // re-create, is not stored on the new row.
    const old = (await until('the last text', 'booking_customers', [key], cachedIn('beta'))).get(key)!;
    assert.equal((await server.request('DELETE', biz.path('beta', 'customers', key))).status, 204, 'deleted once more');
    const again = await created(server, biz.path('beta', 'customers'), customerBody('Again new', { id: key }));
    const { clientele } = server;
    const table = clientele.schema.tables.find((t) => t.name === 'booking_customers')!;
    clientele.store.cacheWire(table, { tenantId: old.tenant_id, parentKey: old.parent_key }, table.wire.findIndex((w) => w.column === COLUMN.beta), [
      { idKey: key, version: old.version, text: old._wire_beta! },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    const now = (await wireRows('booking_customers', [key])).get(key)!;
    assert.notEqual(now.version, old.version, 'the new row has another version');
    assert.equal(now._wire_beta, null, `the deleted row's text is not stored on the new row: ${now._wire_beta}`);
    const got = JSON.parse(await getText(biz.path('beta', 'customers', key)));
    assert.deepEqual([got.displayName, got['@odata.etag']], ['Again new', again['@odata.etag']], 'GET shows the new row');
  });
});

describe('wire cache beside another process', () => {
  it('SQLite: while another connection holds the write lock, caching a text neither waits for it nor stops the server', async (t) => {
    if (store.engine !== 'sqlite') return t.skip('the write lock is SQLite\'s');
    const biz = await newBusiness(server, { prefix: 'WireLocked' });
    const [one] = await customers(biz, 1, 'Locked');
    const path = biz.path('beta', 'customers', one!.id);
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(`${(store.config as { location: string }).location}/clientele.db`);
    try {
      other.exec('begin immediate');
      // The first read queues its text; the write that caches it runs on a later turn of the server's loop.
      await getText(path);
      const started = Date.now();
      await getText(path);
      const waited = Date.now() - started;
      // busy_timeout is 5 s: a cache write that waited for the lock would have held this read that long.
      assert.ok(waited < 2500, `a read right after is not held up by the cache write waiting for the lock (${waited} ms)`);
      const rows = await wireRows('booking_customers', [one!.id]);
      assert.equal(rows.get(one!.id.toLowerCase())?._wire_beta, null, 'no text cached while the lock is held');
    } finally {
      if (other.inTransaction) other.exec('rollback');
      other.close();
    }
    await getText(path);
    await until('the text, once the lock is free', 'booking_customers', [one!.id], cachedIn('beta'));
  });
});

describe('wire cache across restarts', () => {
  it('texts survive a restart; a different model fingerprint empties every wire column at start', async () => {
    const own = testStore();
    const all = async () => [
      ...(await own.query<Record<string, string | null>>(`select ${BOTH} from booking_customers`)),
      ...(await own.query<Record<string, string | null>>(`select ${BOTH} from booking_staff_members`)),
    ];
    const same = (text: string, origin: string) => text.split(origin).join('');
    try {
      // Three customers and a staff member, each read in both versions, until every text is cached.
      const first = await startServer(own.config);
      const answers: string[] = [];
      let paths: string[] = [];
      let cached: Array<Record<string, string | null>>;
      try {
        const biz = await newBusiness(first, { prefix: 'WireRestart' });
        for (let i = 0; i < 3; i++) await created(first, biz.path('beta', 'customers'), customerBody(`Restart ${i}`));
        const staffId = (await created(first, biz.path('v1.0', 'staffMembers'), staffBody('Rhea Restart'))).id;
        paths = [biz.path('beta', 'customers'), biz.path('v1.0', 'customers'), biz.path('beta', 'staffMembers', staffId), biz.path('v1.0', 'staffMembers', staffId)];
        for (const p of paths) {
          const res = await first.request('GET', p);
          assert.equal(res.status, 200, `GET ${p}: ${res.text}`);
          answers.push(same(res.text, first.origin));
        }
        const deadline = Date.now() + 5000;
        for (;;) {
          cached = await all();
          if (cached.every((r) => r._wire_beta !== null && r._wire_v1_0 !== null) || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        await first.close();
      }
      assert.equal(cached.length, 4, `three customers and a staff member: ${JSON.stringify(cached)}`);
      assert.ok(cached.every((r) => r._wire_beta !== null && r._wire_v1_0 !== null), `every text cached: ${JSON.stringify(cached).slice(0, 500)}`);
      const setting = await own.query<{ value: string }>(`select value from clientele_settings where name = 'wire_cache_fingerprint'`);
      assert.equal(setting.length, 1, `the fingerprint is kept in the settings table: ${JSON.stringify(setting)}`);

      // Same model: the texts stay, and answer as before.
      const second = await startServer(own.config);
      try {
        assert.deepEqual(await all(), cached, 'a restart with the same model keeps every text');
        for (let i = 0; i < paths.length; i++) {
          assert.equal(same((await second.request('GET', paths[i]!)).text, second.origin), answers[i], `GET ${paths[i]} after the restart: the same bytes`);
        }
      } finally {
        await second.close();
      }

      // Another model wrote them: every wire column is emptied before anything is read, and the fingerprint is the model's again.
      await own.exec(`update clientele_settings set value = 'another model' where name = 'wire_cache_fingerprint'`);
      const third = await startServer(own.config);
      try {
        const emptied = await all();
        assert.ok(emptied.every((r) => r._wire_beta === null && r._wire_v1_0 === null), `every wire column emptied: ${JSON.stringify(emptied).slice(0, 500)}`);
        const now = await own.query<{ value: string }>(`select value from clientele_settings where name = 'wire_cache_fingerprint'`);
        assert.deepEqual(now, setting, "the settings row holds the model's fingerprint again");
        for (let i = 0; i < paths.length; i++) {
          assert.equal(same((await third.request('GET', paths[i]!)).text, third.origin), answers[i], `GET ${paths[i]} after the fingerprint change: the same bytes`);
        }
      } finally {
        await third.close();
      }
    } finally {
      await own.dispose();
    }
  });
});
