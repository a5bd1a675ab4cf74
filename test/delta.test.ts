// Delta query on Bookings customers: the initial round (paged), then changes since, deletions as @removed,
// tokens bound to their collection and signed, $select carried in the links, 410 once the log moved on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

let bizCount = 0;
/** A fresh business (its own customers collection) with `n` customers named c0..c{n-1}. */
async function business(n: number): Promise<{ base: string; ids: string[] }> {
  const id = `delta${++bizCount}@contoso.com`;
  assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id, displayName: `Delta ${bizCount}` } })).status, 201);
  const base = `/beta/solutions/bookingBusinesses/${encodeURIComponent(id)}/customers`;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await create(base, `c${i}`)).id);
  return { base, ids };
}

async function create(base: string, displayName: string) {
  const res = await server.request('POST', base, { body: { displayName, emailAddress: `${displayName}@example.com` } });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

/** Follows nextLinks to the deltaLink; returns every item and the deltaLink (as a path on the server). */
async function round(url: string, headers: Record<string, string> = {}) {
  const items: any[] = [];
  const pages: any[] = [];
  for (let next: string | undefined = url; ; ) {
    const res = await server.request('GET', next, { headers });
    assert.equal(res.status, 200, res.text);
    pages.push(res.json);
    items.push(...res.json.value);
    if (res.json['@odata.deltaLink']) {
      assert.equal(res.json['@odata.nextLink'], undefined);
      return { items, pages, deltaLink: relative(res.json['@odata.deltaLink']), last: res };
    }
    assert.ok(res.json['@odata.nextLink'], 'a page without a deltaLink has a nextLink');
    next = relative(res.json['@odata.nextLink']);
  }
}

const relative = (link: string) => link.replace(server.origin, '');

describe('customers/delta', () => {
  it('the first round returns every current customer, then a deltaLink; the context is the collection', async () => {
    const { base, ids } = await business(3);
    const { items, pages, deltaLink } = await round(`${base}/delta`);
    assert.deepEqual(items.map((c) => c.id).sort(), [...ids].sort());
    assert.equal(pages.length, 1);
    const encoded = base.split('/')[4];
    assert.equal(pages[0]['@odata.context'], `${server.origin}/beta/$metadata#solutions/bookingBusinesses('${encoded}')/customers`);
    assert.match(deltaLink, /\/customers\/delta\?\$deltatoken=[\w.-]+$/);
    for (const c of items) {
      assert.equal(c['@odata.type'], '#microsoft.graph.bookingCustomer');
      assert.match(c['@odata.etag'], /^W\//);
      assert.ok(c.displayName, `a delta item has its displayName: ${JSON.stringify(c)}`);
    }
  });

  it('a deltaLink with nothing changed returns no items and a new deltaLink', async () => {
    const { base } = await business(2);
    const first = await round(`${base}/delta`);
    const second = await round(first.deltaLink);
    assert.deepEqual(second.items, []);
    assert.ok(second.deltaLink, `the second round ends with a deltaLink: ${JSON.stringify(second)}`);
  });

  it('pages with odata.maxpagesize: nextLinks until the deltaLink, every customer exactly once', async () => {
    const { base, ids } = await business(7);
    const { items, pages, last } = await round(`${base}/delta`, { prefer: 'odata.maxpagesize=3' });
    assert.equal(pages.length, 3);
    assert.deepEqual(pages.map((p) => p.value.length), [3, 3, 1]);
    assert.deepEqual(items.map((c) => c.id).sort(), [...ids].sort());
    assert.equal(last.headers.get('preference-applied'), 'odata.maxpagesize=3');
    assert.match(pages[0]['@odata.nextLink'], /\/customers\/delta\?\$skiptoken=[\w.-]+$/);
  });

  it('the next round reports creations, updates (current state) and deletions as @removed', async () => {
    const { base, ids } = await business(4);
    const { deltaLink } = await round(`${base}/delta`);
    const added = await create(base, 'added');
    assert.equal((await server.request('PATCH', `${base}/${ids[0]}`, { body: { displayName: 'renamed once' } })).status, 200, 'first rename');
    assert.equal((await server.request('PATCH', `${base}/${ids[0]}`, { body: { displayName: 'renamed twice' } })).status, 200, 'second rename');
    assert.equal((await server.request('DELETE', `${base}/${ids[1]}`)).status, 204);
    const transient = await create(base, 'transient');
    assert.equal((await server.request('DELETE', `${base}/${transient.id}`)).status, 204);

    const next = await round(deltaLink);
    const byId = new Map(next.items.map((c) => [c.id, c]));
    assert.equal(next.items.length, 3, JSON.stringify(next.items));
    assert.equal(byId.get(added.id).displayName, 'added');
    assert.equal(byId.get(ids[0]).displayName, 'renamed twice');
    assert.deepEqual(byId.get(ids[1]), { '@odata.type': '#microsoft.graph.bookingCustomer', id: ids[1], '@removed': { reason: 'deleted' } });
    // Created and deleted within the round: never seen by the client, so not reported.
    assert.equal(byId.has(transient.id), false);

    const after = await round(next.deltaLink);
    assert.deepEqual(after.items, []);
  });

  it('changes are paged too', async () => {
    const { base } = await business(1);
    const { deltaLink } = await round(`${base}/delta`);
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await create(base, `n${i}`)).id);
    const next = await round(deltaLink, { prefer: 'odata.maxpagesize=2' });
    assert.equal(next.pages.length, 3);
    assert.deepEqual(next.items.map((c) => c.id).sort(), created.sort());
  });

  it('a business deleted with its customers: each customer is reported removed', async () => {
    const { base, ids } = await business(2);
    const { deltaLink } = await round(`${base}/delta`);
    const bizPath = base.replace(/\/customers$/, '');
    assert.equal((await server.request('DELETE', bizPath)).status, 204);
    // The collection is gone with its business.
    assert.equal((await server.request('GET', deltaLink)).status, 404);
    // Re-created under the same id: the old customers come back as removals.
    const bizId = decodeURIComponent(bizPath.split('/').pop()!);
    assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: bizId, displayName: 'Again' } })).status, 201);
    const next = await round(deltaLink);
    assert.deepEqual(next.items.map((c) => [c.id, c['@removed']?.reason]).sort(), ids.map((id) => [id, 'deleted']).sort());
  });

  it('$select applies to every page and is carried by the links', async () => {
    const { base, ids } = await business(3);
    const first = await round(`${base}/delta?$select=displayName`, { prefer: 'odata.maxpagesize=2' });
    assert.match(first.pages[0]['@odata.context'], /\/customers\(displayName\)$/);
    for (const c of first.items) assert.deepEqual(Object.keys(c).filter((k) => !k.startsWith('@')).sort(), ['displayName', 'id']);
    await server.request('PATCH', `${base}/${ids[2]}`, { body: { emailAddress: 'changed@example.com' } });
    const next = await round(first.deltaLink);
    assert.equal(next.items.length, 1);
    assert.deepEqual(Object.keys(next.items[0]).filter((k) => !k.startsWith('@')).sort(), ['displayName', 'id']);
  });

  it('$deltatoken=latest skips the initial round', async () => {
    const { base } = await business(3);
    const latest = await server.request('GET', `${base}/delta?$deltatoken=latest`);
    assert.equal(latest.status, 200);
    assert.deepEqual(latest.json.value, []);
    const added = await create(base, 'after latest');
    const next = await round(relative(latest.json['@odata.deltaLink']));
    assert.deepEqual(next.items.map((c) => c.id), [added.id]);
  });

  it('is reachable in every spelling: v1.0, the entity-set path, microsoft.graph.delta, delta()', async () => {
    const { base, ids } = await business(1);
    const biz = base.split('/')[4];
    for (const path of [
      `/v1.0/solutions/bookingBusinesses/${biz}/customers/delta`,
      `/beta/bookingBusinesses/${biz}/customers/delta`,
      `${base}/microsoft.graph.delta`,
      `${base}/Delta()`,
    ]) {
      const res = await server.request('GET', path);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assert.deepEqual(res.json.value.map((c: { id: string }) => c.id), ids);
    }
    // Only change-tracked collections have it: on businesses 'delta' is just a key.
    const res = await server.request('GET', '/beta/solutions/bookingBusinesses/delta');
    assert.equal(res.status, 404);
  });

  it('refuses altered tokens, tokens of another collection, other options and other methods', async () => {
    const a = await business(1);
    const b = await business(1);
    const { deltaLink, pages } = await round(`${a.base}/delta`);
    const token = deltaLink.split('$deltatoken=')[1]!;

    const tampered = await server.request('GET', `${a.base}/delta?$deltatoken=${token.slice(0, -2)}xx`);
    assert.equal(tampered.status, 400);
    assert.match(tampered.json.error.message, /\$deltatoken/);

    const elsewhere = await server.request('GET', `${b.base}/delta?$deltatoken=${token}`);
    assert.equal(elsewhere.status, 400);
    assert.match(elsewhere.json.error.message, /another collection/);

    // A deltatoken is not a skiptoken, and a list $skiptoken is not a delta one.
    assert.equal((await server.request('GET', `${a.base}/delta?$skiptoken=${token}`)).status, 400);
    assert.equal(pages.length, 1);
    await create(a.base, 'second');
    const list = await server.request('GET', `${a.base}?$top=1`);
    const listToken = new URL(list.json['@odata.nextLink']).searchParams.get('$skiptoken')!;
    assert.equal((await server.request('GET', `${a.base}/delta?$skiptoken=${encodeURIComponent(listToken)}`)).status, 400);

    assert.equal((await server.request('GET', `${a.base}/delta?$filter=displayName eq 'x'`)).status, 400);
    assert.equal((await server.request('GET', `${a.base}/delta?$orderby=displayName`)).status, 400);
    const post = await server.request('POST', `${a.base}/delta`, { body: {} });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET');
  });

  it("a token is bound to its tenant: the same business id in another tenant refuses it; delta needs read permission", async () => {
    const other = await server.token({ tenantId: 'bbbbbbbb-0000-4000-8000-00000000000b' });
    const { base } = await business(1);
    const bizId = decodeURIComponent(base.split('/')[4]!);
    assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { token: other, body: { id: bizId, displayName: 'B' } })).status, 201);
    const { deltaLink } = await round(`${base}/delta`);
    const res = await server.request('GET', deltaLink, { token: other });
    assert.equal(res.status, 400);
    assert.match(res.json.error.message, /another collection or tenant/);
    // Tenant B's own round sees only its own (empty) collection.
    assert.deepEqual((await server.request('GET', `${base}/delta`, { token: other })).json.value, []);
    const unrelated = await server.token({ scopes: ['ManagedTenants.Read.All'] });
    assert.equal((await server.request('GET', `${base}/delta`, { token: unrelated })).status, 403);
  });

  it('$metadata declares the bound delta function', async () => {
    const res = await server.request('GET', '/beta/$metadata');
    assert.ok(
      res.text.includes(
        '<Function Name="delta" IsBound="true">\n<Parameter Name="bindingParameter" Type="Collection(microsoft.graph.bookingCustomer)" />',
      ),
      '$metadata declares delta bound to the customer collection',
    );
  });
});

