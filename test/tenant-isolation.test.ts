// The token's tenant (tid) scopes every read and write: tenant B cannot see, change, count, page into or
// create under tenant A's data by any route the API offers, and gets 404 (not 403) where A's data would be.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

const A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const BIZ = 'Shared@contoso.onmicrosoft.com';
const ONLY_A = 'OnlyA@contoso.onmicrosoft.com';
const NEVER = 'Never@contoso.onmicrosoft.com';
const bizPath = (id: string) => `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(id)}`;
const customers = (biz: string) => `${bizPath(biz)}/customers`;

let server: TestServer;
let tokenA: string;
let tokenB: string;
let appB: string;
const aCustomers: string[] = [];

before(async () => {
  server = await startServer();
  tokenA = await server.token({ tenantId: A });
  tokenB = await server.token({ tenantId: B });
  appB = await server.token({ tenantId: B, roles: ['Bookings.Manage.All', 'Bookings.ReadWrite.All'] });
  for (const id of [BIZ, ONLY_A]) {
    const res = await server.request('POST', '/v1.0/solutions/bookingBusinesses', { token: tokenA, body: { id, displayName: `A ${id}` } });
    assert.equal(res.status, 201, res.text);
  }
  for (const name of ['Ann', 'Bob', 'Cid']) {
    const res = await server.request('POST', customers(BIZ), { token: tokenA, body: { displayName: name, emailAddress: `${name}@a.example` } });
    assert.equal(res.status, 201);
    aCustomers.push(res.json.id);
  }
});
after(() => server.close());

let namesakes = 0;
/** A tenant of its own for the test that calls it, holding its namesake of A's shared business: the tests
 * that write as B each get one, so none depends on another having created (or deleted) B's data, and the
 * plain tenant B stays empty for the tests that say so. */
async function namesakeTenant(): Promise<string> {
  const tenantId = `bbbbbbbb-0000-4000-8000-${String(++namesakes).padStart(12, '0')}`;
  const token = await server.token({ tenantId });
  const created = await server.request('POST', '/v1.0/solutions/bookingBusinesses', { token, body: { id: BIZ, displayName: 'B shared' } });
  assert.equal(created.status, 201, `B's namesake business is created: ${created.text}`);
  return token;
}

/** A's data, read back by A: unchanged by anything B tried. */
async function assertAUntouched() {
  const list = await server.request('GET', `${customers(BIZ)}?$orderby=displayName`, { token: tokenA });
  assert.deepEqual(
    list.json.value.map((c: { displayName: string }) => c.displayName),
    ['Ann', 'Bob', 'Cid'],
  );
  const biz = await server.request('GET', bizPath(BIZ), { token: tokenA });
  assert.equal(biz.json.displayName, `A ${BIZ}`);
}

