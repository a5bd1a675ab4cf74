// ETags: @odata.etag and the ETag header on every entity; If-Match guards writes, If-None-Match saves reads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
const base = '/beta/solutions/bookingBusinesses/biz%40contoso.com/customers';
before(async () => {
  server = await startServer();
  await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: 'biz@contoso.com', displayName: 'Biz' } });
});
after(() => server.close());

async function create() {
  const res = await server.request('POST', base, { body: { displayName: 'Tagged', emailAddress: 't@example.com' } });
  assert.equal(res.status, 201);
  return res;
}

describe('ETags', () => {
  it('create, get and list carry the same weak ETag while nothing changes', async () => {
    const created = await create();
    const etag = created.headers.get('etag')!;
    assert.match(etag, /^W\/"[A-Za-z0-9_-]+"$/);
    assert.equal(created.json['@odata.etag'], etag);
    const got = await server.request('GET', `${base}/${created.json.id}`);
    assert.equal(got.headers.get('etag'), etag);
    assert.equal(got.json['@odata.etag'], etag);
    const listed = (await server.request('GET', base)).json.value.find((c: { id: string }) => c.id === created.json.id);
    assert.equal(listed['@odata.etag'], etag);
  });

  it('a write changes the ETag', async () => {
    const created = await create();
    const patched = await server.request('PATCH', `${base}/${created.json.id}`, { body: { displayName: 'Changed' } });
    assert.equal(patched.status, 200, 'a customer PATCH answers 200');
    const after = await server.request('GET', `${base}/${created.json.id}`);
    assert.notEqual(after.headers.get('etag'), created.headers.get('etag'));
    assert.equal(patched.headers.get('etag'), after.headers.get('etag'));
  });

  it('every write changes the ETag, even one that sets the same values (as on Graph)', async () => {
    const created = await create();
    const url = `${base}/${created.json.id}`;
    const same = await server.request('PATCH', url, { body: { displayName: 'Tagged' } });
    assert.equal(same.status, 200, 'a customer PATCH answers 200');
    assert.notEqual(same.headers.get('etag'), created.headers.get('etag'));
    assert.equal((await server.request('PATCH', url, { body: {}, headers: { 'if-match': created.headers.get('etag')! } })).status, 412);
  });

  it('an entity deleted and created again with the same id and values does not take back its old ETags', async () => {
    const url = '/beta/solutions/bookingBusinesses';
    const tags = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await server.request('POST', url, { body: { id: 'again@contoso.com', displayName: 'Again' } });
      assert.equal(res.status, 201, res.text);
      tags.add(res.headers.get('etag')!);
      assert.equal((await server.request('DELETE', `${url}/again%40contoso.com`)).status, 204);
    }
    assert.equal(tags.size, 20);
  });

  it('PATCH with a stale If-Match is 412 and changes nothing; with the current one it succeeds', async () => {
    const created = await create();
    const url = `${base}/${created.json.id}`;
    const stale = created.headers.get('etag')!;
    assert.equal((await server.request('PATCH', url, { body: { displayName: 'First' }, headers: { 'if-match': stale } })).status, 200, 'the PATCH succeeds');
    const refused = await server.request('PATCH', url, { body: { displayName: 'Second' }, headers: { 'if-match': stale } });
    assert.equal(refused.status, 412);
    assert.equal(refused.json.error.code, 'PreconditionFailed');
    assert.equal((await server.request('GET', url)).json.displayName, 'First');
    const current = (await server.request('GET', url)).headers.get('etag')!;
    assert.equal((await server.request('PATCH', url, { body: { displayName: 'Third' }, headers: { 'if-match': current } })).status, 200, 'the PATCH succeeds');
    assert.equal((await server.request('PATCH', url, { body: { displayName: 'Any' }, headers: { 'if-match': '*' } })).status, 200, 'the PATCH succeeds');
  });

  it('concurrent PATCHes with the same If-Match: exactly one wins', async () => {
    const created = await create();
    const url = `${base}/${created.json.id}`;
    const etag = created.headers.get('etag')!;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => server.request('PATCH', url, { body: { displayName: `Racer ${i}` }, headers: { 'if-match': etag } })),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.status).join(','));
    assert.equal(results.filter((r) => r.status === 412).length, 7);
  });

  it('DELETE with a stale If-Match is 412 and the entity stays', async () => {
    const created = await create();
    const url = `${base}/${created.json.id}`;
    await server.request('PATCH', url, { body: { displayName: 'Moved on' } });
    assert.equal((await server.request('DELETE', url, { headers: { 'if-match': created.headers.get('etag')! } })).status, 412);
    assert.equal((await server.request('GET', url)).status, 200);
    const current = (await server.request('GET', url)).headers.get('etag')!;
    assert.equal((await server.request('DELETE', url, { headers: { 'if-match': current } })).status, 204);
  });

  it('GET with a matching If-None-Match is 304 with no body; a stale one gets the entity', async () => {
    const created = await create();
    const url = `${base}/${created.json.id}`;
    const etag = created.headers.get('etag')!;
    const cached = await server.request('GET', url, { headers: { 'if-none-match': etag } });
    assert.equal(cached.status, 304);
    assert.equal(cached.text, '');
    assert.equal(cached.headers.get('etag'), etag);
    const fresh = await server.request('GET', url, { headers: { 'if-none-match': 'W/"something-else"' } });
    assert.equal(fresh.status, 200);
  });
});
