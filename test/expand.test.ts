// $expand, which Graph's v1.0 list pages document: a business's customers inline, a page of them at a time.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  // A small page size, so that an expanded collection has a next page with few customers.
  server = await startServer({ defaultPageSize: 2 });
});
after(() => server.close());

async function businessWith(customers: number): Promise<{ id: string; path: string; names: string[] }> {
  const created = await server.request('POST', '/v1.0/solutions/bookingBusinesses', { body: { displayName: `Expand ${randomUUID()}` } });
  assert.equal(created.status, 201, 'business created');
  const path = `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(created.json.id)}`;
  const names: string[] = [];
  for (let i = 0; i < customers; i++) {
    const name = `Customer ${i}`;
    assert.equal((await server.request('POST', `${path}/customers`, { body: { displayName: name } })).status, 201, `customer ${i}`);
    names.push(name);
  }
  return { id: created.json.id, path, names };
}

describe('$expand', () => {
  it('GET a business with $expand=customers gives its customers inline, a page and a next link', async () => {
    const b = await businessWith(3);
    const res = await server.request('GET', `${b.path}?$expand=customers`);
    assert.equal(res.status, 200, `expanded get: ${res.text}`);
    assert.equal(res.json.customers.length, 2, 'one page of customers');
    assert.equal(res.json.customers[0]['@odata.type'], '#microsoft.graph.bookingCustomer', 'typed members');
    const next = res.json['customers@odata.nextLink'];
    assert.match(next, /\/customers\?\$skiptoken=/, 'a next link to the rest');
    const rest = await server.request('GET', next.replace(server.origin, ''));
    assert.equal(rest.status, 200, 'the next link works');
    const all = [...res.json.customers, ...rest.json.value].map((c: { displayName: string }) => c.displayName).sort();
    assert.deepEqual(all, b.names, 'together, every customer once');
  });

  it('the v1.0 business list takes $expand=customers (and *), each business with its own customers', async () => {
    const one = await businessWith(1);
    const none = await businessWith(0);
    for (const expand of ['customers', '*', 'Customers']) {
      const res = await server.request('GET', `/v1.0/solutions/bookingBusinesses?$expand=${expand}&$filter=id in ('${one.id}','${none.id}')&$top=10`);
      assert.equal(res.status, 200, `$expand=${expand}: ${res.text}`);
      const byId = new Map(res.json.value.map((b: { id: string }) => [b.id, b]));
      assert.deepEqual((byId.get(one.id) as any).customers.map((c: { displayName: string }) => c.displayName), ['Customer 0'], `${expand}: the customer of its business`);
      assert.deepEqual((byId.get(none.id) as any).customers, [], `${expand}: none for the other`);
      // The list's own properties plus what was expanded: customers, or with * every navigation of a business but
      // its views (calendarView lists only with its own start and end).
      const navigations = expand === '*' ? server.clientele.model.forVersion('v1.0').entityType('microsoft.graph.bookingBusiness').navigation.filter((n) => !n.view).map((n) => n.name) : ['customers'];
      assert.deepEqual(
        Object.keys(byId.get(none.id) as object).filter((k) => !k.startsWith('@')).sort(),
        ['id', 'displayName', ...navigations].sort(),
        `${expand}: still the list shape, with the expanded navigations`,
      );
    }
  });

  it('customers have nothing to expand: * is a no-op, a name is 400, options and paths are refused', async () => {
    const b = await businessWith(1);
    assert.equal((await server.request('GET', `${b.path}/customers?$expand=*`)).status, 200, '* on customers');
    for (const bad of ['nope', 'customers($top=1)', 'customers/x', '']) {
      const res = await server.request('GET', `${b.path}?$expand=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, `$expand=${bad} answers 400`);
      assert.equal(res.json.error.code, 'BadRequest', `$expand=${bad}: Graph's code`);
    }
    assert.equal((await server.request('GET', `${b.path}/customers/delta?$expand=x`)).status, 400, 'delta takes no $expand');
  });
});