describe('tenant isolation', () => {
  it("B does not see A's businesses: list, $count, get", async () => {
    for (const token of [tokenB, appB]) {
      const list = await server.request('GET', '/v1.0/solutions/bookingBusinesses?$count=true', { token });
      assert.equal(list.status, 200);
      assert.deepEqual(list.json.value, []);
      assert.equal(list.json['@odata.count'], 0);
      assert.equal((await server.request('GET', '/beta/bookingBusinesses/$count', { token })).text, '0');
      const get = await server.request('GET', bizPath(ONLY_A), { token });
      assert.equal(get.status, 404);
      // Exactly what a business that never existed answers: nothing tells B that A has one.
      const never = await server.request('GET', bizPath(NEVER), { token });
      assert.equal(get.json.error.code, never.json.error.code);
      assert.equal(get.json.error.message.replace(ONLY_A, NEVER), never.json.error.message);
    }
  });

  it("B cannot update or delete A's business: 404", async () => {
    assert.equal((await server.request('PATCH', bizPath(ONLY_A), { token: tokenB, body: { displayName: 'Hijacked' } })).status, 404);
    assert.equal((await server.request('DELETE', bizPath(ONLY_A), { token: tokenB })).status, 404);
    assert.equal((await server.request('GET', bizPath(ONLY_A), { token: tokenA })).json.displayName, `A ${ONLY_A}`);
  });

  it("B cannot reach A's customers through A's business: list, $count, get, update, delete, create", async () => {
    const id = aCustomers[0]!;
    for (const [method, path, body] of [
      ['GET', customers(BIZ), undefined],
      ['GET', `${customers(BIZ)}/$count`, undefined],
      ['GET', `${customers(BIZ)}/${id}`, undefined],
      ['PATCH', `${customers(BIZ)}/${id}`, { displayName: 'Hijacked' }],
      ['DELETE', `${customers(BIZ)}/${id}`, undefined],
      ['POST', customers(ONLY_A), { displayName: 'Planted' }],
      ['POST', `${customers(ONLY_A)}/$ref`, { displayName: 'Planted' }],
    ] as const) {
      const res = await server.request(method, path, { token: tokenB, body });
      assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
      const never = await server.request(method, path.replace(encodeURIComponent(BIZ), encodeURIComponent(NEVER)).replace(encodeURIComponent(ONLY_A), encodeURIComponent(NEVER)), { token: tokenB, body });
      assert.equal(res.json.error.code, never.json.error.code);
    }
    await assertAUntouched();
  });

  it('the same business id in B is a different business, with its own customers', async () => {
    const tokenB = await namesakeTenant();
    const mine = await server.request('POST', customers(BIZ), { token: tokenB, body: { displayName: 'Zed' } });
    assert.equal(mine.status, 201);

    const list = await server.request('GET', `${customers(BIZ)}?$count=true`, { token: tokenB });
    assert.deepEqual(list.json.value.map((c: { id: string }) => c.id), [mine.json.id]);
    assert.equal(list.json['@odata.count'], 1);
    assert.equal((await server.request('GET', `${customers(BIZ)}/$count`, { token: tokenB })).text, '1');

    // A's customer ids, addressed inside B's namesake business: not found, not changed, not deleted.
    for (const id of aCustomers) {
      assert.equal((await server.request('GET', `${customers(BIZ)}/${id}`, { token: tokenB })).status, 404);
      assert.equal((await server.request('PATCH', `${customers(BIZ)}/${id}`, { token: tokenB, body: { displayName: 'X' } })).status, 404);
      assert.equal((await server.request('DELETE', `${customers(BIZ)}/${id}`, { token: tokenB })).status, 404);
    }
    // And the other way round.
    assert.equal((await server.request('GET', `${customers(BIZ)}/${mine.json.id}`, { token: tokenA })).status, 404);
    assert.equal((await server.request('GET', bizPath(BIZ), { token: tokenA })).json.displayName, `A ${BIZ}`);
    await assertAUntouched();
  });

  it("B cannot reuse A's customer id to shadow it: ids are per tenant, A keeps its own", async () => {
    const tokenB = await namesakeTenant();
    const res = await server.request('POST', customers(BIZ), { token: tokenB, body: { id: aCustomers[1], displayName: 'Shadow' } });
    assert.equal(res.status, 201);
    assert.equal((await server.request('GET', `${customers(BIZ)}/${aCustomers[1]}`, { token: tokenA })).json.displayName, 'Bob');
    assert.equal((await server.request('DELETE', `${customers(BIZ)}/${aCustomers[1]}`, { token: tokenB })).status, 204);
    await assertAUntouched();
  });

  it("a $skiptoken from A's listing is refused for B, even on B's namesake business", async () => {
    const tokenB = await namesakeTenant();
    const page1 = await server.request('GET', `${customers(BIZ)}?$top=1`, { token: tokenA });
    const next: string = page1.json['@odata.nextLink'];
    assert.ok(next, 'A has more than one page');
    const path = next.slice(server.origin.length);
    const asB = await server.request('GET', path, { token: tokenB });
    assert.equal(asB.status, 400, asB.text);
    assert.match(asB.json.error.message, /\$skiptoken/);
    const asA = await server.request('GET', path, { token: tokenA });
    assert.equal(asA.status, 200);
    assert.equal(asA.json.value.length, 1);
    assert.notEqual(asA.json.value[0].id, page1.json.value[0].id);
  });

  it('a $skiptoken is also bound to its collection: not valid on another business of the same tenant', async () => {
    const page1 = await server.request('GET', `${customers(BIZ)}?$top=1`, { token: tokenA });
    const token = new URL(page1.json['@odata.nextLink']).searchParams.get('$skiptoken')!;
    const other = await server.request('GET', `${customers(ONLY_A)}?$top=1&$skiptoken=${encodeURIComponent(token)}`, { token: tokenA });
    assert.equal(other.status, 400);
  });

  it("$filter by A's customer id finds nothing for B", async (t) => {
    const tokenB = await namesakeTenant();
    const res = await server.request('GET', `${customers(BIZ)}?$filter=${encodeURIComponent(`id eq '${aCustomers[0]}'`)}`, { token: tokenB });
    if (res.status === 400 && /\$filter' is not supported/.test(res.json.error.message)) {
      t.skip('$filter is not implemented yet');
      return;
    }
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.value, []);
    const asA = await server.request('GET', `${customers(BIZ)}?$filter=${encodeURIComponent(`id eq '${aCustomers[0]}'`)}`, { token: tokenA });
    assert.equal(asA.json.value.length, 1);
  });

  it("$batch: B's inner requests for A's data all answer 404, and change nothing", async () => {
    const id = aCustomers[2]!;
    const inner = (p: string) => p.replace(/^\/v1\.0/, '');
    const res = await server.request('POST', '/v1.0/$batch', {
      token: tokenB,
      body: {
        requests: [
          { id: '1', method: 'GET', url: inner(bizPath(ONLY_A)) },
          { id: '2', method: 'GET', url: inner(`${customers(ONLY_A)}`) },
          { id: '3', method: 'PATCH', url: inner(`${customers(BIZ)}/${id}`), body: { displayName: 'Hijacked' }, headers: { 'content-type': 'application/json' } },
          { id: '4', method: 'DELETE', url: inner(`${customers(BIZ)}/${id}`) },
          { id: '5', method: 'POST', url: inner(customers(ONLY_A)), body: { displayName: 'Planted' }, headers: { 'content-type': 'application/json' } },
          { id: '6', method: 'GET', url: '/solutions/bookingBusinesses' },
        ],
      },
    });
    assert.equal(res.status, 200, res.text);
    const byId = new Map(res.json.responses.map((r: { id: string }) => [r.id, r]));
    for (const n of ['1', '2', '3', '4', '5']) assert.equal((byId.get(n) as { status: number }).status, 404, `request ${n}`);
    const list = byId.get('6') as { status: number; body: { value: Array<{ id: string }> } };
    assert.equal(list.status, 200);
    assert.ok(!list.body.value.some((b) => b.id.toLowerCase() === ONLY_A.toLowerCase()), `tenant A's business is not listed: ${JSON.stringify(list.body.value.map((b) => b.id))}`);
    await assertAUntouched();
  });

  it('$batch needs a token, and its inner requests keep the caller\'s permissions', async () => {
    const anonymous = await server.request('POST', '/v1.0/$batch', { anonymous: true, body: { requests: [{ id: '1', method: 'GET', url: '/solutions/bookingBusinesses' }] } });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.error.code, 'InvalidAuthenticationToken');
    const readOnly = await server.token({ tenantId: A, scopes: ['Bookings.Read.All'] });
    const res = await server.request('POST', '/v1.0/$batch', {
      token: readOnly,
      body: {
        requests: [
          { id: '1', method: 'GET', url: `/solutions/bookingBusinesses/${encodeURIComponent(BIZ)}/customers/$count` },
          { id: '2', method: 'DELETE', url: `/solutions/bookingBusinesses/${encodeURIComponent(BIZ)}/customers/${aCustomers[0]}` },
        ],
      },
    });
    assert.equal(res.json.responses[0].status, 200);
    assert.equal(res.json.responses[0].body, '3');
    assert.equal(res.json.responses[1].status, 403);
    assert.equal(res.json.responses[1].body.error.code, 'ErrorAccessDenied');
    await assertAUntouched();
  });

  it('the tenant comes from the token: the same tenant id in another case is the same tenant', async () => {
    const upper = await server.token({ tenantId: A.toUpperCase() });
    const res = await server.request('GET', `${customers(BIZ)}/$count`, { token: upper });
    assert.equal(res.text, '3');
  });

  it("deleting B's namesake business leaves A's business and customers alone", async () => {
    const tokenB = await namesakeTenant();
    assert.equal((await server.request('DELETE', bizPath(BIZ), { token: tokenB })).status, 204);
    assert.equal((await server.request('GET', bizPath(BIZ), { token: tokenB })).status, 404);
    await assertAUntouched();
  });

  it('a third tenant starts empty', async () => {
    const token = await server.token({ tenantId: 'cccccccc-0000-4000-8000-00000000000c' });
    const res = await server.request('GET', '/beta/solutions/bookingBusinesses', { token });
    assert.deepEqual(res.json.value, []);
  });
});