describe('delta tokens past the change-log retention', () => {
  it('answer 410 syncStateNotFound with the URL of a fresh round in Location', async () => {
    const short = await startServer({ changeRetentionMs: 50, notifications: { pollIntervalMs: 20, pruneIntervalMs: 20 } });
    try {
      const bizId = 'retention@contoso.com';
      await short.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: bizId, displayName: 'R' } });
      const base = `/beta/solutions/bookingBusinesses/${encodeURIComponent(bizId)}/customers`;
      const first = await short.request('GET', `${base}/delta?$select=displayName`);
      const deltaLink = first.json['@odata.deltaLink'].replace(short.origin, '');
      await short.request('POST', base, { body: { displayName: 'pruned soon' } });
      // The change is pruned once it is older than 50 ms (the dispatcher prunes every 20 ms).
      let res;
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 20));
        res = await short.request('GET', deltaLink);
        if (res.status !== 200) break;
      }
      assert.equal(res!.status, 410, res!.text);
      assert.equal(res!.json.error.code, 'syncStateNotFound');
      assert.equal(
        res!.headers.get('location'),
        `${short.origin}/beta/solutions/bookingBusinesses('retention%40contoso.com')/customers/delta?$select=displayName`,
      );
      // The fresh round works, and its deltaLink is valid again.
      const again = await short.request('GET', res!.headers.get('location')!.replace(short.origin, ''));
      assert.equal(again.status, 200);
      assert.equal(again.json.value.length, 1);
      assert.equal((await short.request('GET', again.json['@odata.deltaLink'].replace(short.origin, ''))).status, 200);
    } finally {
      await short.close();
    }
  });
});
